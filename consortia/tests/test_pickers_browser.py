"""In a real browser: a Spanish applicant registers her company choosing the region by its name among
her country's and the activity by a word of its name; the codes are what is stored."""

import re

import pytest

from consortia.models import Organisation
from consortia.taxids import make_tax_id
from portal.tests.browser import log_in
from portal.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def suggestions(page, field):
    """The names the browser offers as the user types in a field (its <datalist>)."""
    return page.locator(f"#id_{field}-options option").evaluate_all("options => options.map(o => o.value)")


def test_a_spanish_applicant_picks_her_region_and_activity_by_their_names(page, live_server):
    UserFactory(email="lucia@example.org", verified=True)
    log_in(page, "lucia@example.org", next_url="/es/my/")

    page.goto("/es/my/organisations/new/")
    page.locator("#id_kind").select_option("company")
    page.locator("#id_legal_name").fill("Quesos de la Serena S.L.")
    page.locator("#id_country").select_option(label="España")
    page.locator("#id_tax_id").fill(make_tax_id("ES", 4242))
    assert "Extremadura" in suggestions(page, "region") and "Alentejo" not in suggestions(page, "region")
    page.locator("#id_region").fill("Extremadura")

    # Another country: its regions are offered, and the Spanish one chosen is cleared.
    page.locator("#id_country").select_option(label="Portugal")
    assert "Alentejo" in suggestions(page, "region") and "Extremadura" not in suggestions(page, "region")
    assert page.locator("#id_region").input_value() == ""
    page.locator("#id_country").select_option(label="España")
    page.locator("#id_region").fill("Extremadura")

    assert "10.51 – Operation of dairies and cheese making" in suggestions(page, "nace_code")
    page.locator("#id_nace_code").fill("cheese")
    page.locator("#id_founded_on").fill("2015-04-01")
    page.locator("#id_employees").fill("12")
    page.locator("#id_turnover").fill("1500000")
    page.locator("#id_balance_sheet").fill("900000")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/es/my/organisations/\d+/$"))

    organisation = Organisation.objects.get()
    assert (organisation.country, organisation.region, organisation.nace_code) == ("ES", "ES43", "10.51")

    # Editing it, she reads the names of what is stored.
    page.goto(f"/es/my/organisations/{organisation.pk}/edit/")
    assert page.locator("#id_region").input_value() == "Extremadura"
    assert page.locator("#id_nace_code").input_value() == "10.51 – Operation of dairies and cheese making"
    # A region of another country is refused next to the field; what she typed stays.
    page.locator("#id_region").fill("Emilia-Romagna")
    page.locator("#id_city").fill("Castuera")
    page.locator("main button[type=submit]").click()
    error = page.locator("#id_region").locator("xpath=..").locator(".invalid-feedback")
    assert "Emilia-Romagna (ITH5)" in error.inner_text()
    assert page.locator("#id_city").input_value() == "Castuera"
    organisation.refresh_from_db()
    assert organisation.region == "ES43"
