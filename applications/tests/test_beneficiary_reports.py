"""Beneficiary reports: scheduled on approval from the call's dates, reminded once each, submitted by the applicant."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications.beneficiary_reports import ReportRefused, project_report_submit, project_reports_schedule
from applications.decisions import application_approve
from applications.models import Application, ProjectReport, ReminderSent
from applications.post_award import grant_accept
from applications.reminders import send_due_reminders
from applications.services import application_change_status
from applications.tests.factories import ApplicationFactory, BudgetLineFactory, reviews_complete
from consortia.tests.factories import OrganisationFactory, representative
from programmes.tests.factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

MADRID = ZoneInfo("Europe/Madrid")
FINAL = date(2027, 3, 31)
INTERIM = date(2027, 1, 29)


def local_noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), MADRID)


@pytest.fixture
def call(agency):
    closes = datetime(2026, 10, 30, 14, 0, tzinfo=MADRID)
    return CallFactory(
        programme=ProgrammeFactory(agency=agency, kind="cofinancing"),
        opens_at=closes - timedelta(days=90),
        closes_at=closes,
        budget=Decimal("50000.00"),
        interim_report_due_on=INTERIM,
        final_report_due_on=FINAL,
    )


def approved(call, organisation, staff) -> Application:
    """An application taken through submission, review and approval by the real services."""
    application = ApplicationFactory(call=call, consortium=None, organisation=organisation)
    BudgetLineFactory(application=application, amount=Decimal("5000.00"))
    application_change_status(application=application, to_status="submitted", at=call.opens_at + timedelta(days=1))
    application_change_status(application=application, to_status="under_review")
    reviews_complete(application)
    application = application_approve(application=application, by=staff, amount=Decimal("4000.00"))
    # The beneficiary accepts the grant: reports can then be written.
    return grant_accept(application=application, by=staff)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run(moment: datetime) -> int:
        with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
            return send_due_reminders()

    return run


def test_approval_schedules_the_reports_the_call_asks_for_and_says_so(
    call, company, applicant, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = approved(call, company, staff)

    reports = list(application.project_reports.order_by("due_on").values_list("kind", "due_on", "status"))
    assert reports == [("interim", INTERIM, "due"), ("final", FINAL, "due")]
    decision = next(m for m in mail.outbox if "approved a grant" in m.body)
    assert "Interim report due on Jan. 29, 2027." in decision.body
    assert "Final report due on March 31, 2027." in decision.body


def test_a_call_without_report_dates_schedules_none(company, applicant, staff):
    call = CallFactory(budget=Decimal("50000.00"))

    application = approved(call, company, staff)

    assert not application.project_reports.exists()


def test_the_report_reminders_come_30_7_and_1_days_before_and_once_overdue(call, company, applicant, staff, run):
    call.interim_report_due_on = None
    call.save()
    application = approved(call, company, staff)
    mail.outbox.clear()

    days = [date(2027, 2, 28), date(2027, 3, 1), date(2027, 3, 1), date(2027, 3, 23), date(2027, 3, 24)]
    days += [date(2027, 3, 30), date(2027, 3, 31), date(2027, 4, 1), date(2027, 4, 2), date(2027, 4, 20)]
    sent = [run(local_noon(day)) for day in days]

    assert sent == [0, 1, 0, 0, 1, 1, 0, 1, 0, 0]
    assert [m.subject for m in mail.outbox] == [
        f"{application.reference}: your report is due in 30 days",
        f"{application.reference}: your report is due in 7 days",
        f"{application.reference}: your report is due in 1 day",
        f"{application.reference}: your report is overdue",
    ]
    assert all(m.to == ["lucia@example.org"] for m in mail.outbox)
    first = mail.outbox[0].body
    assert "The Final report of your operation" in first and "is due on March 31, 2027." in first
    assert f"/en/my/applications/{application.pk}/reports/final/" in first
    assert set(ReminderSent.objects.values_list("kind", flat=True)) == {
        "report_30",
        "report_7",
        "report_1",
        "report_overdue",
    }


def test_a_submitted_report_is_no_longer_reminded(call, company, applicant, staff, run):
    application = approved(call, company, staff)
    report = application.project_reports.get(kind="final")
    project_report_submit(report=report, by=applicant, narrative="Two trade fairs in Lyon; 3 new distributors.")
    mail.outbox.clear()

    assert run(local_noon(date(2027, 3, 30))) == 0
    assert run(local_noon(date(2027, 4, 1))) == 0
    assert mail.outbox == []


def test_each_report_has_its_own_reminders(call, company, applicant, staff, run):
    approved(call, company, staff)
    mail.outbox.clear()

    assert run(local_noon(date(2027, 1, 22))) == 1  # the interim report, 7 days before
    assert run(local_noon(date(2027, 3, 24))) == 1  # the final one, 7 days before

    # Only the most urgent reminder of each report: no 30-day notice sent late beside the 7-day one.
    assert sorted(ReminderSent.objects.values_list("kind", "due_on")) == [("report_7", INTERIM), ("report_7", FINAL)]
    assert len(mail.outbox) == 2


def test_the_reminder_day_is_the_agencys_not_utcs(call, company, applicant, staff, run):
    approved(call, company, staff)
    mail.outbox.clear()
    assert run(datetime(2027, 3, 23, 23, 30, tzinfo=MADRID)) == 1  # 8 days left: the 30-day notice
    # 00:30 on March 24 in Madrid is still March 23 in UTC: the 7-day reminder goes by Madrid's day.
    assert run(datetime(2027, 3, 24, 0, 30, tzinfo=MADRID)) == 1
    assert list(ReminderSent.objects.order_by("sent_at").values_list("kind", flat=True)) == ["report_30", "report_7"]


def test_an_extension_moves_the_reminders_to_the_new_date(call, company, applicant, staff, run):
    application = approved(call, company, staff)
    report = application.project_reports.get(kind="final")
    assert run(local_noon(date(2027, 3, 24))) == 1
    report.due_on = date(2027, 4, 30)  # staff extend the deadline in the admin
    report.save()

    assert run(local_noon(date(2027, 4, 1))) == 1  # 29 days before the new date: the 30-day notice
    assert run(local_noon(date(2027, 4, 23))) == 1
    assert ReminderSent.objects.filter(due_on=date(2027, 4, 30)).count() == 2


def test_the_applicant_writes_and_sends_the_report(client, call, company, applicant, staff):
    application = approved(call, company, staff)
    client.force_login(applicant)
    url = reverse("applications:report", args=[application.pk, "final"])

    page = client.get(reverse("applications:detail", args=[application.pk]))
    assert "Final report" in page.text and "Write and send" in page.text and url in page.text

    empty = client.post(url, {"action": "submit", "narrative": "   "})
    assert empty.status_code == 400
    assert "Describe the activities carried out and their results." in empty.text
    assert ProjectReport.objects.get(application=application, kind="final").status == "due"

    with time_machine.travel(local_noon(date(2027, 3, 20)), tick=False):
        client.force_login(applicant)  # a session of today would have expired by then
        sent = client.post(url, {"action": "submit", "narrative": "Trade fair in Lyon: 12 meetings, 2 contracts."})
    assert sent.status_code == 302
    report = ProjectReport.objects.get(application=application, kind="final")
    assert report.status == "submitted" and report.submitted_by == applicant and not report.is_late
    assert "Trade fair in Lyon" in report.narrative

    again = client.post(url, {"action": "submit", "narrative": "A second version"})
    assert again.status_code == 404
    report.refresh_from_db()
    assert "second version" not in report.narrative
    assert "Trade fair in Lyon" in client.get(url).text


def test_a_late_report_is_accepted_and_shown_late(client, call, company, applicant, staff):
    application = approved(call, company, staff)
    client.force_login(applicant)
    url = reverse("applications:report", args=[application.pk, "final"])

    with time_machine.travel(local_noon(date(2027, 4, 3)), tick=False):
        client.force_login(applicant)
        assert client.post(url, {"action": "submit", "narrative": "Done, a little late."}).status_code == 302
        page = client.get(url)

    assert ProjectReport.objects.get(application=application, kind="final").is_late
    assert "late" in page.text


def test_a_report_that_arrived_on_its_due_day_is_not_late_when_processed_after_midnight(
    client, call, company, applicant, staff, settings
):
    application = approved(call, company, staff)
    settings.ARRIVAL_TIME_HEADER = "X-Request-Start"
    url = reverse("applications:report", args=[application.pk, "final"])
    arrived = datetime.combine(FINAL, time(23, 59, 59), MADRID)

    with time_machine.travel(arrived + timedelta(seconds=2), tick=False):
        client.force_login(applicant)
        stamp = f"t={arrived.timestamp()}"  # the proxy's; our clock says two seconds later, the next day
        sent = client.post(url, {"action": "submit", "narrative": "Sent just in time."}, HTTP_X_REQUEST_START=stamp)

    assert sent.status_code == 302
    report = ProjectReport.objects.get(application=application, kind="final")
    assert report.submitted_at == arrived and not report.is_late


def test_submitting_twice_at_once_keeps_the_first(call, company, applicant, staff):
    application = approved(call, company, staff)
    report = application.project_reports.get(kind="final")
    stale = ProjectReport.objects.get(pk=report.pk)

    project_report_submit(report=report, by=applicant, narrative="First")
    with pytest.raises(ReportRefused, match="already sent"):
        project_report_submit(report=stale, by=applicant, narrative="Second")

    assert ProjectReport.objects.get(pk=report.pk).narrative == "First"


def test_outsiders_and_members_cannot_send_someone_elses_report(client, call, company, applicant, staff):
    application = approved(call, company, staff)
    url = reverse("applications:report", args=[application.pk, "final"])
    outsider = representative(OrganisationFactory(), "outsider@example.org")
    client.force_login(outsider)

    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "submit", "narrative": "Hijack"}).status_code == 404
    assert client.get(reverse("applications:report", args=[application.pk, "nonsense"])).status_code == 404
    assert ProjectReport.objects.get(application=application, kind="final").status == "due"


def test_reports_are_owed_only_on_running_operations(call, company, applicant, staff):
    application = approved(call, company, staff)
    report = application.project_reports.get(kind="final")
    application_change_status(application=application, to_status="closed")

    with pytest.raises(ReportRefused, match="approved operations"):
        project_report_submit(report=report, by=applicant, narrative="After closing")


def test_setting_the_calls_dates_later_schedules_and_moves_reports(admin_client, company, applicant, staff):
    call = CallFactory(budget=Decimal("50000.00"))
    application = approved(call, company, staff)
    assert not application.project_reports.exists()
    url = reverse("admin:programmes_call_change", args=[call.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        **{k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | dict)},
        "opens_at_0": timezone.localtime(call.opens_at).date().isoformat(),
        "opens_at_1": "09:00:00",
        "closes_at_0": timezone.localtime(call.closes_at).date().isoformat(),
        "closes_at_1": "14:00:00",
        "programme": call.programme_id,
        "final_report_due_on": "2027-06-30",
        "interim_report_due_on": "",
        "rules-TOTAL_FORMS": "0",
        "rules-INITIAL_FORMS": "0",
        "criteria-TOTAL_FORMS": "0",
        "criteria-INITIAL_FORMS": "0",
        "sections-TOTAL_FORMS": "0",
        "sections-INITIAL_FORMS": "0",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
        "documents-TOTAL_FORMS": "0",
        "documents-INITIAL_FORMS": "0",
    }
    for key in ("opens_at", "closes_at", "id", "last_reference_number"):
        data.pop(key, None)

    response = admin_client.post(url, data, follow=True)

    assert response.status_code == 200, response.context["adminform"].form.errors
    assert "1 beneficiary report scheduled or moved to the new date." in response.text
    assert list(application.project_reports.values_list("kind", "due_on")) == [("final", date(2027, 6, 30))]

    data["final_report_due_on"] = "2027-07-15"
    admin_client.post(url, data)
    assert application.project_reports.get().due_on == date(2027, 7, 15)


def test_a_call_refuses_report_dates_in_the_wrong_order(call):
    from django.core.exceptions import ValidationError

    call.interim_report_due_on = FINAL
    with pytest.raises(ValidationError) as error:
        call.full_clean()
    assert "The interim report must be due before the final report." in str(error.value)
    call.interim_report_due_on = None
    call.final_report_due_on = date(2026, 10, 1)
    with pytest.raises(ValidationError) as error:
        call.full_clean()
    assert "The final report must be due after the call closes." in str(error.value)


def test_scheduling_twice_creates_nothing_more(call, company, applicant, staff):
    application = approved(call, company, staff)

    assert project_reports_schedule(application=application) == []
    assert application.project_reports.count() == 2
