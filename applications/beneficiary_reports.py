"""The reports a beneficiary owes after the grant: scheduled from the call's dates, reminded, submitted.

`project_reports_schedule` runs in the approval's transaction: an approved
application of a call with report dates gets its interim and final report rows.
When a manager sets or moves the call's dates later, `call_reports_reschedule`
schedules what is missing and moves the reports still due that kept the old date
(a report whose date staff moved by hand, an extension, keeps its own).
The reminders (30, 7 and 1 days before, and once when overdue) come from
`applications.reminders.report_reminders_due`.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Application, ProjectReport, Status

# Reports are owed on operations that are running: approved, not yet closed.
OWING = (Status.APPROVED,)


class ReportRefused(Exception):
    """The report cannot be submitted; the message says why."""


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


def project_report_submit(*, report: ProjectReport, by, narrative: str) -> ProjectReport:
    """Submit a report: once, with its narrative. A late report is accepted and shown as late."""
    narrative = narrative.strip()
    if not narrative:
        raise ReportRefused(_("Describe the activities carried out and their results."))
    with transaction.atomic():
        locked = ProjectReport.objects.select_for_update().select_related("application").get(pk=report.pk)
        if locked.status != ProjectReport.Status.DUE:
            raise ReportRefused(_("This report was already submitted."))
        if locked.application.status not in OWING:
            raise ReportRefused(
                _("Reports are sent on approved operations; this one is “%(status)s”.")
                % {"status": locked.application.get_status_display()}
            )
        locked.narrative = narrative
        locked.status = ProjectReport.Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by = by
        locked.save(update_fields=["narrative", "status", "submitted_at", "submitted_by"])
    return locked
