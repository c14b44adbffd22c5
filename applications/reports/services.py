"""Writes of reports: request, build (in the worker), retry, and the watcher that ends stopped builds.

A build records a heartbeat (`.stale`); the task is acknowledged late and rejected when its
worker is lost, so a killed pool process sends it again (the same message takes its build over).
A worker killed whole leaves its message unacknowledged for a day: the watcher, run every minute
by beat, marks such a report failed (its requester retries it) and sends again a queued report
no worker picked up. A build that started three times is not started a fourth: a report that
kills its worker cannot loop.
"""

import logging
import os
import tempfile
import threading
import time
import zoneinfo
from collections.abc import Callable
from datetime import datetime

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.handover import hand_over
from portal.refusals import Refused
from programmes.models import Agency, Call, Programme, Report

from . import annual, operations, ranking
from .stale import HEARTBEAT_EVERY, is_retryable, is_stale, last_sign, stale_queued, stale_running

logger = logging.getLogger(__name__)

# How many times a build may start (each start counted in Report.attempts) before it is refused.
MAX_ATTEMPTS = 3

# Which formats each kind can be built in.
FORMATS = {
    Report.Kind.OPERATIONS_LIST: {Report.Format.XLSX, Report.Format.CSV},
    Report.Kind.RANKING_LIST: {Report.Format.PDF, Report.Format.XLSX},
    Report.Kind.ANNUAL_PROGRAMME: {Report.Format.PDF},
}


def _builder(kind: str, format: str) -> Callable:
    builders = {
        (Report.Kind.OPERATIONS_LIST, Report.Format.XLSX): operations.build_xlsx,
        (Report.Kind.OPERATIONS_LIST, Report.Format.CSV): operations.build_csv,
        (Report.Kind.RANKING_LIST, Report.Format.PDF): ranking.build_pdf,
        (Report.Kind.RANKING_LIST, Report.Format.XLSX): ranking.build_xlsx,
        (Report.Kind.ANNUAL_PROGRAMME, Report.Format.PDF): annual.build_pdf,
    }
    try:
        return builders[(kind, format)]
    except KeyError:
        raise ValueError(f"No builder for a {kind} report in {format}.") from None


def _int(parameters: dict, name: str, errors: dict) -> int | None:
    value = parameters.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        errors[name] = _("“%(value)s” is not a whole number.") % {"value": value}
        return None


def report_parameters_clean(*, kind: str, format: str, parameters, agency_id: int | None) -> dict:
    """Check the parameters of a report request and return them cleaned.

    `agency_id` is the requesting user's agency (None: a superuser, who may ask about any agency).
    The programme or call named must belong to that agency. Raises ValidationError with a
    message a person can act on.
    """
    if not isinstance(parameters, dict):
        raise ValidationError(_('The parameters must be an object such as {"programme_id": 3, "year": 2026}.'))
    if format not in FORMATS.get(kind, set()):
        allowed = ", ".join(sorted(f.upper() for f in FORMATS.get(kind, set())))
        raise ValidationError(_("This report can be built in: %(formats)s.") % {"formats": allowed})
    errors: dict[str, str] = {}
    cleaned: dict = {}
    year = _int(parameters, "year", errors)
    if year is not None:
        if not 2000 <= year <= 2100:
            errors["year"] = _("The year must be between 2000 and 2100.")
        cleaned["year"] = year
    if kind == Report.Kind.RANKING_LIST:
        call_id = _int(parameters, "call_id", errors)
        if call_id is None and "call_id" not in errors:
            errors["call_id"] = _('Name the call: {"call_id": …}.')
        elif call_id is not None:
            calls = Call.objects.filter(pk=call_id)
            if agency_id is not None:
                calls = calls.filter(programme__agency_id=agency_id)
            if not calls.exists():
                errors["call_id"] = _("There is no call %(id)s in your agency.") % {"id": call_id}
            cleaned["call_id"] = call_id
    else:
        programme_id = _int(parameters, "programme_id", errors)
        if kind == Report.Kind.ANNUAL_PROGRAMME:
            if programme_id is None and "programme_id" not in errors:
                errors["programme_id"] = _('Name the programme: {"programme_id": …}.')
            if year is None and "year" not in errors:
                errors["year"] = _('Name the year: {"year": 2026}.')
        if programme_id is not None:
            programmes = Programme.objects.filter(pk=programme_id)
            if agency_id is not None:
                programmes = programmes.filter(agency_id=agency_id)
            if not programmes.exists():
                errors["programme_id"] = _("There is no programme %(id)s in your agency.") % {"id": programme_id}
            cleaned["programme_id"] = programme_id
    if errors:
        raise ValidationError([f"{name}: {message}" for name, message in errors.items()])
    return cleaned


def report_agency(user, parameters: dict, *, agency_id: int | None = None):
    """The agency a report belongs to: its call's or programme's, else the one chosen, else the user's."""
    if parameters.get("call_id"):
        return Agency.objects.filter(programmes__calls__pk=parameters["call_id"]).first()
    if parameters.get("programme_id"):
        return Agency.objects.filter(programmes__pk=parameters["programme_id"]).first()
    if agency_id is not None:
        return Agency.objects.filter(pk=agency_id).first()
    return getattr(user, "agency", None)


