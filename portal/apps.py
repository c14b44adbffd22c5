from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_staff_groups(sender, app_config=None, using="default", **kwargs):
    # After the last app's migrations every permission exists: bring the role
    # groups up to date with portal.roles (a migration created them first).
    if app_config is None or app_config.label != "applications":
        return
    from portal.roles import ensure_groups

    ensure_groups()


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        post_migrate.connect(_sync_staff_groups, dispatch_uid="portal-sync-staff-groups")
