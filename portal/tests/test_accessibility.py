"""WCAG 2.1 AA, as axe-core checks it, on every page the journeys visit: the public pages, signing up
and logging in, each step of a draft application, the applicant's portal and application page (in
English, Spanish and Portuguese), the staff dashboard and the admin pages staff work in.

One browser page goes through a whole list and the test fails once at the end, naming every page's
violations (rule, help, elements)."""

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from applications.models import Application
from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from consortia.tests.factories import ConsortiumFactory, OrganisationFactory
from portal.tests.browser import AccessibilityAudit, log_in, settled
from programmes.tests.factories import CallFactory, CostCategoryFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_rate_limits"),
]

STEPS = ["project", "questions", "budget", "documents", "declarations", "review"]


@pytest.fixture
def draft(call, consortium, applicant):
    category = CostCategoryFactory(programme=call.programme, code="trips", name="Commercial trips")
    application = ApplicationFactory(call=call, consortium=consortium, title="Extremadura flavours at SIAL Paris")
    BudgetLineFactory(application=application, category=category, description="Stand at SIAL", amount=Decimal("6500"))
    return application


@pytest.fixture
def funded(call):
    """An approved operation: a row of the open data."""
    return ApplicationFactory(
        call=call,
        consortium=ConsortiumFactory(lead=OrganisationFactory()),
        status=Application.Status.APPROVED,
        submitted_at=datetime(2026, 3, 1, 10, tzinfo=UTC),
        reference="EXP-2026-0001",
        eligible_costs=Decimal("12500.00"),
        granted_amount=Decimal("5000.00"),
    )


def test_the_public_pages_and_the_account_pages_meet_wcag_21_aa(page, live_server, call, funded):
    audit = AccessibilityAudit(page)
    for language in ("en", "es", "pt"):
        audit.visit(f"/{language}/")
        audit.visit(call.programme.get_absolute_url().replace("/en/", f"/{language}/"))
        audit.visit(call.get_absolute_url().replace("/en/", f"/{language}/"))
        audit.visit(f"/{language}/open-data/operations/")
        audit.visit(f"/{language}/accounts/signup/")
        audit.visit(f"/{language}/accounts/login/")
    # The filters applied, and one refused: the error summary and the "Clear the filters" link.
    audit.visit("/en/open-data/operations/?fund=ERDF")
    audit.visit("/en/open-data/operations/?year=not-a-year")
    # A form that comes back with errors.
    page.goto("/en/accounts/signup/")
    page.get_by_label("Email").fill("not-an-address")
    page.get_by_role("main").get_by_role("button", name="Sign up").click()
    page.locator("#error-summary, .invalid-feedback, .alert-danger").first.wait_for()
    audit.check()
    audit.assert_clean()


def test_the_applicant_pages_meet_wcag_21_aa_in_english_spanish_and_portuguese(
    page, live_server, applicant, company, consortium, draft
):
    other_call = CallFactory(programme=draft.call.programme, title="Export Consortiums 2025")
    submitted = ApplicationFactory(
        call=other_call,
        consortium=consortium,
        status=Application.Status.SUBMITTED,
        submitted_at=datetime(2026, 3, 1, 10, tzinfo=UTC),
        reference="EXP-2025-0003",
    )
    log_in(page, applicant.email)
    audit = AccessibilityAudit(page)
    for language in ("en", "es", "pt"):
        audit.visit(f"/{language}/")  # the navigation of a person logged in ("Log out")
        audit.visit(f"/{language}/my/")
        audit.visit(f"/{language}/my/organisations/new/")
        audit.visit(f"/{language}/my/organisations/{company.pk}/")
        audit.visit(f"/{language}/my/consortia/new/")
        audit.visit(f"/{language}/my/consortia/{consortium.pk}/")
        for step in STEPS:
            audit.visit(f"/{language}/my/applications/{draft.pk}/edit/{step}/")
        audit.visit(f"/{language}/my/applications/{draft.pk}/")
        audit.visit(f"/{language}/my/applications/{submitted.pk}/")
    audit.visit(f"/en/my/calls/{other_call.pk}/apply/")
    # The project step sent without its title: the form comes back with its errors.
    page.goto(f"/en/my/applications/{draft.pk}/edit/project/")
    page.get_by_label("Project title").fill("")
    page.get_by_role("button", name="Save and continue").click()
    page.locator("#error-summary").wait_for()
    audit.check()
    # The budget step after an htmx swap added a line.
    page.goto(f"/en/my/applications/{draft.pk}/edit/budget/")
    page.get_by_role("button", name="Add a line").click()
    page.locator("tr.budget-line").nth(1).wait_for()
    settled(page)
    audit.check()
    audit.assert_clean()


def test_the_staff_dashboard_and_admin_pages_meet_wcag_21_aa(page, live_server, manager, draft):
    draft.status = Application.Status.SUBMITTED
    draft.submitted_at = datetime(2026, 3, 1, 10, tzinfo=UTC)
    draft.reference = "EXP-2026-0002"
    draft.save()
    log_in(page, manager.email, "/en/admin/")
    audit = AccessibilityAudit(page)
    audit.visit("/en/dashboard/")
    audit.visit("/en/admin/")
    audit.visit("/en/admin/applications/application/")
    audit.visit(f"/en/admin/applications/application/{draft.pk}/change/")
    audit.visit(f"/en/admin/programmes/call/{draft.call.pk}/change/")
    # The pickers of places and activities by name.
    audit.visit("/en/admin/consortia/organisation/")
    page.locator("#result_list tbody a").first.click()
    page.wait_for_url(re.compile(r"/consortia/organisation/\d+/change/$"))
    audit.check()
    audit.visit(f"/en/admin/programmes/agency/{draft.call.programme.agency_id}/change/")
    audit.visit("/es/admin/applications/application/")
    assert re.search(r"/es/admin/", page.url)
    audit.assert_clean()
