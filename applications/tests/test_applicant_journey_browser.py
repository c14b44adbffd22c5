"""The applicant's whole journey in Spanish, Portuguese and Italian, axe-core run on every page it shows:
the company registered with its region picked by name, the task list followed, an answer changed
from "check your answers", the application submitted."""

import re

import pytest
from playwright.sync_api import expect

from applications.models import Application
from applications.tests.test_views import pimex_call
from consortia.models import Organisation
from consortia.taxids import make_tax_id
from portal.tests.browser import AccessibilityAudit, log_in, settled
from portal.tests.factories import UserFactory
from programmes.tests.factories import QuestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPANY = {
    "es": {"country": "ES", "region": "Extremadura", "code": "ES43", "tax": 4242},
    "pt": {"country": "PT", "region": "Alentejo", "code": "PT18", "tax": 4243},
    "it": {"country": "IT", "region": "Emilia-Romagna", "code": "ITH5", "tax": 4244},
}


def status(page, step):
    return page.locator(f"#task-{step}").get_attribute("data-status")


def next_step(page, step, audit):
    page.locator("button[name=action][value=next]").click()
    page.wait_for_url(re.compile(rf"/edit/{step}/(#[\w-]+)?$"))
    audit.check()


@pytest.mark.parametrize("language", ["es", "pt", "it"])
def test_an_applicant_registers_applies_changes_an_answer_and_submits_on_accessible_pages(page, live_server, language):
    company = COMPANY[language]
    call = pimex_call()
    QuestionFactory(call=call, code="sector", kind="short_text", label_en="Sector", position=1)
    UserFactory(email="sme@example.org", verified=True)
    audit = AccessibilityAudit(page)
    log_in(page, "sme@example.org", f"/{language}/my/")
    audit.check()

    # The company, its region picked by its name among the country's, its activity by a word.
    audit.visit(f"/{language}/my/organisations/new/")
    page.locator("#id_kind").select_option("company")
    page.locator("#id_legal_name").fill("Conservas do Sul Lda")
    page.locator("#id_country").select_option(company["country"])
    page.locator("#id_tax_id").fill(make_tax_id(company["country"], company["tax"]))
    page.locator("#id_region").fill(company["region"])
    page.locator("#id_nace_code").fill("cheese")
    page.locator("#id_founded_on").fill("2015-04-01")
    page.locator("#id_employees").fill("12")
    page.locator("#id_turnover").fill("1500000")
    page.locator("#id_balance_sheet").fill("900000")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{language}/my/organisations/\d+/$"))
    audit.check()
    assert Organisation.objects.get().region == company["code"]

    # The application, step by step along the task list.
    audit.visit(f"/{language}/my/calls/{call.pk}/apply/")
    page.locator("#id_title").fill("Conservas em São Paulo")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/{language}/my/applications/\d+/edit/project/$"))
    audit.check()
    assert status(page, "budget") == "not_started"
    page.locator("#id_summary").fill("Missão comercial.")
    next_step(page, "questions", audit)
    page.locator("#id_answer-sector").fill("Conservas")
    next_step(page, "budget", audit)
    page.locator("#add-line").click()
    row = page.locator("tr.budget-line").first
    row.wait_for()
    row.locator("select").select_option(index=1)
    row.locator("input[type=text]").first.fill("Feira em São Paulo")
    row.locator("input[inputmode=decimal]").fill("2.000,00")
    # Checked once the line is saved (a saved line can be removed) and the pointer has left "Add a
    # line" (not mid-transition of its hover).
    page.mouse.move(0, 0)
    expect(row.locator("input[type=checkbox]")).to_be_attached()
    settled(page)
    audit.check()
    next_step(page, "documents", audit)
    assert status(page, "budget") == "done"
    page.locator("#task-declarations a").click()
    page.wait_for_url(re.compile(r"/edit/declarations/$"))
    audit.check()
    page.locator("#id_pimex_commitment").check()
    next_step(page, "review", audit)

    # "Check your answers": change one, come back, submit.
    assert page.locator("#answer-value-sector").inner_text() == "Conservas"
    page.locator("#check-questions a[href*='return=review']").click()
    page.wait_for_url(re.compile(r"/edit/questions/\?return=review"))
    audit.check()
    page.locator("#id_answer-sector").fill("Conservas de peixe")
    next_step(page, "review", audit)
    assert page.locator("#answer-value-sector").inner_text() == "Conservas de peixe"
    page.locator("#submit-button").click()
    page.wait_for_url(re.compile(rf"/{language}/my/applications/\d+/$"))
    audit.check()

    application = Application.objects.get(call=call)
    assert application.status == "submitted" and application.reference
    assert len(audit.checked) >= 13
    audit.assert_clean()
