"""The dashboard's cached figures are fresh right after every door that changes what they count.

Each test warms the cache first, writes through one door (a service, an applicant's page, an
admin page) and reads the page again: the new figure is there, with no wait for the cache's time
limit. The doors say their data changed (`portal.figures.counted_data_changed`); nothing listens
to model signals, so a write made with a queryset update is seen like any other. (Tasks run eagerly
here, so the worker's rebuild of the figures runs at the commit: test_dashboard_warm.py.)
"""

import weakref
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.urls import reverse

from applications.beneficiary_reports import project_report_submit, report_row_add
from applications.decisions import application_approve
from applications.models import Application, ContractWon, ReportActivity
from applications.post_award import expense_claim, expense_verify, grant_accept, payment_record
from applications.submission import application_change_status, application_create, application_submit
from applications.tests.factories import BudgetLineFactory, reviews_complete
from applications.tests.test_access_matrix import form_data
from consortia.models import ConsortiumBid, Membership, Representation
from consortia.tests.factories import ConsortiumFactory, OrganisationFactory
from portal.figures import counted_data_changed
from portal.models import User
from portal.roles import PROGRAMME_MANAGER, ensure_groups
from programmes.models import Call
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


def person(email, organisation=None, **fields):
    user = User.objects.create_user(email, **fields)
    if organisation is not None:
        Representation.objects.create(user=user, organisation=organisation, status=Representation.Status.ACTIVE)
    return user


def under_review(call, consortium, amount="5000.00"):
    """A consortium's application submitted and under review (its reviews done), through the workflow's service."""
    application = application_create(call=call, title="Cheese fairs in France", consortium=consortium)
    BudgetLineFactory(application=application, category=call.programme.cost_categories.get(), amount=D(amount))
    application_change_status(application=application, to_status="submitted", at=call.opens_at + timedelta(days=1))
    application = application_change_status(application=application, to_status="under_review")
    reviews_complete(application)
    return application


@pytest.fixture
def world():
    """An agency's export consortia call of 2026: a consortium running an approved operation (its final
    report still due, an action listed on it), another consortium's application under review, a draft."""
    agency = AgencyFactory(slug="extremadura", name="Extremadura Avante")
    programme = ProgrammeFactory(agency=agency, name="Export Consortiums")
    CostCategoryFactory(programme=programme, name="Commercial trips")
    call = CallFactory(
        programme=programme,
        year=2026,
        opens_at=datetime(2026, 1, 10, 9, 0, tzinfo=MADRID),
        closes_at=datetime(2026, 12, 20, 14, 0, tzinfo=MADRID),
        budget=D("58000.00"),
        final_report_due_on=date(2027, 3, 31),
    )
    manager = person("gestora@avante.example", is_staff=True, agency=agency)
    manager.groups.set([ensure_groups()[PROGRAMME_MANAGER]])

    lead = OrganisationFactory(legal_name="Quesos del Casar SL", employees=D("12"), turnover=D("1500000"))
    ana = person("ana@quesos.example", lead)
    cheese = ConsortiumFactory(name="Cheese exporters", lead=lead)
    Membership.objects.create(consortium=cheese, organisation=lead, status="active", joined_on=date(2024, 3, 1))
    running = application_approve(application=under_review(call, cheese), by=manager, amount=D("5000.00"))
    grant_accept(application=running, by=ana)
    final = running.project_reports.get(kind="final")
    trips = programme.cost_categories.get()
    report_row_add(
        report=final,
        row=ReportActivity(
            category=trips,
            action_type="mission",
            description="Mission to Lyon",
            country="FR",
            carried_out_on=date(2026, 5, 2),
        ),
        by=ana,
    )

    bodegas = OrganisationFactory(legal_name="Bodegas Ribera SL")
    wine = ConsortiumFactory(name="Wine exporters", lead=bodegas)
    Membership.objects.create(consortium=wine, organisation=bodegas, status="active", joined_on=date(2024, 3, 1))
    waiting = under_review(call, wine, amount="3000.00")
    draft = application_create(call=call, title="Olive oil in Japan", consortium=ConsortiumFactory(name="Olive oil"))
    BudgetLineFactory(application=draft, category=trips, amount=D("2000.00"))
    return {
        "agency": agency,
        "programme": programme,
        "call": call,
        "manager": manager,
        "lead": lead,
        "ana": ana,
        "cheese": cheese,
        "running": running,
        "final": final,
        "waiting": waiting,
        "draft": draft,
    }


