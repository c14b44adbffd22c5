"""Agency scoping of the admin: staff see, choose and change only their agency's objects.

Superusers see everything; a staff member without an agency sees nothing.
Each scoped admin names the path from its model to the agency (`agency_path`); the rest
follows from it, in this base, for every admin that inherits it:

- its lists, change pages, actions and exports (`get_queryset`);
- every related choice on its pages: the foreign-key and many-to-many fields of its form,
  of its inlines' forms (any inline, scoped or not) and of its list's editable rows are limited
  to what the staff member may see of the related model (`related_scope`: the related model's
  own scoped admin, else a path through one of its foreign keys; users are the agency's staff).
  A forged POST naming another agency's object gets the form's "not one of the available
  choices" next to the field;
- the choices of its list filters on related fields;
- autocompletes and raw-id pop-ups answer from the related model's own admin, scoped above;
- the audit history, read-only and found like the change page (`portal.admin_history`);
- files in private storage, which have no URL, shown read-only as a link to the view that
  checks who downloads them (`private_file_urls`);
- rows withheld from some users within their own agency (`withhold`: a reviewer's conflict of
  interest withholds the application and everything that reaches it through foreign keys): absent
  from lists, inlines, choices, filters, autocompletes and exports, "not found" on their pages;
- the dashboard's figures: every save (with its inline rows), delete and bulk delete on its
  pages says the counted data changed (`portal.figures`), fresh once the admin's transaction
  commits. What an admin writes through a service (an action, a page of its own) is said by
  that service.
"""

import copy
import functools
from collections.abc import Callable

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from .admin_history import ReadOnlyHistoryMixin
from .figures import counted_data_changed
from .localization import LocalNumbersAdmin


def user_agency_id(user):
    return getattr(user, "agency_id", None)


def _condition(path, agency_id) -> Q:
    return path(agency_id) if callable(path) else Q(**{path: agency_id})


# Rows withheld from a user even within their agency: model -> function(user) giving the primary keys
# of the rows of that model the user may not see (a queryset of one column), or None for none.
# An upper app registers its own (applications: the applications a reviewer declared a conflict on).
_WITHHELD: dict[type, Callable] = {}
# How far foreign keys are followed from a model to a withheld one (an expense's invoice's application).
_WITHHELD_DEPTH = 3


def withhold(model, rows_of: Callable) -> None:
    """Withhold rows of `model` from some users: `rows_of(user)` gives their primary keys (or None).

    Every scoped page then leaves out those rows and every row that reaches one of them through
    foreign keys: lists, change and history pages, inlines, related choices, filters,
    autocompletes and exports.
    """
    _WITHHELD[model._meta.concrete_model] = rows_of
    _withheld_paths.cache_clear()


@functools.cache
def _withheld_paths(model) -> tuple[tuple[str, type], ...]:
    """Each lookup path from `model` to a withheld model through foreign keys, and that model."""
    user_model = get_user_model()
    paths = []

    def walk(current, prefix, seen):
        concrete = current._meta.concrete_model
        if concrete in _WITHHELD:
            paths.append((f"{prefix}pk" if prefix else "pk", concrete))
        if len(seen) > _WITHHELD_DEPTH:
            return
        for field in concrete._meta.concrete_fields:
            if not isinstance(field, models.ForeignKey) or issubclass(field.related_model, user_model):
                continue
            related = field.related_model._meta.concrete_model
            if related not in seen:
                walk(related, f"{prefix}{field.name}__", seen | {related})

    walk(model, "", frozenset({model._meta.concrete_model}))
    return tuple(paths)


def withheld_excluded(queryset: QuerySet, user) -> QuerySet:
    """Leave out of `queryset` the rows withheld from `user` and those that reach them."""
    if not _WITHHELD or user is None or not getattr(user, "pk", None):
        return queryset
    for lookup, model in _withheld_paths(queryset.model):
        rows = _WITHHELD[model](user)
        if rows is not None:
            queryset = queryset.exclude(**{f"{lookup}__in": rows})
    return queryset


