from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from .cache import redis_recovered
        from .figures import cache_recovered
        from .roles import sync_staff_groups

        post_migrate.connect(sync_staff_groups, dispatch_uid="portal-sync-staff-groups")
        redis_recovered.connect(cache_recovered, dispatch_uid="portal-figures-after-outage")
