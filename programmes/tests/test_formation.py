"""SODERCAN's consortium formation (seed 002): from candidate companies to an established consortium,
then its manager, membership fees and the contracts it wins."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.selectors import formation_seed_funding
from applications.services import formation_establish
from consortia import follow_up
from consortia.models import Consortium, ConsortiumBid, FeePayment, Membership
from consortia.selectors import consortium_contracts_won, consortium_fees_outstanding
from consortia.services import NotAllowed, organisation_register
from consortia.tests.factories import OrganisationFactory
from portal.models import Notification, User
from portal.roles import AGENCY_STAFF, PROGRAMME_MANAGER, ensure_groups
from programmes.formation import services
from programmes.models import Formation
from programmes.tests.factories import AgencyFactory, CallFactory, CostCategoryFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


# --- actors and helpers ---------------------------------------------------------------------------


@pytest.fixture
def sodercan():
    return AgencyFactory(
        name="SODERCAN", short_name="SODERCAN", slug="sodercan", region="ES13", email="consorcios@sodercan.example"
    )


@pytest.fixture
def programme(sodercan):
    """SODERCAN's programme with its seed-funding call (700,000 EUR, seed 002) and the cost category the
    seed funding of a formation is granted in."""
    programme = ProgrammeFactory(
        agency=sodercan,
        name="Export consortia of Cantabria",
        slug="export-consortia-cantabria",
    )
    CallFactory(
        programme=programme,
        title="Seed funding for export consortia",
        slug="seed-funding",
        reference_prefix="SOD",
        budget=Decimal("700000.00"),
    )
    CostCategoryFactory(programme=programme, code="establishment", name="Establishment of the consortium")
    return programme


def staff_of(agency, group=AGENCY_STAFF, email=None):
    user = User.objects.create_user(email or f"{group.split()[0].lower()}@{agency.slug}.example", is_staff=True)
    user.agency = agency
    user.save(update_fields=["agency"])
    user.groups.set([ensure_groups()[group]])
    return user


@pytest.fixture
def technician(sodercan):
    return staff_of(sodercan)


@pytest.fixture
def director(sodercan):
    """A programme manager of SODERCAN: establishing a consortium grants its seed funding, a manager's act."""
    return staff_of(sodercan, PROGRAMME_MANAGER)


def company(name, region="ES13"):
    """A company with one representative on the portal: returns (representative, organisation)."""
    person = User.objects.create_user(f"{name.split()[0].lower()}@example.org", password="a-long-password-1")
    organisation = organisation_register(
        user=person, organisation=OrganisationFactory.build(legal_name=name, region=region)
    )
    return person, organisation


def open_formation(programme, technician, *, seed_funding="180000.00", name="Marine renewable energy consortium"):
    return services.formation_open(
        programme=programme,
        sector="marine_renewable_energy",
        name=name,
        seed_funding=Decimal(seed_funding),
        call=programme.calls.get(),
        opened_on=TODAY - timedelta(days=120),
        coordinator=technician,
        by=technician,
    )


def invited(formation, technician, names):
    """Candidates identified and invited: {name: (representative, organisation, candidate)}."""
    people = {}
    for name in names:
        person, organisation = company(name)
        candidate = services.formation_candidate_add(formation=formation, organisation=organisation, by=technician)
        people[name] = (person, organisation, candidate)
    services.formation_invite(formation=formation, by=technician)
    return people


def answer(people, name, join=True, reason=""):
    person, _organisation, candidate = people[name]
    return services.formation_candidate_answer(candidate=candidate, join=join, reason=reason, by=person)


def establish(formation, by, lead, **overrides):
    """Establish through the one door (applications.services.formation_establish); returns the consortium."""
    arguments = {
        "formation": formation,
        "name": "Cantabria Offshore Energy",
        "established_on": TODAY - timedelta(days=10),
        "statutes_reference": "Notarial deed 1234/2026, Registro Mercantil de Cantabria",
        "lead": lead,
        "by": by,
    }
    arguments.update(overrides)
    return formation_establish(**arguments).consortium


