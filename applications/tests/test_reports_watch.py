"""Long report builds end: heartbeat, the watcher, retry, the attempts limit, and the pages that follow them.

The fault tests start real workers and kill them with SIGKILL while a list of operations is being
built; the build is held mid-way by the database (the applications' table locked by the test),
as a slow query would hold it.
"""

import os
import signal
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from applications.models import Application
from applications.reports import report_build, report_request, report_retry, reports_stuck, reports_watch
from applications.reports.services import MAX_ATTEMPTS, Progress, _Pulse
from applications.tasks import build_report, watch_reports
from applications.tests.factories import ApplicationFactory
from consortia.tests.factories import ConsortiumFactory, OrganisationFactory
from portal.celery import app
from portal.refusals import Refused
from portal.tests.factories import UserFactory
from programmes.models import Report
from programmes.tests.factories import CallFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/en/dashboard/"


@pytest.fixture
def call(programme):
    return CallFactory(programme=programme, year=2026)


@pytest.fixture
def requester(agency):
    """Ana, staff of the agency who may view and request reports."""
    user = UserFactory(email="ana@example.org", is_staff=True, agency=agency, language="en")
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="programmes", codename__in=["view_report", "add_report"])
    )
    return user


def selected(call, number):
    return ApplicationFactory(
        call=call,
        status=Application.Status.APPROVED,
        consortium=ConsortiumFactory(lead=OrganisationFactory()),
        submitted_at=timezone.now() - timedelta(days=30),
        reference=f"EXP-2026-{number:04d}",
        eligible_costs=Decimal("10000.00"),
        granted_amount=Decimal("4000.00"),
    )


def a_report(agency, by=None, *, status=Report.Status.QUEUED, seconds_ago=0, **fields):
    """A report in `status` whose last sign of life was `seconds_ago` seconds ago."""
    report = Report.objects.create(
        kind=Report.Kind.OPERATIONS_LIST, format=Report.Format.CSV, agency=agency, requested_by=by
    )
    moment = timezone.now() - timedelta(seconds=seconds_ago)
    started = moment if status != Report.Status.QUEUED else None
    Report.objects.filter(pk=report.pk).update(status=status, heartbeat_at=moment, started_at=started, **fields)
    report.refresh_from_db()
    return report


# --- the watcher ----------------------------------------------------------------------------------


def test_the_watcher_fails_a_running_report_whose_heartbeat_is_stale_with_a_message(agency, requester, settings):
    settings.REPORT_HEARTBEAT_STALE_SECONDS = 180
    report = a_report(agency, requester, status=Report.Status.RUNNING, seconds_ago=600, progress=50)

    assert reports_watch() == {"failed": 1, "requeued": 0}

    report.refresh_from_db()
    assert report.status == Report.Status.FAILED and report.finished_at is not None
    # The time of the last sign of life, in the agency's time zone (Europe/Madrid).
    last = timezone.localtime(report.heartbeat_at, ZoneInfo("Europe/Madrid"))
    assert report.error == (f"The worker building this report stopped (no sign of life since {last:%H:%M}). Retry it.")


def test_the_watcher_leaves_a_running_report_with_a_fresh_heartbeat_alone(agency, settings):
    settings.REPORT_HEARTBEAT_STALE_SECONDS = 180
    report = a_report(agency, status=Report.Status.RUNNING, seconds_ago=60, progress=50)

    assert reports_watch() == {"failed": 0, "requeued": 0}

    report.refresh_from_db()
    assert (report.status, report.progress, report.error) == (Report.Status.RUNNING, 50, "")


