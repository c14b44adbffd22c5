"""A save writes what it changed, not the whole row as it was read.

Django's `Model.save()` writes every column of the row from the instance. An instance read before
another request changed the row writes back what it read: an admin page opened on an application,
then saved while the applicant submitted it or a manager approved it, put back the status, the
reference, the amounts; a call's page saved while applicants submitted put back its reference
counter, and every later submission to the call collided with a reference already given.

Models whose rows several doors change inherit `SavesWhatChanged`. A save of a row read from the
database (or saved once already) writes only the fields whose value differs from what was read,
and the `auto_now` fields; a row read with some fields deferred writes none of those it did not
read. The fields it does not write are read again first, so the copy, and the history recorded from
it, hold the row as stored. A save with `update_fields` writes what it names, and a new row is
inserted whole. A row deleted meanwhile is not written again: the save raises instead.

What this does not do: decide whether the change may be made (a door that changes a row only in
some state, a draft or a report still due, reads it under its lock first, as the services do), or
merge two people's edits of one field (a field a page posts, changed there, is written as posted).
"""

import json

from django.db.models.fields.files import FieldFile


def _as_kept(value):
    """A value as kept for comparing later: a file by its name; a JSON list or object by its text
    (a copy of its own, so a change made in place shows; writing it out is cheaper than copying)."""
    if isinstance(value, FieldFile):
        return value.name
    if isinstance(value, (dict, list)):
        return ("json", json.dumps(value, sort_keys=True, default=str))
    return value


class SavesWhatChanged:
    """Mixin for a model: the fields as read (or as last saved) are kept, and a save writes those
    that changed since (see the module)."""

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._as_read = {name: _as_kept(value) for name, value in zip(field_names, values, strict=True)}
        return instance

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        self._keep_as_stored(None if fields is None else set(fields))

    def fields_changed(self) -> list[str]:
        """The names of the fields to write: changed since read, or set by the save itself (`auto_now`)."""
        as_read = getattr(self, "_as_read", None)
        deferred = self.get_deferred_fields()
        changed = []
        for field in self._meta.concrete_fields:
            if field.primary_key or field.attname in deferred:
                continue
            if (
                as_read is None
                or getattr(field, "auto_now", False)
                or field.attname not in as_read
                or _as_kept(getattr(self, field.attname)) != as_read[field.attname]
            ):
                changed.append(field.name)
        return changed

    def save(self, *args, **kwargs):
        if (
            not args
            and kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
            and not self._state.adding
            and getattr(self, "_as_read", None) is not None
        ):
            # A related object saved since it was set gives its key now (as Django's save does next).
            self._prepare_related_fields_for_save(operation_name="save")
            changed = self.fields_changed()
            kwargs["update_fields"] = changed
            if changed:
                # The fields not written are read again: the instance, and the history recorded from
                # it, are then the row as stored, not what it held when this copy was read.
                deferred = self.get_deferred_fields()
                unwritten = [
                    f.attname
                    for f in self._meta.concrete_fields
                    if not f.primary_key and f.name not in changed and f.attname not in deferred
                ]
                if unwritten:
                    self.refresh_from_db(fields=unwritten)
        written = kwargs.get("update_fields")
        super().save(*args, **kwargs)
        self._keep_as_stored(None if written is None else set(written))

    def _keep_as_stored(self, names: set[str] | None) -> None:
        """The fields `names` (None: every field read) are now as stored; a field changed and not
        written stays changed. A copy never read whole keeps nothing: its next save writes the row."""
        now = self._values_now()
        if names is None:
            self._as_read = now
            return
        as_read = getattr(self, "_as_read", None)
        if as_read is None:
            return
        self._as_read = {
            **as_read,
            **{
                f.attname: now[f.attname]
                for f in self._meta.concrete_fields
                if (f.name in names or f.attname in names) and f.attname in now
            },
        }

    def _values_now(self) -> dict:
        deferred = self.get_deferred_fields()
        return {
            field.attname: _as_kept(getattr(self, field.attname))
            for field in self._meta.concrete_fields
            if field.attname not in deferred
        }
