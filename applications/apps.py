from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from portal.scoping import withhold

        from .models import Application
        from .retention import protect
        from .review_summary import conflicted_applications

        protect()
        # A reviewer who declared a conflict of interest sees nothing of that application in the admin.
        withhold(Application, conflicted_applications)
