from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from portal.figures import counted_data_bumped
        from portal.scoping import withhold

        from .dashboard.cache import warm_after_bump
        from .models import Application
        from .retention import protect
        from .review_summary import conflicted_applications

        protect()
        # A reviewer who declared a conflict of interest sees nothing of that application in the admin.
        withhold(Application, conflicted_applications)
        # After each write the dashboard counts, the worker rebuilds the views most opened.
        counted_data_bumped.connect(warm_after_bump, dispatch_uid="applications-dashboard-warm")
