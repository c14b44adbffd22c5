from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsortiaConfig(AppConfig):
    name = "consortia"
    verbose_name = _("Organisations and consortia")

    def ready(self):
        from . import checks  # noqa: F401  (registers the checks of stored regions)