def _enqueue(report_id: int) -> None:
    # Bounded and never raising (portal/handover.py): with the broker down the row stays queued
    # and the watcher sends it again (reports_watch).
    if not hand_over(build_report, report_id):
        logger.warning("Report %s not handed over: it stays queued for the watcher", report_id)


def report_request(*, kind: str, format: str, parameters: dict, by, agency) -> Report:
    """Record a report request and build it in the background once the transaction commits."""
    report = Report.objects.create(
        kind=kind,
        format=format,
        parameters=parameters,
        requested_by=by,
        agency=agency,
        status=Report.Status.QUEUED,
        heartbeat_at=timezone.now(),
    )
    transaction.on_commit(lambda: _enqueue(report.pk), robust=True)
    return report


def _local_time(report: Report, moment: datetime) -> str:
    """HH:MM in the report's agency's time zone (the portal's for a report of no agency)."""
    zone = zoneinfo.ZoneInfo(report.agency.timezone) if report.agency_id else timezone.get_default_timezone()
    return timezone.localtime(moment, zone).strftime("%H:%M")


def _requester_language(report: Report) -> str:
    # The error is written once and read by the requester: in their language.
    user = report.requested_by
    return (getattr(user, "language", "") if user else "") or settings.LANGUAGE_CODE


def _fail(report: Report, message: str) -> None:
    report.status = Report.Status.FAILED
    report.error = message[:2000]
    report.finished_at = timezone.now()
    report.save(update_fields=["status", "error", "finished_at"])


def report_retry(report: Report) -> Report:
    """Queue a report again: a failed one, or one that stopped (.stale); the worker builds it.

    A report being built (its heartbeat is fresh) or done is refused with the reason. Each retry
    gives the build its attempts again.
    """
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        now = timezone.now()
        if locked.status == Report.Status.DONE:
            raise Refused(_("This report is built: download it; it is not built again."), code="done")
        if not is_retryable(locked, now):
            if locked.status == Report.Status.RUNNING:
                raise Refused(
                    _(
                        "This report is being built (last sign of life at %(time)s): wait for it. "
                        "If it stops, it can be retried."
                    )
                    % {"time": _local_time(locked, last_sign(locked))},
                    code="running",
                )
            raise Refused(_("This report is waiting for a worker: wait for it to start."), code="queued")
        Report.objects.filter(pk=locked.pk).update(
            status=Report.Status.QUEUED,
            progress=0,
            error="",
            started_at=None,
            finished_at=None,
            heartbeat_at=now,
            attempts=0,
            task_id="",
        )
        transaction.on_commit(lambda: _enqueue(report.pk), robust=True)
    report.refresh_from_db()
    return report


def reports_watch() -> dict[str, int]:
    """End the builds that stopped and send again what no worker picked up (run every minute by beat).

    A running report whose heartbeat is stale is marked failed, with a message its requester
    reads; a stale queued one is sent to the workers again (its heartbeat then restarts the
    wait). Rows are locked and skipped when locked, so two watchers, or a build claiming the
    report, never act on it twice. Returns how many were failed and sent again.
    """
    now = timezone.now()
    failed = 0
    with transaction.atomic():
        stopped = (
            Report.objects.filter(stale_running(now))
            .select_related("agency", "requested_by")
            .select_for_update(skip_locked=True, of=("self",))
        )
        for report in stopped:
            with translation.override(_requester_language(report)):
                message = _("The worker building this report stopped (no sign of life since %(time)s). Retry it.") % {
                    "time": _local_time(report, last_sign(report))
                }
            logger.warning("Report %s stopped while being built (last sign at %s).", report.pk, last_sign(report))
            _fail(report, message)
            failed += 1
    with transaction.atomic():
        waiting = list(
            Report.objects.filter(stale_queued(now)).select_for_update(skip_locked=True).values_list("pk", flat=True)
        )
        Report.objects.filter(pk__in=waiting).update(heartbeat_at=now)
        for pk in waiting:
            logger.warning("Report %s was never picked up; sending it again.", pk)
            transaction.on_commit(lambda pk=pk: _enqueue(pk), robust=True)
    return {"failed": failed, "requeued": len(waiting)}


class Progress:
    """Saves the progress of a build (a percentage) at most every `every` rows, and its heartbeat.

    The heartbeat goes with each saved percentage, and at least every `beat_every` seconds while
    the builder calls back, even when the percentage does not move: one UPDATE by primary key.
    """

    def __init__(self, report_id: int, every: int = 2000, *, beat_every: float = HEARTBEAT_EVERY):
        self.report_id = report_id
        self.every = every
        self.beat_every = beat_every
        self.last = -1
        self.last_beat = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        beat_due = time.monotonic() - self.last_beat >= self.beat_every
        counted = total > 0 and (done % self.every == 0 or done == total)
        percent = min(99, int(done * 100 / total)) if counted else self.last
        if percent == self.last and not beat_due:
            return
        self.last = percent
        self.last_beat = time.monotonic()
        fields = {"heartbeat_at": timezone.now()}
        if percent >= 0:
            fields["progress"] = percent
        Report.objects.filter(pk=self.report_id).update(**fields)


