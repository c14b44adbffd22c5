"""The money of budgets: a call's, and a programme's for one year, split into lines.

A call has a budget; a programme may also have a budget per year (`programmes.ProgrammeBudget`),
which every call of the programme with that budget year draws from. Its lines are for grants (at
most one: approved and closed grants of those calls are committed on it) or for the agency's own
spending (`AgencySpending`: on such a line committed = paid = what was recorded).

Budgets never fall below what is committed on them. Every write here locks the row the money is
counted under before reading what is committed, in the same order as an approval: the call, then
the programme-year (`ProgrammeBudget` row). An approval holds both until it commits, so a budget
edit racing it waits and then reads the approval's grant; an approval racing an edit reads the
new budget. A refusal names the field it is about (`budget`, `budget_year`, `amount`), so the
admin shows it next to that field.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.figures import counted_data_changed
from portal.money import format_eur, to_cents
from portal.refusals import Refused
from programmes.models import AgencySpending, Call, ProgrammeBudget, ProgrammeBudgetLine

from .models import Application, Payment, Status

ZERO = Decimal("0.00")
GRANTS = ProgrammeBudgetLine.Purpose.GRANTS
AGENCY_SPENDING = ProgrammeBudgetLine.Purpose.AGENCY_SPENDING

# Money of these applications is committed on the call's budget and on its programme-year's grants line.
COMMITTED = (Status.APPROVED, Status.CLOSED)


class BudgetRefused(Refused):
    """A budget cannot be set so, or money cannot be spent from it; the message says why."""


# --- reads ---------------------------------------------------------------------------------------


def call_committed(call_id: int) -> Decimal:
    total = Application.objects.filter(call_id=call_id, status__in=COMMITTED).aggregate(total=Sum("granted_amount"))[
        "total"
    ]
    return to_cents(total or 0)


def call_remaining(call) -> Decimal:
    return to_cents(call.budget - call_committed(call.pk))


def _programme_year_applications(programme_id, year):
    """The applications of the programme's calls drawing from that year (values or OuterRef expressions)."""
    return Application.objects.filter(call__programme_id=programme_id, call__budget_year=year)


def grants_committed_total(programme_id, year) -> Subquery:
    """What a programme-year's grants line has committed, as a subquery: the one definition that the
    figures, the approvals' check and the dashboard share (`programme_id`, `year`: OuterRef expressions)."""
    return Subquery(
        _programme_year_applications(programme_id, year)
        .filter(status__in=COMMITTED)
        .order_by()
        .values("call__programme_id")
        .annotate(total=Sum("granted_amount"))
        .values("total")[:1]
    )


def grants_paid_total(programme_id, year) -> Subquery:
    """What was paid to the grants of a programme-year, as a subquery (OuterRef expressions)."""
    return Subquery(
        Payment.objects.filter(application__call__programme_id=programme_id, application__call__budget_year=year)
        .order_by()
        .values("application__call__programme_id")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )


def programme_year_committed(programme_id: int, year: int) -> Decimal:
    """Granted amounts of approved and closed applications of the programme's calls drawing from that year."""
    total = (
        _programme_year_applications(programme_id, year)
        .filter(status__in=COMMITTED)
        .aggregate(total=Sum("granted_amount"))["total"]
    )
    return to_cents(total or 0)


def programme_year_paid(programme_id: int, year: int) -> Decimal:
    """Payments to applications of the programme's calls drawing from that year."""
    total = Payment.objects.filter(
        application__in=_programme_year_applications(programme_id, year).values("pk")
    ).aggregate(total=Sum("amount"))["total"]
    return to_cents(total or 0)


def line_spent(line_id: int) -> Decimal:
    total = AgencySpending.objects.filter(line_id=line_id).aggregate(total=Sum("amount"))["total"]
    return to_cents(total or 0)


def line_committed(line: ProgrammeBudgetLine) -> Decimal:
    """What is committed on a line: the year's grants on the grants line, the spending recorded on another."""
    if line.purpose == GRANTS:
        return programme_year_committed(line.budget.programme_id, line.budget.year)
    return line_spent(line.pk)


@dataclass(frozen=True)
class LineFigures:
    line: ProgrammeBudgetLine
    budget: Decimal
    committed: Decimal
    paid: Decimal

    @property
    def remaining(self) -> Decimal:
        return to_cents(self.budget - self.committed)


def budget_line_figures(budget: ProgrammeBudget) -> list[LineFigures]:
    """Each line of a programme-year budget with its budget, committed, paid and remaining."""
    figures = []
    for line in budget.lines.all():
        if line.purpose == GRANTS:
            committed = programme_year_committed(budget.programme_id, budget.year)
            paid = programme_year_paid(budget.programme_id, budget.year)
        else:
            committed = paid = line_spent(line.pk)
        figures.append(LineFigures(line=line, budget=to_cents(line.amount), committed=committed, paid=paid))
    return figures


