"""The managers' dashboard: hand-counted figures, each enterprise once, scoped to the agency, constant queries."""

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from applications.models import Application, ProjectReport, StatusChange
from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from consortia.models import OwnershipLink
from consortia.services import consortium_stage
from consortia.tests.factories import ConsortiumFactory, MembershipFactory, OrganisationFactory
from portal.models import Notification
from portal.tests.factories import UserFactory
from programmes.models import AgencySpending, Programme, ProgrammeBudget, ProgrammeBudgetLine, Report
from programmes.tests.factories import AgencyFactory, CallFactory, CostCategoryFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

D = Decimal
MADRID = ZoneInfo("Europe/Madrid")
TODAY = datetime(2026, 11, 30, 12, 0, tzinfo=MADRID)
URL = "/en/dashboard/"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def company(staff, turnover, balance=None, **fields):
    return OrganisationFactory(
        employees=D(staff),
        turnover=D(turnover),
        balance_sheet=D(balance if balance is not None else turnover),
        **fields,
    )


def decided(call, status, *, days, granted=None, lines=(), consortium=None, organisation=None):
    """An application submitted on the call's opening day and decided `days` later."""
    application = ApplicationFactory(call=call, consortium=consortium, organisation=organisation)
    submitted_at = call.opens_at + timedelta(days=1)
    Application.objects.filter(pk=application.pk).update(
        status=status, submitted_at=submitted_at, granted_amount=granted, max_grant=granted or D("1000.00")
    )
    StatusChange.objects.create(application=application, to_status="submitted", changed_at=submitted_at)
    if status in ("approved", "rejected", "reserve", "closed"):
        first = "approved" if status == "closed" else status
        StatusChange.objects.create(
            application=application, to_status=first, changed_at=submitted_at + timedelta(days=days)
        )
    if status in ("approved", "closed") and consortium is not None:
        # As the approval freezes it: the consortium's stage on the day of the decision.
        decided_on = (submitted_at + timedelta(days=days)).astimezone(MADRID).date()
        Application.objects.filter(pk=application.pk).update(decided_stage=consortium_stage(consortium, on=decided_on))
    for category, amount in lines:
        BudgetLineFactory(application=application, category=category, amount=D(amount))
    return application


def budgets(exports, pimex):
    """The programmes' yearly budgets of 2026: Export Consortiums' 58,000 for grants; PIMEX's three lines."""
    ProgrammeBudgetLine.objects.create(
        budget=ProgrammeBudget.objects.create(programme=exports, year=2026), name="Grants", amount=D("58000.00")
    )
    pimex_2026 = ProgrammeBudget.objects.create(programme=pimex, year=2026)
    ProgrammeBudgetLine.objects.create(budget=pimex_2026, name="Promotion actions", amount=D("75000.00"))
    training = ProgrammeBudgetLine.objects.create(
        budget=pimex_2026, name="Training", purpose="agency_spending", amount=D("5000.00"), position=1
    )
    ProgrammeBudgetLine.objects.create(
        budget=pimex_2026, name="Consultancy", purpose="agency_spending", amount=D("8280.00"), position=2
    )
    AgencySpending.objects.create(line=training, spent_on=date(2026, 3, 1), amount=D("1200.00"), description="Trainer")


def consortium_of(*members, established_on=date(2024, 3, 1), joint=True, sector="agri_food"):
    consortium = ConsortiumFactory(established_on=established_on, has_joint_actions=joint, sector=sector)
    for member in members:
        MembershipFactory(consortium=consortium, organisation=member, joined_on=date(2024, 3, 1))
    return consortium


