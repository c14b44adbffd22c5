"""Reminders e-mailed to applicants before their deadlines, each exactly once.

Run every hour by Celery beat (`applications.tasks.send_due_reminders`, a
django-celery-beat entry editable in the admin). A run:

1. asks each *source* below which reminders are due now: a fixed number of
   queries, whatever the number of applications;
2. reads, in one query, the representatives of the applicants and the
   reminders already sent;
3. for each reminder still to send, in its own transaction, inserts the
   `ReminderSent` row first and writes the e-mail to the outbox (`notify`).
   The unique constraint on the row lets only one insert win: a second run at
   the same moment (two workers, a redelivered task) waits on the first one's
   row and then skips it, and the e-mail of a claim that rolls back is never sent.

Days are reckoned in the agency's time zone: a call closing on local day D, at
any hour, is "7 days away" from local day D-7 on.

Beneficiary reports (interim and final) still due are reminded 30 days before
(the "report due" notice), 7 days and 1 day before, and once when overdue
(up to OVERDUE_DAYS after the due day, so old debts are not e-mailed when the
portal starts).

To add a kind of reminder: add its `ReminderSent.Kind`, a pair of templates,
and a source function `(now) -> Iterable[Due]` to `SOURCES`.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from consortia.selectors import people_acting_for_each
from portal.notifications import email_batch, notify

from .models import Application, ProjectReport, ReminderSent, Status

logger = logging.getLogger(__name__)

Kind = ReminderSent.Kind

# Days before the closing day -> reminder, most urgent first: on each run an
# application gets only the most urgent one due, so a draft started 2 days
# before the deadline gets "2 days left", not three e-mails at once.
DEADLINE_KINDS = ((1, Kind.DEADLINE_1), (3, Kind.DEADLINE_3), (7, Kind.DEADLINE_7))
# An answer to a clarification request is reminded when due within this many days.
CLARIFICATION_DAYS = 2


@dataclass(frozen=True)
class Due:
    """A reminder due now about one application, for every active representative of its applicant."""

    kind: str
    application: Application
    organisation_id: int  # whose representatives are told
    due_on: date  # the deadline, in the agency's time zone
    template: str
    context: dict = field(default_factory=dict)


def deadline_reminders_due(now: datetime) -> Iterable[Due]:
    """Drafts of calls still open that close within 7 local days. One query."""
    longest = max(days for days, _kind in DEADLINE_KINDS)
    # A superset in UTC (the local closing day is at most `longest` days after the
    # local today, so the call closes before now + longest + 1 days); the exact
    # local-day test is made below, per agency.
    drafts = (
        Application.objects.filter(
            status=Status.DRAFT,
            call__is_published=True,
            call__opens_at__lte=now,
            call__closes_at__gt=now,
            call__closes_at__lt=now + timedelta(days=longest + 1),
        )
        .select_related("call__programme__agency", "consortium")
        .order_by("pk")
    )
    for application in drafts:
        zone = application.call.programme.agency.tzinfo
        closes_on = timezone.localtime(application.call.closes_at, zone).date()
        days_left = (closes_on - timezone.localdate(now, zone)).days
        kind = next((kind for days, kind in DEADLINE_KINDS if days_left <= days), None)
        organisation_id = application.acting_organisation_id
        if kind is None or organisation_id is None:
            continue
        yield Due(
            kind=kind,
            application=application,
            organisation_id=organisation_id,
            due_on=closes_on,
            template="applications/email/reminder_deadline",
            context={
                "days_left": days_left,
                "closes_at": application.call.closes_at,
                "zone": application.call.programme.agency.timezone,
            },
        )


def clarification_reminders_due(now: datetime) -> Iterable[Due]:
    """Clarification requests whose answer is due within 2 local days (and not past). One query."""
    today_utc = now.astimezone(UTC).date()
    # Any agency's local today is within a day of UTC's: a superset, refined below.
    waiting = (
        Application.objects.filter(
            status=Status.CLARIFICATION_REQUESTED,
            clarification_due_on__gte=today_utc - timedelta(days=1),
            clarification_due_on__lte=today_utc + timedelta(days=CLARIFICATION_DAYS + 1),
        )
        .select_related("call__programme__agency", "consortium")
        .order_by("pk")
    )
    for application in waiting:
        zone = application.call.programme.agency.tzinfo
        days_left = (application.clarification_due_on - timezone.localdate(now, zone)).days
        organisation_id = application.acting_organisation_id
        if not 0 <= days_left <= CLARIFICATION_DAYS or organisation_id is None:
            continue
        yield Due(
            kind=Kind.CLARIFICATION_DUE,
            application=application,
            organisation_id=organisation_id,
            due_on=application.clarification_due_on,
            template="applications/email/reminder_clarification_due",
            context={"days_left": days_left, "due_on": application.clarification_due_on},
        )


REPORT_KINDS = ((1, Kind.REPORT_1), (7, Kind.REPORT_7), (30, Kind.REPORT_30))
# An overdue report is reminded once, if it became overdue at most this many days ago.
OVERDUE_DAYS = 14


def report_reminders_due(now: datetime) -> Iterable[Due]:
    """Beneficiary reports still due within 30 local days, or overdue since at most 14. One query."""
    from django.conf import settings

    today_utc = now.astimezone(UTC).date()
    longest = max(days for days, _kind in REPORT_KINDS)
    # A superset in UTC (any agency's local today is within a day of UTC's), refined per agency below.
    reports = (
        ProjectReport.objects.filter(
            status=ProjectReport.Status.DUE,
            application__status=Status.APPROVED,
            due_on__gte=today_utc - timedelta(days=OVERDUE_DAYS + 1),
            due_on__lte=today_utc + timedelta(days=longest + 1),
        )
        .select_related("application__call__programme__agency", "application__consortium")
        .order_by("pk")
    )
    for report in reports:
        application = report.application
        zone = application.call.programme.agency.tzinfo
        days_left = (report.due_on - timezone.localdate(now, zone)).days
        if days_left < 0:
            kind = Kind.REPORT_OVERDUE if -days_left <= OVERDUE_DAYS else None
        else:
            kind = next((kind for days, kind in REPORT_KINDS if days_left <= days), None)
        organisation_id = application.acting_organisation_id
        if kind is None or organisation_id is None:
            continue
        yield Due(
            kind=kind,
            application=application,
            organisation_id=organisation_id,
            due_on=report.due_on,
            template="applications/email/reminder_report_due",
            context={
                "days_left": days_left,
                "due_on": report.due_on,
                "report": report,
                "base_url": settings.PORTAL_BASE_URL,
            },
        )


# Where reminders come from.
SOURCES: list[Callable[[datetime], Iterable[Due]]] = [
    deadline_reminders_due,
    clarification_reminders_due,
    report_reminders_due,
]


@email_batch()
def send_due_reminders(*, now: datetime | None = None) -> int:
    """Send every reminder that is due and not sent yet; returns how many were sent.

    Idempotent and safe to run in several processes at once: see the module's docstring.
    """

    now = now or timezone.now()
    due = [item for source in SOURCES for item in source(now)]
    if not due:
        return 0
    representatives = people_acting_for_each({item.organisation_id for item in due})
    # Skips what earlier runs sent without trying (and failing) an insert; the
    # unique constraint, not this read, is what guarantees "once".
    already_sent = set(
        ReminderSent.objects.filter(
            application_id__in={item.application.pk for item in due}, kind__in={item.kind for item in due}
        ).values_list("kind", "application_id", "user_id", "due_on")
    )
    sent = 0
    for item in due:
        for user in representatives.get(item.organisation_id, ()):
            claim = (item.kind, item.application.pk, user.pk, item.due_on)
            if claim in already_sent:
                continue
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(
                        kind=item.kind, application=item.application, user=user, due_on=item.due_on, sent_at=now
                    )
                    # The e-mail is written in this transaction: no claim, no e-mail.
                    notify(
                        user=user,
                        template=item.template,
                        context={"application": item.application, **item.context},
                        key=f"reminder:{item.kind}:{item.application.pk}:{user.pk}:{item.due_on.isoformat()}",
                    )
            except IntegrityError:
                continue  # another run claimed it first
            sent += 1
    logger.info("Reminders sent: %s", sent)
    return sent
