"""The version of the data the figures count: the dashboard's figures are kept with it.

Every service that changes data the dashboard counts (a status, a granted amount, a payment, a
sent report, an organisation, a membership, a call's budget...) calls `counted_data_changed()`
in its transaction; the version is bumped once that transaction commits, so figures cached
before are never read as current again. A rolled-back write bumps nothing. The bump runs
as a robust after-commit callback, so a failing cache could never cost the write or the other
after-commit callbacks (the notifications) anything; with Redis down the cache is this
process's memory (portal/cache.py), and once Redis answers again the version is moved on
(`cache_recovered`), because the bumps of the outage never reached it.

Once the version moved on, `counted_data_bumped` is sent (with the new version): the dashboard
has its figures rebuilt by the worker then (applications/dashboard/cache.py), so that no viewer
pays for the recomputation. A receiver that fails is logged, never raised to the write.

The version lives here, below every app, so that the services of each app can say their data
changed without importing the dashboard above them. It starts from the clock, so a flushed
cache never meets figures cached before.
"""

import logging
import time

from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

VERSION_KEY = "dashboard:figures-version"

# Sent (sender=None, version=the new version) after each bump, once the write committed.
counted_data_bumped = Signal()


def _bump() -> None:
    try:
        version = cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (a new or flushed cache)
        version = time.time_ns()
        cache.set(VERSION_KEY, version, None)
    for receiver, outcome in counted_data_bumped.send_robust(sender=None, version=version):
        if isinstance(outcome, Exception):
            logger.warning("After the figures' version moved on, %s failed: %r", receiver.__name__, outcome)


def cache_recovered(sender, **kwargs) -> None:
    """Redis answers again after an outage: writes made during it could not bump the version kept
    there, so figures cached before the outage must not be read again."""
    sender.set(VERSION_KEY, time.time_ns(), None)


def counted_data_changed() -> None:
    """Data the figures count changed: figures cached before are stale once the transaction commits."""
    transaction.on_commit(_bump, robust=True)


def counted_data_version() -> int:
    """The current version of the counted data (set from the clock when the cache has none)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        # Started from the clock, so a flushed version never meets figures cached before.
        version = time.time_ns()
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return version
