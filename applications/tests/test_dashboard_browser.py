"""A manager reads the year's figures, narrows them to a programme, downloads a table and asks for a report."""

import re
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from applications.models import Application, StatusChange
from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from consortia.tests.factories import ConsortiumFactory, MembershipFactory, OrganisationFactory
from portal.tests.browser import log_in
from portal.tests.factories import PASSWORD
from programmes.models import Programme, Report
from programmes.tests.factories import CallFactory, CostCategoryFactory, ProgrammeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MADRID = ZoneInfo("Europe/Madrid")


def approved(call, granted, **applicant):
    application = ApplicationFactory(call=call, **applicant)
    submitted_at = call.opens_at + timedelta(days=2)
    Application.objects.filter(pk=application.pk).update(
        status="approved", submitted_at=submitted_at, granted_amount=Decimal(granted), max_grant=Decimal(granted)
    )
    StatusChange.objects.create(
        application=application, to_status="approved", changed_at=submitted_at + timedelta(days=6)
    )
    BudgetLineFactory(
        application=application,
        category=CostCategoryFactory(programme=call.programme, name=f"Trade fairs {call.programme.kind}"),
        amount=Decimal(granted),
    )
    return application


@pytest.fixture
def this_years_figures(agency):
    """The agency's export and PIMEX calls of this year, each with an approved operation."""
    year = datetime.now(MADRID).year
    opens = datetime(year, 1, 15, 9, 0, tzinfo=MADRID)
    exports = ProgrammeFactory(agency=agency, name="Export Consortiums")
    pimex = ProgrammeFactory(agency=agency, name="PIMEX", kind=Programme.Kind.PIMEX, applicant_type="company")
    exports_call = CallFactory(programme=exports, title="Exports this year", year=year, opens_at=opens,
                               closes_at=opens + timedelta(days=200), budget=Decimal("58000.00"))  # fmt: skip
    pimex_call = CallFactory(programme=pimex, title="PIMEX this year", year=year, opens_at=opens,
                             closes_at=opens + timedelta(days=200), budget=Decimal("75000.00"))  # fmt: skip
    members = [OrganisationFactory(), OrganisationFactory(), OrganisationFactory()]
    consortium = ConsortiumFactory()
    for member in members:
        MembershipFactory(consortium=consortium, organisation=member)
    approved(exports_call, "8000.00", consortium=consortium)
    approved(pimex_call, "2500.00", consortium=None, organisation=members[0])


def test_a_manager_reads_filters_downloads_and_requests_a_report(page, manager, this_years_figures):
    log_in(page, manager.email, "/en/dashboard/")

    assert page.get_by_role("heading", level=1).inner_text() == "Programme dashboard"
    assert page.locator(".kpi-committed").inner_text() == "10,500.00\xa0€"
    # A company in the consortium and in PIMEX is one enterprise supported.
    assert page.locator(".kpi-rco01").inner_text() == "3"

    page.get_by_label("Programme", exact=True).select_option(label="PIMEX")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"programme="))
    assert page.locator(".kpi-committed").inner_text() == "2,500.00\xa0€"
    assert "Exports this year" not in page.locator(".budget-table").inner_text()

    with page.expect_download() as download:
        page.locator("#budget-title ~ .downloads a", has_text="CSV").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "PIMEX this year" in content and "Exports this year" not in content

    page.get_by_label("Build a report for this selection").select_option("operations_csv")
    page.get_by_role("button", name="Build").click()
    expect(page.get_by_text("List of operations (CPR Art. 49) requested: it is being built.")).to_be_visible()
    report = Report.objects.get()
    assert report.parameters["programme_id"] == Programme.objects.get(name_en="PIMEX").pk
    # Built in the tests' eager mode: the panel offers the file.
    page.reload()
    assert page.locator("#dashboard-reports").get_by_role("link", name="Download").is_visible()


def test_the_dashboard_in_spanish_fits_the_screen(page, manager, this_years_figures):
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto("/es/accounts/login/?next=/es/dashboard/")
    page.locator("#id_login").fill(manager.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/es/dashboard/$"))

    assert page.get_by_role("heading", level=1).inner_text() == "Cuadro de mando de los programas"
    # Long Spanish labels wrap in the navigation and the tables scroll inside their frame.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
