"""Celery tasks of programmes: they take ids and call services."""

from celery import shared_task


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def build_report(report_id: int) -> str:
    """Build a requested report (programmes.reports.report_build); returns its final status."""
    from programmes.reports import report_build

    return report_build(report_id).status


@shared_task(acks_late=True)
def announce_open_calls() -> int:
    """Tell subscribers about calls that opened (idempotent): run by beat every hour."""
    from .subscriptions import announce_open_calls as announce

    return announce()
