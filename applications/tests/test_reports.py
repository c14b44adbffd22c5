"""Reports built in the background: operations list (CPR Art. 49), ranking list, annual report."""

import csv
import glob
import io
import os
import tempfile
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import Application
from applications.reports import report_build, report_request, report_retry
from applications.reports.annual import erdf_indicators
from applications.tasks import build_report
from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from consortia.tests.factories import ConsortiumFactory, MembershipFactory, OrganisationFactory
from portal.tests.factories import UserFactory
from programmes.models import Programme, Report
from programmes.tests.factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

SUBMITTED_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def selected(call, number, status=Application.Status.APPROVED, **kwargs):
    kwargs.setdefault("consortium", ConsortiumFactory(lead=OrganisationFactory()))
    return ApplicationFactory(
        call=call,
        status=status,
        submitted_at=SUBMITTED_AT,
        reference=f"EXP-2026-{number:04d}",
        eligible_costs=Decimal("10000.00"),
        granted_amount=Decimal("4000.00"),
        **kwargs,
    )


@pytest.fixture
def programme(agency):
    return ProgrammeFactory(
        agency=agency,
        fund="ERDF",
        specific_objective="RSO1.3",
        intervention_type="024",
        eu_cofinancing_rate=Decimal("80.00"),
    )


@pytest.fixture
def call(programme):
    return CallFactory(programme=programme, year=2026)


def report_staff(agency, email):
    """Staff of `agency` who may only view and request reports (no role group)."""
    user = UserFactory(email=email, is_staff=True, agency=agency)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="programmes", codename__in=["view_report", "add_report"])
    )
    return user


def built(kind, format, parameters, agency, user=None):
    report = report_request(kind=kind, format=format, parameters=parameters, by=user, agency=agency)
    return report_build(report.pk)


def test_it_enqueues_the_build_on_commit_and_eager_mode_builds_it(agency, call, django_capture_on_commit_callbacks):
    selected(call, 1)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(kind="operations_list", format="csv", parameters={}, by=None, agency=agency)
    report.refresh_from_db()
    assert report.status == Report.Status.DONE
    assert report.progress == 100
    assert report.started_at and report.finished_at


def test_operations_list_has_the_approved_and_closed_applications_with_art49_columns(agency, call):
    approved = selected(call, 1, title='=HYPERLINK("http://x","click")', summary="-2+3 fairs in Japan")
    closed = selected(call, 2, status=Application.Status.CLOSED, consortium=None, organisation=OrganisationFactory())
    selected(call, 3, status=Application.Status.REJECTED)
    ApplicationFactory(call=call)  # a draft
    other_agency_call = CallFactory(year=2026)
    selected(other_agency_call, 4)

    report = built("operations_list", "xlsx", {"year": 2026}, agency)

    assert report.status == Report.Status.DONE, report.error
    with report.file.open("rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:13] == (
        "Reference",
        "Beneficiary",
        "Operation name",
        "Purpose",
        "Start date",
        "End date",
        "Total cost (EUR)",
        "Grant (EUR)",
        "Fund",
        "Specific objective",
        "EU co-financing rate (%)",
        "Location (NUTS 2)",
        "Type of intervention",
    )
    by_reference = {row[0]: row for row in rows[1:]}
    assert set(by_reference) == {approved.reference, closed.reference}
    row = by_reference[approved.reference]
    assert row[1] == approved.consortium.name
    assert row[2] == "'" + approved.title  # neutralised: text, never a formula
    assert row[3] == "'-2+3 fairs in Japan"
    assert row[4].date() == date(2026, 3, 2)
    assert row[5].date() == call.closes_at.astimezone(agency.tzinfo).date()
    assert Decimal(str(row[6])) == Decimal("10000.00")
    assert row[8:13] == ("ERDF", "RSO1.3", 80, "ES43", "024")
    assert by_reference[closed.reference][1] == closed.organisation.legal_name


def test_operations_list_csv_opens_and_is_neutralised(agency, call):
    selected(call, 1, title="@SUM(A1)")

    report = built("operations_list", "csv", {}, agency)

    assert report.status == Report.Status.DONE, report.error
    with report.file.open("rb") as handle:
        rows = list(csv.reader(io.StringIO(handle.read().decode("utf-8-sig"))))
    assert rows[0][0] == "Reference" and len(rows) == 2
    assert rows[1][2] == "'@SUM(A1)"
    assert rows[1][4] == "2026-03-02"


@pytest.mark.parametrize("format", ["pdf", "xlsx"])
def test_ranking_list_builds(agency, call, format):
    selected(call, 1)

    report = built("ranking_list", format, {"call_id": call.pk}, agency)

    assert report.status == Report.Status.DONE, report.error
    with report.file.open("rb") as handle:
        content = handle.read()
    if format == "pdf":
        assert content.startswith(b"%PDF")
    else:
        assert load_workbook(io.BytesIO(content)).active["A1"].value == "Rank"


def test_annual_programme_pdf_builds(agency, programme, call):
    application = selected(call, 1)
    MembershipFactory(consortium=application.consortium)
    BudgetLineFactory(application=application)

    report = built("annual_programme", "pdf", {"programme_id": programme.pk, "year": 2026}, agency)

    assert report.status == Report.Status.DONE, report.error
    with report.file.open("rb") as handle:
        assert handle.read(4) == b"%PDF"