def formation_with_joined(programme, technician, count, *, seed_funding="180000.00", name="Formation", prefix="Firm"):
    formation = open_formation(programme, technician, seed_funding=seed_funding, name=name)
    people = invited(formation, technician, [f"{prefix}{index} Ingeniería S.L." for index in range(count)])
    for candidate_name in people:
        answer(people, candidate_name)
    return formation, people


@pytest.fixture(autouse=True)
def today_is_fixed():
    import time_machine

    with time_machine.travel(timezone.datetime(2026, 6, 15, 10, 0, tzinfo=timezone.get_fixed_timezone(0)), tick=True):
        yield


# --- the pipeline ---------------------------------------------------------------------------------


def test_a_formation_goes_from_candidates_to_an_established_consortium_with_a_manager_and_fees(
    client, programme, technician, director
):
    formation = open_formation(programme, technician)
    names = ["Offshore Cantábrico S.L.", "Naval Santander S.L.", "Mecanizados del Pas S.L.", "Calderería Besaya S.L."]
    people = {}
    for name in names:
        person, organisation = company(name)
        people[name] = (
            person,
            organisation,
            services.formation_candidate_add(formation=formation, organisation=organisation, by=technician),
        )
    meeting = services.formation_meeting_record(
        formation=formation,
        held_on=TODAY - timedelta(days=60),
        place="SODERCAN, Santander",
        attended=[candidate for _p, _o, candidate in people.values()][:3],
        by=technician,
    )
    formation.refresh_from_db()
    assert formation.status == "meeting"
    assert meeting.attendances.filter(attended=True).count() == 3

    services.formation_invite(formation=formation, by=technician)
    formation.refresh_from_db()
    assert formation.status == "deciding"
    assert Notification.objects.filter(kind="formation_invited").count() == 4

    # Three companies join through the portal, one declines.
    for name in names[:3]:
        person, _organisation, candidate = people[name]
        client.force_login(person)
        assert "Decide" in client.get(reverse("my_portal")).content.decode()
        client.post(reverse("consortia:formation_candidacy", args=[candidate.pk]), {"decision": "join"})
    answer(people, names[3], join=False, reason="Fully booked")
    assert set(formation.candidates.values_list("status", flat=True)) == {"joined", "declined"}
    assert Notification.objects.filter(kind="formation_answered", recipient=technician.email).count() == 4

    lead = people[names[0]][1]
    consortium = establish(formation, director, lead, manager_name="Elena Ruiz", manager_email="Elena@Example.org")

    formation.refresh_from_db()
    assert formation.status == "established" and formation.consortium == consortium
    assert consortium.sector == "marine_renewable_energy" and consortium.lead == lead
    founding = consortium.memberships.filter(status="active")
    assert sorted(m.organisation.legal_name for m in founding) == sorted(names[:3])
    assert {m.joined_on for m in founding} == {TODAY - timedelta(days=10)}
    manager = consortium.managers.get(ended_on__isnull=True)
    assert (manager.full_name, manager.email, manager.appointed_on) == (
        "Elena Ruiz",
        "elena@example.org",
        TODAY - timedelta(days=10),
    )
    # The seed funding is a grant on the formation's call (applications.formation_grants tests the money).
    assert formation_seed_funding(call=formation.call).committed == Decimal("180000.00")
    assert Notification.objects.filter(kind="formation_established").count() == 3

    fee = follow_up.membership_fee_set(
        consortium=consortium, period="2026", amount=Decimal("2500"), due_on=TODAY, by=technician
    )
    for name in names[:2]:
        follow_up.fee_payment_record(
            fee=fee, organisation=people[name][1], amount=Decimal("2500"), paid_on=TODAY, by=technician
        )
    outstanding = {
        row.organisation.legal_name: row.outstanding for row in consortium_fees_outstanding(consortium=consortium)
    }
    assert outstanding == {names[0]: Decimal("0.00"), names[1]: Decimal("0.00"), names[2]: Decimal("2500.00")}

    client.force_login(people[names[2]][0])
    page = client.get(reverse("consortia:consortium", args=[consortium.pk])).content.decode()
    assert "Elena Ruiz" in page
    assert "Your membership fees" in page and "2,500.00" in page


