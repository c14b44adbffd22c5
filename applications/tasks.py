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


# The name it had when reports lived in programmes, so a report queued before an upgrade is still built.
@shared_task(name="programmes.tasks.build_report", acks_late=True, soft_time_limit=600, time_limit=660)
def build_report(report_id: int) -> str:
    """Build a requested report (applications.reports.report_build); returns its final status."""
    from .reports import report_build

    return report_build(report_id).status