@pytest.fixture
def world(agency, staff, manager):
    """Extremadura's programmes in 2025 and 2026, hand-counted in the tests; and another agency."""
    exports = ProgrammeFactory(agency=agency, name="Export Consortiums")
    pimex = ProgrammeFactory(agency=agency, kind=Programme.Kind.PIMEX, applicant_type="company", name="PIMEX")
    trips = CostCategoryFactory(programme=exports, name="Commercial trips")
    consultancy = CostCategoryFactory(programme=exports, name="Specialised consultancy")
    material = CostCategoryFactory(programme=exports, name="Promotional material")
    promotion = CostCategoryFactory(programme=pimex, name="Promotion actions")
    opens = datetime(2026, 1, 10, 9, 0, tzinfo=MADRID)
    exports_2026 = CallFactory(
        programme=exports, year=2026, opens_at=opens, closes_at=opens + timedelta(days=300), budget=D("58000.00")
    )
    pimex_2026 = CallFactory(
        programme=pimex, year=2026, opens_at=opens, closes_at=opens + timedelta(days=300), budget=D("75000.00")
    )
    exports_2025 = CallFactory(
        programme=exports,
        year=2025,
        opens_at=opens - timedelta(days=365),
        closes_at=opens - timedelta(days=65),
        budget=D("50000.00"),
    )

    x = company("5", "100000", legal_name="Micro X")  # micro
    y = company("30", "5000000", legal_name="Small Y")  # small
    z = company("100", "20000000", legal_name="Medium Z")  # medium
    w = company("300", "60000000", "50000000", legal_name="Large W")  # large
    v = company("4", "200000", legal_name="Micro V owned by a group")  # micro alone, large with its parent
    parent = company("400", "90000000", legal_name="Group parent")
    OwnershipLink.objects.create(owner=parent, owned=v, share=D("60.00"))

    k1 = consortium_of(x, y)  # development on 30 Nov 2026 (founded 1 March 2024, joint actions)
    k2 = consortium_of(x, z, v, established_on=date(2020, 1, 1), sector="metal")  # consolidated
    k3 = consortium_of(w)
    k4 = consortium_of(y)

    decided(exports_2026, "approved", days=10, granted=D("5000.00"), consortium=k1,
            lines=[(trips, "3000.00"), (consultancy, "2000.00")])  # fmt: skip
    decided(exports_2026, "approved", days=20, granted=D("3000.00"), consortium=k2,
            lines=[(material, "1500.00"), (trips, "1500.00")])  # fmt: skip
    decided(exports_2026, "rejected", days=40, consortium=k3, lines=[(trips, "9999.00")])
    ApplicationFactory(call=exports_2026, consortium=k4)  # a draft
    decided(pimex_2026, "approved", days=30, granted=D("2500.00"), organisation=x, consortium=None,
            lines=[(promotion, "2500.00")])  # fmt: skip
    decided(pimex_2026, "under_review", days=0, organisation=w, consortium=None)
    decided(exports_2025, "approved", days=15, granted=D("4000.00"), consortium=k1, lines=[(trips, "4000.00")])

    budgets(exports, pimex)

    elsewhere = AgencyFactory(slug="alentejo", name="Alentejo 2020", country="PT", region="PT18")
    other_programme = ProgrammeFactory(agency=elsewhere, name="Collective Actions")
    other_call = CallFactory(programme=other_programme, year=2026, budget=D("3000000.00"))
    decided(other_call, "approved", days=5, granted=D("99000.00"), consortium=consortium_of(company("2", "50000")))
    return {
        "agency": agency,
        "elsewhere": elsewhere,
        "exports": exports,
        "pimex": pimex,
        "exports_2026": exports_2026,
        "pimex_2026": pimex_2026,
        "staff": staff,
        "manager": manager,
    }


def cells(page, css_class):
    """The rows of one of the dashboard's tables: [header, *cells] text per row."""
    import re

    table = page.split(f'class="table table-sm {css_class}')[1].split("</table>")[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in rows
    ]


def test_the_figures_equal_the_hand_counts(client, world):
    client.force_login(world["manager"])

    page = client.get(URL, {"year": 2026})

    assert page.status_code == 200
    data = page.context["current"]
    assert [(r["call"], r["budget"], r["committed"], r["remaining"]) for r in data["budget"]] == [
        (world["exports_2026"].title, D("58000.00"), D("8000.00"), D("50000.00")),
        (world["pimex_2026"].title, D("75000.00"), D("2500.00"), D("72500.00")),
    ]
    pipeline = data["pipeline"]
    counts = {row["status"]: row["count"] for row in pipeline["by_status"]}
    assert counts == {**dict.fromkeys(counts, 0), "draft": 1, "approved": 3, "rejected": 1, "under_review": 1}
    assert (pipeline["submitted"], pipeline["decided"], pipeline["approval_rate"]) == (5, 4, 75.0)
    assert pipeline["median_days"] == 25.0  # decisions after 10, 20, 30 and 40 days
    assert data["consortia"]["count"] == 2
    assert data["consortia"]["companies"] == 4  # X, Y, Z and V: X is in both consortia
    assert {r["stage"]: r["count"] for r in data["consortia"]["by_stage"]} == {
        "initiation": 0,
        "development": 1,
        "consolidated": 1,
    }
    assert [(r["sector"], r["count"]) for r in data["consortia"]["by_sector"]] == [("agri_food", 1), ("metal", 1)]
    assert [(r["category"], r["count"], r["amount"]) for r in data["categories"]] == [
        ("Commercial trips", 2, D("4500.00")),
        ("Promotion actions", 1, D("2500.00")),
        ("Specialised consultancy", 1, D("2000.00")),
        ("Promotional material", 1, D("1500.00")),
    ]
    pimex = data["pimex"]
    assert (pimex["applications"], pimex["participants"], pimex["granted"]) == (2, 1, D("2500.00"))
    # The page shows them too.
    assert ["Commercial trips", "2", "4,500.00\xa0€"] in cells(page.text, "categories-table")
    assert "2 consortia formed by 4 companies" in page.text