def test_establishing_with_fewer_than_three_joined_companies_is_refused(programme, technician, director):
    formation = open_formation(programme, technician)
    people = invited(formation, technician, ["Uno S.L.", "Dos S.L.", "Tres S.L."])
    answer(people, "Uno S.L.")
    answer(people, "Dos S.L.")

    with pytest.raises(services.Refused, match="Only 2 companies have joined; a consortium needs at least 3"):
        establish(formation, director, people["Uno S.L."][1])

    formation.refresh_from_db()
    assert formation.status == "deciding" and formation.consortium is None
    assert not Consortium.objects.exists()


def test_the_lead_must_be_a_founding_member(programme, technician, director):
    formation = open_formation(programme, technician)
    people = invited(formation, technician, ["Uno S.L.", "Dos S.L.", "Tres S.L.", "Cuatro S.L."])
    for name in ["Uno S.L.", "Dos S.L.", "Tres S.L."]:
        answer(people, name)

    with pytest.raises(services.Refused, match="has not joined"):
        establish(formation, director, people["Cuatro S.L."][1])


# --- answers in the portal --------------------------------------------------------------------------


def test_a_candidate_of_another_organisation_gets_404_and_the_public_is_sent_to_log_in(client, programme, technician):
    formation = open_formation(programme, technician)
    people = invited(formation, technician, ["Invitada S.L."])
    candidate = people["Invitada S.L."][2]
    url = reverse("consortia:formation_candidacy", args=[candidate.pk])

    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(url, {"decision": "join"}).status_code == 302

    outsider, _ = company("Otra S.L.")
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "join"}).status_code == 404
    with pytest.raises(NotAllowed):
        services.formation_candidate_answer(candidate=candidate, join=True, by=outsider)

    candidate.refresh_from_db()
    assert candidate.status == "invited"


def test_a_company_not_yet_invited_cannot_answer(client, programme, technician):
    formation = open_formation(programme, technician)
    person, organisation = company("Identificada S.L.")
    candidate = services.formation_candidate_add(formation=formation, organisation=organisation, by=technician)
    client.force_login(person)

    assert client.get(reverse("consortia:formation_candidacy", args=[candidate.pk])).status_code == 404
    assert "formation-invitation" not in client.get(reverse("my_portal")).content.decode()


def test_a_declined_company_is_not_a_founding_member_and_its_answer_is_final(client, programme, technician, director):
    formation = open_formation(programme, technician)
    people = invited(formation, technician, ["Uno S.L.", "Dos S.L.", "Tres S.L.", "Cuatro S.L."])
    for name in ["Uno S.L.", "Dos S.L.", "Tres S.L."]:
        answer(people, name)
    person, declined, candidate = people["Cuatro S.L."]
    client.force_login(person)
    url = reverse("consortia:formation_candidacy", args=[candidate.pk])

    client.post(url, {"decision": "decline", "reason": "Not our market"})
    page = client.get(url).content.decode()
    client.post(url, {"decision": "join"}, follow=True)

    candidate.refresh_from_db()
    assert candidate.status == "declined" and candidate.reason == "Not our market"
    assert "Declined on" in page and "Not our market" in page
    consortium = establish(formation, director, people["Uno S.L."][1])
    assert not Membership.objects.filter(consortium=consortium, organisation=declined).exists()
    assert consortium.memberships.filter(status="active").count() == 3


def test_a_second_click_on_the_same_answer_changes_nothing(client, programme, technician):
    formation = open_formation(programme, technician)
    people = invited(formation, technician, ["Uno S.L."])
    person, _organisation, candidate = people["Uno S.L."]
    client.force_login(person)
    url = reverse("consortia:formation_candidacy", args=[candidate.pk])

    client.post(url, {"decision": "join", "reason": "Yes"})
    candidate.refresh_from_db()
    first_answered_at = candidate.decided_at
    response = client.post(url, {"decision": "join", "reason": "Yes again"}, follow=True)

    candidate.refresh_from_db()
    assert candidate.status == "joined" and candidate.decided_at == first_answered_at and candidate.reason == "Yes"
    assert Notification.objects.filter(kind="formation_answered").count() == 1
    html = response.content.decode()
    assert "Uno S.L. has joined." in html and "already answered" not in html


