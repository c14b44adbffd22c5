"""With Redis stopped, or hung, the cache answers from the process's memory at once, and Redis again once it is back.

Each test runs a Redis server of its own (portal.testing.own_redis) and stops it; a hung server
is a socket that accepts connections and never answers. The machine's Redis is never touched.
"""

import socket
import time

import pytest
from django.core.cache import cache

from portal import figures
from portal.settings.base import redis_cache
from portal.tests.factories import PASSWORD, UserFactory


def cache_on(settings, url, retry_after=0.3):
    caches = redis_cache(url)
    caches["default"]["RETRY_AFTER"] = retry_after
    caches["default"]["KEY_PREFIX"] = "fallback-test"
    settings.CACHES = caches  # Django's test signals rebuild the cache handler


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_a_stopped_redis_costs_nothing_and_the_memory_fallback_answers(settings, own_redis):
    cache_on(settings, own_redis.url)
    cache.set("greeting", "from redis")
    assert cache.get("greeting") == "from redis"

    own_redis.stop()
    value, took = timed(lambda: cache.get("greeting", "missed"))
    assert value == "missed" and took < 0.5
    # While Redis is down the process's memory keeps what is set, so rate limits still count.
    cache.set("attempts", 1)
    assert cache.incr("attempts") == 2
    assert cache.add("lock", True) is True and cache.add("lock", True) is False
    assert cache.get_many(["attempts", "nothing"]) == {"attempts": 2}

    own_redis.start()
    time.sleep(0.35)  # the breaker lets the next call try Redis again
    cache.set("greeting", "back")
    assert cache.get("greeting") == "back"


def test_a_frozen_redis_is_left_alone_and_used_again_with_its_data_once_it_answers(settings, own_redis):
    cache_on(settings, own_redis.url)
    cache.set("greeting", "kept in redis")

    own_redis.pause()  # it keeps its data and answers nothing
    value, took = timed(lambda: cache.get("greeting", "missed"))
    assert value == "missed" and took < 1.2
    cache.set("attempts", 5)
    assert cache.get("attempts") == 5

    own_redis.resume()
    time.sleep(0.35)
    assert cache.get("greeting") == "kept in redis"
    assert cache.get("attempts") is None  # never written to Redis

    # The next outage starts from an empty memory: nothing of the previous one comes back.
    own_redis.pause()
    assert cache.get("attempts") is None
    own_redis.resume()


def test_a_hung_redis_holds_a_request_at_most_about_half_a_second(settings):
    # A server that accepts the connection and never answers.
    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(16)
    try:
        cache_on(settings, f"redis://127.0.0.1:{hung.getsockname()[1]}/0", retry_after=30)
        value, first = timed(lambda: cache.get("anything", "default"))
        assert value == "default"
        assert first < 1.2
        # The breaker is open: the next calls do not wait at all.
        _, second = timed(lambda: [cache.get(f"key{n}") for n in range(20)])
        assert second < 0.1
    finally:
        hung.close()


def test_figures_cached_before_an_outage_are_not_read_after_it(settings, own_redis):
    """A write during the outage bumps only the memory's version; Redis kept the old one, so it is moved on."""
    cache_on(settings, own_redis.url)
    before = figures.counted_data_version()

    own_redis.pause()  # Redis keeps `before`
    figures._bump()  # a decision made during the outage
    own_redis.resume()
    time.sleep(0.35)

    assert figures.counted_data_version() > before


@pytest.mark.django_db
def test_the_login_rate_limit_still_counts_while_redis_is_down(client, settings, own_redis):
    """The deliberate choice: with Redis down logins work, and failed ones are still limited per process."""

    cache_on(settings, own_redis.url, retry_after=60)
    user = UserFactory(email="ana@example.com")
    own_redis.stop()
    response, took = timed(lambda: client.post("/en/accounts/login/", {"login": user.email, "password": PASSWORD}))
    assert response.status_code == 302 and took < 2
    client.logout()
    for _attempt in range(5):
        client.post("/en/accounts/login/", {"login": user.email, "password": "wrong"})
    # 5 failed logins per address per 5 minutes (settings.ACCOUNT_RATE_LIMITS): even the right password is refused now.
    response = client.post("/en/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session