def test_the_watcher_sends_again_a_queued_report_no_worker_picked_up(
    agency, call, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_QUEUED_STALE_SECONDS = 600
    selected(call, 1)
    old = a_report(agency, seconds_ago=900)
    recent = a_report(agency, seconds_ago=60)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert reports_watch() == {"failed": 0, "requeued": 1}

    assert len(callbacks) == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == Report.Status.DONE  # the tests run the task eagerly: it was sent and built
    assert recent.status == Report.Status.QUEUED and recent.attempts == 0


def test_a_queued_report_sent_again_waits_the_threshold_before_it_is_sent_once_more(agency, settings, monkeypatch):
    settings.REPORT_QUEUED_STALE_SECONDS = 600
    monkeypatch.setattr(build_report, "delay", lambda *args: (_ for _ in ()).throw(ConnectionError("broker down")))
    report = a_report(agency, seconds_ago=900)

    assert reports_watch()["requeued"] == 1  # the broker refused it: it stays queued
    report.refresh_from_db()
    assert report.status == Report.Status.QUEUED
    assert reports_watch()["requeued"] == 0  # its wait starts again from now


def test_done_and_failed_reports_are_not_watched(agency, settings):
    settings.REPORT_HEARTBEAT_STALE_SECONDS = settings.REPORT_QUEUED_STALE_SECONDS = 1
    a_report(agency, status=Report.Status.DONE, seconds_ago=3600)
    a_report(agency, status=Report.Status.FAILED, seconds_ago=3600, error="disk full")

    assert reports_watch() == {"failed": 0, "requeued": 0}
    assert reports_stuck() == {"running_stale": 0, "queued_stale": 0}


def test_reports_stuck_counts_the_stopped_running_and_the_waiting_queued(agency, settings, django_assert_num_queries):
    settings.REPORT_HEARTBEAT_STALE_SECONDS, settings.REPORT_QUEUED_STALE_SECONDS = 180, 600
    a_report(agency, status=Report.Status.RUNNING, seconds_ago=200)
    a_report(agency, status=Report.Status.RUNNING, seconds_ago=10)
    a_report(agency, seconds_ago=700)
    a_report(agency, seconds_ago=700)
    a_report(agency, seconds_ago=100)
    # Rows from before the heartbeat: their start, else their request, counts.
    legacy = a_report(agency, status=Report.Status.RUNNING)
    Report.objects.filter(pk=legacy.pk).update(heartbeat_at=None, started_at=timezone.now() - timedelta(hours=2))

    with django_assert_num_queries(1):
        assert reports_stuck() == {"running_stale": 2, "queued_stale": 2}


# --- the build: heartbeat, one build at a time, three attempts ------------------------------------


def test_a_build_records_its_start_heartbeat_and_attempt(agency, call):
    selected(call, 1)
    report = report_request(kind="operations_list", format="csv", parameters={}, by=None, agency=agency)
    assert report.heartbeat_at is not None  # queued: the wait for a worker starts

    report = report_build(report.pk, task_id="task-1")

    assert report.status == Report.Status.DONE and report.attempts == 1 and report.task_id == "task-1"
    assert report.heartbeat_at >= report.started_at


def test_progress_beats_even_when_the_percentage_does_not_move(agency, django_assert_num_queries):
    report = a_report(agency, status=Report.Status.RUNNING, seconds_ago=100)
    quiet = Progress(report.pk, every=1000)
    with django_assert_num_queries(0):
        quiet(1, 1_000_000)  # neither a new percentage nor time for a beat

    beating = Progress(report.pk, every=1000, beat_every=0)
    with django_assert_num_queries(1):
        beating(1, 1_000_000)
    report.refresh_from_db()
    assert timezone.now() - report.heartbeat_at < timedelta(seconds=5)
    assert report.progress == 0


def test_a_duplicate_message_does_not_build_a_report_being_built(agency, call):
    selected(call, 1)
    report = a_report(agency, status=Report.Status.RUNNING, seconds_ago=5, task_id="first", attempts=1)

    report = report_build(report.pk, task_id="second")

    assert (report.status, report.attempts, report.task_id) == (Report.Status.RUNNING, 1, "first")


def test_the_message_whose_worker_was_lost_builds_its_report_again(agency, call):
    selected(call, 1)
    report = a_report(agency, status=Report.Status.RUNNING, seconds_ago=5, task_id="first", attempts=1)

    report = report_build(report.pk, task_id="first")  # delivered again: its worker was lost

    assert (report.status, report.attempts) == (Report.Status.DONE, 2)


def test_a_failed_report_is_not_built_by_a_late_message(agency, call):
    report = a_report(agency, status=Report.Status.FAILED, error="The worker building this report stopped")
    assert report_build(report.pk, task_id="late").status == Report.Status.FAILED


def test_a_report_is_not_started_a_fourth_time(agency, call, requester):
    selected(call, 1)
    report = a_report(
        agency, requester, status=Report.Status.RUNNING, seconds_ago=5, task_id="t", attempts=MAX_ATTEMPTS
    )

    report = report_build(report.pk, task_id="t")

    assert report.status == Report.Status.FAILED and report.attempts == MAX_ATTEMPTS
    assert report.error.startswith("The report stopped three times while being built")
    assert not report.file


# --- retry ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "seconds_ago"),
    [(Report.Status.FAILED, 0), (Report.Status.RUNNING, 600), (Report.Status.QUEUED, 3600)],
    ids=["failed", "running-stale", "queued-stale"],
)
def test_retry_queues_a_failed_or_stopped_report_with_its_attempts_again(
    agency, settings, status, seconds_ago, django_capture_on_commit_callbacks
):
    settings.REPORT_HEARTBEAT_STALE_SECONDS, settings.REPORT_QUEUED_STALE_SECONDS = 180, 600
    report = a_report(agency, status=status, seconds_ago=seconds_ago, attempts=3, progress=50, error="x")

    with django_capture_on_commit_callbacks() as callbacks:
        report = report_retry(report)

    assert len(callbacks) == 1  # sent to the worker once committed, never built in the request
    assert (report.status, report.attempts, report.progress, report.error) == (Report.Status.QUEUED, 0, 0, "")
    assert report.started_at is None and timezone.now() - report.heartbeat_at < timedelta(seconds=5)


