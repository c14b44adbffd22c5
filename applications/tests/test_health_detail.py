"""/health/detail/: what an operator watches, for staff or a monitoring token, and its alerts."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from portal.models import Heartbeat, Notification
from portal.operations import HEARTBEAT_ENTRY
from portal.tasks import heartbeat
from portal.testing import celery_on, worker_on
from programmes.models import Report

pytestmark = pytest.mark.django_db

URL = "/health/detail/"


def detail(client, **headers):
    response = client.get(URL, headers=headers)
    return response.status_code, response.json()


def test_only_staff_or_the_monitoring_token_read_it(client, settings, applicant, staff):
    settings.HEALTH_TOKEN = "s3cret-token-for-the-monitor"
    assert detail(client)[0] == 403
    assert detail(client, Authorization="Bearer wrong")[0] == 403
    client.force_login(applicant)
    assert detail(client)[0] == 403
    client.logout()

    status, body = detail(client, Authorization="Bearer s3cret-token-for-the-monitor")
    assert status == 200 and body["database"] == "ok"
    client.force_login(staff)
    assert detail(client)[0] == 200


def test_an_empty_token_setting_admits_no_monitor(client, settings):
    settings.HEALTH_TOKEN = ""
    assert detail(client, Authorization="Bearer ")[0] == 403


def test_all_is_well_when_nothing_waits(client, staff):
    client.force_login(staff)
    status, body = detail(client)
    assert status == 200
    # The suite runs tasks eagerly (no broker): heartbeats are not expected then.
    assert body["broker"] == "eager"
    assert body["status"] == "ok" and body["alerts"] == []
    assert body["outbox"] == {"pending": 0, "oldest_pending_seconds": None, "failed": 0, "unconfirmed": 0}
    assert body["reports"] == {"running_stale": 0, "queued_stale": 0}


def test_late_failed_and_unconfirmed_emails_and_stuck_reports_are_alerts(client, staff, agency):
    client.force_login(staff)
    long_ago = timezone.now() - timedelta(minutes=25)
    for status in ("pending", "failed", "unconfirmed"):
        Notification.objects.create(
            key=status, kind="test", recipient="a@example.org", language="en", subject="s", body_text="t",
            body_html="h", status=status, next_attempt_at=long_ago,
        )  # fmt: skip
    Notification.objects.filter(key="pending").update(created_at=long_ago)
    Report.objects.create(
        kind="operations_list", format="csv", agency=agency, status="running", started_at=long_ago,
        heartbeat_at=long_ago,
    )  # fmt: skip

    body = detail(client)[1]

    assert body["status"] == "attention"
    assert body["outbox"]["pending"] == 1 and body["outbox"]["oldest_pending_seconds"] >= 25 * 60
    assert body["reports"]["running_stale"] == 1
    assert body["alerts"] == [
        "outbox: 1 e-mails pending, the oldest for 25 minutes",
        "outbox: 1 e-mails failed after every attempt",
        "outbox: 1 e-mails may or may not have been delivered",
        "reports: 1 stuck (a worker stopped, or none is running)",
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_and_beat_keep_the_heartbeats_and_a_dead_broker_is_an_alert(client, staff, own_redis):
    client.force_login(staff)
    with celery_on(own_redis.url):
        body = detail(client)[1]
        assert body["broker"] == "ok"
        assert "worker: no heartbeat for over 3 minutes" in body["alerts"]
        assert "beat: has not sent its entries for over 5 minutes" in body["alerts"]

        with worker_on(own_redis.url):
            heartbeat.delay()  # what beat sends every minute
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not Heartbeat.objects.filter(name=Heartbeat.WORKER).exists():
                time.sleep(0.2)
        # Beat records when it last sent the entry (the entry is the migration's; an earlier
        # test that committed data may have flushed it).
        every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
        PeriodicTask.objects.update_or_create(
            name=HEARTBEAT_ENTRY,
            defaults={"task": "portal.tasks.heartbeat", "interval": every_minute, "last_run_at": timezone.now()},
        )
        body = detail(client)[1]
        assert body["heartbeats"]["worker_seconds"] < 60 and body["heartbeats"]["beat_seconds"] < 60
        assert body["alerts"] == [] and body["status"] == "ok"

        own_redis.stop()
        started = time.monotonic()
        body = detail(client)[1]
        assert time.monotonic() - started < 5
        assert body["broker"] == "error"
        assert body["alerts"] == ["broker: tasks cannot be handed over; e-mail and reports wait for the sweep"]
