"""Handing a task to a dead or hung broker costs a request about a second, once, and never an error."""

import socket
import time

import pytest

from portal import handover
from portal.notifications import send_notification
from portal.testing import celery_on


@pytest.fixture
def hung_broker():
    """A server that accepts connections and never answers (a frozen Redis, a half-open path)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_a_hung_broker_holds_the_first_hand_over_about_a_second_and_the_next_not_at_all(hung_broker):
    with celery_on(hung_broker):
        taken, took = timed(lambda: handover.hand_over(send_notification, 1))
        assert taken is False and took < 1.5
        assert handover.broker_seems_down()
        taken, took = timed(lambda: [handover.hand_over(send_notification, n) for n in range(20)])
        assert taken == [False] * 20 and took < 0.1


def test_a_dead_broker_is_given_up_at_once(own_redis):
    with celery_on(own_redis.url):
        assert handover.hand_over(send_notification, 1) is True  # alive: the broker takes it
        own_redis.stop()
        taken, took = timed(lambda: handover.hand_over(send_notification, 1))
        assert taken is False and took < 1.5


def test_after_the_pause_the_broker_is_tried_again(own_redis, monkeypatch):
    monkeypatch.setattr(handover, "RETRY_AFTER", 0.2)
    with celery_on(own_redis.url):
        own_redis.stop()
        assert handover.hand_over(send_notification, 1) is False
        own_redis.start()
        time.sleep(0.3)
        assert handover.hand_over(send_notification, 1) is True