@pytest.mark.parametrize(
    ("status", "seconds_ago", "code", "message"),
    [
        (Report.Status.RUNNING, 10, "running", "This report is being built (last sign of life at"),
        (Report.Status.QUEUED, 10, "queued", "This report is waiting for a worker"),
        (Report.Status.DONE, 3600, "done", "This report is built"),
    ],
    ids=["running-fresh", "queued-fresh", "done"],
)
def test_retry_refuses_a_live_or_done_report(agency, settings, status, seconds_ago, code, message):
    settings.REPORT_HEARTBEAT_STALE_SECONDS, settings.REPORT_QUEUED_STALE_SECONDS = 180, 600
    report = a_report(agency, status=status, seconds_ago=seconds_ago)

    with pytest.raises(Refused) as refused:
        report_retry(report)

    assert refused.value.code == code and str(refused.value).startswith(message)
    report.refresh_from_db()
    assert report.status == status


# --- the dashboard's panel and the admin ----------------------------------------------------------


def test_the_panel_polls_while_a_report_is_alive_and_stops_once_it_stopped(client, agency, requester, settings):
    settings.REPORT_HEARTBEAT_STALE_SECONDS = 180
    client.force_login(requester)
    report = a_report(agency, requester, status=Report.Status.RUNNING, seconds_ago=10)
    panel = reverse("programmes:dashboard_reports")

    alive = client.get(panel).content.decode()
    assert 'hx-trigger="every 3s"' in alive and "report-retry" not in alive

    Report.objects.filter(pk=report.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=600))
    stopped = client.get(panel).content.decode()
    assert "hx-trigger" not in stopped and "hx-get" not in stopped
    assert "The build stopped" in stopped
    assert reverse("programmes:dashboard_report_retry", args=[report.pk]) in stopped
    assert "csrfmiddlewaretoken" in stopped


