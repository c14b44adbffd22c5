"""Celery tasks of the applications app: they take ids (or nothing) and call services.

The report task is defined beside the building it runs (applications.reports.services), which
enqueues it; it is named here so the worker finds it.
"""

from celery import shared_task

from .reminders import send_due_reminders as reminders_send
from .reports.services import build_report

__all__ = ["build_report", "send_due_reminders"]


@shared_task(acks_late=True)
def send_due_reminders() -> int:
    """Send the reminders that are due (run hourly by beat); returns how many were sent.

    Idempotent: each reminder is claimed by a unique row before its e-mail is
    written, so a redelivered task or two workers at once send nothing twice.
    """
    return reminders_send()
