"""After the grant: acceptance, expenses claimed and verified, the payable amount, payments, closing, retention.

The rules on money:
- an expense is claimed against one approved budget line; what is claimed on a line (not
  rejected) never exceeds the line's approved amount;
- the payable amount is the accepted costs times the funding rate the decision applied (the
  call's rate, frozen at approval; co-financing: 40%), or the accepted costs where the call's
  rules set no rate, never above the granted amount;
- payments never add up to more than the payable amount; each one sets the retention date:
  5 years from 31 December of the year of the last payment (CPR Art. 82), before which nothing
  of the operation can be deleted (`applications.retention`).
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.pimex.services import pimex_completion_problems
from portal.figures import counted_data_changed
from portal.money import to_cents
from portal.refusals import Refused
from programmes.models import Programme

from .attachments import attachment_add, attachment_remove
from .models import Application, Attachment, BudgetLine, Expense, Payment, ProjectReport, Status
from .submission import application_change_status

HUNDRED = Decimal(100)
# One expense above this is a typing error.
MAX_EXPENSE = Decimal("100000000.00")
RETENTION_YEARS = 5


class PostAwardRefused(Refused):
    """The step cannot be taken; the message says why, in plain words; `field` names the form field it is about."""


def _lock_application_of(rows) -> None:
    """Lock the application `rows` (a query of its id) belong to, before them: a report or an expense
    is locked after its application, in the order of the admin's application page (which saves the
    application's reports under its lock) and of payments and closing. Locked the other way round,
    a claim and a save of that page could each wait for the other."""
    list(Application.objects.select_for_update().filter(pk__in=rows).values_list("pk", flat=True))


def _locked(application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("call__programme__agency")
        .get(pk=application.pk)
    )


# --- acceptance ---------------------------------------------------------------------------------


def grant_accept(*, application, by) -> Application:
    """The beneficiary accepts the grant and its conditions. Once."""
    with transaction.atomic():
        locked = _locked(application)
        if locked.status != Status.APPROVED:
            raise PostAwardRefused(
                _("Only an approved grant can be accepted; this application is “%(status)s”.")
                % {"status": locked.get_status_display()}
            )
        if locked.accepted_at is not None:
            raise PostAwardRefused(_("The grant was already accepted."))
        locked.accepted_at = timezone.now()
        locked.accepted_by = by
        locked.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
        counted_data_changed()
    return locked


# --- expenses -----------------------------------------------------------------------------------


def claimed_on_line(budget_line_id: int, *, excluding: int | None = None) -> Decimal:
    """What is claimed on a budget line and not rejected."""
    expenses = Expense.objects.filter(budget_line_id=budget_line_id).exclude(status=Expense.Status.REJECTED)
    if excluding is not None:
        expenses = expenses.exclude(pk=excluding)
    return to_cents(expenses.aggregate(total=Sum("amount"))["total"] or 0)


def expense_claim(*, report: ProjectReport, by, budget_line: BudgetLine, amount: Decimal, **fields) -> Expense:
    """Claim an actual cost on a report still due. Refused above what is left of its budget line."""
    amount = to_cents(amount)
    if amount <= 0:
        raise PostAwardRefused(_("The amount must be above zero."), field="amount")
    if amount > MAX_EXPENSE:
        raise PostAwardRefused(_("The amount is too large to be a real expense: check it."), field="amount")
    with transaction.atomic():
        _lock_application_of(ProjectReport.objects.filter(pk=report.pk).values("application_id"))
        locked = ProjectReport.objects.select_for_update(of=("self",)).select_related("application").get(pk=report.pk)
        application = _locked(locked.application)
        report_open_check(locked, application)
        if budget_line.application_id != application.pk:
            raise PostAwardRefused(_("This budget line is not of this operation."))
        # The line is locked too: two claims at once on one line queue one behind the other.
        line = BudgetLine.objects.select_for_update().get(pk=budget_line.pk)
        left = to_cents(line.amount - claimed_on_line(line.pk))
        if amount > left:
            raise PostAwardRefused(
                _("%(amount)s is above what is left of the budget line “%(line)s” (%(left)s of %(approved)s).")
                % {"amount": amount, "line": line.description, "left": left, "approved": line.amount},
                field="amount",
            )
        return Expense.objects.create(report=locked, budget_line=line, amount=amount, **fields)


def expense_claim_with_invoice(*, report: ProjectReport, by, invoice_file, **fields) -> Expense:
    """Claim an expense with its invoice, in one transaction: a refused claim leaves no invoice row."""

    with transaction.atomic():
        # Before the invoice's row, which points at the application: two claims at once would each
        # hold that reference and wait for the other's to lock the application.
        _lock_application_of(ProjectReport.objects.filter(pk=report.pk).values("application_id"))
        invoice = attachment_add(
            application=report.application, uploaded_file=invoice_file, kind=Attachment.Kind.INVOICE, by=by
        )
        return expense_claim(report=report, by=by, invoice=invoice, **fields)


def expense_remove(*, expense: Expense, by) -> None:
    with transaction.atomic():
        _lock_application_of(Expense.objects.filter(pk=expense.pk).values("report__application_id"))
        locked = (
            Expense.objects.select_for_update(of=("self", "report", "report__application"))
            .select_related("report__application")
            .get(pk=expense.pk)
        )
        report_open_check(locked.report, locked.report.application)
        invoice = locked.invoice
        locked.delete()
        if invoice is not None:
            attachment_remove(attachment=invoice, by=by)


def report_open_check(report: ProjectReport, application: Application, refused=PostAwardRefused) -> None:
    """A report can change only while it is due, on an approved operation whose grant was accepted."""
    if report.status != ProjectReport.Status.DUE:
        raise refused(_("This report was already sent: it cannot be changed."))
    if application.status != Status.APPROVED:
        raise refused(
            _("Reports are written on approved operations; this one is “%(status)s”.")
            % {"status": application.get_status_display()}
        )
    if application.accepted_at is None:
        raise refused(_("Accept the grant first."))


def expense_verify(*, expense: Expense, accepted: bool, reason: str = "", by) -> Expense:
    """Staff accept an expense, or reject it with the reason the beneficiary is told."""
    reason = reason.strip()
    if not accepted and not reason:
        raise PostAwardRefused(_("Give the reason for rejecting the expense: the beneficiary is told."))
    with transaction.atomic():
        _lock_application_of(Expense.objects.filter(pk=expense.pk).values("report__application_id"))
        locked = (
            Expense.objects.select_for_update(of=("self", "report", "report__application"))
            .select_related("report__application")
            .get(pk=expense.pk)
        )
        if locked.report.status != ProjectReport.Status.SUBMITTED:
            raise PostAwardRefused(_("Expenses are verified once their report is sent."))
        if locked.report.application.status != Status.APPROVED:
            raise PostAwardRefused(_("The operation is closed: its expenses can no longer change."))
        if accepted and locked.status == Expense.Status.REJECTED:
            # Accepting a rejected expense again counts it on its line: it must still fit.
            left = to_cents(locked.budget_line.amount - claimed_on_line(locked.budget_line_id, excluding=locked.pk))
            if locked.amount > left:
                raise PostAwardRefused(_("Accepted again, this expense would exceed its budget line."))
        locked.status = Expense.Status.ACCEPTED if accepted else Expense.Status.REJECTED
        locked.rejection_reason = "" if accepted else reason
        locked.verified_by = by
        locked.verified_at = timezone.now()
        locked.save(update_fields=["status", "rejection_reason", "verified_by", "verified_at"])
    return locked


# --- money --------------------------------------------------------------------------------------


def accepted_costs(application) -> Decimal:
    total = Expense.objects.filter(report__application=application, status=Expense.Status.ACCEPTED).aggregate(
        total=Sum("amount")
    )["total"]
    return to_cents(total or 0)


def payable_amount(application) -> Decimal:
    """What the accepted costs entitle the beneficiary to: rate applied, never above the granted amount.

    The rate is the one the decision applied (`decided_rate`, frozen at approval from the
    call's rules): editing the call's rules afterwards changes nothing already decided. No
    rate rule at the decision: the accepted costs count in full, up to the grant.
    """
    costs = accepted_costs(application)
    rate = application.decided_rate
    amount = to_cents(costs * rate / HUNDRED) if rate is not None else costs
    return min(amount, to_cents(application.granted_amount or 0))


def paid_amount(application) -> Decimal:
    return to_cents(Payment.objects.filter(application=application).aggregate(total=Sum("amount"))["total"] or 0)


def retention_date(last_payment: date) -> date:
    """5 years from 31 December of the year of the last payment."""
    return date(last_payment.year + RETENTION_YEARS, 12, 31)


def payment_record(*, application, amount: Decimal, paid_on: date, by, note: str = "") -> Payment:
    """Record a payment: after the final report is sent and every expense verified, never above the payable amount."""
    amount = to_cents(amount)
    if amount <= 0:
        raise PostAwardRefused(_("The amount must be above zero."), field="amount")
    with transaction.atomic():
        locked = _locked(application)
        if paid_on > timezone.localdate(timezone=locked.call.programme.agency.tzinfo):
            raise PostAwardRefused(_("A payment cannot be dated in the future."), field="paid_on")
        if locked.status != Status.APPROVED:
            raise PostAwardRefused(
                _("Payments are made on approved operations; this one is “%(status)s”.")
                % {"status": locked.get_status_display()}
            )
        reports = list(locked.project_reports.all())
        final = next((r for r in reports if r.kind == ProjectReport.Kind.FINAL), None)
        if final is None:
            raise PostAwardRefused(_("No final report is scheduled: set the call's final report date."))
        if final.status != ProjectReport.Status.SUBMITTED:
            raise PostAwardRefused(_("The final report has not been sent yet."))
        if Expense.objects.filter(report__application=locked, status=Expense.Status.CLAIMED).exists():
            raise PostAwardRefused(_("Some expenses are not verified yet: accept or reject each one first."))
        payable = payable_amount(locked)
        already = paid_amount(locked)
        if already + amount > payable:
            raise PostAwardRefused(
                _("%(amount)s is above what is left to pay (%(left)s of a payable %(payable)s).")
                % {"amount": amount, "left": to_cents(payable - already), "payable": payable}
            )
        payment = Payment.objects.create(application=locked, amount=amount, paid_on=paid_on, note=note, recorded_by=by)
        # The last payment sets the date: a payment recorded late but dated earlier does not move it back.
        kept_until = retention_date(paid_on)
        locked.retention_until = max(locked.retention_until or kept_until, kept_until)
        locked.save(update_fields=["retention_until", "updated_at"])
        counted_data_changed()
    return payment


# --- closing ------------------------------------------------------------------------------------


def completion_problems(application) -> list[str]:
    """What still stands between the operation and its closing, in plain words (empty: it can close)."""

    problems = []
    if application.accepted_at is None:
        problems.append(_("The beneficiary has not accepted the grant."))
    reports = list(application.project_reports.all())
    if not any(report.kind == ProjectReport.Kind.FINAL for report in reports):
        problems.append(_("No final report is scheduled: set the call's final report date."))
    for report in reports:
        if report.status != ProjectReport.Status.SUBMITTED:
            problems.append(_("The %(report)s has not been sent.") % {"report": report.get_kind_display().lower()})
    if Expense.objects.filter(report__application=application, status=Expense.Status.CLAIMED).exists():
        problems.append(_("Some expenses are not verified yet."))
    payable, paid = payable_amount(application), paid_amount(application)
    if paid < payable:
        problems.append(_("%(paid)s paid of a payable %(payable)s.") % {"paid": paid, "payable": payable})
    if application.call.programme.kind == Programme.Kind.PIMEX:
        problems += pimex_completion_problems(application=application)
    return problems


def operation_close(*, application, by, note: str = "") -> Application:
    """Close an operation whose commitments are met and whose payable amount is paid."""

    with transaction.atomic():
        locked = _locked(application)
        problems = completion_problems(locked)
        if problems:
            raise PostAwardRefused(
                _("The operation cannot be closed yet: %(problems)s") % {"problems": " ".join(problems)}
            )
        return application_change_status(application=locked, to_status=Status.CLOSED, by=by, note=note)
