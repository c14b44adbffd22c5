"""Staff decisions on applications: review, clarification, approval within the budget, reserve, rejection.

Every function moves the application through `application_change_status`
(transition table, StatusChange row) and notifies the applicant, all in one
transaction. Approving locks the call row first, so committed money can never
exceed the call's budget, whatever the number of staff deciding at once.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consortia.selectors import people_acting_for
from portal.money import to_cents
from portal.notifications import notify
from portal.refusals import Refused
from programmes.models import Call
from programmes.rules import evaluate_application
from programmes.services import AidSplitRefused, aid_awards_record

from .beneficiary_reports import project_reports_schedule
from .budgets import COMMITTED as COMMITTED  # money committed: named here too for older callers
from .budgets import above_envelope_message, call_committed, call_remaining, programme_year_grants
from .decision_facts import decision_facts_freeze
from .models import Application, Status
from .post_award import operation_close
from .review_summary import conflict_check, override_note, review_gate
from .submission import application_change_status


class DecisionRefused(Refused):
    """The decision cannot be taken; the message says why."""


def _programme_year_check(call, amount: Decimal) -> None:
    """After the call's lock: lock the programme-year the call draws from (if it has a budget) and
    refuse an amount above what is left of its grants line. Same lock order everywhere: call, then
    programme-year (applications/budgets.py)."""
    envelope = programme_year_grants(call, lock=True)
    if envelope is not None and amount > envelope.remaining:
        raise DecisionRefused(above_envelope_message(amount=amount, envelope=envelope), code="above_envelope")


def _notify_applicant(application, template, **context):
    organisation_id = application.acting_organisation_id
    if organisation_id is None:
        return
    for representative in people_acting_for(organisation_id):
        notify(
            user=representative,
            template=f"applications/email/{template}",
            context={"application": application, **context},
        )


def _locked(application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call__programme", "organisation", "consortium")
        .get(pk=application.pk)
    )


@transaction.atomic
def calls_lock(call_ids) -> None:
    """Lock these calls' rows, in id order, before deciding on applications of several calls in one
    transaction (the admin's bulk approval). Each approval locks its call, then the programme-year's
    budget: a transaction that approved in one call and then waited for the next would hold the
    year's budget while a single approval in that next call, holding it, waited for the budget (a
    deadlock). Taken all first, in the order every lock of several calls takes them
    (`budgets.programme_budget_line_add`)."""
    list(Call.objects.select_for_update().filter(pk__in=call_ids).order_by("pk").values_list("pk", flat=True))


def review_start(*, application, by) -> Application:
    application = _locked(application)
    return application_change_status(application=application, to_status=Status.UNDER_REVIEW, by=by)


@transaction.atomic
def clarification_request(*, application, by, message: str, due_on: date) -> Application:
    """Ask the applicant a question with a due date; the application waits for the answer."""
    if not message.strip():
        raise DecisionRefused(_("Write the question for the applicant."))
    if due_on <= timezone.localdate():
        raise DecisionRefused(_("The answer must be due after today."))
    application = _locked(application)
    application_change_status(
        application=application, to_status=Status.CLARIFICATION_REQUESTED, by=by, note=message.strip()
    )
    application.clarification_due_on = due_on
    application.save(update_fields=["clarification_due_on"])
    _notify_applicant(application, "clarification_requested", message=message.strip(), due_on=due_on)
    return application


def application_approve(*, application, by, amount: Decimal, note: str = "", override_reason: str = "") -> Application:
    """Approve a grant: never above the maximum grant, never above what is left of the call's budget.

    The call row is locked before the remaining budget is read, so decisions on
    the same call queue one behind the other. The aid is recorded in the de
    minimis ledger in the same transaction. The application must be ready on its
    reviews (`review_summary.review_gate`) unless a programme manager gives
    `override_reason`, which is kept with the decision and in its history note.
    """

    amount = to_cents(amount)
    if amount <= 0:
        raise DecisionRefused(_("The granted amount must be above zero."))
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=application.call_id)
        application = _locked(application)
        if application.status not in (Status.UNDER_REVIEW, Status.RESERVE):
            raise DecisionRefused(
                _("An application that is “%(status)s” cannot be approved.")
                % {"status": application.get_status_display()}
            )
        # The reviews gate: the call's completed reviews and criteria minimums, or a manager's written reason.
        override_reason, lacking = review_gate(application=application, by=by, override_reason=override_reason)
        evaluation = evaluate_application(application)
        if not evaluation.eligible:
            raise DecisionRefused(
                _("The application does not meet the call's rules: %(reasons)s")
                % {"reasons": "; ".join(r.message for r in evaluation.failures)}
            )
        if amount > evaluation.max_grant:
            raise DecisionRefused(
                _("%(amount)s is above the maximum grant of %(max)s allowed by the call's rules.")
                % {"amount": amount, "max": evaluation.max_grant}
            )
        remaining = to_cents(call.budget - call_committed(call.pk))
        if amount > remaining:
            raise DecisionRefused(
                _("%(amount)s is above what is left of the call's budget (%(remaining)s).")
                % {"amount": amount, "remaining": remaining}
            )
        _programme_year_check(call, amount)
        application_change_status(
            application=application,
            to_status=Status.APPROVED,
            by=by,
            note=override_note(note, override_reason, lacking),
        )
        application.granted_amount = amount
        application.max_grant = evaluation.max_grant
        application.eligible_costs = evaluation.eligible_costs
        application.decision_override_reason = override_reason.strip()
        application.save(update_fields=["granted_amount", "max_grant", "eligible_costs", "decision_override_reason"])
        decision_facts_freeze(application=application, evaluation=evaluation)
        try:
            # Dated the agency's day, as its corrections are (a decision at 00:30 in Madrid is of that day).
            aid_awards_record(application=application, amount=amount, on=call.programme.agency.today())
        except AidSplitRefused as error:
            # A consortium without active members, or shares not adding up to 100%: said as a decision refused.
            raise DecisionRefused(
                _("The aid cannot be recorded in the de minimis ledger: %(error)s") % {"error": error}
            ) from error
        reports = project_reports_schedule(application=application)
        _notify_applicant(application, "decision", decision="approved", amount=amount, note=note, reports=reports)
    return application


@transaction.atomic
def application_reserve(*, application, by, note: str = "") -> Application:
    application = _locked(application)
    conflict_check(application=application, by=by)
    application_change_status(application=application, to_status=Status.RESERVE, by=by, note=note)
    _notify_applicant(application, "decision", decision="reserve", note=note)
    return application


@transaction.atomic
def application_reject(*, application, by, reason: str) -> Application:
    if not reason.strip():
        raise DecisionRefused(_("Give the reason for the rejection: the applicant is told."))
    application = _locked(application)
    conflict_check(application=application, by=by)
    application_change_status(application=application, to_status=Status.REJECTED, by=by, note=reason.strip())
    _notify_applicant(application, "decision", decision="rejected", note=reason.strip())
    return application


def application_close(*, application, by, note: str = "") -> Application:
    """Close an operation: only once its commitments are met and what is payable is paid.

    Refused (PostAwardRefused) otherwise, with the commitments still to meet.
    """

    return operation_close(application=application, by=by, note=note)


def next_reserve(call) -> Application | None:
    """The reserve application to propose when money is freed: the oldest submission that fits.

    It fits in what is left of the call and of the programme-year's grants line the call draws
    from (when its programme has a budget that year), as its approval would require.
    """
    remaining = call_remaining(call)
    envelope = programme_year_grants(call)
    if envelope is not None:
        remaining = min(remaining, envelope.remaining)
    for application in Application.objects.filter(call=call, status=Status.RESERVE).order_by("submitted_at", "pk"):
        if application.max_grant is None or application.max_grant <= remaining:
            return application
    return None