@pytest.fixture
def dashboard(client, world):
    """The manager's figures of 2026: read once, so the cache is warm before the write."""

    def figures():
        client.force_login(world["manager"])
        return client.get(URL, {"year": 2026}).context["current"]

    figures()
    return figures


def test_the_figures_are_cached_until_a_write_says_the_counted_data_changed(world, dashboard):
    before = dashboard()["pipeline"]["approved"]
    # A write that does not say so: the cached figures are still shown (until the cache's time limit).
    Application.objects.filter(pk=world["waiting"].pk).update(status="approved")
    assert dashboard()["pipeline"]["approved"] == before == 1


def test_a_submission_shows_at_once(world, dashboard, django_capture_on_commit_callbacks):
    before = dashboard()
    assert (before["pipeline"]["submitted"], before["budget"][0]["requested"]) == (2, D("5000.00"))

    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application=world["draft"], by=world["ana"])

    after = dashboard()
    assert (after["pipeline"]["submitted"], after["budget"][0]["requested"]) == (3, D("7000.00"))


def test_an_approval_and_its_granted_amount_show_at_once(world, dashboard, django_capture_on_commit_callbacks):
    assert dashboard()["budget_totals"]["committed"] == D("5000.00")

    with django_capture_on_commit_callbacks(execute=True):
        application_approve(application=world["waiting"], by=world["manager"], amount=D("2500.00"))

    figures = dashboard()
    assert figures["budget_totals"]["committed"] == D("7500.00")
    assert figures["consortia"]["count"] == 2


def test_a_sent_report_with_a_contract_won_shows_at_once(world, dashboard, django_capture_on_commit_callbacks):
    contract = ContractWon(
        description="Cheese for a chain", country="FR", value=D("80000.00"), signed_on=date(2026, 10, 1)
    )
    report_row_add(report=world["final"], row=contract, by=world["ana"])
    assert dashboard()["outcomes"]["contracts"] == 0  # a report still due is not counted

    with django_capture_on_commit_callbacks(execute=True):
        project_report_submit(report=world["final"], by=world["ana"], narrative="Two fairs, one contract.")

    outcomes = dashboard()["outcomes"]
    assert (outcomes["contracts"], outcomes["contracts_value"]) == (1, D("80000.00"))
    assert outcomes["actions"] == [{"category": "Commercial trips", "count": 1}]


def test_a_payment_shows_at_once(world, dashboard, django_capture_on_commit_callbacks):
    running = world["running"]
    expense = expense_claim(
        report=world["final"],
        by=world["ana"],
        budget_line=running.budget_lines.get(),
        amount=D("4000.00"),
        description="Stand at a fair",
        supplier="Fairs Ltd",
        invoice_number="F-1",
        invoice_date=date(2026, 11, 2),
    )
    project_report_submit(report=world["final"], by=world["ana"], narrative="Two fairs.")
    expense_verify(expense=expense, accepted=True, by=world["manager"])
    assert dashboard()["budget_totals"]["paid"] == D("0.00")

    with django_capture_on_commit_callbacks(execute=True):
        payment_record(application=running, amount=D("4000.00"), paid_on=date(2026, 11, 27), by=world["manager"])

    assert dashboard()["budget_totals"]["paid"] == D("4000.00")


def test_an_organisations_new_figures_move_it_to_another_size_class_at_once(
    client, world, dashboard, django_capture_on_commit_callbacks
):
    assert dashboard()["indicators"]["rows"][0]["small"] == 1
    client.force_login(world["ana"])
    url = reverse("consortia:organisation_edit", args=[world["lead"].pk])
    data = form_data(client.get(url).text, url)
    data.update({"employees": "300", "turnover": "60000000", "balance_sheet": "50000000"})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302
    rco01 = dashboard()["indicators"]["rows"][0]
    assert (rco01["small"], rco01["large"]) == (0, 1)