def test_the_panel_offers_to_retry_a_failed_report_and_does_not_poll(client, agency, requester):
    client.force_login(requester)
    report = a_report(agency, requester, status=Report.Status.FAILED, error="disk full")

    page = client.get(DASHBOARD).content.decode()

    assert "hx-trigger" not in page.split('id="dashboard-reports"')[1].split(">")[0]
    assert reverse("programmes:dashboard_report_retry", args=[report.pk]) in page


def test_retry_from_the_dashboard_queues_the_report_for_the_worker(
    client, agency, call, requester, django_capture_on_commit_callbacks
):
    selected(call, 1)
    client.force_login(requester)
    report = a_report(agency, requester, status=Report.Status.FAILED, error="disk full")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("programmes:dashboard_report_retry", args=[report.pk]), follow=True)

    assert "List of operations (CPR Art. 49) queued again." in response.content.decode()
    assert len(callbacks) == 1
    report.refresh_from_db()
    assert report.status == Report.Status.DONE  # built by the (eager) task, after the request committed


def test_retry_from_the_dashboard_explains_a_refusal(client, agency, requester, settings):
    settings.REPORT_HEARTBEAT_STALE_SECONDS = 180
    client.force_login(requester)
    report = a_report(agency, requester, status=Report.Status.RUNNING, seconds_ago=10)

    response = client.post(reverse("programmes:dashboard_report_retry", args=[report.pk]), follow=True)

    assert "This report is being built" in response.content.decode()
    report.refresh_from_db()
    assert report.status == Report.Status.RUNNING


def test_retry_from_the_dashboard_is_for_the_requester_only(client, agency, requester, other_agency):
    colleague = UserFactory(email="bea@example.org", is_staff=True, agency=agency)
    colleague.user_permissions.add(*requester.user_permissions.all())
    report = a_report(agency, requester, status=Report.Status.FAILED, error="disk full")
    url = reverse("programmes:dashboard_report_retry", args=[report.pk])

    client.force_login(colleague)
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 405
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED


def test_the_admin_retries_a_stopped_report_from_its_page(
    client, agency, requester, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_HEARTBEAT_STALE_SECONDS = 180
    client.force_login(requester)
    report = a_report(agency, requester, status=Report.Status.RUNNING, seconds_ago=600)
    listing = reverse("admin:programmes_report_changelist")

    page = client.get(reverse("admin:programmes_report_change", args=[report.pk])).content.decode()
    assert 'value="retry_reports"' in page
    assert 'http-equiv="refresh"' not in client.get(listing).content.decode()  # nothing alive to follow

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            listing, {"action": "retry_reports", "index": "0", "_selected_action": [report.pk]}, follow=True
        )
    assert "1 report queued again." in response.content.decode() and len(callbacks) == 1
    report.refresh_from_db()
    assert report.status == Report.Status.QUEUED


def test_the_admin_action_explains_why_a_live_report_is_not_retried(client, agency, requester, settings):
    settings.REPORT_HEARTBEAT_STALE_SECONDS = 180
    client.force_login(requester)
    report = a_report(agency, requester, status=Report.Status.RUNNING, seconds_ago=10)

    response = client.post(
        reverse("admin:programmes_report_changelist"),
        {"action": "retry_reports", "index": "0", "_selected_action": [report.pk]},
        follow=True,
    )

    content = response.content.decode()
    assert "This report is being built" in content and "0 reports queued again." in content
    assert (
        'value="retry_reports"'
        not in client.get(reverse("admin:programmes_report_change", args=[report.pk])).content.decode()
    )


# --- the beat entry -------------------------------------------------------------------------------


def test_the_watcher_runs_every_minute_from_the_database_schedule():
    entry = PeriodicTask.objects.select_related("interval").get(name="Watch reports")

    assert entry.enabled and entry.task == watch_reports.name == "applications.tasks.watch_reports"
    assert entry.task in app.tasks and (entry.interval.every, entry.interval.period) == (1, "minutes")