def test_each_enterprise_is_counted_once_in_rco01_whatever_its_consortia_and_programmes(client, world):
    client.force_login(world["manager"])

    data = client.get(URL, {"year": 2026}).context["current"]["indicators"]["rows"]

    rco01, rco02, rco04 = data
    # X (micro) is in two consortia and in PIMEX: once. V is micro alone but large with its parent group.
    assert {k: rco01[k] for k in ("micro", "small", "medium", "large", "total")} == {
        "micro": 1,
        "small": 1,
        "medium": 1,
        "large": 1,
        "total": 4,
    }
    assert rco02["total"] == 4
    assert {k: rco04[k] for k in ("micro", "small", "medium", "large", "total")} == {
        "micro": 1,
        "small": 0,
        "medium": 0,
        "large": 0,
        "total": 1,
    }


def test_the_previous_year_is_shown_beside(client, world):
    client.force_login(world["manager"])

    page = client.get(URL, {"year": 2026})

    previous = page.context["previous"]
    assert previous["scope"].year == 2025
    assert previous["budget_totals"]["committed"] == D("4000.00")
    assert previous["indicators"]["rows"][0]["total"] == 2  # K1's X and Y
    assert ["Approved", "3", "1"] in cells(page.text, "pipeline-table")


def test_filtering_by_programme_narrows_every_figure(client, world):
    client.force_login(world["staff"])

    data = client.get(URL, {"year": 2026, "programme": world["pimex"].pk}).context["current"]

    assert [r["call"] for r in data["budget"]] == [world["pimex_2026"].title]
    assert data["pipeline"]["submitted"] == 2
    assert data["consortia"]["count"] == 0
    assert data["indicators"]["rows"][0]["total"] == 1


def test_staff_see_only_their_agencys_figures(client, world):
    other_call = world["elsewhere"].programmes.get().calls.get()
    client.force_login(world["staff"])

    page = client.get(URL, {"year": 2026})
    assert other_call.title not in page.text
    assert page.context["current"]["budget_totals"]["committed"] == D("10500.00")

    # Another agency's programme in the URL: refused next to the field, the figures stay the user's.
    foreign = client.get(URL, {"year": 2026, "programme": world["elsewhere"].programmes.get().pk})
    assert "Select a valid choice" in foreign.context["form"].errors["programme"][0]
    assert foreign.context["current"]["budget_totals"]["committed"] == D("10500.00")
    assert "is-invalid" in foreign.text
    csv = client.get(reverse("programmes:dashboard_table", args=["budget", "csv"]), {"call": other_call.pk})
    assert other_call.title not in csv.content.decode()


def test_a_superuser_sees_every_agency_or_the_one_chosen(client, world, superuser):
    client.force_login(superuser)

    everything = client.get(URL, {"year": 2026}).context["current"]["budget_totals"]
    one = client.get(URL, {"year": 2026, "agency": world["agency"].pk}).context["current"]["budget_totals"]

    assert everything["committed"] == D("109500.00")
    assert one["committed"] == D("10500.00")


def test_people_who_are_not_staff_cannot_see_it(client, world, applicant):
    assert client.get(URL).status_code == 302  # to the login page
    client.force_login(applicant)
    assert client.get(URL).status_code == 403
    assert client.get(reverse("programmes:dashboard_table", args=["budget", "json"])).status_code == 403
    assert client.post(reverse("programmes:dashboard_report_request"), {"report": "operations_csv"}).status_code == 403
    lost = UserFactory(email="no-agency@example.org", is_staff=True)
    client.force_login(lost)
    assert client.get(URL).status_code == 403


