from celery import shared_task

from programmes.models import Agency


@shared_task(acks_late=True)
def database_probe() -> dict:
    """Read-only: what a worker sees of the database (used to check a worker's wiring)."""
    return {"agencies": Agency.objects.count()}
