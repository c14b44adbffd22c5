"""The de minimis ledger: headroom over a rolling 3 years, and recording the aid of a grant."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from applications.tests.factories import ApplicationFactory
from consortia.models import Membership, OwnershipLink
from consortia.tests.factories import ConsortiumFactory, MembershipFactory, OrganisationFactory
from programmes.models import AidAward
from programmes.services import (
    AidSplitRefused,
    aid_awards_record,
    de_minimis_headroom,
    de_minimis_share,
    de_minimis_used,
    split_amount,
)
from programmes.tests.factories import CallFactory, ProgrammeFactory

ON = date(2025, 6, 15)
CEILING = Decimal("300000.00")


def award(organisation, amount, awarded_on=ON, legal_basis="de_minimis"):
    return AidAward.objects.create(
        organisation=organisation, amount=Decimal(amount), awarded_on=awarded_on, legal_basis=legal_basis
    )


# --- Headroom -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_with_no_awards_the_headroom_is_the_whole_ceiling():
    headroom = de_minimis_headroom(OrganisationFactory(), on=ON)

    assert headroom == CEILING
    assert str(headroom) == "300000.00"


@pytest.mark.django_db
def test_awards_reduce_the_headroom():
    organisation = OrganisationFactory()
    award(organisation, "100000.00")
    award(organisation, "25000.50", awarded_on=ON - timedelta(days=400))

    assert de_minimis_headroom(organisation, on=ON) == Decimal("174999.50")
    assert de_minimis_used(organisation, on=ON) == Decimal("125000.50")


@pytest.mark.django_db
def test_the_headroom_exactly_used_up_is_zero():
    organisation = OrganisationFactory()
    award(organisation, "200000.00")
    award(organisation, "100000.00")

    assert str(de_minimis_headroom(organisation, on=ON)) == "0.00"


@pytest.mark.django_db
def test_the_headroom_is_never_negative():
    organisation = OrganisationFactory()
    award(organisation, "350000.00", legal_basis="de_minimis")

    assert de_minimis_headroom(organisation, on=ON) == Decimal("0.00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("awarded_on", "counted"),
    [
        (date(2022, 6, 15), False),  # exactly 3 years before: dropped out
        (date(2022, 6, 16), True),  # 3 years minus one day: still counted
        (ON, True),  # the day itself
        (ON + timedelta(days=1), False),  # after the day: not counted yet
    ],
)
def test_the_rolling_three_years(awarded_on, counted):
    organisation = OrganisationFactory()
    award(organisation, "1000.00", awarded_on=awarded_on)

    assert de_minimis_headroom(organisation, on=ON) == CEILING - (Decimal("1000.00") if counted else 0)


@pytest.mark.django_db
def test_the_rolling_three_years_from_29_february():
    organisation = OrganisationFactory()
    award(organisation, "1000.00", awarded_on=date(2021, 2, 28))
    award(organisation, "10.00", awarded_on=date(2021, 3, 1))

    assert de_minimis_headroom(organisation, on=date(2024, 2, 29)) == CEILING - Decimal("10.00")


@pytest.mark.django_db
def test_the_headroom_defaults_to_today():
    organisation = OrganisationFactory()
    award(organisation, "1000.00", awarded_on=date(2022, 6, 16))

    with time_machine.travel(date(2025, 6, 15), tick=False):
        assert de_minimis_headroom(organisation) == CEILING - Decimal("1000.00")
    with time_machine.travel(date(2025, 6, 16), tick=False):
        assert de_minimis_headroom(organisation) == CEILING


@pytest.mark.django_db
def test_block_exemption_and_non_aid_awards_are_not_counted():
    organisation = OrganisationFactory()
    award(organisation, "250000.00", legal_basis="gber")
    award(organisation, "50000.00", legal_basis="none")

    assert de_minimis_headroom(organisation, on=ON) == CEILING


@pytest.mark.django_db
def test_a_linked_enterprises_awards_count_a_partners_do_not():
    organisation = OrganisationFactory()
    parent = OrganisationFactory()
    subsidiary = OrganisationFactory()
    partner = OrganisationFactory()
    OwnershipLink.objects.create(owner=parent, owned=organisation, share=Decimal("60"))
    OwnershipLink.objects.create(owner=organisation, owned=subsidiary, share=Decimal("100"))
    OwnershipLink.objects.create(owner=partner, owned=organisation, share=Decimal("50"))
    award(parent, "100000.00")
    award(subsidiary, "50000.00")
    award(partner, "100000.00")
    award(organisation, "10000.00")

    assert de_minimis_headroom(organisation, on=ON) == Decimal("140000.00")
    # The link counts both ways; only direct links are followed (not the parent's parent).
    assert de_minimis_headroom(subsidiary, on=ON) == Decimal("240000.00")


@pytest.mark.django_db
def test_the_ceiling_comes_from_the_settings(settings):
    settings.DE_MINIMIS_CEILING = "200000.00"

    assert de_minimis_headroom(OrganisationFactory(), on=ON) == Decimal("200000.00")


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 12])
def test_the_headroom_takes_the_same_queries_whatever_the_number_of_awards(count, django_assert_num_queries):
    organisation = OrganisationFactory()
    linked = OrganisationFactory()
    OwnershipLink.objects.create(owner=organisation, owned=linked, share=Decimal("100"))
    for index in range(count):
        award(organisation if index % 2 else linked, "100.00", awarded_on=ON - timedelta(days=index))

    with django_assert_num_queries(2):  # the links, the sum
        headroom = de_minimis_headroom(organisation, on=ON)

    assert headroom == CEILING - Decimal("100.00") * count


@pytest.mark.django_db
def test_the_headroom_on_prefetched_links_takes_one_query(django_assert_num_queries):
    from consortia.models import Organisation

    organisation = OrganisationFactory()
    award(organisation, "100.00")
    loaded = Organisation.objects.prefetch_related("holdings", "holders").get(pk=organisation.pk)

    with django_assert_num_queries(1):
        assert de_minimis_headroom(loaded, on=ON) == CEILING - Decimal("100.00")


# --- Splitting an amount ------------------------------------------------------------------------


def test_an_equal_split_gives_the_last_the_remainder():
    assert split_amount(amount=Decimal("10000"), weights=[Decimal(1)] * 3) == [
        Decimal("3333.33"),
        Decimal("3333.33"),
        Decimal("3333.34"),
    ]


def test_a_split_of_a_few_cents_many_ways_is_never_negative():
    parts = split_amount(amount=Decimal("0.05"), weights=[Decimal(1)] * 10)

    assert sum(parts) == Decimal("0.05")
    assert min(parts) == Decimal("0.00")


def test_a_member_with_a_zero_share_gets_nothing_even_last():
    parts = split_amount(amount=Decimal("0.01"), weights=[Decimal("33.33"), Decimal("66.67"), Decimal("0")])

    assert parts == [Decimal("0.00"), Decimal("0.01"), Decimal("0.00")]


@pytest.mark.parametrize(
    ("amount", "weights"),
    [("-1", ["1"]), ("10", []), ("10", ["0", "0"]), ("10", ["-1", "2"])],
)
def test_a_split_that_cannot_be_made_is_refused(amount, weights):
    with pytest.raises(ValueError):
        split_amount(amount=Decimal(amount), weights=[Decimal(w) for w in weights])


amounts = st.integers(min_value=0, max_value=10**12).map(lambda cents: Decimal(cents) / 100)
equal_weights = st.integers(min_value=1, max_value=40).map(lambda n: [Decimal(1)] * n)
percentages = st.lists(
    st.integers(min_value=0, max_value=10_000).map(lambda basis_points: Decimal(basis_points) / 100),
    min_size=1,
    max_size=40,
).filter(lambda weights: sum(weights) > 0)


@given(amount=amounts, weights=st.one_of(equal_weights, percentages))
def test_a_split_always_adds_up_exactly_and_no_part_is_negative(amount, weights):
    parts = split_amount(amount=amount, weights=weights)

    assert len(parts) == len(weights)
    assert sum(parts) == amount
    assert all(part >= 0 for part in parts)
    assert all(part == part.quantize(Decimal("0.01")) for part in parts)
    assert all(part == 0 for part, weight in zip(parts, weights, strict=True) if weight == 0)


@given(amount=amounts, weights=percentages)
def test_each_part_is_within_a_few_cents_of_its_exact_share(amount, weights):
    parts = split_amount(amount=amount, weights=weights)
    total = sum(weights)

    for part, weight in zip(parts, weights, strict=True):
        # Rounding moves each part by at most half a cent; the remainder collects them all.
        assert abs(part - amount * weight / total) <= Decimal("0.005") * len(weights)


# --- Shares of a grant and the aid recorded -----------------------------------------------------


def consortium_application(shares=(None, None, None), joined_on=date(2024, 1, 1), **call):
    group = ConsortiumFactory()
    members = [
        MembershipFactory(consortium=group, joined_on=joined_on, share=None if s is None else Decimal(s)).organisation
        for s in shares
    ]
    application = ApplicationFactory(consortium=group, call=CallFactory(**call))
    return application, sorted(members, key=lambda o: (o.legal_name, o.pk))


@pytest.mark.django_db
def test_a_company_receives_the_whole_grant():
    organisation = OrganisationFactory()
    application = ApplicationFactory(consortium=None, organisation=organisation)

    rows = aid_awards_record(application=application, amount=Decimal("2500"), on=ON)

    assert [(row.organisation, row.amount, row.awarded_on) for row in rows] == [(organisation, Decimal("2500.00"), ON)]
    assert de_minimis_share(application=application, amount=Decimal("2500"), on=ON) == {
        organisation.pk: Decimal("2500.00")
    }


@pytest.mark.django_db
def test_a_consortium_grant_is_split_equally_between_its_members():
    application, members = consortium_application()

    rows = aid_awards_record(application=application, amount=Decimal("10000.00"), on=ON)

    assert [(row.organisation, row.amount) for row in rows] == [
        (members[0], Decimal("3333.33")),
        (members[1], Decimal("3333.33")),
        (members[2], Decimal("3333.34")),
    ]
    stored = AidAward.objects.filter(application=application)
    assert sum(row.amount for row in stored) == Decimal("10000.00")
    assert {row.legal_basis for row in stored} == {"de_minimis"}
    assert {row.programme_id for row in stored} == {application.call.programme_id}
    assert {row.awarded_on for row in stored} == {ON}


@pytest.mark.django_db
def test_a_consortium_grant_is_split_by_the_recorded_shares():
    application, _members = consortium_application(shares=("50", "30", "20"))
    share_of = dict(
        Membership.objects.filter(consortium=application.consortium).values_list("organisation_id", "share")
    )
    expected = {Decimal("50"): Decimal("4000.00"), Decimal("30"): Decimal("2400.00"), Decimal("20"): Decimal("1600.00")}

    shares = de_minimis_share(application=application, amount=Decimal("8000.00"), on=ON)

    assert shares == {pk: expected[share] for pk, share in share_of.items()}
    rows = aid_awards_record(application=application, amount=Decimal("8000.00"), on=ON)
    assert {row.organisation_id: row.amount for row in rows} == shares


@pytest.mark.django_db
def test_shares_that_do_not_add_up_to_100_are_refused():
    application, _members = consortium_application(shares=("50", "30", "10"))

    with pytest.raises(AidSplitRefused, match="90"):
        aid_awards_record(application=application, amount=Decimal("8000.00"), on=ON)

    assert not AidAward.objects.filter(application=application).exists()


@pytest.mark.django_db
def test_when_a_member_has_no_share_the_grant_is_split_equally():
    application, _members = consortium_application(shares=("50", "50", None))

    shares = de_minimis_share(application=application, amount=Decimal("9000.00"), on=ON)

    assert sorted(shares.values()) == [Decimal("3000.00")] * 3


@pytest.mark.django_db
def test_recording_twice_creates_no_duplicate():
    application, _members = consortium_application()
    first = aid_awards_record(application=application, amount=Decimal("10000.00"), on=ON)

    second = aid_awards_record(application=application, amount=Decimal("5000.00"), on=ON + timedelta(days=3))

    assert [row.pk for row in second] == [row.pk for row in first]
    assert [row.amount for row in second] == [row.amount for row in first]
    assert AidAward.objects.filter(application=application).count() == 3


@pytest.mark.django_db
def test_a_member_who_left_before_the_day_gets_nothing():
    application, members = consortium_application(shares=(None, None))
    leaver = MembershipFactory(
        consortium=application.consortium,
        joined_on=date(2024, 1, 1),
        left_on=ON - timedelta(days=1),
        status=Membership.Status.LEFT,
    ).organisation
    MembershipFactory(consortium=application.consortium, joined_on=ON + timedelta(days=1))  # joins after

    rows = aid_awards_record(application=application, amount=Decimal("5000.00"), on=ON)

    assert {row.organisation for row in rows} == set(members)
    assert leaver not in {row.organisation for row in rows}
    assert sorted(row.amount for row in rows) == [Decimal("2500.00")] * 2


@pytest.mark.django_db
def test_a_consortium_without_active_members_is_refused():
    application, _members = consortium_application(shares=(None,), joined_on=ON + timedelta(days=1))

    with pytest.raises(AidSplitRefused, match="no active member"):
        de_minimis_share(application=application, amount=Decimal("100"), on=ON)


@pytest.mark.django_db
def test_the_legal_basis_is_the_programmes():
    application = ApplicationFactory(
        consortium=None,
        organisation=OrganisationFactory(),
        call=CallFactory(programme=ProgrammeFactory(legal_basis="gber")),
    )

    [row] = aid_awards_record(application=application, amount=Decimal("1000"), on=ON)

    assert row.legal_basis == "gber"
    assert de_minimis_headroom(application.organisation, on=ON) == CEILING


@pytest.mark.django_db
def test_recorded_aid_reduces_each_members_headroom():
    application, members = consortium_application()
    aid_awards_record(application=application, amount=Decimal("10000.00"), on=ON)

    assert [de_minimis_headroom(m, on=ON) for m in members] == [
        Decimal("296666.67"),
        Decimal("296666.67"),
        Decimal("296666.66"),
    ]


# --- Admin of the ledger ------------------------------------------------------------------------


def changelist_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.django_db
def test_the_aid_award_list_takes_the_same_queries_for_few_or_many_rows(superuser_client):
    url = reverse("admin:programmes_aidaward_changelist")
    programme = ProgrammeFactory()
    for _ in range(2):
        AidAward.objects.create(
            organisation=OrganisationFactory(), programme=programme, amount="1234.50", awarded_on=ON, legal_basis="gber"
        )
    few, html = changelist_queries(superuser_client, url)
    for _ in range(6):
        award(OrganisationFactory(), "10.00")
    many, _html = changelist_queries(superuser_client, url)

    assert many == few
    assert "1,234.50\xa0€" in html


@pytest.mark.django_db
def test_the_organisation_page_shows_its_aid_and_holdings(superuser_client):
    organisation = OrganisationFactory()
    OwnershipLink.objects.create(owner=organisation, owned=OrganisationFactory(legal_name="Filial S.L."), share=60)
    award(organisation, "4321.00", legal_basis="de_minimis")

    html = superuser_client.get(reverse("admin:consortia_organisation_change", args=[organisation.pk])).content.decode()

    assert "Filial S.L." in html
    assert "4321" in html.replace(",", "").replace(".", "")


def test_the_de_minimis_check_splits_a_grant_exactly_as_the_ledger_records_it(db):
    """The rules engine's check before a decision and the awards written after it agree to the cent."""
    from applications.tests.factories import ApplicationFactory, BudgetLineFactory
    from consortia.tests.factories import ConsortiumFactory, MembershipFactory
    from programmes.models import CallRule
    from programmes.rules import evaluate_application
    from programmes.services import aid_awards_record, de_minimis_share

    consortium = ConsortiumFactory()
    for _ in range(7):
        MembershipFactory(consortium=consortium)
    application = ApplicationFactory(consortium=consortium)
    CallRule.objects.create(call=application.call, code="de_minimis")
    BudgetLineFactory(application=application, amount=Decimal("10000.03"))
    on = date.today()

    evaluation = evaluate_application(application)
    checked = de_minimis_share(application=application, amount=evaluation.max_grant, on=on)
    recorded = aid_awards_record(application=application, amount=evaluation.max_grant, on=on)

    assert {award.organisation_id: award.amount for award in recorded} == checked
    assert sum(checked.values()) == Decimal("10000.03")
