from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsortiaConfig(AppConfig):
    name = "consortia"
    verbose_name = _("Organisations and consortia")
