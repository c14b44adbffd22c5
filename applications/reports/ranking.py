"""The ranking list of a call (applications.reviews.ranking) in PDF and XLSX."""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from applications.decisions import call_committed
from applications.exports import AnswerColumns, write_sheet
from applications.models import Application
from applications.reviews import ranking
from programmes.models import Call


def _call(report) -> Call:
    calls = Call.objects.select_related("programme__agency")
    if report.agency_id is not None:
        calls = calls.filter(programme__agency_id=report.agency_id)
    return calls.get(pk=report.parameters["call_id"])


def ranking_table(call, *, as_text=False) -> tuple[list[str], list[list], frozenset]:
    """The headers, the rows and the money columns of the ranking: one column per question of the call
    after the fixed ones (`as_text`: the answers as the reader reads them, for the PDF)."""
    rows = ranking(call)
    answers = AnswerColumns(
        Application.objects.filter(pk__in=[row.application.pk for row in rows]), first=len(headers()), as_text=as_text
    )
    table = []
    for row in rows:
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
                *answers.row(application.pk),
            ]
        )
    return [*headers(), *answers.headers], table, frozenset({5, 6}) | answers.money_columns


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
    header_row, table, money_columns = ranking_table(call)

    def rows():
        for number, row in enumerate(table, start=1):
            yield row
            progress(number, len(table))

    workbook = Workbook(write_only=True)
    write_sheet(workbook, _("Ranking")[:31], header_row, rows(), money_columns=money_columns)
    workbook.save(path)
    return f"ranking-{call.slug}-{report.pk}.xlsx"


def build_pdf(report, path: str, progress) -> str:
    from weasyprint import HTML

    call = _call(report)
    header_row, table, _money = ranking_table(call, as_text=True)
    committed = call_committed(call.pk)
    html = render_to_string(
        "programmes/reports/ranking.html",
        {
            "call": call,
            "headers": header_row,
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
