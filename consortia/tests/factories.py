from datetime import date
from decimal import Decimal

import factory

from consortia.models import Consortium, Membership, Organisation, Representation
from consortia.taxids import make_tax_id
from portal.tests.factories import UserFactory


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.COMPANY
    legal_name = factory.Sequence(lambda n: f"Company {n} S.L.")
    country = "ES"
    tax_id = factory.LazyAttributeSequence(lambda o, n: make_tax_id(o.country, 1_000_000 + n))
    region = "ES43"
    nace_code = "10.51"
    founded_on = date(2010, 5, 1)
    employees = Decimal("12.00")
    turnover = Decimal("1500000.00")
    balance_sheet = Decimal("900000.00")


JOINT_STAND = "Joint stand at a trade fair"


class ConsortiumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consortium

    name = factory.Sequence(lambda n: f"Consortium {n}")
    sector = Consortium.Sector.AGRI_FOOD
    established_on = date(2024, 3, 1)
    # The evidence of the stage: `has_joint_actions=True` alone dates the first joint action on the
    # establishment date (as the migration did for the consortia of before); or give the date.
    has_joint_actions = factory.LazyAttribute(lambda o: o.first_joint_action_on is not None)
    first_joint_action_on = None
    first_joint_action = factory.LazyAttribute(
        lambda o: "Joint stand at a trade fair" if o.first_joint_action_on else ""
    )

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        if kwargs.get("has_joint_actions") and kwargs.get("first_joint_action_on") is None:
            kwargs["first_joint_action_on"] = kwargs["established_on"]
            kwargs["first_joint_action"] = kwargs.get("first_joint_action") or JOINT_STAND
        return kwargs


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    consortium = factory.SubFactory(ConsortiumFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    status = Membership.Status.ACTIVE
    joined_on = date(2024, 3, 1)


class RepresentationFactory(factory.django.DjangoModelFactory):
    """A person acting for an organisation, active unless `status=` says otherwise."""

    class Meta:
        model = Representation

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    status = Representation.Status.ACTIVE


def representative(organisation, email, status=Representation.Status.ACTIVE, **user_fields):
    """A new user (UserFactory fields) who represents `organisation`; returns the user."""
    user = UserFactory(email=email, **user_fields)
    RepresentationFactory(user=user, organisation=organisation, status=status)
    return user
