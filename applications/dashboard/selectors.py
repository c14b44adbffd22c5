"""The dashboard's figures, aggregated in SQL: a fixed number of queries whatever the volume.

Every figure reads from the applications in scope: the user's agency (a superuser: all, or
the agency chosen), narrowed by programme, call and year (the call's year). The previous year
is read the same way, for comparison. Money committed is the granted amount of approved and
closed applications, as the call's budget counts it (`applications.decisions.COMMITTED`).
"""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from statistics import median

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.budgets import COMMITTED, grants_committed_total, grants_paid_total
from applications.indicators import SIZES, decided_stage, erdf_indicators
from applications.models import (
    ActionType,
    Application,
    BudgetLine,
    ContractWon,
    Payment,
    PimexActionPlan,
    PimexAttendance,
    PimexSurvey,
    PimexSwot,
    PimexTutorial,
    ProjectReport,
    ReportActivity,
    Status,
    StatusChange,
)
from consortia.models import Consortium, Membership, Stage
from consortia.selectors import consortium_contracts_won
from portal.money import to_cents
from portal.translated import Texts, any_language, translation_columns
from programmes.models import AgencySpending, Call, Programme, ProgrammeBudgetLine

ZERO = Decimal("0.00")
# A first decision on an application: approval, reserve list or rejection.
DECIDED = [Status.APPROVED, Status.RESERVE, Status.REJECTED]
# Applications that asked for money: submitted, whatever happened next, but not withdrawn.
REQUESTING = [s for s in Status.values if s not in (Status.DRAFT, Status.WITHDRAWN)]


@dataclass(frozen=True)
class Scope:
    """What the figures are about. `agency_id` None: every agency (superusers only)."""

    agency_id: int | None = None
    programme_id: int | None = None
    call_id: int | None = None
    year: int | None = None

    def previous(self) -> "Scope | None":
        """The same scope a year earlier; none for one call (a call has one year)."""
        if self.year is None or self.call_id is not None:
            return None
        return replace(self, year=self.year - 1)


def calls_in(scope: Scope):
    calls = Call.objects.all()
    if scope.agency_id is not None:
        calls = calls.filter(programme__agency_id=scope.agency_id)
    if scope.programme_id is not None:
        calls = calls.filter(programme_id=scope.programme_id)
    if scope.call_id is not None:
        calls = calls.filter(pk=scope.call_id)
    if scope.year is not None:
        calls = calls.filter(year=scope.year)
    return calls


def applications_in(scope: Scope):
    return Application.objects.filter(call__in=calls_in(scope).values("pk"))


def reference_day(year: int | None, zone) -> date:
    """The day stages and memberships are read on: the year's last day, or today for the current year."""
    today = timezone.localdate(timezone=zone) if zone else timezone.localdate()
    return min(date(year, 12, 31), today) if year else today


# --- budget per call ------------------------------------------------------------------------


def budget_rows(scope: Scope) -> list[dict]:
    """Per call: budget, requested (maximum grants of submitted applications), committed, remaining, paid.

    Two queries.
    """
    calls = (
        calls_in(scope)
        .select_related("programme__agency")
        .annotate(
            requested=Coalesce(
                Sum("applications__max_grant", filter=Q(applications__status__in=REQUESTING)), Value(ZERO)
            ),
            committed=Coalesce(
                Sum("applications__granted_amount", filter=Q(applications__status__in=COMMITTED)), Value(ZERO)
            ),
            submitted=Count("applications", filter=Q(applications__status__in=REQUESTING)),
        )
        .order_by(any_language("programme__name"), "-year", "opens_at", "pk")
    )
    # Paid apart: a payments subquery inside the grouped query above runs once per call (seconds at volume).
    paid = dict(
        Payment.objects.filter(application__call__in=calls_in(scope).values("pk"))
        .order_by()
        .values_list("application__call")
        .annotate(total=Sum("amount"))
    )
    return [
        {
            "call": Texts.of(call, "title"),
            "call_id": call.pk,
            "programme": Texts.of(call.programme, "name"),
            "year": call.year,
            "budget": to_cents(call.budget),
            "requested": to_cents(call.requested),
            "committed": to_cents(call.committed),
            "remaining": to_cents(call.budget - call.committed),
            "paid": to_cents(paid.get(call.pk, ZERO)),
            "applications": call.submitted,
        }
        for call in calls
    ]


