"""In a real browser, in Spanish: the panel of the budget step follows what the applicant types.

A cost above its category's cap is flagged with the part that will not be funded, the potential
grant shows at once, and an amount the form refuses stops being counted until it is corrected.
(The assertions read the figures and the panel's parts, not words the translators have yet to write.)
"""

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
from portal.tests.browser import log_in
from portal.tests.factories import UserFactory
from programmes.models import CallRule
from programmes.tests.factories import CallFactory, CostCategoryFactory, ProgrammeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def posted(page):
    return page.expect_response(lambda r: r.request.method == "POST" and "/edit/budget/" in r.url)


def save(page):
    with posted(page):
        page.locator("button[name=action][value=save]:not(.visually-hidden)").click()
    page.wait_for_load_state("networkidle")


def test_the_budget_panel_warns_above_a_cap_and_stops_counting_a_refused_amount(page, live_server):
    lucia = UserFactory(email="lucia@example.org", verified=True)
    organisation = organisation_register(user=lucia, organisation=OrganisationFactory.build(region="ES43"))
    programme = ProgrammeFactory(kind="pimex", applicant_type="company")
    CostCategoryFactory(programme=programme, code="promotion", name="Acciones de promoción")
    fairs = CostCategoryFactory(programme=programme, code="fairs", name="Ferias comerciales")
    call = CallFactory(programme=programme)
    CallRule.objects.create(call=call, position=1, code="declarations", choices="pimex_commitment")
    CallRule.objects.create(call=call, position=2, code="category_cap", category=fairs, amount=Decimal("8000.00"))
    application = ApplicationFactory(call=call, consortium=None, organisation=organisation, title="Ferias en Alemania")
    with translation.override("es"):
        url = reverse("applications:edit", args=[application.pk, "budget"])
    log_in(page, lucia.email, url)
    panel = page.locator("#panel")
    assert panel.get_attribute("aria-live") == "polite"
    # Nothing entered yet: no grant of 0,00 €, the steps still to do link to their step.
    assert panel.locator(".potential-grant, .max-grant").count() == 0
    assert panel.locator(".to-do a[href$='/edit/declarations/']").count() == 1

    page.locator("#add-line").click()
    first = page.locator("tr.budget-line").first
    first.locator("select").select_option(label="Acciones de promoción")
    first.locator("input[type=text]").first.fill("Catálogo")
    first.locator("input[inputmode=decimal]").fill("1.500,00")
    with posted(page):
        page.locator("#add-line").click()
    second = page.locator("tr.budget-line").nth(1)
    second.wait_for()
    second.locator("select").select_option(label="Ferias comerciales")
    second.locator("input[type=text]").first.fill("Feria ANUGA")
    second.locator("input[inputmode=decimal]").fill("9.000,00")
    save(page)
    panel.locator(".potential-grant").filter(has_text="9.500,00").wait_for()

    # The applicant types a larger amount: the panel follows without a button pressed.
    amount = page.locator("tr.budget-line").nth(1).locator("input[inputmode=decimal]")
    with posted(page):
        amount.fill("10.000,00")
        amount.press("Tab")
    warning = panel.locator(".warnings li")
    warning.filter(has_text="2.000,00").wait_for()
    assert "Ferias comerciales" in warning.inner_text()
    assert "10.000,00" in warning.inner_text() and "8.000,00" in warning.inner_text()
    assert panel.locator(".met").filter(has_text="Ferias comerciales").count() == 0  # no tick for a capped cost
    assert re.sub(r"\s", " ", panel.locator(".potential-grant").inner_text()) == "9.500,00 €"

    # An amount the form refuses: the panel counts the other line only, and says so.
    amount = page.locator("tr.budget-line").nth(1).locator("input[inputmode=decimal]")
    with posted(page):
        amount.fill("diez mil")
        amount.press("Tab")
    panel.locator(".not-counted").wait_for()
    assert re.sub(r"\s", " ", panel.locator(".potential-grant").inner_text()) == "1.500,00 €"
    assert panel.locator(".warnings").count() == 0
    # The form settles after the panel (htmx puts a swapped field's new classes on a moment later).
    expect(page.locator("tr.budget-line").nth(1).locator("input[inputmode=decimal]")).to_have_class(
        re.compile(r"\bis-invalid\b")
    )
    # The stored amount is the last valid one; the panel does not count it.
    assert sorted(line.amount for line in BudgetLine.objects.filter(application=application)) == [
        Decimal("1500.00"),
        Decimal("10000.00"),
    ]

    amount = page.locator("tr.budget-line").nth(1).locator("input[inputmode=decimal]")
    with posted(page):
        amount.fill("7.000,00")
        amount.press("Tab")
    panel.locator(".potential-grant").filter(has_text="8.500,00").wait_for()
    assert panel.locator(".not-counted").count() == 0
