"""What an operator watches: the services the portal leans on and the background processes' signs of life.

Read by `/health/detail/` (applications/health.py adds the reports). Each check is bounded in
time (about a second at most), so the page answers while Redis or the broker is down, and each
reads the database where it can, because the database is what must be up for the portal to be
up at all (docs/background-work.md, "Watching it").
"""

import hmac
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from .models import Heartbeat

# The beat entry whose task records the worker's heartbeat (portal/migrations/0007_heartbeat.py).
HEARTBEAT_ENTRY = "Heartbeat of the worker"
# Beat sends the heartbeat every minute; a worker that has not run it for 3 minutes is stuck or gone.
WORKER_SILENT_AFTER = timedelta(minutes=3)
# Beat writes when it last sent an entry at least every 3 minutes (its sync interval).
BEAT_SILENT_AFTER = timedelta(minutes=5)


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:
        return "error"


def cache_status() -> str:
    """ "ok"; "degraded" when the cache is this process's memory because Redis is down (portal/cache.py)."""
    try:
        cache.set("health-probe", "1", 10)
        kept = cache.get("health-probe") == "1"
    except Exception:
        return "error"
    if getattr(cache, "redis_down", False) or not kept:
        return "degraded"
    return "ok"


def broker_status() -> str:
    """ "ok" when a task could be handed over now; "eager" when tasks run in the web process (no broker)."""
    if current_app.conf.task_always_eager:
        return "eager"
    try:
        with current_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=1)
        return "ok"
    except Exception:
        return "error"


def _age(moment, now) -> int | None:
    return None if moment is None else max(0, int((now - moment).total_seconds()))


def heartbeats(now=None) -> dict:
    """Seconds since the worker last ran the heartbeat and since beat last sent it (None: never)."""
    now = now or timezone.now()
    worker = Heartbeat.objects.filter(name=Heartbeat.WORKER).values_list("at", flat=True).first()
    beat = PeriodicTask.objects.filter(name=HEARTBEAT_ENTRY).values_list("last_run_at", flat=True).first()
    return {"worker_seconds": _age(worker, now), "beat_seconds": _age(beat, now)}


def platform_status(now=None) -> dict:
    """The portal's own checks and their alerts (what needs a person), without the reports."""
    beats = heartbeats(now)
    status = {
        "database": database_status(),
        "cache": cache_status(),
        "broker": broker_status(),
        "heartbeats": beats,
    }
    alerts = []
    if status["database"] != "ok":
        alerts.append("database: no answer")
    if status["cache"] != "ok":
        alerts.append("cache: Redis does not answer; each process uses its own memory")
    if status["broker"] == "error":
        alerts.append("broker: tasks cannot be handed over; e-mail and reports wait for the sweep")
    if status["broker"] != "eager":
        worker, beat = beats["worker_seconds"], beats["beat_seconds"]
        if worker is None or worker > WORKER_SILENT_AFTER.total_seconds():
            alerts.append("worker: no heartbeat for over 3 minutes")
        if beat is None or beat > BEAT_SILENT_AFTER.total_seconds():
            alerts.append("beat: has not sent its entries for over 5 minutes")
    status["alerts"] = alerts
    return status


def health_token_matches(header: str) -> bool:
    """Whether an `Authorization: Bearer …` header carries the operators' token (HEALTH_TOKEN)."""
    token = getattr(settings, "HEALTH_TOKEN", "")
    scheme, _, given = header.partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())
