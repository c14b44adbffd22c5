"""SME size (2003/361/EC), consortium stage, single undertaking and active members."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from consortia.models import Consortium, Membership, Organisation, OwnershipLink
from consortia.services import (
    active_members,
    age_in_years,
    consortium_stage,
    single_undertaking_ids,
    size_for_figures,
    sme_figures,
    sme_size,
    years_after,
)
from consortia.tests.factories import ConsortiumFactory, MembershipFactory, OrganisationFactory

M = Decimal("1000000")


def figures(staff, turnover_m, balance_m):
    return {"staff": Decimal(staff), "turnover": Decimal(turnover_m) * M, "balance_sheet": Decimal(balance_m) * M}


# --- SME size thresholds, no database ---------------------------------------------------------


@pytest.mark.parametrize(
    ("staff", "turnover_m", "balance_m", "size"),
    [
        ("9", "1", "1", "micro"),
        ("9.99", "2", "2", "micro"),
        ("10", "1", "1", "small"),
        ("49", "5", "5", "small"),
        ("50", "5", "5", "medium"),
        ("249", "40", "40", "medium"),
        ("249.99", "50", "43", "medium"),
        ("250", "1", "1", "large"),
        ("0", "0", "0", "micro"),
    ],
)
def test_the_staff_ceilings_are_strict(staff, turnover_m, balance_m, size):
    assert size_for_figures(**figures(staff, turnover_m, balance_m)) == size


@pytest.mark.parametrize(
    ("staff", "turnover_m", "balance_m", "size"),
    [
        # Turnover OR balance sheet: one of the two within the ceiling is enough.
        ("100", "60", "40", "medium"),
        ("100", "40", "60", "medium"),
        ("100", "50", "43", "medium"),
        ("100", "50.01", "43.01", "large"),
        ("20", "12", "9", "small"),
        ("20", "9", "12", "small"),
        ("20", "10", "10", "small"),
        ("20", "10.01", "10.01", "medium"),
        ("5", "3", "2", "micro"),
        ("5", "2", "3", "micro"),
        ("5", "2.01", "2.01", "small"),
    ],
)
def test_turnover_or_balance_sheet(staff, turnover_m, balance_m, size):
    assert size_for_figures(**figures(staff, turnover_m, balance_m)) == size


# --- SME size with partner and linked enterprises ----------------------------------------------


def company(staff, turnover="1000000.00", balance_sheet="1000000.00", **kwargs):
    return OrganisationFactory(
        employees=None if staff is None else Decimal(staff),
        turnover=None if turnover is None else Decimal(turnover),
        balance_sheet=None if balance_sheet is None else Decimal(balance_sheet),
        **kwargs,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("staff", "size"), [("9", "micro"), ("10", "small"), ("49", "small"), ("50", "medium")])
def test_an_autonomous_enterprise_is_sized_on_its_own_figures(staff, size):
    assert sme_size(company(staff)) == size


@pytest.mark.django_db
@pytest.mark.parametrize(("staff", "size"), [("249", "medium"), ("250", "large")])
def test_the_medium_ceiling_on_the_organisation(staff, size):
    assert sme_size(company(staff, turnover="60000000.00", balance_sheet="40000000.00")) == size


@pytest.mark.django_db
def test_sixty_million_turnover_with_forty_million_balance_sheet_is_still_medium():
    assert sme_size(company("100", turnover="60000000.00", balance_sheet="40000000.00")) == "medium"
    assert sme_size(company("100", turnover="60000000.00", balance_sheet="44000000.00")) == "large"


@pytest.mark.django_db
def test_missing_figures_count_as_zero():
    organisation = company(None, turnover=None, balance_sheet=None)

    result = sme_figures(organisation)

    assert (result.staff, result.turnover, result.balance_sheet) == (0, 0, 0)
    assert sme_size(organisation) == "micro"


@pytest.mark.django_db
def test_a_partner_adds_its_figures_pro_rata():
    organisation = company("5")
    partner = company("200", turnover="20000000.00", balance_sheet="8000000.00")
    OwnershipLink.objects.create(owner=partner, owned=organisation, share=Decimal("30"))

    result = sme_figures(organisation)

    assert result.staff == Decimal("65")  # 5 + 30% of 200
    assert result.turnover == Decimal("7000000.00")  # 1M + 30% of 20M
    assert result.balance_sheet == Decimal("3400000.00")  # 1M + 30% of 8M
    assert sme_size(organisation) == "medium"
    [entry] = result.related
    assert (entry.organisation, entry.share, entry.role, entry.holds) == (partner, Decimal("30"), "partner", True)
    assert entry.staff == Decimal("60")
    assert result.partners == [entry]
    assert result.linked == []


@pytest.mark.django_db
def test_a_held_partner_counts_too():
    organisation = company("5")
    held = company("200")
    OwnershipLink.objects.create(owner=organisation, owned=held, share=Decimal("25"))

    result = sme_figures(organisation)

    assert result.staff == Decimal("55")
    assert result.related[0].holds is False
    assert sme_size(organisation) == "medium"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("share", "staff", "role"),
    [("24.99", "5", None), ("25", "55", "partner"), ("50", "105", "partner"), ("50.01", "205", "linked")],
)
def test_the_partner_and_linked_thresholds(share, staff, role):
    organisation = company("5")
    OwnershipLink.objects.create(owner=company("200"), owned=organisation, share=Decimal(share))

    result = sme_figures(organisation)

    assert result.staff == Decimal(staff)
    assert [entry.role for entry in result.related] == ([role] if role else [])


@pytest.mark.django_db
def test_a_linked_enterprise_adds_its_figures_in_full():
    organisation = company("5")
    subsidiary = company("300", turnover="70000000.00", balance_sheet="60000000.00")
    OwnershipLink.objects.create(owner=organisation, owned=subsidiary, share=Decimal("75"))

    result = sme_figures(organisation)

    assert result.staff == Decimal("305")
    assert result.turnover == Decimal("71000000.00")
    assert result.linked[0].organisation == subsidiary
    assert sme_size(organisation) == "large"


@pytest.mark.django_db
def test_a_shareholding_below_25_percent_is_ignored():
    organisation = company("5")
    OwnershipLink.objects.create(owner=company("5000"), owned=organisation, share=Decimal("24.99"))

    assert sme_size(organisation) == "micro"
    assert sme_figures(organisation).related == []


@pytest.mark.django_db
def test_only_direct_links_count():
    organisation = company("5")
    parent = company("5")
    grandparent = company("5000")
    OwnershipLink.objects.create(owner=parent, owned=organisation, share=Decimal("100"))
    OwnershipLink.objects.create(owner=grandparent, owned=parent, share=Decimal("100"))

    assert sme_figures(organisation).staff == Decimal("10")


@pytest.mark.django_db
def test_cross_holdings_count_once_with_the_greater_share():
    organisation = company("5")
    other = company("100")
    OwnershipLink.objects.create(owner=organisation, owned=other, share=Decimal("30"))
    OwnershipLink.objects.create(owner=other, owned=organisation, share=Decimal("40"))

    result = sme_figures(organisation)

    assert result.staff == Decimal("45")
    assert [(entry.share, entry.holds) for entry in result.related] == [(Decimal("40"), True)]


@pytest.mark.django_db
def test_pro_rata_money_is_rounded_to_cents():
    organisation = company("1", turnover="0.00", balance_sheet="0.00")
    OwnershipLink.objects.create(
        owner=company("1", turnover="1000.01", balance_sheet="0.03"), owned=organisation, share=Decimal("33.33")
    )

    result = sme_figures(organisation)

    assert result.turnover == Decimal("333.30")  # 333.303333 rounded
    assert result.balance_sheet == Decimal("0.01")  # 0.009999 rounded half-up


@pytest.mark.django_db
def test_sme_size_makes_no_query_on_prefetched_links(django_assert_num_queries):
    organisation = company("5")
    OwnershipLink.objects.create(owner=company("200"), owned=organisation, share=Decimal("30"))
    subsidiary = company("20")
    OwnershipLink.objects.create(owner=organisation, owned=subsidiary, share=Decimal("60"))
    OwnershipLink.objects.create(owner=organisation, owned=company("20"), share=Decimal("10"))
    loaded = Organisation.objects.prefetch_related("holdings__owned", "holders__owner").get(pk=organisation.pk)

    with django_assert_num_queries(0):
        assert sme_size(loaded) == "medium"
        assert sme_figures(loaded).staff == Decimal("85")  # 5 + 60 (30% of 200) + 20
        assert single_undertaking_ids(loaded) == {organisation.pk, subsidiary.pk}


@pytest.mark.django_db
def test_sme_size_of_a_list_takes_the_same_queries_for_few_or_many(django_assert_num_queries):
    small_ones = []
    for _ in range(3):
        organisation = company("5")
        OwnershipLink.objects.create(owner=company("20"), owned=organisation, share=Decimal("30"))
        small_ones.append(organisation.pk)

    with django_assert_num_queries(5):  # organisations, holdings, their owned, holders, their owners
        sizes = {o.pk: sme_size(o) for o in Organisation.objects.prefetch_related("holdings__owned", "holders__owner")}

    assert [sizes[pk] for pk in small_ones] == ["small"] * 3  # 5 + 30% of 20 = 11 staff


@pytest.mark.django_db
def test_without_prefetch_the_links_take_two_queries(django_assert_num_queries):
    organisation = company("5")
    for _ in range(3):
        OwnershipLink.objects.create(owner=company("10"), owned=organisation, share=Decimal("30"))
        OwnershipLink.objects.create(owner=organisation, owned=company("10"), share=Decimal("30"))

    with django_assert_num_queries(2):
        assert sme_figures(organisation).staff == Decimal("23")


# --- Single undertaking -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_single_undertaking_is_the_organisation_and_its_linked_enterprises(django_assert_num_queries):
    organisation = company("5")
    parent = company("5")
    subsidiary = company("5")
    partner = company("5")
    OwnershipLink.objects.create(owner=parent, owned=organisation, share=Decimal("50.01"))
    OwnershipLink.objects.create(owner=organisation, owned=subsidiary, share=Decimal("100"))
    OwnershipLink.objects.create(owner=partner, owned=organisation, share=Decimal("50"))

    with django_assert_num_queries(1):
        ids = single_undertaking_ids(organisation)

    assert ids == {organisation.pk, parent.pk, subsidiary.pk}


@pytest.mark.django_db
def test_the_single_undertaking_on_prefetched_links_takes_no_query(django_assert_num_queries):
    organisation = company("5")
    subsidiary = company("5")
    OwnershipLink.objects.create(owner=organisation, owned=subsidiary, share=Decimal("51"))
    OwnershipLink.objects.create(owner=company("5"), owned=organisation, share=Decimal("30"))
    loaded = Organisation.objects.prefetch_related("holdings", "holders").get(pk=organisation.pk)

    with django_assert_num_queries(0):
        assert single_undertaking_ids(loaded) == {organisation.pk, subsidiary.pk}


# --- Consortium stage ---------------------------------------------------------------------------


def consortium(established_on, has_joint_actions=True):
    # Stage needs no database: an unsaved consortium is enough. Joint actions since the establishment day.
    first = established_on if has_joint_actions else None
    return Consortium(name="C", sector="metal", established_on=established_on, first_joint_action_on=first)


@pytest.mark.parametrize(
    ("on", "stage"),
    [
        (date(2021, 3, 14), "initiation"),  # one day before the 1st anniversary
        (date(2021, 3, 15), "development"),  # exactly 1 year
        (date(2023, 3, 14), "development"),
        (date(2023, 3, 15), "development"),  # exactly 3 years
        (date(2023, 3, 16), "consolidated"),  # 3 years and 1 day
        (date(2030, 1, 1), "consolidated"),
        (date(2020, 3, 15), "initiation"),  # the day it was established
        (date(2019, 1, 1), "initiation"),  # before it existed
    ],
)
def test_the_stage_by_age(on, stage):
    assert consortium_stage(consortium(date(2020, 3, 15)), on=on) == stage


def test_without_joint_actions_a_consortium_stays_in_initiation():
    assert consortium_stage(consortium(date(2020, 3, 15), has_joint_actions=False), on=date(2025, 3, 15)) == (
        "initiation"
    )


@pytest.mark.parametrize(
    ("on", "stage"),
    [
        (date(2021, 2, 27), "initiation"),
        (date(2021, 2, 28), "development"),  # anniversary on 28 Feb in a common year
        (date(2023, 2, 28), "development"),  # exactly 3 years
        (date(2023, 3, 1), "consolidated"),
    ],
)
def test_a_consortium_established_on_29_february(on, stage):
    assert consortium_stage(consortium(date(2020, 2, 29)), on=on) == stage


def test_the_stage_defaults_to_today():
    with time_machine.travel(date(2024, 6, 1), tick=False):
        assert consortium_stage(consortium(date(2023, 6, 1))) == "development"
        assert consortium_stage(consortium(date(2023, 6, 2))) == "initiation"


def test_years_after_and_age():
    assert years_after(date(2020, 2, 29), 1) == date(2021, 2, 28)
    assert years_after(date(2020, 2, 29), 4) == date(2024, 2, 29)
    assert years_after(date(2024, 2, 29), -3) == date(2021, 2, 28)
    assert years_after(date(2023, 5, 31), -3) == date(2020, 5, 31)
    assert age_in_years(date(2020, 2, 29), date(2021, 2, 27)) == 0
    assert age_in_years(date(2020, 2, 29), date(2021, 2, 28)) == 1
    assert age_in_years(date(2020, 3, 15), date(2023, 3, 16)) == 3
    assert age_in_years(date(2020, 3, 15), date(2019, 3, 16)) == -1


# --- Active members -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_active_members_on_a_day():
    group = ConsortiumFactory()
    stays = MembershipFactory(consortium=group, joined_on=date(2024, 1, 1)).organisation
    leaves = MembershipFactory(
        consortium=group, joined_on=date(2024, 1, 1), left_on=date(2024, 6, 1), status=Membership.Status.LEFT
    ).organisation
    MembershipFactory(consortium=group, joined_on=date(2024, 5, 1))  # joins later
    MembershipFactory(consortium=group, joined_on=None, status=Membership.Status.INVITED)
    MembershipFactory(consortium=group, joined_on=date(2024, 1, 1), status=Membership.Status.DECLINED)

    assert set(active_members(group, on=date(2024, 3, 1))) == {stays, leaves}
    assert set(active_members(group, on=date(2024, 6, 1))) == {stays} | {
        m.organisation for m in group.memberships.filter(joined_on=date(2024, 5, 1))
    }


@pytest.mark.django_db
def test_active_members_defaults_to_today():
    group = ConsortiumFactory()
    today = date(2025, 6, 1)
    member = MembershipFactory(consortium=group, joined_on=today).organisation
    MembershipFactory(consortium=group, joined_on=today + timedelta(days=1))

    with time_machine.travel(today, tick=False):
        assert active_members(group) == [member]


@pytest.mark.django_db
def test_active_members_makes_no_query_on_prefetched_memberships(django_assert_num_queries):
    group = ConsortiumFactory()
    for _ in range(4):
        MembershipFactory(consortium=group)
    loaded = Consortium.objects.prefetch_related("memberships__organisation").get(pk=group.pk)

    with django_assert_num_queries(0):
        members = active_members(loaded, on=date(2025, 1, 1))

    assert len(members) == 4
    assert members == sorted(members, key=lambda o: o.legal_name)


@pytest.mark.django_db
def test_active_members_without_prefetch_takes_one_query(django_assert_num_queries):
    group = ConsortiumFactory()
    for _ in range(4):
        MembershipFactory(consortium=group)

    with django_assert_num_queries(1):
        assert len(active_members(group, on=date(2025, 1, 1))) == 4