def scope_queryset(queryset: QuerySet, user, path: str | Q | None) -> QuerySet:
    """Filter a queryset to the user's agency along `path` (a lookup or a function of the agency id).

    Rows withheld from the user (`withhold`) are left out, whatever the agency.
    """
    queryset = withheld_excluded(queryset, user)
    if user.is_superuser or path is None:
        return queryset
    agency_id = user_agency_id(user)
    if agency_id is None:
        return queryset.none()
    condition = _condition(path, agency_id)
    return queryset.filter(pk__in=queryset.model._default_manager.filter(condition).values("pk"))


def staff_of_agency(agency_id) -> Q:
    """The users a scoped page may name (who recorded, coordinates, tutors): the agency's staff."""
    return Q(agency=agency_id, is_staff=True)


def _through(field_name, related_model, path):
    def condition(agency_id):
        return Q(**{f"{field_name}__in": related_model._default_manager.filter(_condition(path, agency_id))})

    return condition


def related_scope(model, admin_site=None, _depth=0):
    """The path from `model` to the agency, for choices of it offered on a scoped page; None if it has none.

    A model registered with a scoped admin is scoped by that admin's `agency_path`; users are
    the agency's staff; any other model by a required foreign key to a scoped model (a meeting's
    attendance through its formation). Models with no such path (groups, content types) are
    not agency data.
    """
    admin_site = admin_site or admin.site
    registered = admin_site._registry.get(model)
    if isinstance(registered, AgencyScopedAdmin):
        return registered.agency_path
    user_model = get_user_model()
    if issubclass(model, user_model):
        return staff_of_agency
    if _depth < 2:
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.ForeignKey) or field.null or issubclass(field.related_model, user_model):
                continue
            path = related_scope(field.related_model, admin_site, _depth + 1)
            if path is not None:
                return _through(field.name, field.related_model, path)
    return None


def scope_field(field, name, request, admin_site, overrides=None):
    """Limit one model choice field to what the user may see (the queryset of other fields is left alone).

    `overrides` maps a field name to its own path from the related model, where the choice is
    scoped otherwise than the related model's admin (the companies of the agency's region).
    """
    queryset = getattr(field, "queryset", None)
    if field is None or queryset is None or getattr(field, "agency_scoped", False) or request.user.is_superuser:
        return field
    path = (overrides or {}).get(name) or related_scope(queryset.model, admin_site)
    if path is not None:
        field.queryset = scope_queryset(queryset, request.user, path)
    field.agency_scoped = True
    return field


def scope_choices(form_class, request, admin_site, overrides=None):
    """Limit every model choice of a form class to what the user may see; returns the class.

    Form classes built by the admin are made per request, but a field the admin's form class
    declares itself is the same object in each of them: it is copied before it is narrowed, so one
    user's choices never stick to the form of the next.
    """
    for name, field in list(form_class.base_fields.items()):
        if getattr(field, "queryset", None) is not None and not getattr(field, "agency_scoped", False):
            field = form_class.base_fields[name] = copy.deepcopy(field)
        scope_field(field, name, request, admin_site, overrides)
    return form_class


def _scoped_condition(field, request, admin_site) -> Q:
    path = related_scope(field.related_model, admin_site)
    limit = field.get_limit_choices_to() if hasattr(field, "get_limit_choices_to") else field.limit_choices_to
    limit = Q(**limit) if isinstance(limit, dict) else (limit or Q())
    if path is None or request.user.is_superuser:
        return limit
    visible = scope_queryset(field.related_model._default_manager.all(), request.user, path)
    return limit & Q(pk__in=visible.values("pk"))


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A related-field filter offering only the related objects the user may see."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        condition = _scoped_condition(field, request, model_admin.admin_site)
        return field.get_choices(include_blank=False, limit_choices_to=condition, ordering=ordering)


class ScopedRelatedOnlyFieldListFilter(admin.RelatedOnlyFieldListFilter):
    def field_choices(self, field, request, model_admin):
        used = model_admin.get_queryset(request).distinct().values_list(f"{self.field_path}__pk", flat=True)
        ordering = self.field_admin_ordering(field, request, model_admin)
        condition = _scoped_condition(field, request, model_admin.admin_site) & Q(pk__in=used)
        return field.get_choices(include_blank=False, limit_choices_to=condition, ordering=ordering)


_SCOPED_FILTERS = {
    admin.RelatedFieldListFilter: ScopedRelatedFieldListFilter,
    admin.RelatedOnlyFieldListFilter: ScopedRelatedOnlyFieldListFilter,
}


