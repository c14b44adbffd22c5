"""Celery tasks of the applications app: they take ids (or nothing) and call services."""

from celery import shared_task


@shared_task(acks_late=True)
def send_due_reminders() -> int:
    """Send the reminders that are due (run hourly by beat); returns how many were sent.

    Idempotent: each reminder is claimed by a unique row before its e-mail is
    written, so a redelivered task or two workers at once send nothing twice.
    """
    from .reminders import send_due_reminders as reminders_send

    return reminders_send()
