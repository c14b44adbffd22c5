"""The stage of an export consortium (seed 000), defined once for Python and for SQL.

A consortium is in *initiation* while its members have carried out no joint
promotion action (none recorded dated on or before the day asked: the evidence,
not a declaration read again today), or in its first year; in *development* from the 1st anniversary
of its establishment up to and including the 3rd; *consolidated* from the day
after the 3rd anniversary. An anniversary of 29 February falls on 28 February in
a common year.

The rule is read on a day: from that day two boundary dates are worked out once,
in Python, with the anniversary arithmetic below. Both `stage_of` (one consortium
in memory) and `stage_expression` (a queryset annotation) then only compare the
establishment date with those two dates, so the function and the database
cannot disagree, leap days included.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext_lazy as _

ONE_DAY = timedelta(days=1)


class Stage(models.TextChoices):
    """The stages of an export consortium: they set the grant cap.

    `label` stands alone (a heading, a column, a filter option); `in_sentence`
    is the form written inside a sentence ("in the initiation stage").
    """

    INITIATION = "initiation", _("Initiation")
    DEVELOPMENT = "development", _("Development")
    CONSOLIDATED = "consolidated", _("Consolidated")

    @property
    def in_sentence(self):
        return _IN_SENTENCE[self]


_IN_SENTENCE = {
    Stage.INITIATION: _("initiation"),
    Stage.DEVELOPMENT: _("development"),
    Stage.CONSOLIDATED: _("consolidated"),
}


def years_after(day: date, years: int) -> date:
    """The date `years` years after `day` (before it when negative): its anniversary.

    A 29 February falls on 28 February in years that are not leap years.
    """
    year = day.year + years
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return day.replace(year=year)


def age_in_years(since: date, on: date) -> int:
    """Whole years from `since` to `on`, counted by anniversary (negative if `on` is before)."""
    years = on.year - since.year
    if on < years_after(since, years):
        years -= 1
    return years


def last_established_with_anniversary_by(on: date, years: int) -> date:
    """The latest establishment day whose `years`-th anniversary falls on or before `on`.

    Anniversaries never go backwards as the establishment day moves forward, so every
    day up to the one returned has its anniversary by `on`, and every later day after
    it. Starts from the same day `years` earlier and steps over the 29 February cases
    (at most a day or two).
    """
    day = years_after(on, -years)
    while years_after(day + ONE_DAY, years) <= on:
        day += ONE_DAY
    while years_after(day, years) > on:
        day -= ONE_DAY
    return day


@dataclass(frozen=True)
class StageBoundaries:
    """The establishment dates that separate the stages on one day.

    Established after `development_from`: less than a year old, initiation.
    Established after `consolidated_from` (and by `development_from`): development.
    Established on or before `consolidated_from`: past its 3rd anniversary, consolidated.
    """

    on: date
    development_from: date
    consolidated_from: date


@lru_cache(maxsize=256)
def stage_boundaries(on: date) -> StageBoundaries:
    """The boundaries of the stages on a day (see StageBoundaries)."""
    return StageBoundaries(
        on=on,
        # The 1st anniversary is reached on `on` at the latest.
        development_from=last_established_with_anniversary_by(on, 1),
        # The 3rd anniversary is before `on`: the 3rd anniversary itself still counts as development.
        consolidated_from=last_established_with_anniversary_by(on - ONE_DAY, 3),
    )


def stage_of(*, established_on: date, first_joint_action_on: date | None, on: date) -> str:
    """The stage, on a day, of a consortium established on `established_on` whose members' first joint
    promotion action is dated `first_joint_action_on` (None: none recorded).

    An action dated after `on` had not happened yet on that day: the consortium was still in initiation.
    """
    boundaries = stage_boundaries(on)
    acted = first_joint_action_on is not None and first_joint_action_on <= on
    if not acted or established_on > boundaries.development_from:
        return Stage.INITIATION.value
    if established_on > boundaries.consolidated_from:
        return Stage.DEVELOPMENT.value
    return Stage.CONSOLIDATED.value


def stage_expression(on: date, prefix: str = "") -> Case:
    """The stage on a day as an SQL expression over a consortium's row: the comparisons of `stage_of`.

    `prefix`: the path to the consortium from the queried model ("consortium__" from an application).
    """
    boundaries = stage_boundaries(on)
    acted_on, established_on = f"{prefix}first_joint_action_on", f"{prefix}established_on"
    return Case(
        When(
            Q(**{f"{acted_on}__isnull": True})
            | Q(**{f"{acted_on}__gt": on})
            | Q(**{f"{established_on}__gt": boundaries.development_from}),
            then=Value(Stage.INITIATION.value),
        ),
        When(Q(**{f"{established_on}__gt": boundaries.consolidated_from}), then=Value(Stage.DEVELOPMENT.value)),
        default=Value(Stage.CONSOLIDATED.value),
        output_field=models.CharField(),
    )