def test_rco01_counts_a_company_once_across_two_consortia_and_pimex(agency, call):
    company = OrganisationFactory(employees=Decimal("5"), turnover=Decimal("100000"), balance_sheet=Decimal("1"))
    other = OrganisationFactory(employees=Decimal("30"), turnover=Decimal("5000000"))
    first = selected(call, 1).consortium
    second = selected(call, 2).consortium
    for consortium in (first, second):
        MembershipFactory(consortium=consortium, organisation=company, joined_on=date(2024, 3, 1))
    MembershipFactory(consortium=second, organisation=other, joined_on=date(2024, 3, 1))
    pimex = ProgrammeFactory(agency=agency, kind=Programme.Kind.PIMEX, applicant_type="company")
    selected(CallFactory(programme=pimex, year=2026), 3, consortium=None, organisation=company)

    indicators = erdf_indicators(
        Application.objects.filter(call__programme__agency=agency, status__in=["approved", "closed"]), date(2026, 6, 1)
    )

    assert indicators["RCO01"] == {"micro": 1, "small": 1, "medium": 0, "large": 0, "total": 2}
    assert indicators["RCO02"] == indicators["RCO01"]
    assert indicators["RCO04"] == {"micro": 1, "small": 0, "medium": 0, "large": 0, "total": 1}


def test_a_company_that_grew_after_its_grant_counts_in_the_size_decided(agency):
    # The size frozen at the decision is what the indicators of that year count, not today's figures.
    pimex = ProgrammeFactory(agency=agency, kind=Programme.Kind.PIMEX, applicant_type="company")
    company = OrganisationFactory(employees=Decimal("300"), turnover=Decimal("80000000"))
    application = selected(CallFactory(programme=pimex, year=2026), 1, consortium=None, organisation=company)
    Application.objects.filter(pk=application.pk).update(decided_size="micro")
    scope = Application.objects.filter(call__programme__agency=agency, status__in=["approved", "closed"])

    indicators = erdf_indicators(scope, date(2026, 6, 1))

    assert indicators["RCO01"] == {"micro": 1, "small": 0, "medium": 0, "large": 0, "total": 1}
    Application.objects.filter(pk=application.pk).update(decided_size="")
    assert erdf_indicators(scope, date(2026, 6, 1))["RCO01"]["large"] == 1


def test_a_failing_build_ends_failed_with_the_error_and_retry_succeeds(agency, call, monkeypatch):
    from applications.reports import operations

    def broken(report, path, progress):
        raise RuntimeError("disk full")

    monkeypatch.setattr(operations, "build_csv", broken)
    report = built("operations_list", "csv", {}, agency)
    assert report.status == Report.Status.FAILED
    assert "disk full" in report.error
    assert not report.file

    monkeypatch.undo()
    report = report_retry(report)
    assert report.status == Report.Status.QUEUED
    report = report_build(report.pk)
    assert report.status == Report.Status.DONE and report.error == ""


def test_a_done_report_is_not_rebuilt(agency, call):
    report = built("operations_list", "csv", {}, agency)
    name = report.file.name
    assert report_build(report.pk).file.name == name


def test_staff_of_another_agency_cannot_see_or_download(client, agency, call, other_agency):
    report = built("operations_list", "csv", {}, agency)
    owner, outsider = report_staff(agency, "ana@example.org"), report_staff(other_agency, "olaf@example.org")

    client.force_login(owner)
    assert client.get(reverse("admin:programmes_report_download", args=[report.pk])).status_code == 200
    assert str(report.pk) in client.get(reverse("admin:programmes_report_changelist")).content.decode()

    client.force_login(outsider)
    assert client.get(reverse("admin:programmes_report_download", args=[report.pk])).status_code == 404
    listing = client.get(reverse("admin:programmes_report_changelist"))
    assert listing.status_code == 200 and f"/{report.pk}/download/" not in listing.content.decode()


def test_the_request_page_refuses_a_programme_of_another_agency(client, agency, programme):
    foreign = ProgrammeFactory()
    client.force_login(report_staff(agency, "ana@example.org"))
    url = reverse("admin:programmes_report_add")

    refused = client.post(
        url,
        {"kind": "annual_programme", "format": "pdf", "parameters": f'{{"programme_id": {foreign.pk}, "year": 2026}}'},
    )
    assert refused.status_code == 200 and "in your agency" in refused.content.decode()
    assert not Report.objects.exists()

    accepted = client.post(
        url,
        {
            "kind": "annual_programme",
            "format": "pdf",
            "parameters": f'{{"programme_id": {programme.pk}, "year": 2026}}',
        },
    )
    assert accepted.status_code == 302
    report = Report.objects.get()
    assert report.agency == agency and report.requested_by.email == "ana@example.org"


def test_the_list_refreshes_only_while_a_report_is_in_progress(client, agency):
    client.force_login(report_staff(agency, "ana@example.org"))
    url = reverse("admin:programmes_report_changelist")
    assert 'http-equiv="refresh"' not in client.get(url).content.decode()
    Report.objects.create(kind="operations_list", format="csv", agency=agency)
    assert 'http-equiv="refresh"' in client.get(url).content.decode()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_a_report(celery_worker_process, agency, call):
    selected(call, 1)
    report = Report.objects.create(kind="operations_list", format="xlsx", parameters={"year": 2026}, agency=agency)

    assert (
        build_report.apply_async((report.pk,), queue=celery_worker_process, ignore_result=False).get(timeout=60)
        == "done"
    )

    report.refresh_from_db()
    assert report.status == Report.Status.DONE
    # The worker process has its own private media folder (portal.settings.test makes a temporary one
    # per process): look for the file there.
    stored = glob.glob(os.path.join(tempfile.gettempdir(), "portal-test-private-*", report.file.name))
    fresh = [path for path in stored if os.path.getmtime(path) >= report.started_at.timestamp() - 1]
    assert report.file.name.endswith(".xlsx") and len(fresh) == 1
    assert load_workbook(fresh[0]).active["A2"].value == "EXP-2026-0001"
