"""A beneficiary renounces part of its grant in a real browser: the form, the confirmation, the timeline."""

from decimal import Decimal

import pytest
from django.urls import reverse

from applications.decisions import application_approve
from applications.services import application_change_status
from applications.tests.factories import ApplicationFactory, BudgetLineFactory, reviews_complete
from portal.tests.browser import log_in
from programmes.services import de_minimis_headroom
from programmes.tests.factories import CallFactory, ProgrammeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = Decimal


def test_the_beneficiary_renounces_part_of_the_grant_and_sees_it_in_the_timeline(
    page, agency, company, applicant, staff
):
    call = CallFactory(programme=ProgrammeFactory(agency=agency, legal_basis="de_minimis"), budget=D("10000.00"))
    application = ApplicationFactory(call=call, consortium=None, organisation=company, title="Fairs in Japan")
    BudgetLineFactory(application=application, amount=D("8000.00"))
    application_change_status(application=application, to_status="submitted")
    application_change_status(application=application, to_status="under_review")
    reviews_complete(application)
    application_approve(application=application, by=staff, amount=D("4000.00"))
    detail = reverse("applications:detail", args=[application.pk])

    log_in(page, applicant.email, next_url=detail)
    page.get_by_text("Renounce the grant (whole or part)").click()
    page.get_by_role("link", name="Renounce…").click()
    page.get_by_label("Part of the grant").check()
    page.get_by_label("Amount you keep (EUR)").fill("2500")
    page.get_by_label("Why do you renounce?").fill("One fair is cancelled.")
    page.get_by_role("button", name="Continue").click()

    confirmation = page.locator(".renounce-confirmation")
    assert "1,500.00" in confirmation.inner_text() and "2,500.00" in confirmation.inner_text()
    confirmation.get_by_role("button", name="Yes, renounce").click()
    page.wait_for_url(f"**{detail}")

    assert "the grant is now 2,500.00" in page.locator("body").inner_text()
    assert "4,000.00 € → 2,500.00 €" in page.locator(".timeline").inner_text().replace("\xa0", " ")
    application.refresh_from_db()
    assert application.granted_amount == D("2500.00")
    assert de_minimis_headroom(company, on=agency.today()) == D("297500.00")  # the agency's day
