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


class ConsortiumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consortium

    name = factory.Sequence(lambda n: f"Consortium {n}")
    sector = Consortium.Sector.AGRI_FOOD
    established_on = date(2024, 3, 1)
    has_joint_actions = False


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