def test_staff_without_the_second_factor_are_sent_to_set_it_up(client, world, settings):
    settings.ADMIN_REQUIRE_TWO_FACTOR = True
    client.force_login(world["staff"])

    response = client.get(URL)

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_every_table_downloads_as_csv_and_json(client, world):
    client.force_login(world["manager"])

    csv = client.get(reverse("programmes:dashboard_table", args=["indicators", "csv"]), {"year": 2026})
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="indicators-2026.csv"' in csv["Content-Disposition"]
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "indicator,label,micro,small,medium,large,total"
    assert lines[1] == "RCO01,Enterprises supported,1,1,1,1,4"

    budget = json.loads(
        client.get(reverse("programmes:dashboard_table", args=["budget", "json"]), {"year": 2026}).content
    )
    assert budget["filters"]["year"] == 2026
    assert budget["rows"][0]["committed"] == "8000.00" and budget["rows"][0]["budget"] == "58000.00"
    for name in ("pipeline", "stages", "company_stages", "action_types", "sectors", "categories"):
        for format in ("csv", "json"):
            assert client.get(reverse("programmes:dashboard_table", args=[name, format])).status_code == 200
    assert client.get(reverse("programmes:dashboard_table", args=["nothing", "csv"])).status_code == 404
    assert client.get(reverse("programmes:dashboard_table", args=["budget", "xml"])).status_code == 404


def test_each_line_of_the_programmes_yearly_budgets_shows_budget_committed_paid_remaining(client, world):
    client.force_login(world["manager"])

    page = client.get(URL, {"year": 2026})

    rows = [
        (r["programme"], r["line"], r["budget"], r["committed"], r["paid"], r["remaining"])
        for r in page.context["current"]["envelopes"]
    ]
    assert rows == [
        ("Export Consortiums", "Grants", D("58000.00"), D("8000.00"), D("0.00"), D("50000.00")),
        ("PIMEX", "Promotion actions", D("75000.00"), D("2500.00"), D("0.00"), D("72500.00")),
        ("PIMEX", "Training", D("5000.00"), D("1200.00"), D("1200.00"), D("3800.00")),
        ("PIMEX", "Consultancy", D("8280.00"), D("0.00"), D("0.00"), D("8280.00")),
    ]
    assert ["Training", "PIMEX", "2026", "5,000.00\xa0€", "1,200.00\xa0€", "1,200.00\xa0€", "3,800.00\xa0€"] in cells(
        page.text, "table-striped envelopes-table"
    )
    table = client.get(reverse("programmes:dashboard_table", args=["envelopes", "csv"]), {"year": 2026})
    lines = table.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "programme,year,line,purpose,budget,committed,paid,remaining"
    assert lines[3] == "PIMEX,2026,Training,agency_spending,5000.00,1200.00,1200.00,3800.00"
    # Another year's figures have no budget of 2026.
    assert client.get(URL, {"year": 2025}).context["current"]["envelopes"] == []


def test_a_formula_in_a_call_title_is_neutralised_in_the_csv(client, world):
    world["exports_2026"].title = '=HYPERLINK("http://evil.example")'
    world["exports_2026"].save()
    client.force_login(world["manager"])

    content = client.get(reverse("programmes:dashboard_table", args=["budget", "csv"]), {"year": 2026}).content
    assert "'=HYPERLINK" in content.decode("utf-8-sig")


def test_the_charts_have_their_data_tables(client, world):
    client.force_login(world["manager"])

    page = client.get(URL, {"year": 2026}).text

    assert page.count("<svg") == 9
    assert page.count('aria-hidden="true" focusable="false"') == page.count("<svg")  # the tables speak for them
    for table in (
        "budget-table",
        "envelopes-table",
        "pipeline-table",
        "stages-table",
        "company-stages-table",
        "action-types-table",
        "sectors-table",
        "categories-table",
        "indicators-table",
    ):
        assert table in page


