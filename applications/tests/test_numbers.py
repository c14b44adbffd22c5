"""Amounts as people write them, in each language: the applicant's forms, the budget step and the admin's moves.

A form shows a number the local way (1.500,50 in es/it/pt, 1,500.50 in en) and that text, sent
back unchanged, gives the same number; the plain local way (1500,50) is read too.
"""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from applications.admin_workflow import ApproveForm, PaymentForm
from applications.forms import BudgetLineForm, ContractWonForm, ExpenseForm, ProjectReportForm
from applications.models import Application
from applications.pimex.forms import PlannedActionForm, SurveyForm
from applications.services import application_change_status
from applications.tests.factories import ApplicationFactory, BudgetLineFactory, reviews_complete
from consortia.forms import OrganisationForm, OwnershipLinkForm
from consortia.tests.factories import OrganisationFactory
from programmes.models import CallRule
from programmes.tests.factories import CallFactory, CostCategoryFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

D = Decimal
LANGUAGES = ["en", "es", "it", "pt"]


def written(english: str, language: str) -> str:
    """A number written in English ("1,500.50"), the way `language` writes it ("1.500,50")."""
    if language == "en":
        return english
    return english.translate(str.maketrans({",": ".", ".": ","}))


def shown(bound_field) -> str:
    return re.search(r'value="([^"]*)"', str(bound_field)).group(1)


