"""In a real browser, a Spanish applicant writes an amount the Spanish way and saves the budget step again and again."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from applications.models import BudgetLine
from applications.tests.factories import ApplicationFactory
from consortia.services import organisation_register
from consortia.tests.factories import OrganisationFactory
from portal.tests.browser import log_in, settled
from portal.tests.factories import UserFactory
from programmes.tests.factories import CallFactory, CostCategoryFactory, ProgrammeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def save(page):
    """Press "Guardar" and wait for the step to come back from the server."""
    with page.expect_response(lambda r: r.request.method == "POST" and "/edit/budget/" in r.url):
        page.locator("button[name=action][value=save]:not(.visually-hidden)").click()
    settled(page)


def assert_no_error(page):
    assert page.locator("#error-summary").count() == 0
    assert page.locator("#budget-form .is-invalid").count() == 0


def amounts(page):
    return page.locator("tr.budget-line input[inputmode=decimal]").evaluate_all("inputs => inputs.map(i => i.value)")


def test_a_spanish_amount_is_saved_shown_and_saved_again_unchanged(page, live_server):
    lucia = UserFactory(email="lucia@example.org", verified=True)
    organisation = organisation_register(user=lucia, organisation=OrganisationFactory.build(region="ES43"))
    programme = ProgrammeFactory(kind="pimex", applicant_type="company")
    CostCategoryFactory(programme=programme, code="promotion", name="Acciones de promoción")
    application = ApplicationFactory(
        call=CallFactory(programme=programme), consortium=None, organisation=organisation, title="Pimentón en Alemania"
    )
    with translation.override("es"):
        url = reverse("applications:edit", args=[application.pk, "budget"])
    log_in(page, lucia.email, url)

    page.locator("#add-line").click()
    row = page.locator("tr.budget-line").first
    row.locator("select").select_option(label="Acciones de promoción")
    row.locator("input[type=text]").first.fill("Feria ANUGA")
    row.locator("input[inputmode=decimal]").fill("1.500,50")
    save(page)

    assert_no_error(page)
    assert [line.amount for line in BudgetLine.objects.filter(application=application)] == [Decimal("1500.50")]

    page.reload()
    assert amounts(page) == ["1.500,50"]
    save(page)  # nothing changed: what the page shows is taken back

    assert_no_error(page)
    assert [line.amount for line in BudgetLine.objects.filter(application=application)] == [Decimal("1500.50")]

    page.locator("tr.budget-line input[inputmode=decimal]").fill("2750,25")
    save(page)
    page.reload()

    assert_no_error(page)
    assert amounts(page) == ["2.750,25"]
    assert [line.amount for line in BudgetLine.objects.filter(application=application)] == [Decimal("2750.25")]
    assert "2.750,25" in page.locator("#panel").inner_text()

    page.locator("tr.budget-line input[inputmode=decimal]").fill("2.750.2")
    save(page)

    amount = page.locator("tr.budget-line input[inputmode=decimal]")
    assert amount.input_value() == "2.750.2"
    expect(amount).to_have_class(re.compile(r"\bis-invalid\b"))
    assert page.locator("#budget-form .invalid-feedback").inner_text() == "Escriba el número así: 1.500,50 o 1500,50."
    assert [line.amount for line in BudgetLine.objects.filter(application=application)] == [Decimal("2750.25")]
