"""What an application answered cannot change under it: a call's form, frozen by its first submission.

A call's sections, questions and choices (`questions.py`) and the documents it asks for
(`documents.py`) are what its applicants were asked. Once an application to the call is submitted
(a withdrawn or decided one keeps its `submitted_at`), none of them may be added, changed, moved or
deleted, whoever asks: this module is the one guard, at every door.

- `FrozenAfterSubmission` (model mixin): a form's `clean` (a `ValidationError` next to the form),
  `save` and `delete` (the model's refusal);
- `FrozenQuerySet` (its manager): `update` (of the rows, and of the call they would be moved to),
  `delete` and `bulk_create`.

Each model says how its call is reached (`frozen_call_path`, `frozen_call()`), with which message
(`frozen_message`) and which exception a write raises (`frozen_refusal()`). A copy of the call
(programmes.call_copy) is the new version.
"""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models

from .programme import Call


def call_form_frozen(call) -> bool:
    """Whether an application of the call was ever submitted: its form can no longer change.

    Kept on the instance for the rest of the request (the admin asks it once per inline).
    """
    if call is None or call.pk is None:
        return False
    if not hasattr(call, "_form_frozen"):
        call._form_frozen = call.has_submissions()
    return call._form_frozen


def _frozen(calls) -> bool:
    return Call.objects.filter(pk__in=calls, applications__submitted_at__isnull=False).exists()


class FrozenQuerySet(models.QuerySet):
    """`update()`, `delete()` and `bulk_create()` refused when a row's call (or the call rows are moved
    to, or added to) has a submission, as `save()` and `delete()` are."""

    def update(self, **kwargs):
        self._refuse_if_frozen(self.order_by().values(self.model.frozen_call_path))
        target = self._target_call(kwargs)
        if target is not None:
            self._refuse_if_frozen([target])
        return super().update(**kwargs)

    def delete(self):
        self._refuse_if_frozen(self.order_by().values(self.model.frozen_call_path))
        return super().delete()

    # Kept off the manager, as Django's own `delete` is: `Question.objects.delete()` would empty the table.
    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        calls = set()
        for obj in objs:
            try:
                call = obj.frozen_call()
            except ObjectDoesNotExist:
                continue
            if call is not None:
                calls.add(call.pk)
        self._refuse_if_frozen(calls)
        return super().bulk_create(objs, *args, **kwargs)

    def _refuse_if_frozen(self, calls):
        if _frozen(calls):
            raise self.model.frozen_refusal()

    def _target_call(self, changes) -> int | None:
        """The call an `update()` moves rows to, if it moves them: straight (`call_id`) or through the
        row's parent (`question__call_id`: a choice moved to another question)."""
        parent, _separator, _rest = self.model.frozen_call_path.partition("__")
        if parent == "call_id":
            call = changes.get("call", changes.get("call_id"))
            return getattr(call, "pk", call)
        value = changes.get(parent, changes.get(f"{parent}_id"))
        if value is None:
            return None
        related = self.model._meta.get_field(parent).related_model
        return related._default_manager.filter(pk=getattr(value, "pk", value)).values_list("call_id", flat=True).first()


class FrozenAfterSubmission:
    """Model mixin: nothing is added, changed or deleted once the call has a submission (see the module)."""

    frozen_call_path = "call_id"
    frozen_message = ""
    frozen_code = "frozen"

    def frozen_call(self):
        return self.call

    @classmethod
    def frozen_refusal(cls) -> Exception:
        """What a write of a frozen row raises (a form's `clean` raises a `ValidationError` always)."""
        return ValidationError(cls.frozen_message, code=cls.frozen_code)

    def frozen_now(self) -> bool:
        try:
            call = self.frozen_call()
        except ObjectDoesNotExist:  # a form's row whose call is not set yet
            return False
        except AttributeError:  # a migration's historical model (below)
            return False
        # A migration's historical models have the mixin but not the models' own methods: a migration
        # moves data as it says (applications 0024 wrote the programmes' questions of submitted calls).
        has_submissions = getattr(call, "has_submissions", None)
        if call is None or call.pk is None or has_submissions is None:
            return False
        # Asked afresh (not the answer kept on the call for a page): a submission may have come since.
        return has_submissions()

    def clean(self):
        super().clean()
        if self.frozen_now():
            raise ValidationError(self.frozen_message, code=self.frozen_code)

    def save(self, *args, **kwargs):
        if self.frozen_now():
            raise self.frozen_refusal()
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.frozen_now():
            raise self.frozen_refusal()
        return super().delete(*args, **kwargs)
