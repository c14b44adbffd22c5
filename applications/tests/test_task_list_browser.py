"""In a real browser, in Portuguese: the task list, "check your answers", a Change link and back."""

import re

import pytest
from playwright.sync_api import expect

from applications.models import Application
from applications.tests.test_views import pimex_call
from portal.tests.browser import log_in
from programmes.tests.factories import QuestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def status(page, step):
    return page.locator(f"#task-{step}").get_attribute("data-status")


def test_an_applicant_checks_the_answers_changes_one_and_submits(page, live_server, applicant, company):
    call = pimex_call()
    QuestionFactory(call=call, code="sector", kind="short_text", label="Sector", position=1)
    log_in(page, applicant.email, "/pt/my/")

    page.goto(f"/pt/my/calls/{call.pk}/apply/")
    page.locator("#id_title").fill("Conservas no Brasil")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/pt/my/applications/\d+/edit/project/$"))
    assert page.locator("#id_title").input_value() == "Conservas no Brasil"
    assert status(page, "project") == "in_progress"
    assert status(page, "budget") == "not_started"
    page.locator("#id_summary").fill("Missão comercial a São Paulo.")
    page.locator("button[name=action][value=next]").click()

    page.wait_for_url(re.compile(r"/edit/questions/$"))
    assert status(page, "project") == "done"
    page.locator("#id_answer-sector").fill("Conservas")
    page.locator("button[name=action][value=next]").click()

    page.wait_for_url(re.compile(r"/edit/budget/$"))
    assert status(page, "questions") == "done"
    page.locator("#add-line").click()
    row = page.locator("tr.budget-line").first
    row.wait_for()
    row.locator("select").select_option(index=1)
    row.locator("input[type=text]").first.fill("Feira em São Paulo")
    row.locator("input[inputmode=decimal]").fill("2.000,00")
    page.locator("button[name=action][value=next]").click()

    page.wait_for_url(re.compile(r"/edit/documents/$"))
    assert status(page, "budget") == "done"
    # The task list leads to any step: the declarations, out of order.
    page.locator("#task-declarations a").click()
    page.wait_for_url(re.compile(r"/edit/declarations/$"))
    page.locator("button[name=action][value=next]").click()  # nothing ticked: refused here
    expect(page.locator("#error-summary a[href='#id_pimex_commitment']")).to_have_count(1)
    assert re.search(r"/edit/declarations/$", page.url)
    page.locator("#id_pimex_commitment").check()
    page.locator("button[name=action][value=next]").click()

    page.wait_for_url(re.compile(r"/edit/review/$"))
    assert status(page, "declarations") == "done"
    assert "Conservas no Brasil" in page.locator("#check-project").inner_text()
    assert "Feira em São Paulo" in page.locator("#check-budget").inner_text()
    assert "2.000,00" in page.locator("#budget-total").inner_text()
    assert page.locator("#answer-value-sector").inner_text() == "Conservas"

    page.locator("#check-questions a[href*='return=review']").click()
    page.wait_for_url(re.compile(r"/edit/questions/\?return=review"))
    page.locator("#id_answer-sector").fill("Conservas de peixe")
    page.locator("button[name=action][value=next]").click()

    page.wait_for_url(re.compile(r"/edit/review/#check-questions$"))
    assert page.locator("#answer-value-sector").inner_text() == "Conservas de peixe"
    page.locator("#submit-button").click()

    page.wait_for_url(re.compile(r"/pt/my/applications/\d+/$"))
    application = Application.objects.get(call=call)
    assert application.status == "submitted"
    assert application.title == "Conservas no Brasil"
