from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes and calls")

    def ready(self):
        from portal.notifications import add_email_context

        from .models.emails import wording_for

        add_email_context(wording_for)

        from . import checks  # noqa: F401  (registers the check of the agencies' stored regions)
