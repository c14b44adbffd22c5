"""The annual report of a programme (PDF): calls and budgets, applications, consortia,
approved amounts by cost category and the ERDF output indicators RCO01, RCO02 and RCO04.

Charts are SVG written in the template (one rect per bar, width proportional to the value),
each with its data table next to it.
"""

from datetime import date
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Sum
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.charts import bars as chart_bars
from applications.decisions import call_committed
from applications.indicators import SELECTED, SIZES, decided_stage, erdf_indicators
from applications.models import Application, BudgetLine
from consortia.models import Consortium, Membership, SmeSize, Stage
from consortia.services import active_members
from portal.translated import translated_value
from programmes.models import Programme

__all__ = ["annual_context", "bars", "build_pdf", "erdf_indicators"]
BAR_WIDTH = 260


def _consortia_with_members():
    return Consortium.objects.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("organisation"))
    )


def bars(items: list[tuple[str, Decimal | int]]) -> list[dict]:
    """Label, value and bar width (in SVG units, proportional to the largest value): the dashboard's bars, narrower."""
    return chart_bars(items, width=BAR_WIDTH, row=22)["rows"]


def _decided_stage(approved, on: date) -> Subquery:
    """The stage the consortium's approved (or closed) application of the year was decided in, if it has one."""
    return Subquery(
        approved.filter(consortium=OuterRef("pk"))
        .annotate(decided_in=decided_stage(on))
        .order_by("pk")
        .values("decided_in")[:1]
    )


def annual_context(programme: Programme, year: int) -> dict:
    on = min(date(year, 12, 31), timezone.localdate())
    calls = list(programme.calls.filter(year=year).order_by("opens_at"))
    call_rows = []
    for call in calls:
        committed = call_committed(call.pk)
        call_rows.append(
            {"call": call, "budget": call.budget, "committed": committed, "remaining": call.budget - committed}
        )
    applications = Application.objects.filter(call__programme=programme, call__year=year)
    status_labels = dict(Application.Status.choices)
    by_status = [
        (str(status_labels.get(row["status"], row["status"])), row["count"])
        for row in applications.values("status").annotate(count=Count("pk")).order_by("status")
    ]
    approved = applications.filter(status__in=SELECTED)
    by_category = [
        (row["category_name"], row["total"] or Decimal(0))
        for row in BudgetLine.objects.filter(application__in=approved.values("pk"))
        .annotate(
            category_name=translated_value("category__name", agency_language="category__programme__agency__language")
        )
        .values("category_name", "category__position")
        .annotate(total=Sum("amount"))
        .order_by("category__position", "category_name")
    ]
    consortia = []
    for consortium in (
        _consortia_with_members()
        .filter(Q(applications__in=applications.values("pk")))
        .distinct()
        .with_stage(on)
        .annotate(decided=_decided_stage(approved, on))
        .order_by("name")
    ):
        # A funded consortium is in the stage its grant was decided in; the others in their stage on the day.
        stage = consortium.decided or consortium.stage
        consortia.append(
            {
                "consortium": consortium,
                "stage": Stage(stage).label,
                "stage_value": stage,
                "members": [m.legal_name for m in active_members(consortium, on)],
            }
        )
    stages = dict.fromkeys(Stage.values, 0)
    for consortium_row in consortia:
        stages[consortium_row["stage_value"]] += 1
    indicators = erdf_indicators(approved, on)
    return {
        "programme": programme,
        "year": year,
        "calls": call_rows,
        "budget_chart": bars([(str(r["call"]), r["budget"]) for r in call_rows]),
        "committed_chart": bars([(str(r["call"]), r["committed"]) for r in call_rows]),
        "status_chart": bars(by_status),
        "category_chart": bars(by_category),
        "consortia": consortia,
        "stage_chart": bars([(str(stage.label), stages[stage.value]) for stage in Stage if stages[stage.value]]),
        "indicators": [
            {
                "code": code,
                "label": label,
                "values": indicators[code],
                "chart": bars([(str(SmeSize(s).label), indicators[code][s]) for s in SIZES]),
            }
            for code, label in [
                ("RCO01", _("Enterprises supported")),
                ("RCO02", _("Enterprises supported by grants")),
                ("RCO04", _("Enterprises with non-financial support")),
            ]
        ],
        "bar_width": BAR_WIDTH,
        "generated_at": timezone.localtime(timezone.now(), programme.agency.tzinfo),
    }


def build_pdf(report, path: str, progress) -> str:
    from weasyprint import HTML

    programmes = Programme.objects.select_related("agency")
    if report.agency_id is not None:
        programmes = programmes.filter(agency_id=report.agency_id)
    programme = programmes.get(pk=report.parameters["programme_id"])
    year = int(report.parameters["year"])
    html = render_to_string("programmes/reports/annual_programme.html", annual_context(programme, year))
    progress(1, 2)
    HTML(string=html).write_pdf(path)
    return f"annual-{programme.slug}-{year}-{report.pk}.pdf"
