"""Exports of the (filtered) application list to XLSX and CSV, for agency staff.

Every text cell passes through `neutralise`: a title such as `=HYPERLINK(...)` typed by an
applicant must reach the reviewer's spreadsheet as text, never as a formula (CSV/formula
injection, OWASP). Numbers stay numbers, so a negative amount is still summable.

Rows are read in a fixed number of queries whatever the row count: one query for the
applications (everything they show is joined with `select_related`), one for their budget
lines (a `values_list` query filtered by `application__in=<the same queryset>`).

The CSV holds one table per file, so that every row has the same columns and it can be read by
a program: `export_applications_csv` gives the applications, `export_budget_lines_csv` their
budget lines. The XLSX holds both, in two sheets.

The answers to the calls' own questions (programmes.Question) are columns of the applications'
table, after the fixed ones: one per question code of the exported calls, in the calls' order, so
a grant officer reads each application on one row and can sort or filter a call's applications by
an answer. A call that does not ask a question leaves its cell empty. Values are what the applicant
chose, as labels in the exporter's language (choices, yes/no); numbers, amounts and dates stay
numbers and dates. They are read in two or three more queries whatever the row count (the
questions, their choices when some have a list, the answers), before the rows stream.
"""

import csv
import datetime
from collections.abc import Iterable, Iterator
from decimal import Decimal
from io import BytesIO

from django.contrib import admin
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from consortia.models import Consortium, Organisation
from portal.translated import translated_value
from programmes.models import Question, QuestionChoice
from programmes.models.questions import asked_ids

from .answers import COLUMN, shown_value
from .models import Answer, Application, BudgetLine

# A leading one of these makes Excel, LibreOffice or Google Sheets read a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Excel needs the euro sign quoted in a number format; LibreOffice reads it the same way.
EUR_FORMAT = '#,##0.00 "€"'

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

APPLICATION_HEADERS = [
    _("Reference"),
    _("Title"),
    _("Applicant"),
    _("Applicant tax id"),
    _("Applicant type"),
    _("Programme"),
    _("Call"),
    _("Status"),
    _("Submitted at"),
    _("Eligible costs (EUR)"),
    _("Maximum grant (EUR)"),
    _("Granted amount (EUR)"),
    _("Region (NUTS 2)"),
    _("Approved against the reviews: reason"),
]
# Columns (0-based) of APPLICATION_HEADERS that hold money.
APPLICATION_MONEY_COLUMNS = frozenset({9, 10, 11})
APPLICATION_WIDTHS = [18, 40, 32, 16, 22, 30, 30, 18, 26, 16, 16, 16, 10, 40]

BUDGET_LINE_HEADERS = [
    _("Application reference"),
    _("Category code"),
    _("Category"),
    _("Description"),
    _("Amount (EUR)"),
]
BUDGET_LINE_MONEY_COLUMNS = frozenset({4})
BUDGET_LINE_WIDTHS = [18, 20, 30, 50, 16]


def neutralise(value):
    """Make a value safe for a spreadsheet cell: text that would start a formula gets a `'`.

    Numbers (Decimal, int, float), dates and None are returned unchanged; any other value is
    turned into text first (lazy translations included).
    """
    if value is None or isinstance(value, (bool, int, float, Decimal, datetime.date)):
        return value
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def application_headers(answers: "AnswerColumns | None" = None) -> list[str]:
    return [str(header) for header in APPLICATION_HEADERS] + (answers.headers if answers else [])


