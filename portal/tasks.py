from celery import shared_task

from .models import User


@shared_task(acks_late=True)
def database_probe() -> dict:
    """Read-only: what a worker sees of the database (used to check a worker's wiring)."""
    return {"users": User.objects.count()}


@shared_task(acks_late=True)
def send_notification(notification_id: int) -> str:
    """Send one outbox e-mail (idempotent: a sent one is skipped)."""
    from .notifications import notification_send

    return notification_send(notification_id)


@shared_task(acks_late=True)
def sweep_outbox() -> int:
    """Send what is still pending: run by beat every minute."""
    from .notifications import outbox_sweep

    return outbox_sweep()
