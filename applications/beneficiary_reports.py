"""The reports a beneficiary owes after the grant: scheduled from the call's dates, reminded, submitted.

`project_reports_schedule` runs in the approval's transaction: an approved
application of a call with report dates gets its interim and final report rows.
When a manager sets or moves the call's dates later, `call_reports_reschedule`
schedules what is missing and moves the reports still due that kept the old date
(a report whose date staff moved by hand, an extension, keeps its own).
The reminders (30, 7 and 1 days before, and once when overdue) come from
`applications.reminders.report_reminders_due`.
"""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.figures import counted_data_changed
from programmes.models import Programme

from .models import ActionType, Application, ProjectReport, ReportActivity, Status
from .post_award import PostAwardRefused, report_open_check

# Reports are owed on operations that are running: approved, not yet closed.
OWING = (Status.APPROVED,)


class ReportRefused(PostAwardRefused):
    """The report cannot be saved or submitted; the message says why (and `field`, next to which field)."""


def _due_dates(call) -> list[tuple[str, date]]:
    dates = [
        (ProjectReport.Kind.INTERIM, call.interim_report_due_on),
        (ProjectReport.Kind.FINAL, call.final_report_due_on),
    ]
    return [(kind, due_on) for kind, due_on in dates if due_on]


def project_reports_schedule(*, application: Application) -> list[ProjectReport]:
    """Create the reports the application's call asks for (those not created yet). Returns the new ones."""
    existing = set(application.project_reports.values_list("kind", flat=True))
    return [
        ProjectReport.objects.create(application=application, kind=kind, due_on=due_on)
        for kind, due_on in _due_dates(application.call)
        if kind not in existing
    ]


@transaction.atomic
def call_reports_reschedule(*, call, previous: dict[str, date | None]) -> int:
    """After the call's report dates changed: schedule missing reports, move those that kept the old date.

    `previous` maps a report kind to the call's date before the change. Returns
    how many reports were created or moved.
    """
    changed = 0
    due_dates = dict(_due_dates(call))
    for kind, old in previous.items():
        new = due_dates.get(kind)
        if old and new and old != new:
            changed += ProjectReport.objects.filter(
                application__call=call, kind=kind, status=ProjectReport.Status.DUE, due_on=old
            ).update(due_on=new)
    for application in Application.objects.filter(call=call, status__in=OWING).select_related("call"):
        changed += len(project_reports_schedule(application=application))
    return changed


OUTCOME_FIELDS = ("export_turnover_before", "export_turnover_after", "jobs_created", "new_markets", "smes_reached")


def project_report_save(*, report: ProjectReport, by, narrative: str, outcomes: dict | None = None) -> ProjectReport:
    """Keep what the beneficiary wrote so far; the report stays due."""
    with transaction.atomic():
        locked = _open_report(report)
        locked.narrative = narrative.strip()
        for name, value in (outcomes or {}).items():
            if name in OUTCOME_FIELDS:
                setattr(locked, name, value)
        locked.save(update_fields=["narrative", *[n for n in (outcomes or {}) if n in OUTCOME_FIELDS]])
    return locked


def _open_report(report) -> ProjectReport:
    locked = (
        ProjectReport.objects.select_for_update(of=("self",))
        .select_related("application__call__programme")
        .get(pk=report.pk)
    )
    report_open_check(locked, locked.application, refused=ReportRefused)
    return locked


def report_row_add(*, report: ProjectReport, row, by):
    """Add a contract won or an action carried out to a report still open (under its row lock).

    An action says its type (mission, consultancy, marketing or other): the dashboard counts them by it.
    """
    if isinstance(row, ReportActivity) and row.action_type not in ActionType.values:
        raise ReportRefused(_("Say what type of action it was."), field="action_type")
    with transaction.atomic():
        row.report = _open_report(report)
        row.save()
    return row


def report_row_remove(*, report: ProjectReport, row, by) -> None:
    """Remove a contract won or an action carried out from a report still open."""
    with transaction.atomic():
        _open_report(report)
        row.delete()


def project_report_submit(
    *, report: ProjectReport, by, narrative: str, outcomes: dict | None = None, now: datetime | None = None
) -> ProjectReport:
    """Submit a report: once, with its narrative and outcomes. A late report is accepted and shown as late.

    `now` is when it was sent (the view passes the request's arrival): the submission time
    recorded, which says whether it was late.

    A final report of collective actions states the SMEs reached; one of export consortia or
    collective actions lists the actions carried out.
    """

    narrative = narrative.strip()
    if not narrative:
        raise ReportRefused(_("Describe the activities carried out and their results."), field="narrative")
    with transaction.atomic():
        locked = _open_report(report)
        for name, value in (outcomes or {}).items():
            if name in OUTCOME_FIELDS:
                setattr(locked, name, value)
        kind = locked.application.call.programme.kind
        if locked.kind == ProjectReport.Kind.FINAL:
            if kind == Programme.Kind.COLLECTIVE_ACTIONS and locked.smes_reached is None:
                raise ReportRefused(_("State how many SMEs the collective action reached."), field="smes_reached")
            if kind in (Programme.Kind.EXPORT_CONSORTIA, Programme.Kind.COLLECTIVE_ACTIONS) and (
                not locked.activities.exists()
            ):
                raise ReportRefused(_("List the actions carried out (trips, promotional material, fairs...)."))
        locked.narrative = narrative
        locked.status = ProjectReport.Status.SUBMITTED
        locked.submitted_at = now or timezone.now()
        locked.submitted_by = by
        locked.save(update_fields=["narrative", "status", "submitted_at", "submitted_by", *OUTCOME_FIELDS])
        # The figures count sent reports only: what is written on a report still due does not change them.
        counted_data_changed()
    return locked
