"""Celery tasks of the portal.

The outbox's tasks are defined beside the sending they run (portal.notifications), which
enqueues them; they are named here so the worker finds them, under the names beat and queued
messages know (portal.tasks.send_notification, portal.tasks.sweep_outbox).
"""

from celery import shared_task
from django.utils import timezone

from .models import Heartbeat, User
from .notifications import send_notification, sweep_outbox

__all__ = ["database_probe", "heartbeat", "send_notification", "sweep_outbox"]


@shared_task(name="portal.tasks.heartbeat")
def heartbeat() -> None:
    """A worker is alive: beat sends this every minute, and the worker that runs it says when."""
    Heartbeat.objects.update_or_create(name=Heartbeat.WORKER, defaults={"at": timezone.now()})


@shared_task(acks_late=True, ignore_result=False)
def database_probe() -> dict:
    """Read-only: what a worker sees of the database (used to check a worker's wiring)."""
    return {"users": User.objects.count()}
