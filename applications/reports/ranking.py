"""The ranking list of a call (applications.reviews.ranking) in PDF and XLSX."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from applications.decisions import call_committed
from applications.exports import write_sheet
from applications.reviews import ranking
from programmes.models import Call


def _call(report) -> Call:
    calls = Call.objects.select_related("programme__agency")
    if report.agency_id is not None:
        calls = calls.filter(programme__agency_id=report.agency_id)
    return calls.get(pk=report.parameters["call_id"])


def ranking_table(call) -> list[list]:
    table = []
    for row in ranking(call):
        application = row.application
        table.append(
            [
                row.rank,
                application.reference,
                application.applicant_name,
                application.title,
                row.summary.average,
                row.proposed,
                row.running_total,
                _("yes") if row.above_cut_off else _("no"),
                application.get_status_display(),
                application.decision_override_reason,
            ]
        )
    return table


def headers() -> list[str]:
    return [
        _("Rank"),
        _("Reference"),
        _("Applicant"),
        _("Title"),
        _("Average score"),
        _("Proposed grant (EUR)"),
        _("Running total (EUR)"),
        _("Above the cut-off"),
        _("Status"),
        _("Approved against the reviews: reason"),
    ]


def build_xlsx(report, path: str, progress) -> str:
    call = _call(report)
    table = ranking_table(call)

    def rows():
        for number, row in enumerate(table, start=1):
            yield row
            progress(number, len(table))

    workbook = Workbook(write_only=True)
    write_sheet(workbook, _("Ranking")[:31], headers(), rows(), money_columns={5, 6})
    workbook.save(path)
    return f"ranking-{call.slug}-{report.pk}.xlsx"


def build_pdf(report, path: str, progress) -> str:
    from weasyprint import HTML

    call = _call(report)
    table = ranking_table(call)
    committed = call_committed(call.pk)
    html = render_to_string(
        "programmes/reports/ranking.html",
        {
            "call": call,
            "headers": headers(),
            "rows": table,
            "budget": call.budget,
            "committed": committed,
            "remaining": call.budget - committed,
            "generated_at": timezone.localtime(timezone.now(), call.tzinfo),
        },
    )
    progress(1, 2)
    HTML(string=html).write_pdf(path)
    return f"ranking-{call.slug}-{report.pk}.pdf"