# (form, field, value, how English writes it); `make(data, value)` builds the form showing `value`.
CASES = {
    "budget line": (
        lambda data, value: BudgetLineForm(data, initial={"amount": value}),
        "amount",
        D("1500.50"),
        "1,500.50",
    ),
    "expense": (
        lambda data, value: ExpenseForm(data, application=Application(pk=0), initial={"amount": value}),
        "amount",
        D("1500.50"),
        "1,500.50",
    ),
    "report turnover": (
        lambda data, value: ProjectReportForm(data, programme_kind="pimex", initial={"export_turnover_after": value}),
        "export_turnover_after",
        D("1250000.00"),
        "1,250,000.00",
    ),
    "report SMEs reached": (
        lambda data, value: ProjectReportForm(
            data, programme_kind="collective_actions", initial={"smes_reached": value}
        ),
        "smes_reached",
        1500,
        "1,500",
    ),
    "contract won": (
        lambda data, value: ContractWonForm(data, initial={"value": value}),
        "value",
        D("48000.00"),
        "48,000.00",
    ),
    "organisation staff": (
        lambda data, value: OrganisationForm(data, initial={"employees": value}),
        "employees",
        D("12.50"),
        "12.50",
    ),
    "organisation turnover": (
        lambda data, value: OrganisationForm(data, initial={"turnover": value}),
        "turnover",
        D("2300000.00"),
        "2,300,000.00",
    ),
    "ownership share": (
        lambda data, value: OwnershipLinkForm(data, initial={"share": value}),
        "share",
        D("33.33"),
        "33.33",
    ),
    "PIMEX action budget": (
        lambda data, value: PlannedActionForm(data, initial={"budget": value}),
        "budget",
        D("1900.00"),
        "1,900.00",
    ),
    "PIMEX survey": (lambda data, value: SurveyForm(data, initial={"score": value}), "score", 8, "8"),
    "admin approval": (
        lambda data, value: ApproveForm(data, initial={"amount": value}),
        "amount",
        D("4000.00"),
        "4,000.00",
    ),
    "admin payment": (
        lambda data, value: PaymentForm(data, initial={"amount": value}),
        "amount",
        D("2750.25"),
        "2,750.25",
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", list(CASES))
def test_a_number_a_form_shows_is_taken_back_unchanged(case, language):
    make, name, value, english = CASES[case]

    with translation.override(language):
        text = shown(make(None, value)[name])
        form = make({make(None, value).add_prefix(name): text}, value)
        form.is_valid()

    assert text == written(english, language)
    assert name not in form.errors
    assert form.cleaned_data[name] == value


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", [c for c in CASES if "." in CASES[c][3]])
def test_a_number_typed_without_thousands_separators_is_read(case, language):
    make, name, value, english = CASES[case]
    plain = written(english.replace(",", ""), language)

    with translation.override(language):
        form = make({make(None, value).add_prefix(name): plain}, value)
        form.is_valid()

    assert name not in form.errors
    assert form.cleaned_data[name] == value


@pytest.mark.parametrize("language", ["es", "it", "pt"])
def test_a_point_typed_in_spanish_italian_or_portuguese_groups_thousands(language):
    with translation.override(language):
        form = BudgetLineForm({"amount": "1.500"})
        form.is_valid()

    assert form.cleaned_data["amount"] == D("1500")


def test_a_number_wrong_for_the_language_is_refused_with_how_to_write_it_and_kept():
    with translation.override("es"):
        form = BudgetLineForm({"description": "Feria ANUGA", "amount": "1.500.5"})
        form.is_valid()
        html = str(form["amount"])

    assert form.errors["amount"] == ["Write the number like 1.500,50 or 1500,50."]
    assert 'value="1.500.5"' in html
    assert form.cleaned_data["description"] == "Feria ANUGA"


# The budget step over HTTP: what was reported broken in Spanish, Italian and Portuguese.


@pytest.fixture
def application(client, applicant, company):
    """A draft of the applicant's company to a PIMEX call; the applicant is logged in."""
    client.force_login(applicant)
    programme = ProgrammeFactory(kind="pimex", applicant_type="company")
    CostCategoryFactory(programme=programme, code="promotion-actions", name="Promotion actions")
    return ApplicationFactory(call=CallFactory(programme=programme), consortium=None, organisation=company)


def budget_step(application, language):
    with translation.override(language):
        return reverse("applications:edit", args=[application.pk, "budget"])


def line_data(line, amount, action="save"):
    return {
        "budget_lines-TOTAL_FORMS": "1",
        "budget_lines-INITIAL_FORMS": "1",
        "budget_lines-0-id": line.pk,
        "budget_lines-0-category": line.category_id,
        "budget_lines-0-description": line.description,
        "budget_lines-0-amount": amount,
        "action": action,
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_budget_step_takes_back_the_amount_it_shows_and_an_edit(client, application, language):
    line = BudgetLineFactory(application=application, amount=D("1500.50"))
    url = budget_step(application, language)

    page = client.get(url).content.decode()
    amount = re.search(r'<input[^>]*name="budget_lines-0-amount"[^>]*>', page).group(0)
    text = re.search(r'value="([^"]*)"', amount).group(1)
    saved = client.post(url, line_data(line, text))
    edited = client.post(url, line_data(line, written("2,750.25", language)))

    assert text == written("1,500.50", language)
    assert 'type="text"' in amount and 'inputmode="decimal"' in amount
    assert saved.status_code == 200 and "is-invalid" not in saved.content.decode()
    assert edited.status_code == 200 and "is-invalid" not in edited.content.decode()
    line.refresh_from_db()
    assert line.amount == D("2750.25")


def test_a_spanish_amount_wrong_for_the_language_is_explained_next_to_it(client, application):
    line = BudgetLineFactory(application=application, amount=D("1500.50"), description="Feria ANUGA")

    response = client.post(
        budget_step(application, "es"), {**line_data(line, "1.500.5"), "budget_lines-0-description": "Feria SIAL"}
    )

    page = response.content.decode()
    amount = re.search(r'<input[^>]*name="budget_lines-0-amount"[^>]*>', page).group(0)
    assert "is-invalid" in amount and 'value="1.500.5"' in amount
    assert 'id="id_budget_lines-0-amount-error"' in page
    assert 'value="Feria SIAL"' in page
    line.refresh_from_db()
    assert line.amount == D("1500.50")


# The admin's moves, in Spanish.


def test_staff_approve_with_an_amount_written_the_spanish_way(client, agency, staff):
    client.force_login(staff)
    call = CallFactory(programme=ProgrammeFactory(agency=agency), budget=D("50000.00"))
    CallRule.objects.create(call=call, code="grant_cap", amount=D("4000.00"))
    application = ApplicationFactory(call=call, consortium=None, organisation=OrganisationFactory())
    BudgetLineFactory(application=application, amount=D("5000.00"))
    application_change_status(application=application, to_status="submitted")
    application_change_status(application=application, to_status="under_review")
    reviews_complete(application)
    Application.objects.filter(pk=application.pk).update(max_grant=D("4000.00"))
    with translation.override("es"):
        url = reverse("admin:applications_application_move", args=[application.pk, "approve"])

    page = client.get(url).content.decode()
    response = client.post(url, {"amount": "3.500,50"})

    assert 'value="4.000,00"' in page
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.granted_amount == D("3500.50")


def test_saving_a_new_line_twice_without_reloading_keeps_one_line(client, application):
    category = application.call.programme.cost_categories.first()
    url = budget_step(application, "es")
    new_line = {
        "budget_lines-TOTAL_FORMS": "1",
        "budget_lines-INITIAL_FORMS": "0",
        "budget_lines-0-category": category.pk,
        "budget_lines-0-description": "Feria ANUGA",
        "budget_lines-0-amount": "1.500,50",
        "action": "save",
    }

    page = client.post(url, new_line, HTTP_HX_REQUEST="true").content.decode()
    line = application.budget_lines.get()
    again = client.post(url, line_data(line, "1.500,50"), HTTP_HX_REQUEST="true")

    assert f'name="budget_lines-0-id" value="{line.pk}"' in page
    assert again.status_code == 200
    assert list(application.budget_lines.values_list("amount", flat=True)) == [D("1500.50")]


def test_correcting_a_bad_line_after_a_good_one_was_saved_keeps_one_of_each(client, application):
    category = application.call.programme.cost_categories.first()
    url = budget_step(application, "es")
    two_new_lines = {
        "budget_lines-TOTAL_FORMS": "2",
        "budget_lines-INITIAL_FORMS": "0",
        "budget_lines-0-category": category.pk,
        "budget_lines-0-description": "Feria ANUGA",
        "budget_lines-0-amount": "1.500,50",
        "budget_lines-1-category": category.pk,
        "budget_lines-1-description": "Misión comercial",
        "budget_lines-1-amount": "2.000.5",
        "action": "save",
    }

    page = client.post(url, two_new_lines).content.decode()
    good = application.budget_lines.get()
    shown_again = dict(re.findall(r'<input[^>]*name="(budget_lines-[\w-]+)"[^>]*value="([^"]*)"', page))
    corrected = {
        **shown_again,
        "budget_lines-0-category": category.pk,
        "budget_lines-1-category": category.pk,
        "budget_lines-1-amount": "2.000,50",
        "action": "save",
    }
    client.post(url, corrected)

    assert shown_again["budget_lines-0-id"] == str(good.pk)
    assert shown_again["budget_lines-INITIAL_FORMS"] == "1"
    assert shown_again["budget_lines-1-amount"] == "2.000.5"
    assert sorted(application.budget_lines.values_list("description", "amount")) == [
        ("Feria ANUGA", D("1500.50")),
        ("Misión comercial", D("2000.50")),
    ]
