"""Celery tasks of the applications app: they take ids (or nothing) and call services.

The report task is defined beside the building it runs (applications.reports.services), which
enqueues it, the receipt's beside the receipt (applications.receipts) and the dashboard's rebuild
beside its cache (applications.dashboard.cache); they are named here so the worker finds them.
"""

from celery import shared_task

from .dashboard.cache import warm_dashboard
from .receipts import build_receipt, sweep_receipts
from .reminders import send_due_reminders as reminders_send
from .reports.services import build_report, reports_watch

__all__ = ["build_receipt", "build_report", "send_due_reminders", "sweep_receipts", "warm_dashboard", "watch_reports"]


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_due_reminders() -> int:
    """Send the reminders that are due (run hourly by beat); returns how many were sent.

    Idempotent: each reminder is claimed by a unique row before its e-mail is
    written, so a redelivered task or two workers at once send nothing twice.
    """
    return reminders_send()


@shared_task
def watch_reports() -> dict[str, int]:
    """Fail the reports whose worker was lost and send again those never picked up (beat, every minute).

    Safe to run twice at once: each report is claimed by a row lock (reports_watch).
    """
    return reports_watch()