def test_answers_are_refused_once_the_formation_is_abandoned(programme, technician):
    formation = open_formation(programme, technician)
    people = invited(formation, technician, ["Uno S.L."])
    services.formation_move(formation=formation, to_status="abandoned", by=technician)

    with pytest.raises(services.Refused, match="abandoned"):
        answer(people, "Uno S.L.")


def test_staff_record_an_answer_given_outside_the_portal(client, programme, technician):
    formation = open_formation(programme, technician)
    people = invited(formation, technician, ["Sin Portal S.L."])
    candidate = people["Sin Portal S.L."][2]
    client.force_login(technician)

    response = client.post(
        reverse("admin:programmes_formation_answer", args=[formation.pk, candidate.pk]),
        {"decision": "join", "reason": "Said yes at the meeting"},
    )

    assert response.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.status, candidate.decided_by) == ("joined", technician)


# --- fees --------------------------------------------------------------------------------------------


@pytest.fixture
def established(programme, technician, director):
    formation, people = formation_with_joined(programme, technician, 3)
    members = [organisation for _person, organisation, _candidate in people.values()]
    consortium = establish(formation, director, members[0], manager_name="Elena Ruiz", manager_email="e@example.org")
    return consortium, members, people


def test_a_fee_payment_by_a_non_member_is_refused(established, technician):
    consortium, _members, _people = established
    fee = follow_up.membership_fee_set(
        consortium=consortium, period="2026", amount=Decimal("1000"), due_on=TODAY, by=technician
    )
    _, outsider = company("Fuera S.L.")

    with pytest.raises(services.Refused, match="was not a member of Cantabria Offshore Energy"):
        follow_up.fee_payment_record(
            fee=fee, organisation=outsider, amount=Decimal("1000"), paid_on=TODAY, by=technician
        )

    assert not FeePayment.objects.exists()


def test_a_duplicate_payment_is_refused(established, technician):
    consortium, members, _people = established
    fee = follow_up.membership_fee_set(
        consortium=consortium, period="2026", amount=Decimal("1000"), due_on=TODAY, by=technician
    )
    follow_up.fee_payment_record(fee=fee, organisation=members[1], amount=Decimal("600"), paid_on=TODAY, by=technician)

    with pytest.raises(services.Refused, match="has already paid the fee for 2026"):
        follow_up.fee_payment_record(
            fee=fee, organisation=members[1], amount=Decimal("400"), paid_on=TODAY, by=technician
        )

    assert FeePayment.objects.count() == 1
    row = next(r for r in consortium_fees_outstanding(consortium=consortium) if r.organisation == members[1])
    assert (row.paid, row.outstanding) == (Decimal("600.00"), Decimal("400.00"))


def test_a_payment_above_the_fee_is_refused(established, technician):
    consortium, members, _people = established
    fee = follow_up.membership_fee_set(
        consortium=consortium, period="2026", amount=Decimal("1000"), due_on=TODAY, by=technician
    )

    with pytest.raises(services.Refused, match="cannot be more than the fee"):
        follow_up.fee_payment_record(
            fee=fee, organisation=members[0], amount=Decimal("1000.01"), paid_on=TODAY, by=technician
        )


def test_a_second_fee_for_the_same_period_is_refused(established, technician):
    consortium, _members, _people = established
    follow_up.membership_fee_set(
        consortium=consortium, period="2026", amount=Decimal("1000"), due_on=TODAY, by=technician
    )

    with pytest.raises(services.Refused):
        follow_up.membership_fee_set(
            consortium=consortium, period="2026", amount=Decimal("900"), due_on=TODAY, by=technician
        )


# --- bids and contracts won -------------------------------------------------------------------------