def _has_private_storage(field) -> bool:
    # The private storage has no base URL: asking a file for its URL raises.
    return isinstance(field, models.FileField) and getattr(field.storage, "base_url", "") is None


def _download_name(field_name):
    return f"{field_name}_download"


class AgencyScopedAdmin(ReadOnlyHistoryMixin, LocalNumbersAdmin, admin.ModelAdmin):
    """A ModelAdmin whose pages see, offer and change only the user's agency's objects (see the module)."""

    agency_path: str | None = None
    # Related choices scoped otherwise than by the related model's own admin: field name -> path
    # from the related model (inlines may declare theirs too).
    scoped_foreign_keys: dict = {}
    # Files in private storage: field name -> URL name of the view that checks and sends them (takes the pk).
    private_file_urls: dict[str, str] = {}

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self._private_files = [f.name for f in model._meta.fields if _has_private_storage(f)]
        for name in self._private_files:
            setattr(self, _download_name(name), self._file_link(model._meta.get_field(name)))

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user, self.agency_path)

    # --- the dashboard's figures ---

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        counted_data_changed()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        counted_data_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        counted_data_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        counted_data_changed()

    def history_related(self, request, model):
        # An old version may point at another agency's object (moved since): its name is not shown.
        # People are named as they were (who accepted, who recorded), whatever their agency.
        if model is get_user_model():
            return model._base_manager.all()
        return scope_queryset(model._base_manager.all(), request.user, related_scope(model, self.admin_site))

    # --- related choices ---

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return scope_field(field, db_field.name, request, self.admin_site, self.scoped_foreign_keys)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return scope_field(field, db_field.name, request, self.admin_site, self.scoped_foreign_keys)

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The fields the form declares itself are not made by the two methods above.
        form = super().get_form(request, obj, change=change, **kwargs)
        return scope_choices(form, request, self.admin_site, self.scoped_foreign_keys)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        # Any inline, scoped or not, leaves out the rows withheld from the user (an aid award of a
        # conflicted application on an organisation's page).
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if "queryset" in kwargs:
            kwargs["queryset"] = withheld_excluded(kwargs["queryset"], request.user)
        return kwargs

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            scope_choices(formset.form, request, self.admin_site, getattr(inline, "scoped_foreign_keys", None))
            yield formset, inline

    def get_changelist_form(self, request, **kwargs):
        form = super().get_changelist_form(request, **kwargs)
        return scope_choices(form, request, self.admin_site, self.scoped_foreign_keys)

    def get_list_filter(self, request):
        scoped = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str):
                field = get_fields_from_path(self.model, entry)[-1]
                if field.is_relation:
                    entry = (entry, ScopedRelatedFieldListFilter)
            elif isinstance(entry, (tuple, list)) and entry[1] in _SCOPED_FILTERS:
                entry = (entry[0], _SCOPED_FILTERS[entry[1]])
            scoped.append(entry)
        return scoped

    # --- private files ---

    def _file_link(self, field):
        url_name = self.private_file_urls.get(field.name)

        def link(obj):
            value = getattr(obj, field.name)
            if not value:
                return self.get_empty_value_display()
            label = value.name.rsplit("/", 1)[-1]
            if url_name is None or obj.pk is None:
                return label
            return format_html('<a href="{}">{}</a>', reverse(url_name, args=[obj.pk]), label)

        link.short_description = capfirst(field.verbose_name)
        return link

    def get_fieldsets(self, request, obj=None):
        # A private file is read-only, shown as a link: the admin's own widget and read-only
        # display ask the file for its URL. Uploads go through the services that check the content.
        fieldsets = super().get_fieldsets(request, obj)
        if not self._private_files:
            return fieldsets
        swap = {name: _download_name(name) for name in self._private_files}

        def replace(fields):
            replaced = []
            for field in fields:
                field = tuple(replace(field)) if isinstance(field, (tuple, list)) else swap.get(field, field)
                if field not in replaced:
                    replaced.append(field)
            return replaced

        return [(name, {**options, "fields": replace(options["fields"])}) for name, options in fieldsets]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + [_download_name(name) for name in self._private_files if _download_name(name) not in readonly]


class AgencyScopedInline:
    """Mixin for inlines: rows of objects outside the user's agency are not shown."""

    agency_path: str | None = None

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user, self.agency_path)