@dataclass(frozen=True)
class GrantsEnvelope:
    """The grants line of a programme-year: its amount and what is committed on it."""

    budget: ProgrammeBudget
    amount: Decimal
    committed: Decimal

    @property
    def remaining(self) -> Decimal:
        return to_cents(self.amount - self.committed)


def _with_grants_figures(budgets):
    """Annotate programme-year budgets with their grants line's amount and what is committed on it."""
    grants_line = ProgrammeBudgetLine.objects.filter(budget=OuterRef("pk"), purpose=GRANTS).values("amount")[:1]
    return budgets.annotate(
        grants_amount=Coalesce(Subquery(grants_line), Value(ZERO)),
        grants_committed=Coalesce(grants_committed_total(OuterRef("programme_id"), OuterRef("year")), Value(ZERO)),
    )


def programme_year_grants(call, *, lock: bool = False) -> GrantsEnvelope | None:
    """The grants envelope the call draws from (its programme's budget of its budget year); None without one.

    One query (two with `lock`). `lock`: take the programme-year's row lock first (inside a transaction, after the
    call's), then read the figures in a second statement, which sees every change committed by
    whoever held the lock before. A budget without a grants line has nothing for grants (amount 0).
    """
    budgets = ProgrammeBudget.objects.select_related("programme").filter(
        programme_id=call.programme_id, year=call.budget_year
    )
    if lock:
        locked = budgets.select_for_update(of=("self",)).values_list("pk", flat=True).first()
        if locked is None:
            return None
        budgets = ProgrammeBudget.objects.select_related("programme").filter(pk=locked)
    budget = _with_grants_figures(budgets).first()
    if budget is None:
        return None
    return GrantsEnvelope(
        budget=budget, amount=to_cents(budget.grants_amount), committed=to_cents(budget.grants_committed)
    )


def above_envelope_message(*, amount, envelope: GrantsEnvelope) -> str:
    return _(
        "%(amount)s is above what is left of %(programme)s's %(year)s budget for grants "
        "(%(remaining)s left of %(total)s)."
    ) % {
        "amount": amount,
        "programme": envelope.budget.programme,
        "year": envelope.budget.year,
        "remaining": envelope.remaining,
        "total": envelope.amount,
    }


# --- writes --------------------------------------------------------------------------------------


def _locked_budget(budget_id: int) -> ProgrammeBudget:
    return ProgrammeBudget.objects.select_for_update(of=("self",)).select_related("programme").get(pk=budget_id)


def _refuse_below(*, amount, committed, field, what) -> None:
    if amount < committed:
        raise BudgetRefused(
            _("%(what)s cannot be less than what is already committed on it: %(committed)s (%(amount)s asked).")
            % {"what": what, "committed": format_eur(committed), "amount": format_eur(amount)},
            field=field,
            code="below_committed",
        )


@transaction.atomic
def call_budget_set(*, call, budget: Decimal, budget_year: int | None = None, by=None) -> Call:
    """Set a call's budget (and the programme year it draws from), never below what it has committed.

    Locks the call as an approval does. Moving a call with commitments to another programme year
    moves them too: refused when they do not fit in what is left of that year's grants line.
    """
    budget = to_cents(budget)
    if budget < 0:
        raise BudgetRefused(_("The budget cannot be negative."), field="budget")
    call = Call.objects.select_for_update(of=("self",)).select_related("programme__agency").get(pk=call.pk)
    committed = call_committed(call.pk)
    _refuse_below(amount=budget, committed=committed, field="budget", what=_("The call's budget"))
    fields = ["budget"]
    if budget_year is not None and budget_year != call.budget_year:
        if committed > 0:
            moved = Call(pk=call.pk, programme=call.programme, budget_year=budget_year)
            envelope = programme_year_grants(moved, lock=True)
            if envelope is not None and committed > envelope.remaining:
                raise BudgetRefused(
                    _(
                        "The call has %(committed)s committed: it cannot draw from %(year)s, whose budget for "
                        "grants has %(remaining)s left."
                    )
                    % {
                        "committed": format_eur(committed),
                        "year": budget_year,
                        "remaining": format_eur(envelope.remaining),
                    },
                    field="budget_year",
                    code="above_envelope",
                )
        call.budget_year = budget_year
        fields.append("budget_year")
    call.budget = budget
    call.save(update_fields=fields)
    counted_data_changed()
    return call


def _validated(line: ProgrammeBudgetLine) -> None:
    try:
        line.full_clean(exclude=["budget"])
    except ValidationError as error:
        errors = error.message_dict
        field, messages = next(iter(errors.items()))
        raise BudgetRefused(
            messages[0], field=None if field == "__all__" else field, errors=errors, code="invalid"
        ) from error


