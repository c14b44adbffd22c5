"""The dashboard's figures kept in the cache, rebuilt by the worker after each write they count.

Figures are kept with the version of the counted data they were computed at (`portal.figures`).
The services that change counted data (creation and every workflow move, decisions, payments,
sent reports, PIMEX coaching, organisations, consortia and memberships), every write of the
scoped administration and the bulk loading commands call `counted_data_changed()`, which bumps
the version once their transaction commits. Nothing listens to model signals.

No viewer pays for the recomputation of the views most opened (1.3 s at 100,000 applications):
after each bump the worker rebuilds them (`warm_dashboard`): every agency's view with no filter
(this year and the previous) and the all-agencies view of superusers. While it does, those views
show the figures they had, with "Figures as of 10:42, being updated" (stale while revalidating);
once it is done, the new ones. So a decision shows within seconds (at once with tasks run eagerly:
the tests, the demo without Redis). Bounds, so that stale figures never outlive the work that
replaces them:

- stale figures are shown only while a rebuild is queued (`QUEUED_TIMEOUT`, 60 s: a task nobody
  picks up is given up) or running (its claim, `WARM_TIMEOUT`, 2 min: a worker lost mid-build);
  past that, or with the broker refusing the task, the page computes the figures itself;
- no figures computed more than `TIMEOUT` (15 min) ago are ever shown: that also bounds what a
  write that forgot to say so could leave stale;
- a page with no figures in the cache (a cold start, a flushed cache, Redis down and this
  process's memory empty) and any filtered view compute in the request, as before;
- downloads (CSV, JSON) never serve stale figures.

A burst of decisions does not queue a rebuild each: a rebuild is queued only when none is waiting
(`QUEUED_KEY`, added atomically), and it builds the version current when it starts, so 200
decisions queue one or two rebuilds, and the last one builds the latest figures. A worker never
builds one version twice at once (its claim, added atomically).

The figures do not depend on the language (their labels stay lazy, translated when the page is
drawn), so they are kept once for every language. They depend on the day they are read on (stages
and memberships on today, for the current year), which is part of the key.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from portal.figures import counted_data_version
from portal.handover import hand_over
from programmes.models import Agency

from . import selectors
from .selectors import Scope

logger = logging.getLogger(__name__)

TIMEOUT = 15 * 60  # seconds: figures older than this are never shown
QUEUED_KEY = "dashboard:warm-queued"
QUEUED_TIMEOUT = 60  # seconds a queued rebuild keeps stale figures on show before pages compute again
WARM_TIMEOUT = 2 * 60  # seconds a running rebuild (its claim) keeps stale figures on show


@dataclass(frozen=True)
class Held:
    """Figures as the cache keeps them: the version and moment they were computed at."""

    version: int
    computed_at: datetime
    data: dict


def _key(scope: Scope, on: date) -> str:
    return f"dashboard:figures:{scope.agency_id}:{scope.programme_id}:{scope.call_id}:{scope.year}:{on.isoformat()}"


def _claim_key(version: int) -> str:
    return f"dashboard:warming:{version}"


def _compute(scope: Scope, zone, on: date, version: int) -> dict:
    """Compute the figures and keep them, unless newer ones arrived meanwhile (from the worker)."""
    data = selectors.figures(scope, zone)
    key = _key(scope, on)
    held = cache.get(key)
    if held is None or held.version <= version:
        cache.set(key, Held(version, timezone.now(), data), TIMEOUT)
    return data


def default_years() -> tuple[int, int]:
    """The years of the dashboard with no filter: this year and the previous."""
    this = timezone.localdate().year
    return (this, this - 1)


def is_warmed(scope: Scope) -> bool:
    """Whether the worker rebuilds this scope after each write (a view with no filter but the agency)."""
    return scope.programme_id is None and scope.call_id is None and scope.year in default_years()


def _warm_underway(version: int) -> bool:
    return bool(cache.get_many([QUEUED_KEY, _claim_key(version)]))


def cached_figures(scope: Scope, zone=None, *, stale_ok: bool = False) -> tuple[dict, datetime | None]:
    """The figures of a scope and, when they are the previous ones shown while the worker rebuilds
    them (`stale_ok`), the moment they were computed at (else None)."""
    version = counted_data_version()
    on = selectors.reference_day(scope.year, zone)
    held = cache.get(_key(scope, on))
    if held is not None:
        if held.version == version:
            return held.data, None
        if stale_ok and is_warmed(scope) and _warm_underway(version):
            return held.data, held.computed_at
    return _compute(scope, zone, on, version), None


def warmed_scopes() -> list[tuple[Scope, object]]:
    """The scopes the worker rebuilds, with the zone their days are read in: each agency's view with
    no filter and the superusers' view of every agency, this year and the previous."""
    views = [(agency.pk, agency.tzinfo) for agency in Agency.objects.order_by("pk")] + [(None, None)]
    return [(Scope(agency_id=agency_id, year=year), zone) for agency_id, zone in views for year in default_years()]


def dashboard_warm() -> int:
    """Compute the figures of the views most opened at the current version, those not computed yet;
    how many were computed (0 when another worker is building this version)."""
    version = counted_data_version()
    claim = _claim_key(version)
    claimed = cache.add(claim, True, WARM_TIMEOUT)
    # Started: a write from now on queues a rebuild of its own (claimed first, so a page always sees one).
    cache.delete(QUEUED_KEY)
    if not claimed:
        return 0
    computed = 0
    try:
        for scope, zone in warmed_scopes():
            on = selectors.reference_day(scope.year, zone)
            held = cache.get(_key(scope, on))
            if held is not None and held.version >= version:
                continue  # a viewer computed it already
            _compute(scope, zone, on, version)
            computed += 1
    finally:
        cache.delete(claim)
    return computed


@shared_task(name="applications.tasks.warm_dashboard", ignore_result=True)
def warm_dashboard(version: int) -> int:
    """Rebuild the dashboard's figures after the write that moved the counted data to `version`.

    It builds the version current when it starts (the latest), whichever version asked.
    """
    return dashboard_warm()


def warm_after_bump(sender, version: int, **kwargs) -> None:
    """After a counted write: queue a rebuild, unless one is already waiting (a burst queues one).

    Only where a worker runs: with tasks run eagerly (the demo without Redis, the suite) the
    rebuild would run inside the request that made the decision, for every agency; there the
    next dashboard view computes its own figures, as before.
    """
    if warm_dashboard.app.conf.task_always_eager:
        return
    if cache.add(QUEUED_KEY, version, QUEUED_TIMEOUT) and not hand_over(warm_dashboard, version):
        cache.delete(QUEUED_KEY)  # the broker did not take it: pages compute, no stale figures shown
