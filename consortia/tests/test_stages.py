"""The consortium stage: the function and the queryset give the same answer, leap days included."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consortia.models import Consortium, Stage
from consortia.services import consortium_stage, years_after
from consortia.stages import stage_boundaries


def by_anniversaries(established_on: date, first_joint_action_on: date | None, on: date) -> str:
    """The rule as the seed states it, anniversary by anniversary: the answers to keep.

    The members have acted together on `on` when their first joint action is dated on or before it.
    """
    acted = first_joint_action_on is not None and first_joint_action_on <= on
    if not acted or on < years_after(established_on, 1):
        return "initiation"
    if on <= years_after(established_on, 3):
        return "development"
    return "consolidated"


# Around leap days and anniversaries: the days before, on and after 28/29 February, and ordinary days.
READ_ON = [
    date(2023, 2, 28),
    date(2023, 3, 1),
    date(2024, 2, 28),
    date(2024, 2, 29),
    date(2024, 3, 1),
    date(2025, 2, 28),
    date(2025, 3, 1),
    date(2025, 6, 15),
    date(2026, 2, 28),
    date(2027, 2, 28),
    date(2027, 3, 1),
    date(2028, 2, 28),
    date(2028, 2, 29),
    date(2028, 3, 1),
]


# When the members first acted together, in days after the establishment (None: never).
FIRST_JOINT_ACTION_AFTER = (None, 0, 500)


def with_evidence(established_on: date, after: int | None) -> dict:
    if after is None:
        return {"has_joint_actions": False}
    return {
        "has_joint_actions": True,
        "first_joint_action_on": established_on + timedelta(days=after),
        "first_joint_action": "Joint stand at a trade fair",
    }


@pytest.mark.django_db
def test_the_function_and_the_queryset_agree_for_every_establishment_day_from_2019_to_2025():
    # Each day three times: no joint action, one on the establishment day, one 500 days later (after some
    # of the days the stage is read on: the evidence dated after the day does not count yet).
    days = [date(2019, 1, 1) + timedelta(days=n) for n in range((date(2025, 12, 31) - date(2019, 1, 1)).days + 1)]
    Consortium.objects.bulk_create(
        Consortium(name=f"{day} {after}", sector="metal", established_on=day, **with_evidence(day, after))
        for day in days
        for after in FIRST_JOINT_ACTION_AFTER
    )
    consortia = list(Consortium.objects.all())
    assert len(consortia) == len(FIRST_JOINT_ACTION_AFTER) * len(days)

    for on in READ_ON:
        in_sql = dict(Consortium.objects.with_stage(on).values_list("pk", "stage"))
        for consortium in consortia:
            expected = by_anniversaries(consortium.established_on, consortium.first_joint_action_on, on)
            assert consortium_stage(consortium, on=on) == expected, (consortium.established_on, on)
            assert in_sql[consortium.pk] == expected, (consortium.established_on, on)
        for stage in Stage.values:
            in_stage = set(Consortium.objects.in_stage(stage, on=on).values_list("pk", flat=True))
            assert in_stage == {pk for pk, value in in_sql.items() if value == stage}


@given(
    established_on=st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)),
    on=st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)),
    first_joint_action_on=st.none() | st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)),
)
def test_the_boundaries_keep_the_anniversary_rule(established_on, on, first_joint_action_on):
    consortium = Consortium(established_on=established_on, first_joint_action_on=first_joint_action_on)

    assert consortium_stage(consortium, on=on) == by_anniversaries(established_on, first_joint_action_on, on)


def test_a_consortium_established_on_29_february_2024_is_in_development_on_28_february_2025():
    leap = Consortium(
        name="C", sector="metal", established_on=date(2024, 2, 29), first_joint_action_on=date(2024, 2, 29)
    )

    assert consortium_stage(leap, on=date(2025, 2, 27)) == "initiation"
    assert consortium_stage(leap, on=date(2025, 2, 28)) == "development"
    assert stage_boundaries(date(2025, 2, 28)).development_from == date(2024, 2, 29)


def test_the_third_anniversary_still_counts_as_development():
    consortium = Consortium(
        name="C", sector="metal", established_on=date(2021, 2, 28), first_joint_action_on=date(2021, 3, 1)
    )

    assert consortium_stage(consortium, on=date(2024, 2, 28)) == "development"
    assert consortium_stage(consortium, on=date(2024, 2, 29)) == "consolidated"


def test_without_joint_actions_the_queryset_keeps_an_old_consortium_in_initiation(db):
    old = Consortium.objects.create(name="Old", sector="metal", established_on=date(2010, 5, 1))

    assert Consortium.objects.with_stage(date(2025, 5, 1)).get(pk=old.pk).stage == "initiation"


def test_a_joint_action_dated_2027_leaves_the_consortium_in_initiation_in_2016(db):
    # Established in 2012; its members first promoted themselves together in 2027 (recorded then).
    consortium = Consortium.objects.create(
        name="Late",
        sector="metal",
        established_on=date(2012, 4, 1),
        **with_evidence(date(2012, 4, 1), (date(2027, 3, 10) - date(2012, 4, 1)).days),
    )

    assert consortium_stage(consortium, on=date(2016, 12, 31)) == "initiation"
    assert consortium_stage(consortium, on=date(2027, 3, 9)) == "initiation"
    assert consortium_stage(consortium, on=date(2027, 3, 10)) == "consolidated"
    assert Consortium.objects.with_stage(date(2016, 12, 31)).get(pk=consortium.pk).stage == "initiation"
    assert Consortium.objects.with_stage(date(2027, 12, 31)).get(pk=consortium.pk).stage == "consolidated"
    assert list(Consortium.objects.in_stage("initiation", on=date(2016, 12, 31))) == [consortium]
