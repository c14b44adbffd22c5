"""The audit history of an object in the admin: read-only, and scoped like the object itself.

django-simple-history records who changed money and status, and when. Its own admin
(SimpleHistoryAdmin) offers each old version as a form that saves it back ("revert"): that
write goes past every service (the call's budget lock, the de minimis ledger, the status
changes), and the version pages did not ask whether the object is one the user may see.
The portal does not use that admin. Every scoped admin inherits these pages instead
(`portal.scoping.AgencyScopedAdmin`), so a model given `HistoricalRecords` gets them by itself:

- `<id>/history/`: the versions, newest first, each with what changed, who and when;
- `<id>/history/<version>/`: one version, read-only, with what changed from the previous one.

Both find the object through the admin's own `get_object` (its scoped queryset): an object the
user may not see is "not found", as on its change page. The version page answers GET only:
nothing is ever written from the history. Models without simple-history keep Django's history
(the admin's log), found the same way.
"""

from django.contrib.admin.utils import display_for_field, unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

HISTORY_PER_PAGE = 50

# What a version records, in the portal's languages (simple-history's own labels are English only).
HISTORY_TYPES = {
    "+": pgettext_lazy("history", "Created"),
    "~": pgettext_lazy("history", "Changed"),
    "-": pgettext_lazy("history", "Deleted"),
}


def has_audit_history(model) -> bool:
    """Whether django-simple-history keeps versions of this model."""
    return hasattr(model._meta, "simple_history_manager_attribute")


def _history_manager(model):
    return getattr(model, model._meta.simple_history_manager_attribute)


def _tracked_fields(record):
    return [field for field in type(record).tracked_fields if not field.primary_key]


class _Values:
    """Shows the values of historical rows, fetching the objects their foreign keys name once per model."""

    def __init__(self, records, empty, related=None):
        """`related(model)`: the objects of a related model the page may name (others show as "#id")."""
        self.empty = empty
        related = related or (lambda model: model._base_manager.all())
        wanted = {}
        for record in records:
            for field in _tracked_fields(record):
                if isinstance(field, models.ForeignKey):
                    value = getattr(record, field.attname)
                    if value is not None:
                        wanted.setdefault(field.related_model, set()).add(value)
        self.objects = {model: related(model).in_bulk(list(pks)) for model, pks in wanted.items()}

    def show(self, field, record):
        value = getattr(record, field.attname)
        if value is None or value == "":
            return self.empty
        if isinstance(field, models.ForeignKey):
            related = self.objects.get(field.related_model, {}).get(value)
            # A deleted object, or one the user may not see, keeps its number in the history.
            return str(related) if related is not None else f"#{value}"
        if isinstance(field, models.DecimalField):
            return number_format(value, field.decimal_places, force_grouping=True)
        if isinstance(field, models.FileField):
            # Private files have no URL: the name is enough here.
            return str(value)
        return display_for_field(value, field, self.empty)


def _changes(newer, older, values):
    """(label, before, after) for every tracked field that differs between two versions."""
    if older is None:
        return []
    return [
        (capfirst(field.verbose_name), values.show(field, older), values.show(field, newer))
        for field in _tracked_fields(newer)
        if getattr(newer, field.attname) != getattr(older, field.attname)
    ]


def _who(record):
    user = record.history_user
    if user is None:
        return _("the system")
    return str(user)


class ReadOnlyHistoryMixin:
    """History pages for a ModelAdmin: scoped through get_object, read-only, with the changes of each version."""

    history_per_page = HISTORY_PER_PAGE

    def history_related(self, request, model):
        """The objects of a related model a history page may name; a scoped admin narrows them."""
        return model._base_manager.all()

    def get_urls(self):
        urls = super().get_urls()
        if not has_audit_history(self.model):
            return urls
        # Before the admin's own URLs: their "<id>/" catch-all would swallow this one.
        version = path(
            "<path:object_id>/history/<int:version_id>/",
            self.admin_site.admin_view(self.history_version_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_simple_history",
        )
        return [version, *urls]

    def _visible_object(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def history_view(self, request, object_id, extra_context=None):
        if not has_audit_history(self.model):
            return super().history_view(request, object_id, extra_context)
        obj = self._visible_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        records = (
            _history_manager(self.model)
            .filter(**{self.opts.pk.attname: obj.pk})
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
        )
        paginator = self.get_paginator(request, records, self.history_per_page)
        page = paginator.get_page(request.GET.get(PAGE_VAR, 1))
        shown = list(page.object_list)
        # The version just before the page's oldest one, for that one's changes.
        older = list(records.filter(history_id__lt=shown[-1].history_id)[:1]) if shown else []
        chain = shown + older
        values = _Values(chain, self.get_empty_value_display(), lambda model: self.history_related(request, model))
        rows = [
            {
                "record": record,
                "what": HISTORY_TYPES.get(record.history_type, record.history_type),
                "who": _who(record),
                "changes": _changes(record, chain[i + 1] if i + 1 < len(chain) else None, values),
            }
            for i, record in enumerate(shown)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %s") % obj,
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "rows": rows,
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "page_var": PAGE_VAR,
            "pagination_required": paginator.num_pages > 1,
            "version_url_name": f"admin:{self.opts.app_label}_{self.opts.model_name}_simple_history",
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/audit_history.html", context)

    def history_version_view(self, request, object_id, version_id):
        # Reverting is not offered: money and status change only through the services.
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        obj = self._visible_object(request, object_id)
        record = None
        if obj is not None:
            record = (
                _history_manager(self.model)
                .filter(**{self.opts.pk.attname: obj.pk, "history_id": version_id})
                .select_related("history_user")
                .first()
            )
        if record is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        # The version before, by id: two versions written in one transaction share their timestamp.
        previous = (
            _history_manager(self.model)
            .filter(**{self.opts.pk.attname: obj.pk, "history_id__lt": record.history_id})
            .select_related("history_user")
            .order_by("-history_id")
            .first()
        )
        chain = [record] if previous is None else [record, previous]
        values = _Values(chain, self.get_empty_value_display(), lambda model: self.history_related(request, model))
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(object)s as it was on %(date)s")
            % {"object": obj, "date": date_format(localtime(record.history_date), "DATETIME_FORMAT")},
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "record": record,
            "what": HISTORY_TYPES.get(record.history_type, record.history_type),
            "who": _who(record),
            "previous": previous,
            "changes": _changes(record, previous, values),
            "fields": [(capfirst(field.verbose_name), values.show(field, record)) for field in _tracked_fields(record)],
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/audit_version.html", context)
