"""Shared test fixtures and the rule that, in CI, a missing service fails a test.

Loaded as a pytest plugin (see pytest.ini). Tests that need PostgreSQL, Redis or
Chromium carry the marker `postgres`, `redis` or `browser`. Where the service is
missing such a test is skipped on a developer's machine, but fails when CI=true:
CI must never go green by skipping.
"""

import os
import shutil

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _missing_service_reason(marker: str) -> str | None:
    from django.conf import settings
    from django.db import connection

    if marker == "postgres":
        if connection.vendor != "postgresql":
            return "PostgreSQL is not configured (set DATABASE_URL=postgres://...)"
    elif marker == "redis":
        if not settings.REDIS_URL:
            return "Redis is not configured (set REDIS_URL=redis://...)"
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
        except redis.RedisError as error:
            return f"Redis at REDIS_URL does not answer: {error}"
    elif marker == "browser":
        if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
            return f"Chromium is not installed at {CHROMIUM}"
    return None


def pytest_runtest_setup(item):
    for marker in ("postgres", "redis", "browser"):
        if item.get_closest_marker(marker) is None:
            continue
        reason = _missing_service_reason(marker)
        if reason is None:
            continue
        if IN_CI:
            pytest.fail(f"CI needs this service: {reason}", pytrace=False)
        pytest.skip(reason)


def pytest_configure(config):
    if IN_CI:
        # In CI the suite runs on PostgreSQL: a run that fell back to SQLite would
        # silently skip every database guarantee we test.
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            raise pytest.UsageError("CI=true but DATABASE_URL does not point at PostgreSQL.")
        if not os.environ.get("REDIS_URL"):
            raise pytest.UsageError("CI=true but REDIS_URL is not set.")
