"""Calls and programmes: what the database refuses, and when a call is open."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programmes.models import Call, Programme
from programmes.tests.factories import AgencyFactory, CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

MADRID = ZoneInfo("Europe/Madrid")
OPENS = datetime(2026, 3, 2, 9, 0, tzinfo=MADRID)
CLOSES = datetime(2026, 4, 30, 14, 0, tzinfo=MADRID)
TICK = timedelta(microseconds=1)


def _call(**fields) -> Call:
    """A call written straight to the database, without full_clean."""
    values = {
        "programme": fields.pop("programme", None) or ProgrammeFactory(),
        "title": "Export consortia 2026",
        "slug": "export-consortia-2026",
        "reference_prefix": "EXP",
        "year": 2026,
        "opens_at": OPENS,
        "closes_at": CLOSES,
        "budget": Decimal("58000.00"),
    }
    values.update(fields)
    return Call.objects.create(**values)


def _programme(**fields) -> Programme:
    values = {
        "agency": AgencyFactory(),
        "kind": Programme.Kind.EXPORT_CONSORTIA,
        "applicant_type": Programme.ApplicantType.CONSORTIUM,
        "name": "Export consortia",
        "slug": "export-consortia",
        "summary": "Support for consortia of SMEs.",
    }
    values.update(fields)
    return Programme.objects.create(**values)


# --- database constraints ------------------------------------------------------------


def test_it_refuses_a_call_that_closes_when_it_opens():
    with pytest.raises(IntegrityError), transaction.atomic():
        _call(opens_at=OPENS, closes_at=OPENS)


def test_it_refuses_a_call_that_closes_before_it_opens():
    with pytest.raises(IntegrityError), transaction.atomic():
        _call(opens_at=CLOSES, closes_at=OPENS)


def test_it_refuses_moving_the_closing_date_of_a_call_before_its_opening():
    call = _call()
    call.closes_at = OPENS - timedelta(days=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        call.save()


def test_it_refuses_a_negative_call_budget():
    with pytest.raises(IntegrityError), transaction.atomic():
        _call(budget=Decimal("-0.01"))


def test_it_accepts_a_call_with_a_zero_budget():
    assert _call(budget=Decimal("0.00")).pk is not None


def test_it_refuses_two_calls_with_the_same_slug_in_a_programme():
    programme = ProgrammeFactory()
    _call(programme=programme, slug="second-round")

    with pytest.raises(IntegrityError), transaction.atomic():
        _call(programme=programme, slug="second-round")


def test_it_refuses_an_unknown_programme_kind():
    with pytest.raises(IntegrityError), transaction.atomic():
        _programme(kind="venture_capital")


@pytest.mark.parametrize("kind", [choice for choice, _label in Programme.Kind.choices])
def test_it_accepts_every_programme_kind_of_the_contract(kind):
    assert _programme(kind=kind).kind == kind


# --- Call.clean ----------------------------------------------------------------------


def test_call_clean_puts_a_close_before_open_error_on_closes_at():
    call = CallFactory.build(opens_at=CLOSES, closes_at=OPENS)

    with pytest.raises(ValidationError) as caught:
        call.clean()

    assert set(caught.value.message_dict) == {"closes_at"}
    assert "close after it opens" in caught.value.message_dict["closes_at"][0]


def test_call_clean_puts_an_error_on_closes_at_when_the_call_closes_as_it_opens():
    call = CallFactory.build(opens_at=OPENS, closes_at=OPENS)

    with pytest.raises(ValidationError) as caught:
        call.clean()

    assert "closes_at" in caught.value.message_dict


def test_call_clean_accepts_a_call_that_closes_after_it_opens():
    CallFactory.build(opens_at=OPENS, closes_at=CLOSES).clean()


def test_call_full_clean_reports_the_window_error_on_closes_at():
    call = CallFactory.build(programme=ProgrammeFactory(), opens_at=CLOSES, closes_at=OPENS)

    with pytest.raises(ValidationError) as caught:
        call.full_clean()

    assert "closes_at" in caught.value.message_dict


# --- CallQuerySet.open_at ------------------------------------------------------------


def test_a_call_is_open_at_the_moment_it_opens():
    call = _call()

    assert list(Call.objects.open_at(OPENS)) == [call]


def test_a_call_is_not_open_just_before_it_opens():
    _call()

    assert not Call.objects.open_at(OPENS - TICK).exists()


def test_a_call_is_open_just_before_it_closes():
    call = _call()

    assert list(Call.objects.open_at(CLOSES - TICK)) == [call]


def test_a_call_is_closed_exactly_at_its_closing_time():
    _call()

    assert not Call.objects.open_at(CLOSES).exists()


def test_a_call_is_closed_at_its_closing_time_written_in_another_zone():
    _call()

    assert not Call.objects.open_at(CLOSES.astimezone(ZoneInfo("UTC"))).exists()


def test_an_unpublished_call_is_never_open():
    _call(is_published=False)

    for moment in (OPENS, OPENS + timedelta(days=10), CLOSES - TICK):
        assert not Call.objects.open_at(moment).exists()


def test_open_at_lists_only_the_calls_open_at_that_moment():
    programme = ProgrammeFactory()
    first = _call(programme=programme, slug="first", opens_at=OPENS, closes_at=OPENS + timedelta(days=10))
    second = _call(programme=programme, slug="second", opens_at=OPENS + timedelta(days=5), closes_at=CLOSES)

    assert set(Call.objects.open_at(OPENS + timedelta(days=7))) == {first, second}
    assert set(Call.objects.open_at(OPENS + timedelta(days=10))) == {second}


def test_is_open_agrees_with_open_at_at_the_boundaries():
    call = _call()

    assert call.is_open(OPENS)
    assert not call.is_open(OPENS - TICK)
    assert call.is_open(CLOSES - TICK)
    assert not call.is_open(CLOSES)


def test_a_reference_prefix_is_used_once_a_year():
    first = CallFactory(reference_prefix="COF", year=2026, title_en="Promotion 2026")
    second = CallFactory(reference_prefix="COF", year=2027)
    second.full_clean()  # another year: its references differ

    second.year = 2026
    with pytest.raises(ValidationError) as refused:
        second.full_clean()
    assert refused.value.message_dict["reference_prefix"][0].startswith("The call “Promotion 2026” of 2026")
    first.full_clean()  # itself is not another
