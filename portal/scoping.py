"""Agency scoping of the admin: staff see and change only their agency's objects.

Superusers see everything; a staff member without an agency sees nothing.
Each scoped admin names the path from its model to the agency.
"""

from django.contrib import admin
from django.db.models import Q, QuerySet

from portal.localization import LocalNumbersAdmin


def user_agency_id(user):
    return getattr(user, "agency_id", None)


def scope_queryset(queryset: QuerySet, user, path: str | Q | None) -> QuerySet:
    """Filter a queryset to the user's agency along `path` (a lookup or a function of the agency id)."""
    if user.is_superuser or path is None:
        return queryset
    agency_id = user_agency_id(user)
    if agency_id is None:
        return queryset.none()
    condition = path(agency_id) if callable(path) else Q(**{path: agency_id})
    return queryset.filter(pk__in=queryset.model._default_manager.filter(condition).values("pk"))


class AgencyScopedAdmin(LocalNumbersAdmin, admin.ModelAdmin):
    """A ModelAdmin whose list, change pages, actions and exports see only the user's agency."""

    agency_path: str | None = None
    # Foreign keys whose choices are limited to the user's agency: field name -> path from the related model.
    scoped_foreign_keys: dict[str, str] = {}

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user, self.agency_path)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        path = self.scoped_foreign_keys.get(db_field.name)
        if path is not None:
            queryset = kwargs.get("queryset") or db_field.related_model._default_manager.all()
            kwargs["queryset"] = scope_queryset(queryset, request.user, path)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AgencyScopedInline:
    """Mixin for inlines: rows of objects outside the user's agency are not shown."""

    agency_path: str | None = None

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user, self.agency_path)
