"""Reminders before deadlines: due on the agency's local day, sent once per person, whatever runs at once."""

import threading
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.result import allow_join_result
from django.core import mail
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.models import Application, ReminderSent
from applications.reminders import send_due_reminders
from applications.tasks import send_due_reminders as send_due_reminders_task
from applications.tests.factories import ApplicationFactory
from consortia.models import Representation
from consortia.tests.factories import ConsortiumFactory, MembershipFactory, OrganisationFactory, representative
from portal.models import Notification
from programmes.tests.factories import CallFactory

pytestmark = pytest.mark.django_db

MADRID = ZoneInfo("Europe/Madrid")  # the factories' agency time zone
CLOSES = datetime(2027, 1, 20, 18, 0, tzinfo=MADRID)  # day D of most tests


def local_noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), MADRID)


def call_closing(closes_at: datetime):
    return CallFactory(opens_at=closes_at - timedelta(days=60), closes_at=closes_at)


def company_draft(call, *emails: str, **fields) -> Application:
    organisation = OrganisationFactory()
    for email in emails:
        representative(organisation, email)
    return ApplicationFactory(call=call, consortium=None, organisation=organisation, **fields)


def consortium_draft(call, *emails: str) -> Application:
    lead = OrganisationFactory()
    for email in emails:
        representative(lead, email)
    consortium = ConsortiumFactory(lead=lead)
    MembershipFactory(consortium=consortium, organisation=lead)
    return ApplicationFactory(call=call, consortium=consortium, organisation=None)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Send the due reminders at a moment, and deliver what they write to the outbox."""

    def run(moment: datetime) -> int:
        with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
            return send_due_reminders()

    return run


def test_a_draft_gets_one_seven_day_reminder_per_representative_of_the_lead(run):
    application = consortium_draft(call_closing(CLOSES), "lucia@example.org", "marco@example.org")
    member = OrganisationFactory()
    MembershipFactory(consortium=application.consortium, organisation=member)
    representative(member, "member@example.org")
    representative(application.consortium.lead, "asking@example.org", status=Representation.Status.REQUESTED)
    representative(application.consortium.lead, "gone@example.org", is_active=False)

    assert run(local_noon(date(2027, 1, 13))) == 2

    assert sorted(message.to[0] for message in mail.outbox) == ["lucia@example.org", "marco@example.org"]
    message = mail.outbox[0]
    assert f"“{application.title}”: 7 days left to submit your application" == message.subject
    assert "is still a draft" in message.body and "(Europe/Madrid)" in message.body
    assert "Jan. 20, 2027, 6 p.m." in message.body  # the closing time in the agency's zone, not UTC's 5 p.m.
    assert set(ReminderSent.objects.values_list("kind", "application", "due_on")) == {
        ("deadline_7", application.pk, date(2027, 1, 20))
    }


def test_running_twice_sends_nothing_more(run):
    company_draft(call_closing(CLOSES), "lucia@example.org")
    moment = local_noon(date(2027, 1, 13))

    assert run(moment) == 1
    assert run(moment) == 0
    assert run(moment + timedelta(hours=5)) == 0
    with time_machine.travel(moment, tick=False):
        assert send_due_reminders_task.delay().get() == 0

    assert len(mail.outbox) == 1
    assert ReminderSent.objects.count() == 1


def test_the_three_and_one_day_reminders_come_once_each_on_their_day(run):
    application = company_draft(call_closing(CLOSES), "lucia@example.org")

    sent = [(day, run(local_noon(date(2027, 1, day)))) for day in (12, 13, 14, 15, 17, 17, 18, 19, 20)]

    assert sent == [(12, 0), (13, 1), (14, 0), (15, 0), (17, 1), (17, 0), (18, 0), (19, 1), (20, 0)]
    assert [message.subject for message in mail.outbox] == [
        f"“{application.title}”: 7 days left to submit your application",
        f"“{application.title}”: 3 days left to submit your application",
        f"“{application.title}”: 1 day left to submit your application",
    ]


def test_a_draft_started_two_days_before_the_deadline_gets_only_the_most_urgent_reminder(run):
    company_draft(call_closing(CLOSES), "lucia@example.org")

    assert run(local_noon(date(2027, 1, 18))) == 1

    assert ReminderSent.objects.get().kind == "deadline_3"
    assert "2 days left" in mail.outbox[0].subject


def test_submitted_withdrawn_and_closed_call_applications_get_no_reminder(run):
    call = call_closing(CLOSES)
    submitted_at = datetime(2027, 1, 10, tzinfo=UTC)
    company_draft(call, "submitted@example.org", status="submitted", submitted_at=submitted_at, reference="EXP-1")
    company_draft(call, "withdrawn@example.org", status="withdrawn")
    unpublished = CallFactory(opens_at=CLOSES - timedelta(days=60), closes_at=CLOSES, is_published=False)
    company_draft(unpublished, "unpublished@example.org")
    company_draft(call_closing(datetime(2027, 1, 13, 11, 0, tzinfo=MADRID)), "closed@example.org")

    assert run(local_noon(date(2027, 1, 13))) == 0
    assert mail.outbox == []


def test_the_agency_time_zone_decides_the_day(run):
    # Day D is 20 January in Madrid (UTC+1 in winter): the call closes at 00:30 local,
    # which is still 19 January in UTC.
    company_draft(call_closing(datetime(2027, 1, 20, 0, 30, tzinfo=MADRID)), "lucia@example.org")

    # 22:59 UTC on the 12th: 7 days before the UTC closing day, but 23:59 of the 12th in Madrid (D-8).
    assert run(datetime(2027, 1, 12, 22, 59, tzinfo=UTC)) == 0
    # 23:30 UTC on the 12th is 00:30 of the 13th in Madrid: D-7, the reminder is due.
    assert run(datetime(2027, 1, 12, 23, 30, tzinfo=UTC)) == 1

    assert "7 days left" in mail.outbox[0].subject
    assert ReminderSent.objects.get().due_on == date(2027, 1, 20)


def test_a_clarification_due_in_two_days_is_reminded_once(run):
    application = company_draft(
        call_closing(datetime(2027, 1, 5, 18, 0, tzinfo=MADRID)),
        "lucia@example.org",
        status="clarification_requested",
        submitted_at=datetime(2027, 1, 4, tzinfo=UTC),
        reference="EXP-2027-0001",
        clarification_due_on=date(2027, 1, 20),
    )

    assert run(local_noon(date(2027, 1, 17))) == 0
    assert run(local_noon(date(2027, 1, 18))) == 1
    assert run(local_noon(date(2027, 1, 19))) == 0
    assert run(local_noon(date(2027, 1, 20))) == 0
    assert [message.subject for message in mail.outbox] == ["EXP-2027-0001: your answer to the agency is due in 2 days"]
    assert "Jan. 20, 2027" in mail.outbox[0].body

    # A second question with a new due date is reminded too.
    Application.objects.filter(pk=application.pk).update(clarification_due_on=date(2027, 2, 1))
    assert run(local_noon(date(2027, 2, 1))) == 1
    assert "due today" in mail.outbox[-1].subject
    assert ReminderSent.objects.filter(kind="clarification_due").count() == 2


def test_the_selection_queries_do_not_grow_with_the_number_of_drafts():
    moment = local_noon(date(2027, 1, 13))

    def send_for(drafts: int):
        call = call_closing(CLOSES)
        for number in range(drafts):
            make = consortium_draft if number % 2 else company_draft
            make(call, f"rep-{drafts}-{number}@example.org")
        with time_machine.travel(moment, tick=False), CaptureQueriesContext(connection) as queries:
            sent = send_due_reminders()
        statements = [query["sql"].lstrip().upper() for query in queries.captured_queries]
        selects = [sql for sql in statements if sql.startswith("SELECT")]
        claims = [sql for sql in statements if sql.startswith('INSERT INTO "APPLICATIONS_REMINDERSENT"')]
        return sent, len(selects), len(claims)

    sent_few, selects_few, claims_few = send_for(2)
    sent_many, selects_many, claims_many = send_for(10)

    assert (sent_few, claims_few) == (2, 2)
    assert (sent_many, claims_many) == (10, 10)
    # drafts, clarifications, beneficiary reports, representatives, reminders already sent, and the
    # agency's wording of the reminder (read once for the batch)
    assert selects_few == selects_many == 6


def test_the_hourly_schedule_is_in_the_database_and_names_the_task():
    from django_celery_beat.models import PeriodicTask

    from portal.celery import app

    entry = PeriodicTask.objects.select_related("crontab").get(name="Send due reminders")

    assert entry.enabled and entry.task == "applications.tasks.send_due_reminders"
    crontab = entry.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_month, str(crontab.timezone)) == ("5", "*", "*", "UTC")
    assert entry.task == send_due_reminders_task.name and entry.task in app.tasks
    assert send_due_reminders_task.acks_late


@pytest.fixture
def celery_join_flag_kept():
    """Put back Celery's process-wide "a task is running here" flag after threads ran eager tasks.

    Each eager task saves the flag, sets it and restores it, without a lock: two
    threads sending e-mail eagerly at once can leave it set, and every later
    `result.get()` in this process would then refuse ("Never call result.get()
    within a task").
    """
    from celery import _state

    before = _state.task_join_will_block()
    yield
    _state._set_task_join_will_block(before)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_reminder_once(celery_join_flag_kept):
    closes = local_noon(timezone.localdate(timezone.now(), MADRID) + timedelta(days=7))
    call = call_closing(closes)
    for number in range(5):
        company_draft(call, f"first-{number}@example.org", f"second-{number}@example.org")
    barrier = threading.Barrier(2)
    counts, errors = [], []

    def worker():
        try:
            barrier.wait()
            counts.append(send_due_reminders())
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(counts) == 10
    assert ReminderSent.objects.count() == 10
    assert Notification.objects.filter(kind="reminder_deadline").count() == 10
    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == 10 and len(set(recipients)) == 10


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_due_reminders(celery_worker_process):
    closes = local_noon(timezone.localdate(timezone.now(), MADRID) + timedelta(days=7))
    application = company_draft(call_closing(closes), "lucia@example.org")

    result = send_due_reminders_task.apply_async(queue=celery_worker_process, ignore_result=False)

    # This process runs no task: waiting here cannot deadlock a worker, whatever
    # an earlier test's threads left in Celery's process-wide flag.
    with allow_join_result():
        assert result.get(timeout=30) == 1
    # The worker's e-mail goes to its own in-memory outbox: the rows are what this process sees.
    assert ReminderSent.objects.filter(
        kind="deadline_7", application=application, user__email="lucia@example.org"
    ).exists()
    assert Notification.objects.filter(kind="reminder_deadline", recipient="lucia@example.org").exists()