def test_a_linked_enterprise_recorded_by_the_applicant_shows_at_once(
    client, world, dashboard, django_capture_on_commit_callbacks
):
    parent = OrganisationFactory(employees=D("400"), turnover=D("90000000"), balance_sheet=D("90000000"))
    client.force_login(world["ana"])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("consortia:ownership_link_add", args=[world["lead"].pk]),
            {"country": "ES", "tax_id": parent.tax_id, "direction": "held", "share": "60"},
        )

    rco01 = dashboard()["indicators"]["rows"][0]
    assert (rco01["small"], rco01["large"]) == (0, 1)


def test_an_accepted_invitation_adds_the_member_at_once(client, world, dashboard, django_capture_on_commit_callbacks):
    newcomer = OrganisationFactory(legal_name="Pimentón de la Vera SL")
    membership = Membership.objects.create(consortium=world["cheese"], organisation=newcomer, status="invited")
    assert dashboard()["consortia"]["companies"] == 1
    client.force_login(person("bea@pimenton.example", newcomer))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("consortia:membership_answer", args=[membership.pk, "accept"]))

    assert dashboard()["consortia"]["companies"] == 2


def test_a_bid_won_shows_at_once(client, world, dashboard, django_capture_on_commit_callbacks):
    bid = ConsortiumBid.objects.create(
        consortium=world["cheese"], title="Cheese for a chain", country="GB", submitted_on=date(2026, 9, 1), value=9000
    )
    bid.members.set([world["lead"]])
    assert dashboard()["outcomes"]["consortium_contracts"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:consortia_consortiumbid_decide", args=[bid.pk]),
            {"outcome": "won", "decided_on": "2026-11-30"},
        )

    bid.refresh_from_db()
    assert bid.status == "won"
    assert dashboard()["outcomes"]["consortium_contracts"] == 1


def test_a_calls_budget_changed_in_the_administration_shows_at_once(
    client, world, dashboard, django_capture_on_commit_callbacks
):
    assert dashboard()["budget"][0]["budget"] == D("58000.00")
    url = reverse("admin:programmes_call_change", args=[world["call"].pk])
    data = form_data(client.get(url).text, url)
    data["budget"] = "70000.00"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    row = dashboard()["budget"][0]
    assert (row["budget"], row["remaining"]) == (D("70000.00"), D("65000.00"))


def test_a_programme_renamed_in_the_administration_shows_at_once(
    client, world, dashboard, django_capture_on_commit_callbacks
):
    assert dashboard()["budget"][0]["programme"] == "Export Consortiums"
    url = reverse("admin:programmes_programme_change", args=[world["programme"].pk])
    data = form_data(client.get(url).text, url)
    data["name_en"] = "Export Consortia of Extremadura"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert dashboard()["budget"][0]["programme"] == "Export Consortia of Extremadura"


def test_a_service_writing_with_a_queryset_update_is_seen(world, dashboard, django_capture_on_commit_callbacks):
    @transaction.atomic
    def call_budget_set(*, call, budget):
        # A queryset update sends no signal: what makes the figures fresh is the service saying so.
        Call.objects.filter(pk=call.pk).update(budget=budget)
        counted_data_changed()

    with django_capture_on_commit_callbacks(execute=True):
        call_budget_set(call=world["call"], budget=D("60000.00"))

    assert dashboard()["budget"][0]["budget"] == D("60000.00")


def test_a_write_rolled_back_leaves_the_cached_figures(world, dashboard, django_capture_on_commit_callbacks):
    assert dashboard()["pipeline"]["approved"] == 1

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        application_approve(application=world["waiting"], by=world["manager"], amount=D("2500.00"))
        raise RuntimeError("the request failed after the approval")

    assert callbacks == []
    assert dashboard()["pipeline"]["approved"] == 1


def test_no_model_signal_refreshes_the_dashboard():
    """The figures are made stale by the services, not by receivers on other apps' models."""
    for signal in (post_save, post_delete):
        for (uid, _sender), receiver, _is_async in signal.receivers:
            if isinstance(receiver, weakref.ReferenceType):
                receiver = receiver()
            assert not str(uid).startswith("dashboard-figures"), uid
            module = getattr(receiver, "__module__", "") or ""
            assert not module.startswith(("applications.dashboard", "portal.figures")), receiver