@transaction.atomic
def programme_budget_line_add(
    *, budget: ProgrammeBudget, name: str, purpose: str, amount: Decimal, position: int = 0, by=None
) -> ProgrammeBudgetLine:
    """Add a line to a programme-year budget (at most one for grants).

    A grants line is never below what the year's calls have already committed: their rows are
    locked first, as approvals lock them (calls, then the programme-year), so no approval slips in
    between the reading and the saving.
    """
    if purpose == GRANTS:
        list(
            Call.objects.select_for_update()
            .filter(programme_id=budget.programme_id, budget_year=budget.year)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    budget = _locked_budget(budget.pk)
    line = ProgrammeBudgetLine(budget=budget, name=name, purpose=purpose, amount=to_cents(amount), position=position)
    _validated(line)
    if purpose == GRANTS:
        _refuse_below(
            amount=line.amount,
            committed=programme_year_committed(budget.programme_id, budget.year),
            field="amount",
            what=_("The line “%(name)s”") % {"name": line},
        )
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError as error:  # a grants line added by someone else meanwhile
        raise BudgetRefused(
            _("A yearly budget has one line for grants: every approved grant of the year draws from it."),
            field="purpose",
        ) from error
    counted_data_changed()
    return line


@transaction.atomic
def programme_budget_line_set(
    *, line: ProgrammeBudgetLine, amount: Decimal, name: str | None = None, position: int | None = None, by=None
) -> ProgrammeBudgetLine:
    """Set a line's amount (and name, order), never below what is committed on it."""
    budget = _locked_budget(line.budget_id)
    line = ProgrammeBudgetLine.objects.get(pk=line.pk, budget=budget)
    line.budget = budget
    amount = to_cents(amount)
    _refuse_below(
        amount=amount, committed=line_committed(line), field="amount", what=_("The line “%(name)s”") % {"name": line}
    )
    line.amount = amount
    if name is not None:
        line.name = name
    if position is not None:
        line.position = position
    _validated(line)
    line.save()
    counted_data_changed()
    return line


@transaction.atomic
def programme_budget_line_delete(*, line: ProgrammeBudgetLine, by=None) -> None:
    """Remove a line of a programme-year budget: refused while something is committed on it."""
    budget = _locked_budget(line.budget_id)
    line = ProgrammeBudgetLine.objects.get(pk=line.pk, budget=budget)
    line.budget = budget
    committed = line_committed(line)
    if committed > 0:
        raise BudgetRefused(
            _("The line “%(name)s” has %(committed)s committed on it: it cannot be removed.")
            % {"name": line.name, "committed": format_eur(committed)},
            field="amount",
            code="committed",
        )
    line.delete()
    counted_data_changed()


def programme_budget_committed(budget: ProgrammeBudget) -> Decimal:
    """What is committed on all the lines of a programme-year budget."""
    return to_cents(sum((figures.committed for figures in budget_line_figures(budget)), ZERO))


@transaction.atomic
def programme_budget_delete(*, budget: ProgrammeBudget, by=None) -> None:
    """Remove a programme-year budget: refused while something is committed on one of its lines."""
    budget = _locked_budget(budget.pk)
    committed = programme_budget_committed(budget)
    if committed > 0 or AgencySpending.objects.filter(line__budget=budget).exists():
        raise BudgetRefused(
            _("%(budget)s has %(committed)s committed on its lines: it cannot be removed.")
            % {"budget": budget, "committed": format_eur(committed)},
            code="committed",
        )
    budget.delete()
    counted_data_changed()


@transaction.atomic
def agency_spending_record(
    *, line: ProgrammeBudgetLine, spent_on: date, amount: Decimal, description: str, by=None
) -> AgencySpending:
    """Record money the agency spent itself on a line of a programme's yearly budget, never above what is left."""
    amount = to_cents(amount)
    if amount <= 0:
        raise BudgetRefused(_("The amount must be more than zero."), field="amount")
    if spent_on > timezone.localdate():
        raise BudgetRefused(_("Spending cannot be dated in the future."), field="spent_on")
    if not (description or "").strip():
        raise BudgetRefused(_("Say what was paid for."), field="description")
    budget = _locked_budget(line.budget_id)
    line = ProgrammeBudgetLine.objects.get(pk=line.pk, budget=budget)
    if line.purpose != AGENCY_SPENDING:
        raise BudgetRefused(
            _("“%(line)s” is for grants: the agency's own spending goes on another line.") % {"line": line.name},
            field="line",
        )
    remaining = to_cents(line.amount - line_spent(line.pk))
    if amount > remaining:
        raise BudgetRefused(
            _("%(amount)s is above what is left on “%(line)s” (%(remaining)s left of %(total)s).")
            % {
                "amount": format_eur(amount),
                "line": line.name,
                "remaining": format_eur(remaining),
                "total": format_eur(line.amount),
            },
            field="amount",
            code="above_line",
        )
    spending = AgencySpending.objects.create(
        line=line, spent_on=spent_on, amount=amount, description=description.strip(), recorded_by=by
    )
    counted_data_changed()
    return spending