def test_a_manager_requests_a_report_from_the_dashboard_and_follows_it(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["manager"])

    with django_capture_on_commit_callbacks(execute=True):
        requested = client.post(
            reverse("programmes:dashboard_report_request"),
            {"report": "annual", "programme": world["exports"].pk, "year": 2026, "query": "year=2026"},
            follow=True,
        )
    assert "Annual programme report requested: it is being built." in requested.text
    assert 'hx-trigger="every 3s"' in requested.text  # the panel follows the build
    response = client.get(URL, {"year": 2026})

    report = Report.objects.get()
    assert (report.kind, report.format, report.parameters) == (
        "annual_programme",
        "pdf",
        {"year": 2026, "programme_id": world["exports"].pk},
    )
    assert report.agency == world["agency"] and report.requested_by == world["manager"]
    assert report.status == "done", report.error  # built eagerly in the tests
    assert reverse("admin:programmes_report_download", args=[report.pk]) in response.text
    panel = client.get(reverse("programmes:dashboard_reports"))
    assert "Annual programme report" in panel.text and "hx-trigger" not in panel.text


def test_a_report_missing_its_filters_is_explained(client, world):
    client.force_login(world["manager"])

    response = client.post(
        reverse("programmes:dashboard_report_request"), {"report": "ranking_pdf", "year": 2026}, follow=True
    )

    assert "Choose the filters this report needs" in response.text and "call_id" in response.text
    assert not Report.objects.exists()


def test_the_dashboard_queries_stay_constant_as_the_data_grows(client, world, django_assert_num_queries):
    client.force_login(world["manager"])
    client.get(URL, {"year": 2026})  # warm the session and content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # measure the computation, not the cache
    with CaptureQueriesContext(connection) as small:
        client.get(URL, {"year": 2026})
    trips = world["exports"].cost_categories.get(name_en="Commercial trips")
    for _n in range(10):
        members = [company("3", "90000"), company("45", "8000000"), company("120", "30000000")]
        decided(world["exports_2026"], "approved", days=12, granted=D("100.00"), consortium=consortium_of(*members),
                lines=[(trips, "100.00")])  # fmt: skip
        decided(world["pimex_2026"], "approved", days=3, granted=D("100.00"), organisation=members[0], consortium=None)
        linked = company("2", "10000")
        OwnershipLink.objects.create(owner=members[2], owned=linked, share=D("30.00"))
        decided(world["pimex_2026"], "rejected", days=8, organisation=linked, consortium=None)
        report = ProjectReport.objects.create(
            application=Application.objects.filter(consortium__memberships__organisation=members[0]).get(),
            kind="final",
            due_on=date(2027, 3, 31),
            status="submitted",
            submitted_at=TODAY,
            narrative="Done",
        )
        for action_type in ("mission", "consultancy", "marketing"):
            report.activities.create(
                category=trips, action_type=action_type, description="Action", carried_out_on=date(2026, 5, 2)
            )

    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(URL, {"year": 2026})
    assert page.context["current"]["indicators"]["rows"][0]["total"] == 4 + 30
    for name in ("budget", "indicators"):
        cache.clear()
        with CaptureQueriesContext(connection) as table_small:
            client.get(reverse("programmes:dashboard_table", args=[name, "json"]), {"year": 2026})
        assert len(table_small.captured_queries) <= len(small.captured_queries)


def test_the_dashboard_speaks_spanish(client, world):
    client.force_login(world["manager"])

    page = client.get("/es/dashboard/", {"year": 2026})

    assert page.status_code == 200
    assert 'lang="es"' in page.text


