"""Writes on applications. Views, admin actions, tasks and commands call these."""

from django.db import transaction
from django.utils import timezone

from programmes.models import Call

from .models import Application, Status, StatusChange
from .workflow import check_move


def reference_allocate(*, call_id: int) -> str:
    """The next reference of a call, e.g. EXP-2026-0007: unique and gapless.

    Locks the call row, so two submissions at the same moment get two numbers
    one after the other. Must run inside the transaction that stores the reference.
    """
    call = (
        Call.objects.select_for_update().only("pk", "reference_prefix", "year", "last_reference_number").get(pk=call_id)
    )
    call.last_reference_number += 1
    call.save(update_fields=["last_reference_number"])
    return f"{call.reference_prefix}-{call.year}-{call.last_reference_number:04d}"


@transaction.atomic
def application_change_status(
    *, application: Application, to_status: str, by=None, note: str = "", at=None
) -> Application:
    """Move an application along the workflow table and record the move.

    The row is locked and re-read, so two staff members acting at once cannot
    both move it from the same status. Moving to "submitted" gives the
    application its reference and submission time.
    """
    at = at or timezone.now()
    locked = Application.objects.select_for_update().get(pk=application.pk)
    check_move(locked.status, to_status)
    from_status = locked.status
    locked.status = to_status
    fields = ["status", "updated_at"]
    if to_status == Status.SUBMITTED:
        locked.submitted_at = at
        fields.append("submitted_at")
        if not locked.reference:
            locked.reference = reference_allocate(call_id=locked.call_id)
            fields.append("reference")
    locked.save(update_fields=fields)
    StatusChange.objects.create(
        application=locked, from_status=from_status, to_status=to_status, changed_by=by, changed_at=at, note=note
    )
    for field in fields:
        setattr(application, field, getattr(locked, field))
    return application


@transaction.atomic
def application_create(*, call, title: str, consortium=None, organisation=None, by=None, **fields) -> Application:
    """Start a draft application and record its first status."""
    application = Application(
        call=call, consortium=consortium, organisation=organisation, title=title, created_by=by, **fields
    )
    application.full_clean(exclude=["reference"], validate_constraints=False)
    application.save()
    StatusChange.objects.create(
        application=application, from_status="", to_status=Status.DRAFT, changed_by=by, changed_at=timezone.now()
    )
    return application
