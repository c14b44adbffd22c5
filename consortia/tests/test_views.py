"""The applicant's organisations and consortia: profiles, representatives, invitations, outsiders."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from consortia.models import Consortium, Invitation, Membership, Organisation, Representation
from consortia.services import organisation_register
from consortia.taxids import make_tax_id
from consortia.tests.factories import OrganisationFactory
from portal.models import User
from portal.tests.factories import UserFactory
from programmes.models import CallRule
from programmes.tests.factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def represented(who, **fields):
    return organisation_register(user=who, organisation=OrganisationFactory.build(**fields))


@pytest.fixture
def applicant(client):
    """Overrides the shared applicant: Lucía logged in before she has registered any organisation."""
    person = UserFactory(email="lucia@example.org", verified=True)
    client.force_login(person)
    return person


def organisation_data(**overrides):
    data = {
        "kind": "company",
        "legal_name": "Quesos de la Serena S.L.",
        "country": "ES",
        "tax_id": make_tax_id("ES", 4242),
        "region": "ES43",
        "city": "Castuera",
        "nace_code": "10.51",
        "founded_on": "2015-04-01",
        "employees": "12",
        "turnover": "1500000",
        "balance_sheet": "900000",
        "email": "",
        "website": "",
    }
    data.update(overrides)
    return data


def test_a_user_registers_an_organisation_and_becomes_its_representative(client, applicant):
    response = client.post(reverse("consortia:organisation_create"), organisation_data())

    organisation = Organisation.objects.get(legal_name="Quesos de la Serena S.L.")
    assert response.status_code == 302
    assert Representation.objects.filter(user=applicant, organisation=organisation, status="active").exists()
    page = client.get(reverse("consortia:organisation", args=[organisation.pk])).content.decode()
    assert "small" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tax_id", "B06123450", "check digit does not match"),
        ("tax_id", "B0612345", "has 8 characters"),
        ("employees", "-3", "greater than or equal to 0"),
        ("turnover", "999999999999", "less than or equal to 100000000000"),
        ("region", "E13", "not a NUTS 2 code"),
        ("region", "ITH5", "not in the country ES"),
    ],
)
def test_bad_input_gets_a_message_next_to_the_field_and_keeps_the_rest(client, applicant, field, value, message):
    response = client.post(reverse("consortia:organisation_create"), organisation_data(**{field: value}))

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'value="Quesos de la Serena S.L."' in html
    assert 'value="Castuera"' in html
    assert not Organisation.objects.exists()


def test_a_second_user_asks_to_act_for_an_organisation_and_a_representative_accepts(client):
    owner = UserFactory(email="owner@example.org")
    organisation = represented(owner, legal_name="Cerezas del Jerte S.L.")
    newcomer = UserFactory(email="new@example.org")
    client.force_login(newcomer)

    client.post(
        reverse("consortia:organisation_join"),
        {"country": "ES", "tax_id": organisation.tax_id, "note": "I am the new export manager"},
    )

    request = Representation.objects.get(user=newcomer, organisation=organisation)
    assert request.status == "requested"
    assert client.get(reverse("consortia:organisation", args=[organisation.pk])).status_code == 404

    client.force_login(owner)
    client.post(reverse("consortia:representation_answer", args=[request.pk, "accept"]))

    request.refresh_from_db()
    assert request.status == "active"
    client.force_login(newcomer)
    assert client.get(reverse("consortia:organisation", args=[organisation.pk])).status_code == 200


def test_an_unknown_tax_id_cannot_be_asked_for(client, applicant):
    response = client.post(reverse("consortia:organisation_join"), {"country": "ES", "tax_id": make_tax_id("ES", 1)})

    assert "No organisation with this tax id is registered" in response.content.decode()


def consortium_data(lead, **overrides):
    data = {
        "lead": lead.pk,
        "name": "Sabores de la Serena",
        "sector": "agri_food",
        "established_on": "2026-01-15",
        "first_joint_action_on": "",
        "first_joint_action": "",
        "target_markets": "France, Germany",
        "description": "",
    }
    data.update(overrides)
    return data


def test_invited_members_count_only_once_they_accept(client, applicant):
    lead = represented(applicant)
    client.post(reverse("consortia:consortium_create"), consortium_data(lead))
    consortium = Consortium.objects.get(name="Sabores de la Serena")
    other_person = UserFactory(email="other@example.org")
    other = represented(other_person)

    client.post(reverse("consortia:consortium_invite", args=[consortium.pk]), {"country": "ES", "tax_id": other.tax_id})

    membership = Membership.objects.get(consortium=consortium, organisation=other)
    assert membership.status == "invited"
    assert consortium.memberships.filter(status="active").count() == 1

    client.force_login(other_person)
    assert "invites" in client.get(reverse("my_portal")).content.decode()
    client.post(reverse("consortia:membership_answer", args=[membership.pk, "accept"]))

    membership.refresh_from_db()
    assert membership.status == "active" and membership.joined_on is not None
    assert consortium.memberships.filter(status="active").count() == 2


def test_an_invitation_by_email_is_sent_and_accepted_with_a_token(
    client, applicant, django_capture_on_commit_callbacks
):
    lead = represented(applicant)
    consortium = Consortium.objects.create(name="C", sector="metal", established_on=date(2025, 1, 1), lead=lead)
    Membership.objects.create(consortium=consortium, organisation=lead, status="active", joined_on=date(2025, 1, 1))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("consortia:consortium_invite", args=[consortium.pk]), {"email": "Friend@Example.org"})

    invitation = Invitation.objects.get(consortium=consortium)
    assert invitation.email == "friend@example.org"
    assert len(mail.outbox) == 1 and invitation.token in mail.outbox[0].body
    friend = UserFactory(email="friend@example.org")
    organisation = represented(friend)
    client.force_login(friend)
    client.post(reverse("consortia:invitation", args=[invitation.token]), {"organisation": organisation.pk})
    assert Membership.objects.get(consortium=consortium, organisation=organisation).status == "active"
    assert client.get(reverse("consortia:invitation", args=[invitation.token])).status_code == 404


def test_a_member_leaves_and_stops_counting(client, applicant):
    lead = represented(UserFactory(email="lead@example.org"))
    mine = represented(applicant)
    consortium = Consortium.objects.create(name="C", sector="metal", established_on=date(2025, 1, 1), lead=lead)
    membership = Membership.objects.create(
        consortium=consortium, organisation=mine, status="active", joined_on=date(2025, 1, 1)
    )

    client.post(reverse("consortia:membership_leave", args=[membership.pk]))

    membership.refresh_from_db()
    assert membership.status == "left" and membership.left_on is not None


def test_the_consortium_page_says_for_each_open_call_whether_it_is_eligible(client, applicant):
    lead = represented(applicant)
    consortium = Consortium.objects.create(name="C", sector="agri_food", established_on=date(2026, 1, 1), lead=lead)
    Membership.objects.create(consortium=consortium, organisation=lead, status="active", joined_on=date(2026, 1, 1))
    call = CallFactory(programme=ProgrammeFactory(applicant_type="consortium"), title="Export Consortiums 2026")
    CallRule.objects.create(call=call, position=1, code="min_members", number=3, choices="ES43")

    html = client.get(reverse("consortia:consortium", args=[consortium.pk])).content.decode()

    assert "Export Consortiums 2026" in html
    assert "1 active member has its registered office in Extremadura (ES43); at least 3 are required." in html
    assert "Not eligible yet" in html


def test_outsiders_get_404_for_other_peoples_organisations_consortia_and_memberships(client, outsider):
    owner = UserFactory(email="owner@example.org")
    organisation = represented(owner)
    consortium = Consortium.objects.create(name="C", sector="metal", established_on=date(2025, 1, 1), lead=organisation)
    membership = Membership.objects.create(
        consortium=consortium, organisation=organisation, status="active", joined_on=date(2025, 1, 1)
    )
    request = Representation.objects.create(user=UserFactory(email="x@example.org"), organisation=organisation)
    client.force_login(outsider)
    represented(User.objects.get(email="outsider@example.org"))

    assert client.get(reverse("consortia:organisation", args=[organisation.pk])).status_code == 404
    assert client.get(reverse("consortia:organisation_edit", args=[organisation.pk])).status_code == 404
    assert client.get(reverse("consortia:consortium", args=[consortium.pk])).status_code == 404
    assert client.get(reverse("consortia:consortium_invite", args=[consortium.pk])).status_code == 404
    assert client.get(reverse("consortia:consortium_joint_action", args=[consortium.pk])).status_code == 404
    assert client.post(reverse("consortia:membership_leave", args=[membership.pk])).status_code == 404
    assert client.post(reverse("consortia:membership_answer", args=[membership.pk, "accept"])).status_code == 404
    assert client.post(reverse("consortia:representation_answer", args=[request.pk, "accept"])).status_code == 404
    request.refresh_from_db()
    assert request.status == "requested"


def test_pages_need_a_login(client):
    response = client.get(reverse("my_portal"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_my_portal_takes_the_same_queries_for_few_or_many_rows(client, applicant, django_assert_num_queries):
    from applications.tests.factories import ApplicationFactory

    def add_rows(count):
        for _ in range(count):
            organisation = represented(applicant)
            ApplicationFactory(consortium=None, organisation=organisation)
            consortium = Consortium.objects.create(
                name="C", sector="metal", established_on=date(2025, 1, 1), lead=organisation
            )
            ApplicationFactory(consortium=consortium)

    add_rows(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("my_portal"))
    add_rows(5)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("my_portal"))

    assert response.content.decode().count('href="/en/my/applications/') >= 12
    assert len(many) == len(few)


def test_a_representative_records_a_linked_enterprise_and_the_size_counts_it(client, applicant):
    mine = represented(
        applicant, employees=Decimal("40"), turnover=Decimal("5000000"), balance_sheet=Decimal("4000000")
    )
    parent = OrganisationFactory(employees=Decimal("30"), turnover=Decimal("4000000"), balance_sheet=Decimal("3000000"))

    client.post(
        reverse("consortia:ownership_link_add", args=[mine.pk]),
        {"country": "ES", "tax_id": parent.tax_id, "direction": "held", "share": "60"},
    )

    page = client.get(reverse("consortia:organisation", args=[mine.pk])).content.decode()
    assert f"{parent.legal_name} holds 60.00% of it" in page
    assert "medium-sized" in page  # 40 + 30 staff: 70, no longer small


def test_an_ownership_share_above_100_is_refused(client, applicant):
    mine = represented(applicant)
    other = OrganisationFactory()

    response = client.post(
        reverse("consortia:ownership_link_add", args=[mine.pk]),
        {"country": "ES", "tax_id": other.tax_id, "direction": "holds", "share": "150"},
    )

    assert "less than or equal to 100" in response.content.decode()