def _claim(report_id: int, task_id: str) -> tuple[Report, bool]:
    """Lock the report and mark it running for this build; False when it is not to be built.

    A done or failed report is not built (retry queues a failed one again). A running one is
    built only by the message that started it, delivered again because its worker was lost, or
    when its heartbeat is stale; otherwise another worker is building it and this message is a
    duplicate. A build that already started MAX_ATTEMPTS times is failed instead.
    """
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",)).select_related("agency", "requested_by").get(pk=report_id)
        )
        now = timezone.now()
        if report.status in (Report.Status.DONE, Report.Status.FAILED):
            return report, False
        redelivered = bool(task_id) and task_id == report.task_id
        if report.status == Report.Status.RUNNING and not redelivered and not is_stale(report, now):
            logger.info("Report %s is being built by another worker; message %s ignored.", report.pk, task_id)
            return report, False
        if report.attempts >= MAX_ATTEMPTS:
            with translation.override(_requester_language(report)):
                message = _(
                    "The report stopped three times while being built; it is not started again. "
                    "It may be too large for the worker: ask for a smaller selection, or tell the "
                    "portal's administrators."
                )
            logger.error("Report %s stopped %s times; not started again.", report.pk, report.attempts)
            _fail(report, message)
            return report, False
        report.status = Report.Status.RUNNING
        report.started_at = now
        report.heartbeat_at = now
        report.attempts += 1
        report.task_id = task_id
        report.finished_at = None
        report.progress = 0
        report.error = ""
        report.save(
            update_fields=[
                "status",
                "started_at",
                "heartbeat_at",
                "attempts",
                "task_id",
                "finished_at",
                "progress",
                "error",
            ]
        )
    return report, True


def report_build(report_id: int, *, task_id: str = "", progress_every: int = 2000) -> Report:
    """Build the report's file; mark it done, or failed with the error.

    `task_id` names the message that asked (see `_claim`): a report is built by one worker at a
    time, and a done or failed one is not built again.
    """
    report, claimed = _claim(report_id, task_id)
    if not claimed:
        return report

    descriptor, path = tempfile.mkstemp(prefix="report-", suffix=f".{report.format}")
    os.close(descriptor)
    mine = Report.objects.filter(pk=report.pk, status=Report.Status.RUNNING, started_at=report.started_at)
    try:
        with _Pulse(mine):
            builder = _builder(report.kind, report.format)
            filename = builder(report, path, Progress(report.pk, progress_every))
            with open(path, "rb") as handle:
                report.file.save(filename, File(handle), save=False)
        finished = timezone.now()
        # Only while the report is still this build's: if the watcher took it for lost meanwhile and
        # a retry started another build, that build's outcome stands, and this file goes.
        if mine.update(
            file=report.file.name, status=Report.Status.DONE, progress=100, finished_at=finished,
            heartbeat_at=finished, error="",
        ):  # fmt: skip
            logger.info("Report %s built in %.1f s.", report.pk, (finished - report.started_at).total_seconds())
        else:
            logger.warning("Report %s was built, but another build has taken it over; this file is dropped.", report.pk)
            report.file.delete(save=False)
        report.refresh_from_db()
    except Exception as error:
        logger.exception("Report %s failed.", report.pk)
        message = f"{type(error).__name__}: {error}"[:2000]
        mine.update(status=Report.Status.FAILED, error=message, finished_at=timezone.now())
        report.refresh_from_db()
    finally:
        os.unlink(path)
    return report


class _Pulse:
    """While a build runs, a thread refreshes its heartbeat every HEARTBEAT_EVERY seconds.

    So a long step that calls back no progress (a large PDF being laid out, an XLSX being
    saved) is never taken for a lost worker; a worker that dies takes the thread with it, and
    the heartbeat stops. `mine` is the report while it is still this build's.
    """

    def __init__(self, mine, every: float = HEARTBEAT_EVERY):
        self.mine, self.every = mine, every
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="report heartbeat", daemon=True)

    def _run(self) -> None:
        try:
            while not self.stop.wait(self.every):
                if not self.mine.update(heartbeat_at=timezone.now()):
                    return
        except Exception:
            logger.exception("The heartbeat of a report build stopped.")
        finally:
            connection.close()  # the thread's own database connection

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


# The name it had when reports lived in programmes, so a report queued before an upgrade is still
# built. Defined beside what it runs; applications.tasks names it for the worker. Rebuilding
# overwrites the file, so a message whose worker was lost is sent again (reject_on_worker_lost);
# report_build counts the attempts.
@shared_task(
    bind=True,
    name="programmes.tasks.build_report",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=600,
    time_limit=660,
)
def build_report(self, report_id: int) -> str:
    """Build a requested report (report_build); returns its final status."""
    return report_build(report_id, task_id=self.request.id or "").status
