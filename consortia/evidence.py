"""The evidence of a consortium's stage (seed 000): its members' first joint promotion action.

A consortium is in *initiation* until its members have promoted themselves abroad together. The
portal does not take that as a checkbox read again every day: the consortium records its first
joint promotion action, with its date and what it was ("Joint stand at a trade fair in
Düsseldorf"), and staff can check it. The stage on a day counts the action only from its date
(consortia.stages), so recording in 2027 an action of 2027 leaves the 2016 stage as it was.

Who writes it: the consortium's representatives on the portal (those who act for its lead) while
it is not checked, and never to a later date than the one recorded (that would raise the cap on
past days), and staff in the administration at any time. Staff check it (who and when are
kept); a checked record is the staff's to change, and changing it takes the check away.

A recorded action counts for the stage whether or not staff have checked it. Recording one can
only lower the consortium's cap (initiation has the highest), so the applicant's own record needs
no check to count against it; waiting for a check would let an unchecked record keep the higher
cap. The check is how staff confirm the record is true (and what the decision rested on).

`Consortium.has_joint_actions` follows from the record; these functions are the only ones to
write it (a database constraint keeps the two together).
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.figures import counted_data_changed
from portal.refusals import Refused

from .models import Consortium
from .selectors import acts_for

# Where a joint action recorded before the portal kept the evidence comes from (migration 0007).
RECORDED_BEFORE_EVIDENCE = "Recorded before evidence was kept"


class EvidenceRefused(Refused):
    """The first joint action cannot be recorded or checked; the message says why (and next to which field)."""


def _is_staff(user) -> bool:
    return bool(user is not None and user.is_active and user.is_staff)


def can_record_joint_action(user, consortium: Consortium) -> bool:
    """Whether the user may record (or correct) the consortium's first joint action now."""
    if _is_staff(user):
        return True
    if consortium.first_joint_action_checked_at is not None:
        return False
    return consortium.lead_id is not None and acts_for(user, consortium.lead_id)


def _lock(consortium: Consortium) -> Consortium:
    return Consortium.objects.select_for_update().get(pk=consortium.pk)


def _adopt(consortium: Consortium, locked: Consortium) -> Consortium:
    for name in ("has_joint_actions", *EVIDENCE_FIELDS):
        setattr(consortium, name, getattr(locked, name))
    return consortium


EVIDENCE_FIELDS = (
    "first_joint_action_on",
    "first_joint_action",
    "first_joint_action_recorded_by",
    "first_joint_action_checked_by",
    "first_joint_action_checked_at",
)


def joint_action_clean(*, on: date | None, description: str) -> tuple[date, str]:
    """The date and description of a first joint action, or the refusal of each, next to its field."""
    description = (description or "").strip()
    errors = {}
    if on is None:
        errors["first_joint_action_on"] = [_("Give the date of the members' first joint promotion action.")]
    elif on > timezone.localdate():
        errors["first_joint_action_on"] = [_("The first joint action cannot be dated in the future.")]
    if not description:
        errors["first_joint_action"] = [_("Say what the members did together (e.g. a joint stand at a fair).")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise EvidenceRefused(first, field=next(iter(errors)), errors=errors)
    return on, description


@transaction.atomic
def consortium_joint_action_record(*, by, consortium: Consortium, on: date, description: str) -> Consortium:
    """Record the members' first joint promotion action: its date and what it was.

    By one of the consortium's representatives (while staff have not checked the record) or by
    staff. A record that changes loses its check. The stage counts the action from its date.
    """
    on, description = joint_action_clean(on=on, description=description)
    locked = _lock(consortium)
    if not can_record_joint_action(by, locked):
        if locked.first_joint_action_checked_at is not None:
            raise EvidenceRefused(
                _("Staff have checked the first joint action: ask the agency to correct it."),
                field="first_joint_action_on",
            )
        raise EvidenceRefused(_("Only the consortium's representatives or staff can record its joint actions."))
    if not _is_staff(by) and locked.first_joint_action_on is not None and on > locked.first_joint_action_on:
        # A later date would put the consortium back in an earlier stage, with a higher cap, on past days.
        raise EvidenceRefused(
            _(
                "A recorded first joint action can be moved only to an earlier date: a later one would change "
                "the consortium's stage on past days. Ask the agency to correct it."
            ),
            field="first_joint_action_on",
        )
    changed = (locked.first_joint_action_on, locked.first_joint_action) != (on, description)
    locked.first_joint_action_on = on
    locked.first_joint_action = description
    locked.has_joint_actions = True
    if changed:
        locked.first_joint_action_recorded_by = by
        locked.first_joint_action_checked_by = None
        locked.first_joint_action_checked_at = None
    locked.save(update_fields=["has_joint_actions", *EVIDENCE_FIELDS])
    counted_data_changed()
    return _adopt(consortium, locked)


@transaction.atomic
def consortium_joint_action_check(*, by, consortium: Consortium) -> Consortium:
    """Staff confirm the recorded first joint action (who and when are kept)."""
    if not _is_staff(by):
        raise EvidenceRefused(_("Only staff can check a consortium's joint actions."))
    locked = _lock(consortium)
    if locked.first_joint_action_on is None:
        raise EvidenceRefused(_("No joint action is recorded: there is nothing to check."))
    if locked.first_joint_action_checked_at is None:
        locked.first_joint_action_checked_by = by
        locked.first_joint_action_checked_at = timezone.now()
        locked.save(update_fields=["first_joint_action_checked_by", "first_joint_action_checked_at"])
    return _adopt(consortium, locked)


@transaction.atomic
def consortium_joint_action_clear(*, by, consortium: Consortium) -> Consortium:
    """Staff remove a first joint action recorded by mistake: the consortium has none again."""
    if not _is_staff(by):
        raise EvidenceRefused(_("Only staff can remove a consortium's recorded joint action."))
    locked = _lock(consortium)
    locked.has_joint_actions = False
    locked.first_joint_action_on = None
    locked.first_joint_action = ""
    locked.first_joint_action_recorded_by = by
    locked.first_joint_action_checked_by = None
    locked.first_joint_action_checked_at = None
    locked.save(update_fields=["has_joint_actions", *EVIDENCE_FIELDS])
    counted_data_changed()
    return _adopt(consortium, locked)
