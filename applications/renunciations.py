"""After the decision: a grant renounced (whole or part) or revoked, and an application withdrawn.

Who may end an application, and from which status, is said once in `applications.workflow`
(`ENDINGS`, `may_end`, `check_end`); the pages ask it to show the door and these services ask it
again to open it. Each move runs in one transaction with the call and the application locked:
- the call's commitment falls (it is the granted amounts of approved and closed applications);
- the de minimis ledger is corrected with dated rows, never edited
  (`programmes.services.aid_corrections_record`), so the undertakings' headroom comes back;
- a partial renunciation lowers the granted amount, never below what was already paid;
- the status history says which move it was, why, the amounts, and which reserve application
  the money freed could fund (`decisions.next_reserve`), which staff are also shown after the move;
- the beneficiary's representatives are told by e-mail (the outbox, sent after the commit).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consortia.selectors import acts_for, people_acting_for
from portal.figures import counted_data_changed
from portal.money import format_eur, to_cents
from portal.notifications import notify
from programmes.models import Call
from programmes.services import aid_corrections_record

from .decisions import next_reserve
from .models import Application, Status, StatusChange
from .post_award import paid_amount
from .submission import SubmissionRefused, application_change_status
from .workflow import APPLICANT, RENOUNCE, REVOKE, STAFF, WITHDRAW, EndingRefused, check_end

ZERO = Decimal("0.00")


@dataclass
class GrantEnded:
    """What a renunciation or revocation did: the application, the money freed on the call, and the
    reserve application that money could fund (None if none fits)."""

    application: Application
    freed: Decimal
    next_reserve: Application | None

    @property
    def whole(self) -> bool:
        return self.application.status == Status.WITHDRAWN


def actor_for(application, user) -> str | None:
    """STAFF for the staff of the application's agency (and superusers), APPLICANT for the people who act
    for the beneficiary (the company, or the consortium's lead), None for anyone else."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser or (user.is_staff and user.agency_id == application.call.programme.agency_id):
        return STAFF
    organisation_id = application.acting_organisation_id
    if organisation_id is not None and acts_for(user, organisation_id):
        return APPLICANT
    return None


def _locked(application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call__programme__agency", "organisation", "consortium")
        .get(pk=application.pk)
    )


def _actor(application, by, as_staff: bool | None) -> str:
    actor = actor_for(application, by)
    if (as_staff is True and actor != STAFF) or (as_staff is False and actor != APPLICANT):
        actor = None
    if actor is None:
        raise EndingRefused(_("You do not act for this application."), code="not_allowed")
    return actor


def renunciation_check(*, application, amount: Decimal | None = None, way: str = RENOUNCE) -> Decimal:
    """The amount the grant would keep (0.00 for a whole renunciation or a revocation), or a refusal saying why not.

    Reads only: the pages ask it before the confirmation step, the service asks it again under the
    locks. `amount` is the granted amount the beneficiary keeps (None or 0: the whole grant is given up).
    """
    granted = to_cents(application.granted_amount or 0)
    new = to_cents(amount or 0)
    if new < 0:
        raise EndingRefused(_("The amount kept cannot be negative."), field="amount")
    if new >= granted:
        raise EndingRefused(
            _("The amount kept must be below the granted %(granted)s.") % {"granted": format_eur(granted)},
            field="amount",
        )
    paid = paid_amount(application)
    if new < paid and way == REVOKE:
        raise EndingRefused(
            _("%(paid)s of this grant was already paid: a grant with payments cannot be revoked.")
            % {"paid": format_eur(paid)},
            code="below_paid",
        )
    if new < paid:
        if new == 0:
            message = _(
                "%(paid)s of this grant was already paid: the grant cannot be given up below that. "
                "Renounce a part of it instead, keeping at least %(paid)s."
            )
        else:
            message = _("%(paid)s of this grant was already paid: keep at least %(paid)s.")
        raise EndingRefused(message % {"paid": format_eur(paid)}, field="amount", code="below_paid")
    return new


def grant_renounce(*, application, by, reason: str, amount: Decimal | None = None, as_staff=None) -> GrantEnded:
    """The beneficiary renounces its grant: the whole of it (`amount` None or 0), or a part, keeping `amount`.

    Made by a representative of the beneficiary on the portal, or recorded by the agency's staff
    (`by` decides which; `as_staff` True or False insists on one). Refused before the approval and after
    the closing, without a reason, or below what was already paid.
    """
    return _grant_end(application=application, by=by, way=RENOUNCE, reason=reason, amount=amount, as_staff=as_staff)


def grant_revoke(*, application, by, reason: str) -> GrantEnded:
    """The agency revokes an approved grant, giving the reason the beneficiary is told.

    Only the agency's staff; refused when something of the grant was already paid.
    """
    return _grant_end(application=application, by=by, way=REVOKE, reason=reason, amount=None, as_staff=None)


def _grant_end(*, application, by, way, reason, amount, as_staff) -> GrantEnded:
    reason = (reason or "").strip()
    with transaction.atomic():
        # The call first, as approvals do: what is freed and what the reserve list may take are read under one lock.
        call = Call.objects.select_for_update().get(pk=application.call_id)
        locked = _locked(application)
        actor = _actor(locked, by, as_staff)
        check_end(way, locked.status, actor=actor)
        if not reason:
            raise EndingRefused(
                _("Say why the grant is revoked: the beneficiary is told.")
                if way == REVOKE
                else _("Say why the grant is renounced."),
                field="reason",
            )
        granted = to_cents(locked.granted_amount or 0)
        new = renunciation_check(application=locked, amount=None if way == REVOKE else amount, way=way)
        agency_zone = locked.call.programme.agency.tzinfo
        today = timezone.localdate(timezone=agency_zone)
        if way == REVOKE:
            what = _("Grant revoked by the agency.")
        elif new == 0:
            what = _("Grant renounced by the beneficiary.")
        else:
            what = _("Grant partly renounced by the beneficiary: %(before)s → %(after)s.") % {
                "before": format_eur(granted),
                "after": format_eur(new),
            }
        note = f"{what} {reason}"
        if new == 0:
            application_change_status(application=locked, to_status=Status.WITHDRAWN, by=by, note=note)
            change = locked.status_changes.order_by("-changed_at", "-pk").first()
        else:
            locked.granted_amount = new
            locked.save(update_fields=["granted_amount", "updated_at"])
            change = StatusChange.objects.create(
                application=locked,
                from_status=Status.APPROVED,
                to_status=Status.APPROVED,
                changed_by=by,
                changed_at=timezone.now(),
                note=note,
            )
            counted_data_changed()
        change.amount_before, change.amount_after = granted, new
        aid_corrections_record(application=locked, granted=granted, new_amount=new, on=today, note=note[:300])
        freed = to_cents(granted - new)
        # Staff read the proposal in the history; the beneficiary's page does not show it (another applicant's).
        change.proposed_next = proposal = next_reserve(call)
        change.save(update_fields=["amount_before", "amount_after", "proposed_next"])
        _notify_beneficiary(locked, way=way, whole=new == 0, kept=new, reason=reason, change=change)
    return GrantEnded(application=locked, freed=freed, next_reserve=proposal)


def _notify_beneficiary(application, *, way, whole, kept, reason, change):
    organisation_id = application.acting_organisation_id
    if organisation_id is None:
        return
    for representative in people_acting_for(organisation_id):
        notify(
            user=representative,
            template="applications/email/grant_ended",
            context={
                "application": application,
                "way": way,
                "whole": whole,
                "kept": kept,
                "reason": reason,
            },
            key=f"grant-{way}:{change.pk}:{representative.pk}",
        )


@transaction.atomic
def application_withdraw(*, application, by, note="", as_staff=False) -> Application:
    """Withdraw an application, as the workflow's rule on endings lets the actor (`workflow.may_end`).

    The applicant withdraws before a decision; the agency's staff (`as_staff`: the move is made in
    the administration) may also record a withdrawal from the reserve list. An approved grant is not
    simply withdrawn: for staff the call takes the path of a revocation (`grant_revoke`, `note` its
    reason), which frees the money and corrects the ledger. Raises SubmissionRefused, saying why,
    when the actor may not withdraw it now.
    """
    # The call first, as approvals and the ends of a grant lock it; then the application alone. A
    # draft is locked alone, as its submission locks it before the call's counter (the other order
    # would deadlock with a submission pressed in another tab); a draft has no grant to revoke.
    if not Application.objects.filter(pk=application.pk, status=Status.DRAFT).exists():
        Call.objects.select_for_update().filter(pk=application.call_id).values_list("pk").first()
    locked = (
        Application.objects.select_for_update(of=("self",)).select_related("call__programme").get(pk=application.pk)
    )
    if as_staff and locked.status == Status.APPROVED:
        try:
            return grant_revoke(application=locked, by=by, reason=note).application
        except EndingRefused as refusal:
            raise SubmissionRefused([refusal.message]) from refusal
    try:
        check_end(WITHDRAW, locked.status, actor=STAFF if as_staff else APPLICANT)
    except EndingRefused as refusal:
        raise SubmissionRefused([refusal.message]) from refusal
    return application_change_status(application=locked, to_status=Status.WITHDRAWN, by=by, note=note)
