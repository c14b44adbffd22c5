"""Who acts for an organisation: one rule, and a deactivated account is never among them."""

import pytest
from django.core import mail

from consortia.models import Membership, Representation
from consortia.selectors import acts_for, organisations_of, people_acting_for, people_acting_for_each
from consortia.services import NotAllowed, consortium_create, membership_answer, membership_invite
from consortia.tests.factories import ConsortiumFactory, OrganisationFactory
from portal.models import User

pytestmark = pytest.mark.django_db


def representative(organisation, email, *, status=Representation.Status.ACTIVE, is_active=True):
    person = User.objects.create_user(email, is_active=is_active)
    Representation.objects.create(user=person, organisation=organisation, status=status)
    return person


@pytest.fixture
def company():
    return OrganisationFactory()


def test_only_active_representatives_with_an_active_account_act_for_an_organisation(company):
    lucia = representative(company, "lucia@example.org")
    gone = representative(company, "gone@example.org", is_active=False)
    representative(company, "asking@example.org", status=Representation.Status.REQUESTED)
    representative(company, "ended@example.org", status=Representation.Status.ENDED)
    other = OrganisationFactory()
    representative(other, "other@example.org")

    assert list(people_acting_for(company)) == [lucia]
    assert list(people_acting_for(company.pk)) == [lucia]
    assert {pk: [u.email for u in users] for pk, users in people_acting_for_each({company.pk, other.pk}).items()} == {
        company.pk: ["lucia@example.org"],
        other.pk: ["other@example.org"],
    }
    assert acts_for(lucia, company) and not acts_for(gone, company)
    assert list(organisations_of(lucia)) == [company]
    assert list(organisations_of(gone)) == []


def test_a_deactivated_representative_is_not_told_of_an_invitation_and_cannot_answer_it(
    company, django_capture_on_commit_callbacks
):
    lead = OrganisationFactory()
    manager = representative(lead, "manager@example.org")
    consortium = consortium_create(user=manager, lead=lead, consortium=ConsortiumFactory.build(lead=None))
    representative(company, "lucia@example.org")
    gone = representative(company, "gone@example.org", is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        membership = membership_invite(by=manager, consortium=consortium, organisation=company)

    assert [message.to for message in mail.outbox] == [["lucia@example.org"]]
    with pytest.raises(NotAllowed):
        membership_answer(by=gone, membership=membership, accept=True)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.INVITED


def test_a_deactivated_representative_of_the_lead_cannot_invite(company):
    lead = OrganisationFactory()
    manager = representative(lead, "manager@example.org")
    consortium = consortium_create(user=manager, lead=lead, consortium=ConsortiumFactory.build(lead=None))
    manager.is_active = False
    manager.save(update_fields=["is_active"])

    with pytest.raises(NotAllowed):
        membership_invite(by=manager, consortium=consortium, organisation=company)