def budget_totals(rows: list[dict]) -> dict:
    keys = ("budget", "requested", "committed", "remaining", "paid")
    return {key: to_cents(sum((row[key] for row in rows), ZERO)) for key in keys}


# --- budget per programme year and line ------------------------------------------------------


def envelope_rows(scope: Scope) -> list[dict]:
    """Per line of each programme-year budget in scope: budget, committed, paid, remaining. One query.

    The year is the budget year (the calls drawing from it); a chosen call narrows to its programme
    and budget year. On the grants line, committed and paid are the grants and payments of the
    programme's calls of that budget year; on a line of the agency's own spending, both are the
    spending recorded on it.
    """
    lines = ProgrammeBudgetLine.objects.select_related("budget__programme__agency")
    if scope.agency_id is not None:
        lines = lines.filter(budget__programme__agency_id=scope.agency_id)
    if scope.programme_id is not None:
        lines = lines.filter(budget__programme_id=scope.programme_id)
    if scope.call_id is not None:
        call = Call.objects.filter(pk=scope.call_id)
        lines = lines.filter(
            budget__programme_id=Subquery(call.values("programme_id")[:1]),
            budget__year=Subquery(call.values("budget_year")[:1]),
        )
    if scope.year is not None:
        lines = lines.filter(budget__year=scope.year)

    def total(queryset, group, amount):
        return Subquery(queryset.order_by().values(group).annotate(total=Sum(amount)).values("total")[:1])

    programme, year = OuterRef("budget__programme_id"), OuterRef("budget__year")
    granted, paid = grants_committed_total(programme, year), grants_paid_total(programme, year)
    spent = total(AgencySpending.objects.filter(line=OuterRef("pk")), "line", "amount")
    grants = Q(purpose=ProgrammeBudgetLine.Purpose.GRANTS)
    lines = lines.annotate(
        committed=Coalesce(Case(When(grants, then=granted), default=spent), Value(ZERO)),
        paid=Coalesce(Case(When(grants, then=paid), default=spent), Value(ZERO)),
    ).order_by(any_language("budget__programme__name"), "-budget__year", "position", "pk")
    return [
        {
            "programme": Texts.of(line.budget.programme, "name"),
            "year": line.budget.year,
            "line": line.name,
            "purpose": line.purpose,
            "budget": to_cents(line.amount),
            "committed": to_cents(line.committed),
            "paid": to_cents(line.paid),
            "remaining": to_cents(line.amount - line.committed),
        }
        for line in lines
    ]


ENVELOPE_COLUMNS = ["programme", "year", "line", "purpose", "budget", "committed", "paid", "remaining"]


def envelope_table(data: dict) -> tuple:
    """The download of the budget per programme year and line."""
    rows = [[row[column] for column in ENVELOPE_COLUMNS] for row in data["envelopes"]]
    return (_("Budget per programme year and line"), ENVELOPE_COLUMNS, rows)


# --- pipeline -------------------------------------------------------------------------------


