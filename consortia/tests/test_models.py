"""Guarantees the database itself keeps on organisations and memberships, and NACE sections."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from consortia.models import Membership, Organisation, nace_section
from consortia.tests.factories import (
    ConsortiumFactory,
    MembershipFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


def _organisation(**fields) -> Organisation:
    """An organisation written straight to the database, without full_clean."""
    values = {
        "kind": Organisation.Kind.COMPANY,
        "legal_name": "Quesos del Casar S.L.",
        "country": "ES",
        "tax_id": "B06123459",
        "region": "ES43",
    }
    values.update(fields)
    return Organisation.objects.create(**values)


# --- organisations -------------------------------------------------------------------


def test_it_refuses_a_second_organisation_with_the_same_tax_id_in_the_same_country():
    _organisation(tax_id="B06123459")

    with pytest.raises(IntegrityError), transaction.atomic():
        _organisation(legal_name="Another name S.L.", tax_id="B06123459")


def test_it_allows_the_same_tax_id_string_in_another_country():
    _organisation(country="ES", tax_id="500000018")

    _organisation(country="PT", region="PT11", tax_id="500000018")

    assert Organisation.objects.filter(tax_id="500000018").count() == 2


@pytest.mark.parametrize("field", ["employees", "turnover", "balance_sheet"])
def test_it_refuses_a_negative_size_figure(field):
    with pytest.raises(IntegrityError), transaction.atomic():
        _organisation(**{field: Decimal("-1.00")})


@pytest.mark.parametrize("field", ["employees", "turnover", "balance_sheet"])
def test_it_accepts_a_zero_size_figure(field):
    organisation = _organisation(**{field: Decimal("0.00")})

    organisation.refresh_from_db()
    assert getattr(organisation, field) == Decimal("0.00")


def test_it_refuses_a_negative_turnover_set_on_an_existing_organisation():
    organisation = OrganisationFactory()
    organisation.turnover = Decimal("-0.01")

    with pytest.raises(IntegrityError), transaction.atomic():
        organisation.save()


def test_it_refuses_an_unknown_organisation_kind():
    with pytest.raises(IntegrityError), transaction.atomic():
        _organisation(kind="cooperative")


# --- memberships ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (Membership.Status.ACTIVE, Membership.Status.ACTIVE),
        (Membership.Status.ACTIVE, Membership.Status.INVITED),
        (Membership.Status.INVITED, Membership.Status.INVITED),
        (Membership.Status.INVITED, Membership.Status.ACTIVE),
    ],
)
def test_it_refuses_a_second_open_membership_of_an_organisation_in_a_consortium(first, second):
    membership = MembershipFactory(status=first)

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            consortium=membership.consortium,
            organisation=membership.organisation,
            status=second,
            joined_on=date(2025, 1, 1),
        )


def test_it_allows_a_new_membership_after_the_first_was_left():
    first = MembershipFactory(status=Membership.Status.ACTIVE, joined_on=date(2024, 3, 1))
    first.status = Membership.Status.LEFT
    first.left_on = date(2024, 12, 31)
    first.save()

    second = Membership.objects.create(
        consortium=first.consortium,
        organisation=first.organisation,
        status=Membership.Status.ACTIVE,
        joined_on=date(2025, 6, 1),
    )

    assert second.pk != first.pk
    assert Membership.objects.filter(consortium=first.consortium, organisation=first.organisation).count() == 2


def test_it_allows_a_new_invitation_after_one_was_declined():
    first = MembershipFactory(status=Membership.Status.DECLINED, joined_on=None)

    Membership.objects.create(
        consortium=first.consortium, organisation=first.organisation, status=Membership.Status.INVITED
    )

    assert first.organisation.memberships.count() == 2


def test_it_allows_the_same_organisation_to_be_active_in_two_consortia():
    membership = MembershipFactory(status=Membership.Status.ACTIVE)

    MembershipFactory(organisation=membership.organisation, consortium=ConsortiumFactory())

    assert membership.organisation.memberships.count() == 2


def test_it_refuses_an_active_membership_without_a_joining_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            consortium=ConsortiumFactory(),
            organisation=OrganisationFactory(),
            status=Membership.Status.ACTIVE,
            joined_on=None,
        )


def test_it_allows_an_invitation_without_a_joining_date():
    membership = Membership.objects.create(
        consortium=ConsortiumFactory(), organisation=OrganisationFactory(), status=Membership.Status.INVITED
    )

    assert membership.joined_on is None


def test_it_refuses_a_leaving_date_before_the_joining_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            consortium=ConsortiumFactory(),
            organisation=OrganisationFactory(),
            status=Membership.Status.LEFT,
            joined_on=date(2024, 3, 1),
            left_on=date(2024, 2, 28),
        )


def test_it_refuses_a_leaving_date_without_a_joining_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            consortium=ConsortiumFactory(),
            organisation=OrganisationFactory(),
            status=Membership.Status.LEFT,
            joined_on=None,
            left_on=date(2024, 2, 28),
        )


def test_it_allows_leaving_on_the_joining_day():
    membership = Membership.objects.create(
        consortium=ConsortiumFactory(),
        organisation=OrganisationFactory(),
        status=Membership.Status.LEFT,
        joined_on=date(2024, 3, 1),
        left_on=date(2024, 3, 1),
    )

    assert membership.pk is not None


def test_it_refuses_an_unknown_membership_status():
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            consortium=ConsortiumFactory(), organisation=OrganisationFactory(), status="suspended"
        )


# --- NACE sections -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "section"),
    [
        ("10.51", "C"),
        ("62.01", "J"),
        ("01.11", "A"),
        ("99.00", "U"),
        ("C10.51", "C"),
        (" 62.01 ", "J"),
        ("j62.01", "J"),
        ("47", "G"),
    ],
)
def test_nace_section_gives_the_section_letter_of_a_code(code, section):
    assert nace_section(code) == section


@pytest.mark.parametrize("code", ["garbage", "", None, "1051", "10,51", "04.10", "00.00", "10.511"])
def test_nace_section_gives_none_for_something_that_is_not_a_nace_code(code):
    assert nace_section(code) is None


def test_an_organisation_knows_the_nace_section_of_its_activity():
    organisation = OrganisationFactory.build(nace_code="62.01")

    assert organisation.nace_section == "J"