def test_a_won_bid_counts_as_a_contract_won_with_its_members(client, established, technician, sodercan):
    consortium, members, people = established
    won = follow_up.bid_submit(
        consortium=consortium,
        title="Floating platform moorings",
        client="Scottish wind farm",
        country="gb",
        submitted_on=TODAY - timedelta(days=5),
        value=Decimal("1250000.40"),
        members=members[:2],
        by=technician,
    )
    lost = follow_up.bid_submit(
        consortium=consortium,
        title="Tidal turbine housings",
        country="FR",
        submitted_on=TODAY - timedelta(days=5),
        value=Decimal("300000"),
        members=members[2:],
        by=technician,
    )
    follow_up.bid_submit(
        consortium=consortium,
        title="Pending offer",
        country="NO",
        submitted_on=TODAY,
        value=Decimal("90000"),
        members=members[:1],
        by=technician,
    )
    follow_up.bid_decide(bid=won, won=True, decided_on=TODAY, by=technician)
    follow_up.bid_decide(bid=lost, won=False, decided_on=TODAY, by=technician)

    contracts = consortium_contracts_won(agency_id=sodercan.pk, year=2026)
    assert (contracts.count, contracts.total_value) == (1, Decimal("1250000.40"))
    assert consortium_contracts_won(agency_id=sodercan.pk, year=2025).count == 0
    assert consortium_contracts_won(agency_id=AgencyFactory().pk).count == 0
    assert consortium_contracts_won().count == 1
    won.refresh_from_db()
    assert won.country == "GB" and set(won.members.all()) == set(members[:2])

    client.force_login(people[next(iter(people))][0])
    page = client.get(reverse("consortia:consortium", args=[consortium.pk])).content.decode()
    assert "Floating platform moorings" in page and "1,250,000.40" in page
    assert members[0].legal_name in page and "Tidal turbine housings" not in page


def test_a_bid_with_a_non_member_is_refused(established, technician):
    consortium, members, _people = established
    _, outsider = company("Fuera S.L.")

    with pytest.raises(services.Refused, match="Not members of Cantabria Offshore Energy"):
        follow_up.bid_submit(
            consortium=consortium,
            title="Offer",
            country="GB",
            submitted_on=TODAY,
            value=Decimal("1000"),
            members=[members[0], outsider],
            by=technician,
        )
    with pytest.raises(services.Refused, match="not an ISO 3166 country code"):
        follow_up.bid_submit(
            consortium=consortium,
            title="Offer",
            country="UK",
            submitted_on=TODAY,
            value=Decimal("1000"),
            members=[members[0]],
            by=technician,
        )
    assert not ConsortiumBid.objects.exists()


# --- the admin ---------------------------------------------------------------------------------------


