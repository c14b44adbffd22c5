"""Celery tasks of programmes: they take ids and call services."""

from celery import shared_task

from .subscriptions import announce_open_calls as announce


@shared_task(acks_late=True, reject_on_worker_lost=True)
def announce_open_calls() -> int:
    """Tell subscribers about calls that opened (idempotent): run by beat every hour."""
    return announce()
