"""Writes of reports: request, build (in the worker), retry."""

import logging
import os
import tempfile
from collections.abc import Callable

from celery import shared_task
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.refusals import Refused
from programmes.models import Agency, Call, Programme, Report

from . import annual, operations, ranking

logger = logging.getLogger(__name__)

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
    try:
        build_report.delay(report_id)
    except Exception:
        # The broker is down: the row stays queued and can be retried from the admin.
        logger.exception("Could not enqueue report %s; it stays queued.", report_id)


def report_request(*, kind: str, format: str, parameters: dict, by, agency) -> Report:
    """Record a report request and build it in the background once the transaction commits."""
    report = Report.objects.create(
        kind=kind, format=format, parameters=parameters, requested_by=by, agency=agency, status=Report.Status.QUEUED
    )
    transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def report_retry(report: Report) -> Report:
    """Queue a failed (or stuck queued) report again."""
    if report.status not in (Report.Status.FAILED, Report.Status.QUEUED):
        raise Refused(_("Only a failed or queued report can be retried."), code="not_retryable")
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.QUEUED, progress=0, error="", started_at=None, finished_at=None
    )
    report.refresh_from_db()
    transaction.on_commit(lambda: _enqueue(report.pk))
    return report


class Progress:
    """Saves the progress of a build (a percentage) at most every `every` rows."""

    def __init__(self, report_id: int, every: int = 2000):
        self.report_id = report_id
        self.every = every
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        if total <= 0 or (done % self.every and done != total):
            return
        percent = min(99, int(done * 100 / total))
        if percent != self.last:
            self.last = percent
            Report.objects.filter(pk=self.report_id).update(progress=percent)


def report_build(report_id: int, *, progress_every: int = 2000) -> Report:
    """Build the report's file; mark it done, or failed with the error. A done report is not rebuilt."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.status == Report.Status.DONE:
            return report
        # A running report is built again: with acks_late the task comes back after a worker died.
        report.status = Report.Status.RUNNING
        report.started_at = timezone.now()
        report.finished_at = None
        report.progress = 0
        report.error = ""
        report.save(update_fields=["status", "started_at", "finished_at", "progress", "error"])

    descriptor, path = tempfile.mkstemp(prefix="report-", suffix=f".{report.format}")
    os.close(descriptor)
    try:
        builder = _builder(report.kind, report.format)
        filename = builder(report, path, Progress(report.pk, progress_every))
        with open(path, "rb") as handle:
            report.file.save(filename, File(handle), save=False)
        report.status = Report.Status.DONE
        report.progress = 100
        report.finished_at = timezone.now()
        report.save(update_fields=["file", "status", "progress", "finished_at"])
        logger.info("Report %s built in %.1f s.", report.pk, (report.finished_at - report.started_at).total_seconds())
    except Exception as error:
        logger.exception("Report %s failed.", report.pk)
        report.status = Report.Status.FAILED
        report.error = f"{type(error).__name__}: {error}"[:2000]
        report.finished_at = timezone.now()
        report.save(update_fields=["status", "error", "finished_at"])
    finally:
        os.unlink(path)
    return report


# The name it had when reports lived in programmes, so a report queued before an upgrade is still
# built. Defined beside what it runs; applications.tasks names it for the worker.
@shared_task(name="programmes.tasks.build_report", acks_late=True, soft_time_limit=600, time_limit=660)
def build_report(report_id: int) -> str:
    """Build a requested report (report_build); returns its final status."""
    return report_build(report_id).status