def test_staff_of_another_agency_do_not_see_the_formation_in_the_admin(client, programme, technician):
    formation = open_formation(programme, technician, name="Cantabrian marine energy")
    invited(formation, technician, ["Uno S.L."])
    other = staff_of(AgencyFactory(name="Extremadura Avante", slug="extremadura-avante"), PROGRAMME_MANAGER)

    client.force_login(technician)
    assert "Cantabrian marine energy" in client.get(reverse("admin:programmes_formation_changelist")).content.decode()
    assert client.get(reverse("admin:programmes_formation_change", args=[formation.pk])).status_code == 200

    client.force_login(other)
    assert (
        "Cantabrian marine energy" not in client.get(reverse("admin:programmes_formation_changelist")).content.decode()
    )
    for url in (
        reverse("admin:programmes_formation_change", args=[formation.pk]),
        reverse("admin:programmes_formation_establish", args=[formation.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].endswith("/admin/"), url
    response = client.post(
        reverse("admin:programmes_formation_changelist"),
        {"action": "abandon", "_selected_action": [formation.pk]},
    )
    formation.refresh_from_db()
    assert formation.status == "deciding"


def test_staff_open_a_formation_in_the_admin_only_for_their_agencys_programmes(client, programme, technician):
    theirs = ProgrammeFactory(name="Export Consortiums of Extremadura")
    client.force_login(technician)
    add_url = reverse("admin:programmes_formation_add")
    assert "Export Consortiums of Extremadura" not in client.get(add_url).content.decode()
    data = {
        "sector": "metal",
        "name": "Metal consortium II",
        "opened_on": TODAY.isoformat(),
        "seed_funding": "150000",
        "coordinator": technician.pk,
        "notes": "",
    }

    refused = client.post(add_url, {**data, "programme": theirs.pk})
    created = client.post(add_url, {**data, "programme": programme.pk})

    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert created.status_code == 302
    formation = Formation.objects.get()
    assert (formation.agency, formation.programme, formation.status) == (programme.agency, programme, "identifying")


def test_staff_identify_candidates_among_the_companies_of_their_region(client, programme, technician):
    formation = open_formation(programme, technician)
    _, cantabrian = company("Cántabra S.L.")
    _, extremaduran = company("Extremeña S.L.", region="ES43")
    client.force_login(technician)
    url = reverse("admin:programmes_formation_change", args=[formation.pk])
    page = client.get(url).content.decode()
    assert "Cántabra S.L." in page and "Extremeña S.L." not in page

    def post(organisation):
        return client.post(
            url,
            {
                "sector": formation.sector,
                "name": formation.name,
                "opened_on": formation.opened_on.isoformat(),
                "seed_funding": "180000.00",
                "call": formation.call_id,
                "coordinator": technician.pk,
                "notes": "",
                "candidates-TOTAL_FORMS": "1",
                "candidates-INITIAL_FORMS": "0",
                "candidates-0-organisation": organisation.pk,
                "candidates-0-notes": "Export potential",
                "meetings-TOTAL_FORMS": "0",
                "meetings-INITIAL_FORMS": "0",
            },
        )

    assert post(extremaduran).status_code == 200
    assert post(cantabrian).status_code == 302
    assert list(formation.candidates.values_list("organisation__legal_name", "status")) == [
        ("Cántabra S.L.", "identified")
    ]


def test_a_programme_manager_establishes_the_consortium_on_the_button_page(client, programme, technician, director):
    formation, people = formation_with_joined(programme, technician, 3)
    lead = next(iter(people.values()))[1]
    client.force_login(director)
    url = reverse("admin:programmes_formation_establish", args=[formation.pk])
    assert "Establish the consortium" in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "name": "Cantabria Offshore Energy",
            "established_on": (TODAY - timedelta(days=1)).isoformat(),
            "statutes_reference": "Deed 55/2026",
            "lead": lead.pk,
            "seed_funding": "180000.00",
            "manager_name": "Elena Ruiz",
            "manager_email": "elena@example.org",
        },
    )

    assert response.status_code == 302
    formation.refresh_from_db()
    assert formation.status == "established"
    assert formation.consortium.managers.get().full_name == "Elena Ruiz"
    # The consortium is now the agency's, and its staff see it in the admin.
    consortia = client.get(reverse("admin:consortia_consortium_changelist")).content.decode()
    assert "Cantabria Offshore Energy" in consortia


def test_the_establish_page_explains_a_refusal_next_to_the_form(client, programme, technician, director):
    formation, people = formation_with_joined(programme, technician, 2)
    client.force_login(director)

    response = client.post(
        reverse("admin:programmes_formation_establish", args=[formation.pk]),
        {
            "name": "Too small",
            "established_on": TODAY.isoformat(),
            "statutes_reference": "Deed",
            "lead": next(iter(people.values()))[1].pk,
            "seed_funding": "180000.00",
        },
    )

    assert response.status_code == 200
    assert "Only 2 companies have joined" in response.content.decode()
    assert 'value="Too small"' in response.content.decode()


