"""Celery tasks of the portal.

The outbox's tasks are defined beside the sending they run (portal.notifications), which
enqueues them; they are named here so the worker finds them, under the names beat and queued
messages know (portal.tasks.send_notification, portal.tasks.sweep_outbox).
"""

from celery import shared_task

from .models import User
from .notifications import send_notification, sweep_outbox

__all__ = ["database_probe", "send_notification", "sweep_outbox"]


@shared_task(acks_late=True)
def database_probe() -> dict:
    """Read-only: what a worker sees of the database (used to check a worker's wiring)."""
    return {"users": User.objects.count()}
