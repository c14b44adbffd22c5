"""The arrival time: stamped first, before any other middleware; a trusted proxy's stamp within limits."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from portal.arrival import PROXY_LEAD_MAX, ArrivalTimeMiddleware, arrival, arrival_time, proxy_time

MOMENT = datetime(2026, 12, 2, 16, 0, 0, tzinfo=UTC)


def test_the_arrival_middleware_runs_before_every_other():
    assert settings.MIDDLEWARE[0] == "portal.arrival.ArrivalTimeMiddleware"


def test_the_arrival_is_stamped_before_the_rest_of_the_request_runs(rf):
    with time_machine.travel(MOMENT, tick=False) as traveller:

        def slow_rest(request):
            traveller.shift(timedelta(seconds=5))  # the other middleware, a queue, a lock, the view
            return request.arrived_at, timezone.now()

        arrived, processed = ArrivalTimeMiddleware(slow_rest)(rf.post("/"))

    assert arrived == MOMENT
    assert processed == MOMENT + timedelta(seconds=5)


@pytest.mark.django_db
def test_every_request_through_the_stack_carries_its_arrival(client):
    with time_machine.travel(MOMENT, tick=False):
        response = client.get("/")

    assert response.wsgi_request.arrived_at == MOMENT


def test_a_request_the_middleware_did_not_see_arrives_now(rf):
    with time_machine.travel(MOMENT, tick=False):
        assert arrival(rf.get("/")) == MOMENT


# --- a proxy's stamp ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("t=1796227199.250", datetime(2026, 12, 2, 15, 59, 59, 250000, tzinfo=UTC)),  # seconds, as nginx writes it
        ("1796227199.250", datetime(2026, 12, 2, 15, 59, 59, 250000, tzinfo=UTC)),
        ("t=1796227199250", datetime(2026, 12, 2, 15, 59, 59, 250000, tzinfo=UTC)),  # milliseconds
        ("t=1796227199250000", datetime(2026, 12, 2, 15, 59, 59, 250000, tzinfo=UTC)),  # microseconds
        (" t=1796227199 ", datetime(2026, 12, 2, 15, 59, 59, tzinfo=UTC)),
        ("t=soon", None),
        ("t=nan", None),
        ("t=inf", None),
        ("t=-5", None),
        ("", None),
        ("t=1e300", None),
    ],
)
def test_a_proxy_stamp_is_read_in_seconds_milliseconds_or_microseconds(stamp, expected):
    assert proxy_time(stamp) == expected


def test_the_proxy_stamp_is_taken_when_it_is_earlier_than_ours():
    assert arrival_time(MOMENT, f"t={(MOMENT - timedelta(seconds=3)).timestamp()}") == MOMENT - timedelta(seconds=3)


def test_a_proxy_stamp_in_the_future_is_not_believed():
    assert arrival_time(MOMENT, f"t={(MOMENT + timedelta(seconds=3)).timestamp()}") == MOMENT


def test_a_proxy_stamp_older_than_the_limit_is_not_believed():
    too_old = MOMENT - PROXY_LEAD_MAX - timedelta(seconds=1)
    at_limit = MOMENT - PROXY_LEAD_MAX

    assert arrival_time(MOMENT, f"t={too_old.timestamp()}") == MOMENT
    assert arrival_time(MOMENT, f"t={at_limit.timestamp()}") == at_limit


def test_without_a_readable_stamp_our_own_time_is_taken():
    assert arrival_time(MOMENT, None) == MOMENT
    assert arrival_time(MOMENT, "garbage") == MOMENT


@pytest.mark.django_db
def test_the_header_is_read_only_when_the_setting_names_it(client, settings):
    earlier = f"t={(MOMENT - timedelta(seconds=2)).timestamp()}"

    with time_machine.travel(MOMENT, tick=False):
        ignored = client.get("/", HTTP_X_REQUEST_START=earlier)
        settings.ARRIVAL_TIME_HEADER = "X-Request-Start"
        read = client.get("/", HTTP_X_REQUEST_START=earlier)

    assert ignored.wsgi_request.arrived_at == MOMENT
    assert read.wsgi_request.arrived_at == MOMENT - timedelta(seconds=2)