def test_a_decision_shows_at_once_though_the_figures_are_cached(
    client, world, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    from applications.decisions import application_reject

    client.force_login(world["manager"])
    client.get(URL, {"year": 2026})
    with django_assert_max_num_queries(12):  # cached: session, user, filters, reports and the outbox count only
        cached = client.get(URL, {"year": 2026}).context["current"]["pipeline"]
    assert cached["decided"] == 4

    waiting = Application.objects.get(call=world["pimex_2026"], status="under_review")
    with django_capture_on_commit_callbacks(execute=True):
        application_reject(application=waiting, by=world["manager"], reason="Outside the region")

    fresh = client.get(URL, {"year": 2026}).context["current"]["pipeline"]
    assert fresh["decided"] == 5 and fresh["approval_rate"] == 60.0


def test_the_administration_links_to_the_dashboard(client, world):
    client.force_login(world["staff"])

    page = client.get(reverse("admin:index"))

    assert f'href="{URL}"' in page.text


def test_payments_and_reported_outcomes_are_counted(client, world):
    from applications.models import Payment, ProjectReport

    k1_application = Application.objects.get(call=world["exports_2026"], granted_amount=D("5000.00"))
    Payment.objects.create(application=k1_application, paid_on=date(2026, 11, 20), amount=D("4200.00"))
    report = ProjectReport.objects.create(
        application=k1_application,
        kind="final",
        due_on=date(2027, 3, 31),
        status="submitted",
        submitted_at=TODAY,
        narrative="Done",
        new_markets="France, Morocco",
    )
    report.contracts.create(
        description="Cheese for a chain", country="FR", value=D("80000.00"), signed_on=date(2026, 10, 1)
    )
    report.contracts.create(description="Olive oil", country="MA", value=D("20000.00"), signed_on=date(2026, 10, 9))
    trips = world["exports"].cost_categories.get(name_en="Commercial trips")
    report.activities.create(
        category=trips,
        action_type="mission",
        description="Mission to Lyon",
        country="FR",
        carried_out_on=date(2026, 5, 2),
    )
    report.activities.create(
        category=trips,
        action_type="marketing",
        description="Stand leaflets",
        country="MA",
        carried_out_on=date(2026, 6, 2),
    )
    ProjectReport.objects.create(  # still due: not counted
        application=Application.objects.get(call=world["exports_2026"], granted_amount=D("3000.00")),
        kind="final",
        due_on=date(2027, 3, 31),
        new_markets="Japan",
    )
    client.force_login(world["manager"])

    data = client.get(URL, {"year": 2026}).context["current"]

    assert data["budget"][0]["paid"] == D("4200.00") and data["budget_totals"]["paid"] == D("4200.00")
    outcomes = data["outcomes"]
    assert (outcomes["contracts"], outcomes["contracts_value"], outcomes["contract_countries"]) == (
        2,
        D("100000.00"),
        2,
    )
    assert outcomes["new_markets"] == 2
    assert outcomes["actions"] == [{"category": "Commercial trips", "count": 2}]
    assert {r["type"]: r["count"] for r in outcomes["action_types"]} == {
        "mission": 1,
        "consultancy": 0,
        "marketing": 1,
        "other": 0,
    }
    csv = client.get(reverse("programmes:dashboard_table", args=["outcomes", "csv"]), {"year": 2026})
    assert "Value of the contracts won (EUR),100000.00" in csv.content.decode("utf-8-sig")


def test_pimex_attendance_deliverables_and_satisfaction_are_counted(client, world):
    from applications.tests import pimex_factories

    participant = Application.objects.get(call=world["pimex_2026"], status="approved")
    pimex_factories.commitments(participant, sessions=3, tutorials=2, by=world["staff"])
    absent = pimex_factories.session(world["pimex_2026"], days=-2, position=9)
    pimex_factories.attend(participant, [absent], by=world["staff"], attended=False)
    pimex_factories.deliverables(participant, world["staff"], survey=False)
    from applications.models import PimexSurvey

    PimexSurvey.objects.create(application=participant, score=8, comments="Useful", submitted_at=TODAY)
    client.force_login(world["manager"])

    pimex = client.get(URL, {"year": 2026}).context["current"]["pimex"]

    assert (pimex["session_places"], pimex["sessions_attended"], pimex["attendance_rate"]) == (4, 3, 75.0)
    assert (pimex["tutorials"], pimex["tutorials_attended"]) == (2, 2)
    assert (pimex["swots"], pimex["plans"], pimex["surveys"], pimex["satisfaction"]) == (1, 1, 1, 8.0)


def test_the_dashboard_tells_staff_how_many_emails_failed_or_may_not_have_arrived(client, world):
    client.force_login(world["manager"])
    assert 'id="outbox-warning"' not in client.get(URL, {"year": 2026}).text

    for status in (Notification.Status.FAILED, Notification.Status.UNCONFIRMED, Notification.Status.UNCONFIRMED):
        Notification.objects.create(
            key=f"outbox-{Notification.objects.count()}",
            kind="test",
            recipient="ana@example.org",
            language="en",
            subject="Hello",
            body_text="Hello.",
            body_html="<p>Hello.</p>",
            status=status,
        )
    page = client.get(URL, {"year": 2026})

    assert page.context["outbox"] | {"oldest_pending_seconds": None} == {
        "pending": 0,
        "oldest_pending_seconds": None,
        "failed": 1,
        "unconfirmed": 2,
    }
    assert 'id="outbox-warning"' in page.text
    assert "1 e-mail could not be sent." in page.text and "2 e-mails may not have been delivered" in page.text