@pytest.mark.django_db(transaction=True)
def test_the_schedule_migration_is_reversible():
    call_command("migrate", "applications", "0018", verbosity=0)
    assert not PeriodicTask.objects.filter(name="Watch reports").exists()
    call_command("migrate", "applications", verbosity=0)
    assert PeriodicTask.objects.filter(name="Watch reports").exists()


# --- real workers, killed ------------------------------------------------------------------------


def _wait_for(report, predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if predicate(report):
            return report
        time.sleep(0.2)
    pytest.fail(f"report {report.pk} stayed {report.status} ({report.progress} %, error {report.error!r})")


def _children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as handle:
        return [int(child) for child in handle.read().split()]


class _ApplicationsHeld:
    """Holds the applications' table (as a slow query would): a list of operations waits mid-build."""

    def __enter__(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Application._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        return self

    def __exit__(self, *exc):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_build_ends_failed_and_a_retry_builds_it(celery_workers, agency, call, settings):
    selected(call, 1)
    settings.REPORT_HEARTBEAT_STALE_SECONDS = 1
    queue = f"test-{uuid.uuid4().hex[:12]}"
    worker = celery_workers([queue])
    report = Report.objects.create(
        kind="operations_list", format="xlsx", parameters={"year": 2026}, agency=agency, heartbeat_at=timezone.now()
    )

    with _ApplicationsHeld():
        build_report.apply_async((report.pk,), queue=queue)
        _wait_for(report, lambda r: r.status == Report.Status.RUNNING)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)

    time.sleep(1.5)  # longer than the heartbeat's threshold in this test
    assert reports_stuck()["running_stale"] == 1
    assert reports_watch()["failed"] == 1
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert report.error.startswith("The worker building this report stopped (no sign of life since")

    # A fresh worker, on the queue retry sends to.
    celery_workers([f"test-{uuid.uuid4().hex[:12]}", "celery"])
    report_retry(report)
    report = _wait_for(report, lambda r: r.status in (Report.Status.DONE, Report.Status.FAILED))
    assert report.status == Report.Status.DONE and report.error == "" and report.file.name.endswith(".xlsx")
    assert report.attempts == 1


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_pool_process_killed_mid_build_is_sent_again_and_the_report_is_built(celery_workers, agency, call):
    selected(call, 1)
    queue = f"test-{uuid.uuid4().hex[:12]}"
    worker = celery_workers([queue], pool="prefork")
    report = Report.objects.create(
        kind="operations_list", format="csv", parameters={"year": 2026}, agency=agency, heartbeat_at=timezone.now()
    )

    with _ApplicationsHeld():
        build_report.apply_async((report.pk,), queue=queue)
        _wait_for(report, lambda r: r.status == Report.Status.RUNNING)
        (child,) = _children(worker.pid)
        os.kill(child, signal.SIGKILL)  # as the out-of-memory killer does

    # The message is rejected back to the queue; the same message takes its build over.
    report = _wait_for(report, lambda r: r.status in (Report.Status.DONE, Report.Status.FAILED))
    assert report.status == Report.Status.DONE, report.error
    assert report.attempts == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_long_step_without_progress_keeps_its_heartbeat_and_is_not_taken_for_lost(agency, settings):
    """A build's heartbeat is refreshed by a thread, whatever the builder is busy with."""
    settings.REPORT_HEARTBEAT_STALE_SECONDS = 1
    started = timezone.now() - timedelta(minutes=10)
    report = Report.objects.create(
        kind="operations_list", format="csv", agency=agency, status="running", started_at=started,
        heartbeat_at=started,
    )  # fmt: skip
    mine = Report.objects.filter(pk=report.pk, status="running", started_at=started)

    with _Pulse(mine, every=0.05):
        time.sleep(0.5)  # a step that calls back no progress
        assert reports_watch()["failed"] == 0

    report.refresh_from_db()
    assert report.status == "running" and report.heartbeat_at > started + timedelta(minutes=9)
