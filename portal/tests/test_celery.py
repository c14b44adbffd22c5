import pytest

from portal.models import User
from portal.tasks import database_probe


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.celery_worker
def test_a_real_worker_runs_tasks_from_redis_on_the_same_database(celery_worker_process):
    for number in range(3):
        User.objects.create_user(email=f"worker{number}@example.com", password="x")

    result = database_probe.apply_async(queue=celery_worker_process)

    assert result.get(timeout=30) == {"users": 3}


def test_tasks_run_eagerly_without_a_broker_in_unit_tests(db):
    User.objects.create_user(email="eager@example.com", password="x")

    assert database_probe.delay().get() == {"users": 1}


def test_the_worker_accepts_only_json():
    from portal.celery import app

    assert app.conf.accept_content == ["json"]
    assert app.conf.task_serializer == "json"
    assert app.conf.task_time_limit > app.conf.task_soft_time_limit
    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