class AnswerColumns:
    """The answers of the exported applications, as columns: one per question code of their calls.

    `first`: the number of columns before them (for `money_columns`); `as_text`: every value as the
    reader reads it (a page, a PDF), rather than numbers and dates a spreadsheet computes with.
    Three queries, whatever the number of applications.
    """

    def __init__(self, queryset: QuerySet[Application], *, first: int = len(APPLICATION_HEADERS), as_text=False):
        applications = queryset.order_by().values("pk")
        questions = list(
            # The questions the form can ask (`askable`): a choice left without choices has no column.
            Question.objects.askable()
            .filter(call_id__in=Application.objects.filter(pk__in=applications).values("call_id"))
            .select_related("call__programme__agency")
            .prefetch_related(Prefetch("choices", queryset=QuestionChoice.objects.order_by("position", "pk")))
            .order_by("call_id", "position", "pk")
        )
        self.codes: list[str] = []
        self.headers: list[str] = []
        self.labels: list[str] = []
        amounts: set[str] = set()
        for question in questions:
            if question.code not in self.codes:
                self.codes.append(question.code)
                self.headers.append(f"{question.label} ({question.code})")
                self.labels.append(str(question.label))
            if question.kind == Question.Kind.AMOUNT:
                amounts.add(question.code)
        value_of = shown_value if as_text else export_value
        self.money_columns = frozenset(first + self.codes.index(code) for code in amounts)
        by_id = {question.pk: question for question in questions}
        of_call: dict[int, list] = {}
        for question in questions:
            of_call.setdefault(question.call_id, []).append(question)
        self.values: dict[int, dict[str, object]] = {}
        if questions:
            answers: dict[int, dict[int, Answer]] = {}
            for answer in Answer.objects.filter(application__in=applications).order_by():
                if answer.question_id in by_id:
                    answers.setdefault(answer.application_id, {})[answer.question_id] = answer
            for application_id, given in answers.items():
                # Only the questions asked of it: an answer left from before a condition changed is not one.
                call_questions = of_call[by_id[next(iter(given))].call_id]
                asked = asked_ids(call_questions, given)
                self.values[application_id] = {
                    by_id[question_id].code: value_of(by_id[question_id], answer)
                    for question_id, answer in given.items()
                    if question_id in asked
                }

    def row(self, application_id: int) -> list:
        values = self.values.get(application_id, {})
        return [values.get(code) for code in self.codes]


def export_value(question, answer):
    """An answer as a cell: numbers and dates as such, everything else as the applicant reads it."""
    if answer.is_empty:
        return None
    if COLUMN[question.kind] in ("number", "date"):
        return getattr(answer, COLUMN[question.kind])
    if question.kind in (Question.Kind.COUNTRY, Question.Kind.REGION):
        return answer.text  # the code, which the agency's reports and filters use ("FR", "ES43")
    return shown_value(question, answer)


def budget_line_headers() -> list[str]:
    return [str(header) for header in BUDGET_LINE_HEADERS]


def application_rows(queryset: QuerySet[Application], answers: AnswerColumns | None = None) -> Iterator[list]:
    """One row per application, in the queryset's order, read in one query; then its `answers`.

    Labels (status, applicant type) are translated now, in the caller's language, even if the
    rows are consumed later by a streaming response.
    """
    status_labels = {value: str(label) for value, label in Application.Status.choices}
    kind_labels = {value: str(label) for value, label in Organisation.Kind.choices}
    consortium_label = str(capfirst(Consortium._meta.verbose_name))
    # The submitted content and the decision's rules are not columns: not read (nor kept as read, portal.saving).
    queryset = queryset.select_related("call__programme__agency", "organisation", "consortium__lead").defer(
        "submitted_content", "decision_rules"
    )
    return _application_rows(queryset, status_labels, kind_labels, consortium_label, answers)


def _application_rows(queryset, status_labels, kind_labels, consortium_label, answers):
    for application in queryset.iterator(chunk_size=500):
        if application.consortium_id:
            applicant_type = consortium_label
            # A consortium has no tax id of its own: its lead organisation applies for it.
            company = application.consortium.lead
        else:
            company = application.organisation
            applicant_type = kind_labels.get(company.kind, company.kind)
        call = application.call
        submitted_at = ""
        if application.submitted_at:
            submitted_at = timezone.localtime(application.submitted_at, call.programme.agency.tzinfo).isoformat()
        yield [
            application.reference,
            application.title,
            application.applicant_name,
            company.tax_id if company else "",
            applicant_type,
            call.programme.name,
            call.title,
            status_labels.get(application.status, application.status),
            submitted_at,
            application.eligible_costs,
            application.max_grant,
            application.granted_amount,
            company.region if company else "",
            application.decision_override_reason,
            *(answers.row(application.pk) if answers else []),
        ]


