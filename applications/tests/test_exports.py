"""Exports of the application list: XLSX and CSV, formula injection neutralised, constant queries."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from applications.exports import (
    EUR_FORMAT,
    AnswerColumns,
    application_headers,
    application_rows,
    budget_line_headers,
    budget_line_rows,
    export_applications_csv,
    export_applications_xlsx,
    export_budget_lines_csv,
    export_csv,
    export_xlsx,
    neutralise,
)
from applications.models import Answer, Application
from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from consortia.models import Organisation
from consortia.tests.factories import ConsortiumFactory, OrganisationFactory
from programmes.tests.factories import (
    AgencyFactory,
    CallFactory,
    CostCategoryFactory,
    ProgrammeFactory,
    QuestionChoiceFactory,
    QuestionFactory,
)

pytestmark = pytest.mark.django_db

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EVIL_TITLES = ['=HYPERLINK("http://x","click")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
SUBMITTED_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def submitted_application(number, **kwargs):
    kwargs.setdefault("status", Application.Status.SUBMITTED)
    kwargs.setdefault("submitted_at", SUBMITTED_AT)
    kwargs.setdefault("reference", f"EXP-2026-{number:04d}")
    return ApplicationFactory(**kwargs)


def make_applications(count):
    """`count` submitted applications of consortia (with a lead) and of single organisations."""
    applications = []
    for number in range(count):
        call = CallFactory()
        if number % 2:
            applicant = {"consortium": None, "organisation": OrganisationFactory()}
        else:
            applicant = {"consortium": ConsortiumFactory(lead=OrganisationFactory())}
        application = submitted_application(
            number,
            call=call,
            eligible_costs=Decimal("10000.00"),
            max_grant=Decimal("4000.00"),
            granted_amount=Decimal("3999.99"),
            **applicant,
        )
        category = CostCategoryFactory(programme=call.programme)
        BudgetLineFactory(application=application, category=category, amount=Decimal("6000.00"))
        BudgetLineFactory(application=application, category=category, amount=Decimal("4000.00"))
        applications.append(application)
    return applications


@pytest.fixture
def evil_applications():
    """Applications whose applicant typed formulas into every free-text field they own."""
    applications = []
    for number, title in enumerate(EVIL_TITLES):
        call = CallFactory()
        application = submitted_application(
            number,
            call=call,
            title=title,
            consortium=ConsortiumFactory(name="@evil consortium", lead=OrganisationFactory()),
            eligible_costs=Decimal("1234567.89"),
            max_grant=Decimal("150000.00"),
        )
        BudgetLineFactory(
            application=application,
            category=CostCategoryFactory(programme=call.programme, name="+fees"),
            description="=1+2",
            amount=Decimal("0.10"),
        )
        applications.append(application)
    company = OrganisationFactory(legal_name="=cmd|' /C calc'!A0")
    applications.append(submitted_application(99, consortium=None, organisation=company, title="Promoción en Japón"))
    return applications


def xlsx_sheets(response):
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows()] for sheet in workbook.worksheets}


def csv_rows(response):
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 byte order mark"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


# --- neutralise ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", EVIL_TITLES)
def test_neutralise_prefixes_text_that_would_start_a_formula(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value", [Decimal("-2.50"), Decimal("0.00"), -3, 7, 1.5, None, "Promoción en Japón", "EXP-2026-0001", ""]
)
def test_neutralise_leaves_numbers_and_plain_text_alone(value):
    assert neutralise(value) == value
    assert type(neutralise(value)) is type(value)


def test_neutralise_turns_lazy_translations_into_text():
    with translation.override("es"):
        assert neutralise(Application.Status.SUBMITTED.label) == "Presentada"


# --- rows ------------------------------------------------------------------------------------


def test_application_rows_show_the_lead_tax_id_and_region_for_a_consortium():
    agency = AgencyFactory(timezone="Europe/Madrid")
    call = CallFactory(programme=ProgrammeFactory(agency=agency, name="Export Consortiums"), title="Call 2026")
    lead = OrganisationFactory(region="ES43")
    application = submitted_application(
        1,
        call=call,
        title="Japan fair",
        consortium=ConsortiumFactory(name="Iberian Ham", lead=lead),
        eligible_costs=Decimal("20000.00"),
        max_grant=Decimal("8000.00"),
        granted_amount=None,
    )

    [row] = application_rows(Application.objects.all())

    assert row == [
        application.reference,
        "Japan fair",
        "Iberian Ham",
        lead.tax_id,
        "Consortium",
        "Export Consortiums",
        "Call 2026",
        "Submitted",
        "2026-03-02T10:30:00+01:00",
        Decimal("20000.00"),
        Decimal("8000.00"),
        None,
        "ES43",
        "",  # approved against the reviews: reason (not decided)
    ]
    assert len(row) == len(application_headers())


def test_application_rows_leave_tax_id_and_region_empty_for_a_consortium_without_lead():
    submitted_application(1, consortium=ConsortiumFactory(lead=None))

    [row] = application_rows(Application.objects.all())

    assert row[3] == ""
    assert row[12] == ""


def test_application_rows_show_the_organisation_kind_and_the_agency_time_zone():
    call = CallFactory(programme=ProgrammeFactory(agency=AgencyFactory(timezone="Atlantic/Canary")))
    association = OrganisationFactory(kind=Organisation.Kind.NON_PROFIT, region="ES43")
    submitted_application(1, call=call, consortium=None, organisation=association)

    [row] = application_rows(Application.objects.all())

    assert row[2] == association.legal_name
    assert row[3] == association.tax_id
    assert row[4] == "Non-profit organisation"
    assert row[8] == "2026-03-02T09:30:00+00:00"
    assert row[12] == "ES43"


def test_a_draft_has_an_empty_submission_date():
    ApplicationFactory()

    [row] = application_rows(Application.objects.all())

    assert row[7] == "Draft"
    assert row[8] == ""


def test_application_rows_are_labelled_in_the_language_of_the_request_even_when_read_later():
    submitted_application(1)

    with translation.override("es"):
        rows = application_rows(Application.objects.all())
    with translation.override("en"):
        [row] = list(rows)

    assert row[7] == "Presentada"


def test_budget_line_rows_list_the_lines_of_the_selected_applications_only():
    selected = make_applications(2)[0]

    rows = list(budget_line_rows(Application.objects.filter(pk=selected.pk)))

    category = selected.budget_lines.first().category
    assert rows == [
        [selected.reference, category.code, category.name, "Trade fair stand", Decimal("6000.00")],
        [selected.reference, category.code, category.name, "Trade fair stand", Decimal("4000.00")],
    ]
    assert len(rows[0]) == len(budget_line_headers())


@pytest.mark.parametrize("count", [3, 30])
def test_rows_take_one_query_each_whatever_the_row_count(count, django_assert_num_queries):
    make_applications(count)
    queryset = Application.objects.all()

    with django_assert_num_queries(1):
        assert len(list(application_rows(queryset))) == count
    with django_assert_num_queries(1):
        assert len(list(budget_line_rows(queryset))) == 2 * count


# --- XLSX ------------------------------------------------------------------------------------


def test_xlsx_has_an_applications_sheet_and_a_budget_lines_sheet():
    make_applications(2)

    sheets = xlsx_sheets(export_xlsx(Application.objects.all(), filename="applications.xlsx"))

    assert list(sheets) == ["Applications", "Budget lines"]
    assert [cell.value for cell in sheets["Applications"][0]] == application_headers()
    assert [cell.value for cell in sheets["Budget lines"][0]] == budget_line_headers()
    assert len(sheets["Applications"]) == 1 + 2
    assert len(sheets["Budget lines"]) == 1 + 4


def test_xlsx_neutralises_every_text_cell_that_would_start_a_formula(evil_applications):
    response = export_xlsx(Application.objects.all(), filename="applications.xlsx")

    sheets = xlsx_sheets(response)
    texts = [cell.value for rows in sheets.values() for row in rows for cell in row if cell.data_type == "s"]
    assert not [text for text in texts if text.startswith(FORMULA_TRIGGERS)]
    assert not [cell for rows in sheets.values() for row in rows for cell in row if cell.data_type == "f"]
    # XML reads a carriage return back as a line feed: "\r=1" comes back as "'\n=1".
    titles = {row[1].value for row in sheets["Applications"][1:]}
    assert {"'" + title.replace("\r", "\n") for title in EVIL_TITLES} <= titles
    assert "'@evil consortium" in texts
    assert "'=cmd|' /C calc'!A0" in texts
    assert "'=1+2" in texts
    assert "'+fees" in texts


def test_xlsx_keeps_accents():
    submitted_application(1, title="Promoción en Japón", consortium=ConsortiumFactory(name="Aceites Cañada"))

    sheets = xlsx_sheets(export_xlsx(Application.objects.all(), filename="applications.xlsx"))

    row = [cell.value for cell in sheets["Applications"][1]]
    assert row[1] == "Promoción en Japón"
    assert row[2] == "Aceites Cañada"


def test_xlsx_amounts_are_exact_numbers_in_euro_format(evil_applications):
    sheets = xlsx_sheets(export_xlsx(Application.objects.all(), filename="applications.xlsx"))

    evil = next(row for row in sheets["Applications"][1:] if row[1].value == "'+1+1")
    eligible, maximum, granted = evil[9], evil[10], evil[11]
    assert eligible.data_type == "n"
    assert eligible.number_format == EUR_FORMAT
    assert Decimal(str(eligible.value)) == Decimal("1234567.89")
    assert Decimal(str(maximum.value)) == Decimal("150000.00")
    assert granted.value is None
    amount = sheets["Budget lines"][1][4]
    assert amount.data_type == "n"
    assert Decimal(str(amount.value)) == Decimal("0.10")


def test_xlsx_keeps_a_negative_amount_a_number():
    application = submitted_application(1, max_grant=Decimal("100.00"))
    # No constraint keeps a computed amount positive: if one ever is negative, it must
    # still add up in the spreadsheet, not be turned into text.
    Application.objects.filter(pk=application.pk).update(eligible_costs=Decimal("-120.50"))

    sheets = xlsx_sheets(export_xlsx(Application.objects.all(), filename="applications.xlsx"))

    cell = sheets["Applications"][1][9]
    assert cell.data_type == "n"
    assert Decimal(str(cell.value)) == Decimal("-120.50")


@pytest.mark.parametrize("count", [3, 30])
def test_xlsx_takes_three_queries_whatever_the_row_count(count, django_assert_num_queries):
    make_applications(count)

    # The applications, their calls' questions (none here: no answers read), the budget lines.
    with django_assert_num_queries(3):
        response = export_xlsx(Application.objects.all(), filename="applications.xlsx")

    assert len(xlsx_sheets(response)["Applications"]) == 1 + count


def test_xlsx_works_on_the_admin_changelist_queryset(evil_applications, rf: RequestFactory, superuser):
    # The admin annotates the budget total (GROUP BY): the export must still read it.
    request = rf.get("/")
    request.user = superuser
    queryset = admin.site._registry[Application].get_queryset(request)

    sheets = xlsx_sheets(export_xlsx(queryset, filename="applications.xlsx"))

    assert len(sheets["Applications"]) == 1 + len(evil_applications)
    assert len(sheets["Budget lines"]) == 1 + len(EVIL_TITLES)


def test_xlsx_is_an_attachment_with_the_given_name():
    response = export_xlsx(Application.objects.none(), filename="applications-2026-11-22.xlsx")

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="applications-2026-11-22.xlsx"'


# --- CSV -------------------------------------------------------------------------------------


def test_csv_neutralises_every_text_cell_that_would_start_a_formula(evil_applications):
    rows = csv_rows(export_csv(Application.objects.all(), filename="applications.csv"))

    assert rows[0] == application_headers()
    assert not [value for row in rows for value in row if value.startswith(FORMULA_TRIGGERS)]
    assert {"'" + title for title in EVIL_TITLES} <= {row[1] for row in rows[1:]}
    assert "'=cmd|' /C calc'!A0" in {row[2] for row in rows[1:]}


def test_csv_keeps_accents_and_writes_exact_amounts(evil_applications):
    rows = csv_rows(export_csv(Application.objects.all(), filename="applications.csv"))

    japan = next(row for row in rows if row[1] == "Promoción en Japón")
    assert japan[9:12] == ["", "", ""]
    evil = next(row for row in rows if row[1] == "'+1+1")
    assert [Decimal(value) for value in evil[9:11]] == [Decimal("1234567.89"), Decimal("150000.00")]
    assert evil[9] == "1234567.89"


def test_csv_keeps_a_negative_amount_a_number():
    application = submitted_application(1)
    Application.objects.filter(pk=application.pk).update(eligible_costs=Decimal("-120.50"))

    rows = csv_rows(export_csv(Application.objects.all(), filename="applications.csv"))

    assert rows[1][9] == "-120.50"


def test_budget_lines_csv_is_neutralised_and_exact(evil_applications):
    rows = csv_rows(export_csv(Application.objects.all(), filename="budget-lines.csv", budget_lines=True))

    assert rows[0] == budget_line_headers()
    assert len(rows) == 1 + len(EVIL_TITLES)
    assert {tuple(row[2:]) for row in rows[1:]} == {("'+fees", "'=1+2", "0.10")}


@pytest.mark.parametrize("count", [3, 30])
def test_csv_takes_two_queries_whatever_the_row_count(count, django_assert_num_queries):
    make_applications(count)

    # The applications and their calls' questions (none here: no answers read).
    with django_assert_num_queries(2):
        applications = csv_rows(export_csv(Application.objects.all(), filename="applications.csv"))
    with django_assert_num_queries(1):
        lines = csv_rows(export_csv(Application.objects.all(), filename="lines.csv", budget_lines=True))

    assert len(applications) == 1 + count
    assert len(lines) == 1 + 2 * count


# --- admin actions ---------------------------------------------------------------------------


@time_machine.travel(datetime(2026, 11, 22, 12, 0, tzinfo=UTC), tick=False)
@pytest.mark.parametrize(
    ("action", "filename"),
    [
        (export_applications_xlsx, "applications-2026-11-22.xlsx"),
        (export_applications_csv, "applications-2026-11-22.csv"),
        (export_budget_lines_csv, "budget-lines-2026-11-22.csv"),
    ],
)
def test_admin_actions_name_the_file_after_the_day(action, filename, rf):
    response = action(None, rf.post("/"), Application.objects.none())

    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_admin_actions_need_only_the_view_permission():
    for action in (export_applications_xlsx, export_applications_csv, export_budget_lines_csv):
        assert action.allowed_permissions == ["view"]
        assert action.short_description


@pytest.mark.parametrize("action", ["export_applications_xlsx", "export_applications_csv", "export_budget_lines_csv"])
def test_admin_changelist_action_exports_the_selection_once_the_lead_registers_the_actions(client, action, superuser):
    """Needs `actions = [export_applications_xlsx, export_applications_csv, export_budget_lines_csv]`
    on ApplicationAdmin (registered by the lead in applications/admin.py)."""
    client.force_login(superuser)
    selected = make_applications(3)[:2]

    response = client.post(
        reverse("admin:applications_application_changelist"),
        {"action": action, "_selected_action": [application.pk for application in selected]},
    )

    assert response.status_code == 200, "is the action registered on ApplicationAdmin?"
    assert response["Content-Disposition"].startswith("attachment;")
    if action == "export_applications_xlsx":
        sheets = xlsx_sheets(response)
        references = [row[0].value for row in sheets["Applications"][1:]]
        assert len(sheets["Budget lines"]) == 1 + 4
    else:
        rows = csv_rows(response)
        references = [row[0] for row in rows[1:]]
    assert sorted(set(references)) == sorted(application.reference for application in selected)


# --- answers to the calls' questions ---------------------------------------------------------


@pytest.fixture
def answered():
    """Two calls asking some questions (one code in both), an application of each answering them."""
    markets_call, group_call = CallFactory(), CallFactory()
    markets = QuestionFactory(call=markets_call, code="markets", kind="market", label="Target markets", position=1)
    activity = QuestionFactory(
        call=markets_call, code="activity_types", kind="multiple_choice", label="Types of activity", position=2
    )
    QuestionChoiceFactory(question=activity, code="b2b", label="B2B meetings", label_es="Encuentros B2B", position=1)
    QuestionChoiceFactory(question=activity, code="exhibition", label="Exhibitions", position=2)
    own = QuestionFactory(call=markets_call, code="own_funds", kind="amount", label="Own funds", position=3)
    smes = QuestionFactory(call=group_call, code="estimated_smes", kind="number", label="SMEs served", position=1)
    again = QuestionFactory(call=group_call, code="markets", kind="market", label="Markets", position=2)
    first = submitted_application(1, call=markets_call, title="Fairs")
    second = submitted_application(2, call=group_call, title="Wine")
    Answer.objects.create(application=first, question=markets, codes=["japan", "china"])
    Answer.objects.create(application=first, question=activity, codes=["b2b", "exhibition"])
    Answer.objects.create(application=first, question=own, number=Decimal("2500.50"))
    Answer.objects.create(application=second, question=smes, number=Decimal("40"))
    Answer.objects.create(application=second, question=again, codes=["india"])
    return first, second


def by_title(rows):
    return {row[1]: row for row in rows[1:]}


def test_the_answers_are_columns_by_question_code_with_labels(answered):
    rows = csv_rows(export_csv(Application.objects.order_by("pk"), filename="applications.csv"))

    fixed = len(application_headers())
    assert rows[0][fixed:] == [
        "Target markets (markets)",
        "Types of activity (activity_types)",
        "Own funds (own_funds)",
        "SMEs served (estimated_smes)",
    ]
    fairs, wine = by_title(rows)["Fairs"], by_title(rows)["Wine"]
    assert fairs[fixed:] == ["Japan, China", "B2B meetings, Exhibitions", "2500.50", ""]
    assert wine[fixed:] == ["India", "", "", "40.00"]


def test_the_answers_are_labelled_in_the_exporters_language(answered):
    with translation.override("es"):
        rows = csv_rows(export_csv(Application.objects.order_by("pk"), filename="applications.csv"))

    assert by_title(rows)["Fairs"][len(application_headers()) + 1] == "Encuentros B2B, Exhibitions"


def test_a_country_or_region_answer_is_exported_as_its_code_and_shown_by_its_name_on_pages():
    call = CallFactory()
    country = QuestionFactory(call=call, code="hq_country", kind="country", label="Country", position=1)
    region = QuestionFactory(call=call, code="hq_region", kind="region", label="Region", position=2)
    application = submitted_application(1, call=call, title="Cheese")
    Answer.objects.create(application=application, question=country, text="FR")
    Answer.objects.create(application=application, question=region, text="ES43")

    with translation.override("es"):
        rows = csv_rows(export_csv(Application.objects.filter(pk=application.pk), filename="applications.csv"))
        shown = AnswerColumns(Application.objects.filter(pk=application.pk), as_text=True).values[application.pk]

    # The spreadsheet keeps the codes the agency filters by; a page reads the names.
    assert rows[1][len(application_headers()) :] == ["FR", "ES43"]
    assert shown == {"hq_country": "Francia (FR)", "hq_region": "Extremadura (ES43)"}


def test_xlsx_answers_keep_numbers_and_amounts_as_numbers(answered):
    sheets = xlsx_sheets(export_xlsx(Application.objects.order_by("pk"), filename="applications.xlsx"))

    fixed = len(application_headers())
    rows = {row[1].value: row for row in sheets["Applications"][1:]}
    own_funds, smes = rows["Fairs"][fixed + 2], rows["Wine"][fixed + 3]
    assert (own_funds.data_type, own_funds.number_format) == ("n", EUR_FORMAT)
    assert Decimal(str(own_funds.value)) == Decimal("2500.50")
    assert smes.data_type == "n" and Decimal(str(smes.value)) == Decimal("40")
    assert rows["Fairs"][fixed].value == "Japan, China"


def test_an_answer_to_a_question_no_longer_asked_is_not_exported():
    exports = QuestionFactory(code="exports", kind="yes_no", label="Exports already", position=1)
    detail = QuestionFactory(
        call=exports.call, code="detail", kind="short_text", label="Where", position=2,
        condition_question=exports, condition_values="yes",
    )  # fmt: skip
    application = submitted_application(1, call=exports.call)
    Answer.objects.create(application=application, question=exports, boolean=False)
    # Written while the condition held; the applicant then said no.
    Answer.objects.create(application=application, question=detail, text="Japan")

    rows = csv_rows(export_csv(Application.objects.all(), filename="applications.csv"))

    assert rows[0][-2:] == ["Exports already (exports)", "Where (detail)"]
    assert rows[1][-2:] == ["No", ""]


def test_an_answer_that_would_start_a_formula_is_neutralised():
    question = QuestionFactory(code="sector", kind="short_text", label="Sector")
    application = submitted_application(1, call=question.call)
    Answer.objects.create(application=application, question=question, text="=HYPERLINK(1)")

    rows = csv_rows(export_csv(Application.objects.all(), filename="applications.csv"))

    assert rows[1][-1] == "'=HYPERLINK(1)"


@pytest.mark.parametrize("count", [2, 12])
def test_the_answers_take_three_more_queries_whatever_the_row_count(answered, count, django_assert_num_queries):
    question = activity_question(answered[0])
    for number in range(count):
        application = submitted_application(10 + number, call=question.call, consortium=ConsortiumFactory())
        Answer.objects.create(application=application, question=question, codes=["b2b"])

    # The applications, the questions, their choices, the answers.
    with django_assert_num_queries(4):
        rows = csv_rows(export_csv(Application.objects.all(), filename="applications.csv"))

    assert len(rows) == 1 + 2 + count


def activity_question(application):
    return application.call.questions.get(code="activity_types")
