"""When a report has stopped: the one home of the rule the build, the watcher, retry and the pages share.

A report shows it is alive by its heartbeat (`Report.heartbeat_at`): set when it is queued and
when its build starts, refreshed by the build's progress at least every HEARTBEAT_EVERY seconds.
- A running report whose heartbeat is older than REPORT_HEARTBEAT_STALE_SECONDS has lost its
  worker (killed, out of memory, the machine restarted): nothing will finish it.
- A queued report whose heartbeat (when it was last queued) is older than
  REPORT_QUEUED_STALE_SECONDS was never picked up: its message was lost or never sent (the broker
  was down when it was requested).
Rows written before the heartbeat existed fall back on when they started, else were requested.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from programmes.models import Report

# How often a build refreshes its heartbeat even when its percentage does not move (seconds).
HEARTBEAT_EVERY = 20


def _cutoff(seconds: int, now: datetime | None) -> datetime:
    return (now or timezone.now()) - timedelta(seconds=seconds)


def _older_than(cutoff: datetime) -> Q:
    return (
        Q(heartbeat_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__isnull=True, created_at__lt=cutoff)
    )


def stale_running(now: datetime | None = None) -> Q:
    """Running reports whose worker was lost."""
    return Q(status=Report.Status.RUNNING) & _older_than(_cutoff(settings.REPORT_HEARTBEAT_STALE_SECONDS, now))


def stale_queued(now: datetime | None = None) -> Q:
    """Queued reports no worker picked up."""
    return Q(status=Report.Status.QUEUED) & _older_than(_cutoff(settings.REPORT_QUEUED_STALE_SECONDS, now))


def last_sign(report: Report) -> datetime:
    """When the report last showed it was alive (queued, started or reported progress)."""
    return report.heartbeat_at or report.started_at or report.created_at


def is_stale(report: Report, now: datetime | None = None) -> bool:
    """Whether a queued or running report has stopped (see the module's docstring)."""
    if report.status == Report.Status.RUNNING:
        seconds = settings.REPORT_HEARTBEAT_STALE_SECONDS
    elif report.status == Report.Status.QUEUED:
        seconds = settings.REPORT_QUEUED_STALE_SECONDS
    else:
        return False
    return last_sign(report) < _cutoff(seconds, now)


def is_retryable(report: Report, now: datetime | None = None) -> bool:
    """A failed report, or one that stopped, may be queued again; a live or done one may not."""
    return report.status == Report.Status.FAILED or is_stale(report, now)


def is_building(report: Report, now: datetime | None = None) -> bool:
    """Queued or running and alive: a page following it keeps refreshing."""
    return report.status in (Report.Status.QUEUED, Report.Status.RUNNING) and not is_stale(report, now)
