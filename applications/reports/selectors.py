"""Reads of reports for the pages that watch the workers."""

from django.db.models import Count
from django.utils import timezone

from programmes.models import Report

from .stale import stale_queued, stale_running


def reports_stuck() -> dict[str, int]:
    """How many reports stopped: running with a stale heartbeat, queued with no worker (one query).

    The watcher (reports_watch) fails the first and sends the second again every minute, so a
    number that stays above zero means the watcher or the workers are not running.
    """
    now = timezone.now()
    return Report.objects.aggregate(
        running_stale=Count("pk", filter=stale_running(now)),
        queued_stale=Count("pk", filter=stale_queued(now)),
    )
