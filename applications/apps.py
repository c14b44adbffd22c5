from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from portal.figures import counted_data_bumped
        from portal.scoping import withhold

        from .dashboard.cache import warm_after_bump
        from .decision_facts import decision_facts_backfill
        from .models import Application
        from .retention import protect
        from .review_summary import conflicted_applications

        protect()
        # A reviewer who declared a conflict of interest sees nothing of that application in the admin.
        withhold(Application, conflicted_applications)
        # After each write the dashboard counts, the worker rebuilds the views most opened.
        counted_data_bumped.connect(warm_after_bump, dispatch_uid="applications-dashboard-warm")
        # Decisions taken before their facts were kept get them once the schema is complete.
        post_migrate.connect(decision_facts_backfill, sender=self, dispatch_uid="applications-decision-facts")