class Median(Aggregate):
    """The median of a set of values (PostgreSQL's ordered-set aggregate)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def median_days_to_decision(applications) -> float | None:
    """Median days from submission to the first decision (approval, reserve or rejection). One query."""
    firsts = (
        StatusChange.objects.filter(
            application__in=applications.filter(submitted_at__isnull=False).values("pk"), to_status__in=DECIDED
        )
        .values("application")
        .annotate(decided_at=Min("changed_at"), submitted_at=Min("application__submitted_at"))
    )
    if connection.vendor == "postgresql":
        waited = ExpressionWrapper(F("decided_at") - F("submitted_at"), output_field=DurationField())
        seconds = firsts.aggregate(median=Median(_epoch_seconds(waited)))["median"]
        return None if seconds is None else round(seconds / 86400, 1)
    waits = [(row["decided_at"] - row["submitted_at"]).total_seconds() for row in firsts]
    return round(median(waits) / 86400, 1) if waits else None


def _epoch_seconds(expression):
    return Func(expression, template="EXTRACT(EPOCH FROM %(expressions)s)", output_field=FloatField())


def pipeline(scope: Scope) -> dict:
    """Applications by status, approval rate, median days to a decision. Two queries."""
    applications = applications_in(scope)
    counts = dict.fromkeys(Status.values, 0)
    for row in applications.values("status").annotate(count=Count("pk")).order_by():
        counts[row["status"]] = row["count"]
    approved = counts[Status.APPROVED] + counts[Status.CLOSED]
    decided = approved + counts[Status.REJECTED] + counts[Status.RESERVE]
    labels = dict(Status.choices)
    return {
        "by_status": [{"status": status, "label": labels[status], "count": counts[status]} for status in Status.values],
        "total": sum(counts.values()),
        "submitted": sum(counts[s] for s in REQUESTING),
        "approved": approved,
        "decided": decided,
        "approval_rate": round(100 * approved / decided, 1) if decided else None,
        "median_days": median_days_to_decision(applications),
    }


# --- consortia ------------------------------------------------------------------------------


def consortia_figures(scope: Scope, on: date) -> dict:
    """Consortia supported (approved or closed): number, distinct member companies, by sector, and consortia and
    companies by the stage their grant was decided in (`stage_figures`). Four queries."""
    funded = applications_in(scope).filter(status__in=COMMITTED, consortium__isnull=False)
    supported = funded.values("consortium")
    # One row per funded application: its consortium, the sector and the stage its grant was decided in.
    rows = list(
        funded.annotate(stage=decided_stage(on)).values_list("consortium", "consortium__sector", "stage").order_by()
    )
    sectors = {consortium: sector for consortium, sector, _stage in rows}
    by_sector: dict[str, int] = {}
    for sector in sectors.values():
        by_sector[sector] = by_sector.get(sector, 0) + 1
    companies = (
        Membership.objects.filter(Membership.active_on_filter(on), consortium__in=supported)
        .values("organisation")
        .distinct()
        .count()
    )
    sector_labels = dict(Consortium.Sector.choices)
    return {
        "count": len(sectors),
        "companies": companies,
        **stage_figures(funded, rows, on),
        "by_sector": [
            {"sector": key, "label": sector_labels.get(key, key), "count": count}
            for key, count in sorted(by_sector.items(), key=lambda item: (-item[1], item[0]))
        ],
    }


def stage_figures(funded, rows: list[tuple], on: date) -> dict:
    """Consortia and member companies by stage (seed 000: 31 companies, 13 in initiation, 12 in development,
    6 consolidated). Each funded application counts in the stage frozen at its approval, never today's: a
    consortium (or a company) is counted once per stage, so one funded twice in two stages counts in both.
    Companies: the active members on the reference day of the consortia funded. One query (`rows` are the
    funded applications' consortium, sector and stage, read by the caller).
    """
    consortia = {stage: set() for stage in Stage.values}
    for consortium, _sector, stage in rows:
        consortia[stage].add(consortium)
    companies = dict.fromkeys(Stage.values, 0)
    members = (
        funded.filter(Membership.active_on_filter(on, prefix="consortium__memberships__"))
        .annotate(stage=decided_stage(on))
        .values("stage")
        .annotate(count=Count("consortium__memberships__organisation", distinct=True))
        .order_by()
    )
    for row in members:
        companies[row["stage"]] = row["count"]
    return {
        "by_stage": [
            {"stage": stage.value, "label": stage.label, "count": len(consortia[stage.value])} for stage in Stage
        ],
        "companies_by_stage": [
            {"stage": stage.value, "label": stage.label, "count": companies[stage.value]} for stage in Stage
        ],
    }


# --- approved actions by cost category ------------------------------------------------------

# A category's name in every language and its agency's: the figures are kept once for every
# language and the name is chosen when the page is drawn (portal.translated.Texts).
CATEGORY_NAMES = (*translation_columns("category__name"), "category__programme__agency__language")


def category_name(row) -> Texts:
    return Texts.from_row(row, "category__name", "category__programme__agency__language")


def actions_by_category(scope: Scope) -> list[dict]:
    """Budget lines of approved (or closed) applications by cost category: count and amount. One query."""
    selected = applications_in(scope).filter(status__in=COMMITTED).values("pk")
    rows = (
        BudgetLine.objects.filter(application__in=selected)
        .values(*CATEGORY_NAMES)
        .annotate(count=Count("pk"), amount=Sum("amount"))
        .order_by("-amount", any_language("category__name"))
    )
    return [{"category": category_name(r), "count": r["count"], "amount": to_cents(r["amount"] or 0)} for r in rows]


# --- ERDF indicators and programme-specific figures -----------------------------------------


def indicators(scope: Scope, on: date) -> dict:
    """RCO01, RCO02, RCO04 by size class (each enterprise once), and the collective actions. Four queries."""
    selected = applications_in(scope).filter(status__in=COMMITTED)
    values = erdf_indicators(selected, on)
    labels = {
        "RCO01": _("Enterprises supported"),
        "RCO02": _("Enterprises supported by grants"),
        "RCO04": _("Enterprises with non-financial support"),
    }
    collective = selected.filter(call__programme__kind=Programme.Kind.COLLECTIVE_ACTIONS).aggregate(
        operations=Count("pk"), organisations=Count("organisation", distinct=True)
    )
    return {
        "rows": [{"code": code, "label": labels[code], **values[code]} for code in ("RCO01", "RCO02", "RCO04")],
        "collective_actions": collective,
    }


def pimex_figures(scope: Scope) -> dict:
    """PIMEX: applications, participants and grants; attendance, deliverables and satisfaction. Six queries."""
    pimex = applications_in(scope).filter(call__programme__kind=Programme.Kind.PIMEX)
    figures = pimex.aggregate(
        applications=Count("pk", filter=Q(status__in=REQUESTING)),
        participants=Count("organisation", filter=Q(status__in=COMMITTED), distinct=True),
        granted=Coalesce(Sum("granted_amount", filter=Q(status__in=COMMITTED)), Value(ZERO)),
    )
    taking_part = pimex.filter(status__in=COMMITTED).values("pk")
    sessions = PimexAttendance.objects.filter(application__in=taking_part).aggregate(
        registered=Count("pk"), attended=Count("pk", filter=Q(attended=True))
    )
    tutorials = PimexTutorial.objects.filter(application__in=taking_part).aggregate(
        held=Count("pk"), attended=Count("pk", filter=Q(attended=True))
    )
    survey = PimexSurvey.objects.filter(application__in=taking_part).aggregate(
        answered=Count("pk"), average=Avg("score")
    )
    return {
        **figures,
        "session_places": sessions["registered"],
        "sessions_attended": sessions["attended"],
        "attendance_rate": round(100 * sessions["attended"] / sessions["registered"], 1)
        if sessions["registered"]
        else None,
        "tutorials": tutorials["held"],
        "tutorials_attended": tutorials["attended"],
        "swots": PimexSwot.objects.filter(application__in=taking_part).count(),
        "plans": PimexActionPlan.objects.filter(application__in=taking_part).count(),
        "surveys": survey["answered"],
        "satisfaction": round(survey["average"], 1) if survey["average"] is not None else None,
    }


# --- outcomes reported by the beneficiaries -------------------------------------------------


def outcomes(scope: Scope) -> dict:
    """What the beneficiaries report: contracts won, new markets, SMEs reached, actions carried out (by cost
    category and by type). Five queries."""
    reports = ProjectReport.objects.filter(
        application__in=applications_in(scope).values("pk"), status=ProjectReport.Status.SUBMITTED
    )
    contracts = ContractWon.objects.filter(report__in=reports.values("pk")).aggregate(
        count=Count("pk"), value=Coalesce(Sum("value"), Value(ZERO)), countries=Count("country", distinct=True)
    )
    markets: set[str] = set()
    reached = 0
    for new_markets, smes_reached in reports.values_list("new_markets", "smes_reached"):
        markets.update(m.strip().lower() for m in (new_markets or "").split(",") if m.strip())
        reached += smes_reached or 0
    actions = [
        {"category": category_name(row), "count": row["count"]}
        for row in ReportActivity.objects.filter(report__in=reports.values("pk"))
        .values(*CATEGORY_NAMES)
        .annotate(count=Count("pk"))
        .order_by("-count", any_language("category__name"))
    ]
    return {
        "contracts": contracts["count"],
        "contracts_value": to_cents(contracts["value"]),
        "contract_countries": contracts["countries"],
        "new_markets": len(markets),
        "smes_reached": reached,
        "actions": actions,
        "action_types": actions_by_type(reports),
        **consortium_outcomes(scope),
    }


def actions_by_type(reports) -> list[dict]:
    """The actions the beneficiaries report carried out, by type: missions and events, consultancy, marketing,
    other (seed 000's results: 10 missions, 5 consultancy services, 6 marketing activities). Every type, in
    its order, zeros included. One query."""
    counts = dict(
        ReportActivity.objects.filter(report__in=reports.values("pk"))
        .values("action_type")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("action_type", "count")
    )
    return [{"type": kind.value, "label": kind.label, "count": counts.get(kind.value, 0)} for kind in ActionType]


def consortium_outcomes(scope: Scope) -> dict:
    """Contracts won by the consortia the agency formed (SODERCAN's measure of success). One query."""
    if scope.programme_id is not None or scope.call_id is not None:
        return {"consortium_contracts": None, "consortium_contracts_value": None}
    won = consortium_contracts_won(agency_id=scope.agency_id, year=scope.year)
    return {"consortium_contracts": won.count, "consortium_contracts_value": won.total_value}


# --- all together ---------------------------------------------------------------------------


def figures(scope: Scope, zone=None) -> dict:
    """Every section of the dashboard for one scope."""
    on = reference_day(scope.year, zone)
    budget = budget_rows(scope)
    return {
        "scope": scope,
        "on": on,
        "budget": budget,
        "budget_totals": budget_totals(budget),
        "envelopes": envelope_rows(scope),
        "pipeline": pipeline(scope),
        "consortia": consortia_figures(scope, on),
        "categories": actions_by_category(scope),
        "indicators": indicators(scope, on),
        "pimex": pimex_figures(scope),
        "outcomes": outcomes(scope),
    }


PIMEX_ROWS = [
    ("participants", _("Participants")),
    ("session_places", _("Group session places")),
    ("sessions_attended", _("Group session places attended")),
    ("tutorials", _("Individual tutorials")),
    ("tutorials_attended", _("Individual tutorials attended")),
    ("swots", _("SWOT analyses")),
    ("plans", _("International action plans")),
    ("surveys", _("Satisfaction surveys answered")),
    ("satisfaction", _("Satisfaction (0 to 10)")),
]
BUDGET_COLUMNS = ["call", "programme", "year", "budget", "requested", "committed", "remaining", "paid", "applications"]


# The tables that can be downloaded: name -> (title, columns, rows of the figures).
def tables(data: dict) -> dict[str, tuple[str, list[str], list[list]]]:
    pipeline_rows = [[row["label"], row["count"]] for row in data["pipeline"]["by_status"]]
    return {
        "budget": (
            _("Budget per call"),
            ["call", "programme", "year", "budget", "requested", "committed", "remaining", "applications"],
            [
                [
                    r["call"],
                    r["programme"],
                    r["year"],
                    r["budget"],
                    r["requested"],
                    r["committed"],
                    r["remaining"],
                    r["applications"],
                ]
                for r in data["budget"]
            ],
        ),
        "envelopes": envelope_table(data),
        "pipeline": (_("Applications by status"), ["status", "count"], pipeline_rows),
        "stages": (
            _("Consortia by stage"),
            ["stage", "count"],
            [[r["label"], r["count"]] for r in data["consortia"]["by_stage"]],
        ),
        "company_stages": (
            _("Member companies by stage"),
            ["stage", "count"],
            [[r["label"], r["count"]] for r in data["consortia"]["companies_by_stage"]],
        ),
        "sectors": (
            _("Consortia by sector"),
            ["sector", "count"],
            [[r["label"], r["count"]] for r in data["consortia"]["by_sector"]],
        ),
        "categories": (
            _("Approved actions by cost category"),
            ["category", "count", "amount"],
            [[r["category"], r["count"], r["amount"]] for r in data["categories"]],
        ),
        "actions": (
            _("Actions carried out, as reported"),
            ["action", "count"],
            [[r["category"], r["count"]] for r in data["outcomes"]["actions"]],
        ),
        "action_types": (
            _("Actions carried out by type, as reported"),
            ["type", "count"],
            [[r["label"], r["count"]] for r in data["outcomes"]["action_types"]],
        ),
        "outcomes": (
            _("Outcomes reported"),
            ["outcome", "value"],
            [
                [str(_("Contracts won abroad")), data["outcomes"]["contracts"]],
                [str(_("Value of the contracts won (EUR)")), data["outcomes"]["contracts_value"]],
                [str(_("Countries of the contracts")), data["outcomes"]["contract_countries"]],
                [str(_("New markets entered")), data["outcomes"]["new_markets"]],
                [str(_("SMEs reached by collective actions")), data["outcomes"]["smes_reached"]],
            ],
        ),
        "pimex": (
            _("PIMEX coaching"),
            ["figure", "value"],
            [[str(label), data["pimex"][key]] for key, label in PIMEX_ROWS],
        ),
        "indicators": (
            _("ERDF output indicators"),
            ["indicator", "label", *SIZES, "total"],
            [[r["code"], r["label"], *[r[s] for s in SIZES], r["total"]] for r in data["indicators"]["rows"]],
        ),
    }