def budget_line_rows(queryset: QuerySet[Application]) -> Iterator[list]:
    """One row per budget line of the applications of the queryset, read in one query."""
    lines = (
        BudgetLine.objects.filter(application__in=queryset.order_by().values("pk"))
        .order_by("application__reference", "application_id", "position", "pk")
        .annotate(
            category_name=translated_value("category__name", agency_language="category__programme__agency__language")
        )
        .values_list("application__reference", "category__code", "category_name", "description", "amount")
    )
    return (list(line) for line in lines.iterator(chunk_size=2000))


# --- XLSX ------------------------------------------------------------------------------------


def _xlsx_text(value):
    value = neutralise(value)
    if isinstance(value, str):
        # Control characters (other than tab and newlines) are not allowed in XLSX.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def write_sheet(workbook, title, headers, rows: Iterable[list], money_columns, widths=()):
    """One sheet of a write-only workbook: bold frozen headers, neutralised text, euro amounts."""
    sheet = workbook.create_sheet(title=title)
    # In write-only mode, the layout must be set before the first row is written.
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header_row = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=_xlsx_text(header))
        cell.font = bold
        header_row.append(cell)
    sheet.append(header_row)
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            if index in money_columns and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = EUR_FORMAT
                cells.append(cell)
            else:
                cells.append(_xlsx_text(value))
        sheet.append(cells)


def export_xlsx(queryset: QuerySet[Application], *, filename: str) -> HttpResponse:
    """A workbook with two sheets: the applications, and their budget lines.

    openpyxl's write-only mode streams the rows to temporary files, so memory stays flat
    however many applications are exported.
    """
    workbook = Workbook(write_only=True)
    answers = AnswerColumns(queryset)
    write_sheet(
        workbook,
        str(_("Applications")),
        application_headers(answers),
        application_rows(queryset, answers),
        APPLICATION_MONEY_COLUMNS | answers.money_columns,
        APPLICATION_WIDTHS + [30] * len(answers.codes),
    )
    write_sheet(
        workbook,
        str(_("Budget lines")),
        budget_line_headers(),
        budget_line_rows(queryset),
        BUDGET_LINE_MONEY_COLUMNS,
        BUDGET_LINE_WIDTHS,
    )
    buffer = BytesIO()
    workbook.save(buffer)
    return HttpResponse(
        buffer.getvalue(),
        content_type=XLSX_CONTENT_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- CSV -------------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer in a stream."""

    def write(self, value):
        return value


def _csv_lines(headers: list[str], rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The byte order mark tells Excel the file is UTF-8, so accents (Japón) survive.
    yield "\ufeff" + writer.writerow([neutralise(header) for header in headers])
    for row in rows:
        yield writer.writerow(["" if value is None else neutralise(value) for value in row])


def export_csv(queryset: QuerySet[Application], *, filename: str, budget_lines: bool = False) -> StreamingHttpResponse:
    """A streamed UTF-8 CSV (with BOM) of the applications, or of their budget lines.

    Amounts are written with a dot as decimal separator and no grouping, as machines read them.
    """
    if budget_lines:
        lines = _csv_lines(budget_line_headers(), budget_line_rows(queryset))
    else:
        answers = AnswerColumns(queryset)
        lines = _csv_lines(application_headers(answers), application_rows(queryset, answers))
    return StreamingHttpResponse(
        lines,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- Admin actions (registered on ApplicationAdmin) ------------------------------------------


def export_filename(stem: str, extension: str) -> str:
    return f"{stem}-{timezone.localdate().isoformat()}.{extension}"


@admin.action(description=_("Export selected applications to Excel (XLSX)"), permissions=["view"])
def export_applications_xlsx(modeladmin, request, queryset):
    return export_xlsx(queryset, filename=export_filename("applications", "xlsx"))


@admin.action(description=_("Export selected applications to CSV"), permissions=["view"])
def export_applications_csv(modeladmin, request, queryset):
    return export_csv(queryset, filename=export_filename("applications", "csv"))


@admin.action(description=_("Export the budget lines of selected applications to CSV"), permissions=["view"])
def export_budget_lines_csv(modeladmin, request, queryset):
    return export_csv(queryset, filename=export_filename("budget-lines", "csv"), budget_lines=True)