def test_the_establish_page_shows_a_date_in_the_future_next_to_the_date(client, programme, technician, director):
    formation, people = formation_with_joined(programme, technician, 3)
    client.force_login(director)

    response = client.post(
        reverse("admin:programmes_formation_establish", args=[formation.pk]),
        {
            "name": "Cantabria Offshore Energy",
            "established_on": (TODAY + timedelta(days=30)).isoformat(),
            "statutes_reference": "Deed 55/2026",
            "lead": next(iter(people.values()))[1].pk,
            "seed_funding": "180000.00",
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["established_on"] == ["The establishment date cannot be in the future."]
    assert 'value="Deed 55/2026"' in response.content.decode()
    formation.refresh_from_db()
    assert formation.status == "deciding"


def test_the_fee_and_bid_admin_pages_open_for_the_agencys_staff(client, established, technician):
    consortium, members, _people = established
    fee = follow_up.membership_fee_set(
        consortium=consortium, period="2026", amount=Decimal("1000"), due_on=TODAY, by=technician
    )
    follow_up.fee_payment_record(fee=fee, organisation=members[0], amount=Decimal("1000"), paid_on=TODAY, by=technician)
    client.force_login(technician)

    page = client.get(reverse("admin:consortia_membershipfee_change", args=[fee.pk])).content.decode()
    assert members[1].legal_name in page and "1,000.00" in page
    assert client.get(reverse("admin:consortia_consortiumbid_add")).status_code == 200
    assert client.get(reverse("admin:consortia_feepayment_changelist")).status_code == 200


# --- query counts of the portal pages ----------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_my_portal_with_invitations_takes_the_same_queries_for_few_or_many(
    client, programme, technician, django_assert_num_queries
):
    person, organisation = company("Repetida S.L.")

    def add_formations(count, start):
        for index in range(start, start + count):
            formation = open_formation(programme, technician, name=f"Formation {index}")
            services.formation_candidate_add(formation=formation, organisation=organisation, by=technician)
            services.formation_invite(formation=formation, by=technician)

    client.force_login(person)
    add_formations(1, 0)
    few = _queries(client, reverse("my_portal"))
    add_formations(9, 1)

    with django_assert_num_queries(few):
        response = client.get(reverse("my_portal"))
    assert response.content.decode().count("mb-2 formation-invitation") == 10


def test_the_candidacy_page_takes_the_same_queries_for_few_or_many_meetings(
    client, programme, technician, django_assert_num_queries
):
    formation = open_formation(programme, technician)
    people = invited(formation, technician, ["Uno S.L."])
    person, _organisation, candidate = people["Uno S.L."]
    url = reverse("consortia:formation_candidacy", args=[candidate.pk])

    def add_meetings(count):
        for index in range(count):
            services.formation_meeting_record(
                formation=formation,
                held_on=TODAY - timedelta(days=index),
                place=f"Room {index}",
                attended=[candidate],
                by=technician,
            )

    client.force_login(person)
    add_meetings(1)
    few = _queries(client, url)
    add_meetings(9)

    with django_assert_num_queries(few):
        response = client.get(url)
    assert response.content.decode().count("you attended") == 10


def test_the_consortium_page_takes_the_same_queries_for_few_or_many_fees_and_contracts(
    client, established, technician, django_assert_num_queries
):
    consortium, members, people = established
    lead_person = people[next(iter(people))][0]
    url = reverse("consortia:consortium", args=[consortium.pk])

    def add_rows(count, start):
        for index in range(start, start + count):
            fee = follow_up.membership_fee_set(
                consortium=consortium, period=f"P{index}", amount=Decimal("100"), due_on=TODAY, by=technician
            )
            follow_up.fee_payment_record(
                fee=fee, organisation=members[0], amount=Decimal("100"), paid_on=TODAY, by=technician
            )
            bid = follow_up.bid_submit(
                consortium=consortium,
                title=f"Contract {index}",
                country="GB",
                submitted_on=TODAY,
                value=Decimal("1000"),
                members=members,
                by=technician,
            )
            follow_up.bid_decide(bid=bid, won=True, decided_on=TODAY, by=technician)

    client.force_login(lead_person)
    add_rows(1, 0)
    few = _queries(client, url)
    add_rows(9, 1)

    with django_assert_num_queries(few):
        response = client.get(url)
    html = response.content.decode()
    assert html.count("Contract ") >= 10 and "10 contracts won" in html
