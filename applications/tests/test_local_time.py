"""One local time: the receipt, the e-mail, the applicant's pages and the admin say when in the agency's zone.

The clocks of Madrid and Rome go forward at 01:00 UTC on 29 March 2026 (CET to
CEST), Lisbon's at the same instant (WET to WEST): a submission at 00:30 UTC
and one at 01:30 UTC are an hour apart but two hours apart on Madrid's clock.
"""

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from applications.receipts import receipt_build
from applications.services import SubmissionRefused, application_submit
from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from consortia.services import organisation_register
from consortia.tests.factories import OrganisationFactory
from portal.models import User
from programmes.tests.factories import AgencyFactory, CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def submitted_at(moment: datetime, *, zone="Europe/Madrid", country="ES", region="ES43", language="en"):
    """A company's application submitted through the service at `moment`, with the clock stopped there.

    Its representative is `application.representative`; on-commit work (the e-mail) runs when called
    inside django_capture_on_commit_callbacks(execute=True).
    """
    agency = AgencyFactory(timezone=zone, country=country, region=region)
    applicant = User.objects.create_user(f"applicant-{agency.slug}@example.org", language=language)
    with time_machine.travel(moment, tick=False):
        call = CallFactory(programme=ProgrammeFactory(agency=agency))
        organisation = organisation_register(user=applicant, organisation=OrganisationFactory.build())
        application = ApplicationFactory(call=call, consortium=None, organisation=organisation)
        BudgetLineFactory(application=application, amount=Decimal("2500.00"))
        application = application_submit(application=application, by=applicant)
    application.representative = applicant
    return application


def receipt_text(application) -> str:
    # The receipt is built after the submission commits, by the worker: here, later, out of the
    # submission's clock and language, as the worker would.
    receipt_build(application_id=application.pk)
    application.refresh_from_db()
    with application.receipt.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    # The PDF's text runs may break lines anywhere: compare on single spaces.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_receipt_states_the_hour_of_the_agencys_clock_not_utcs():
    # The case found: 17:31 in Madrid (16:31 UTC), in winter.
    application = submitted_at(datetime(2026, 12, 2, 16, 31, 5, tzinfo=UTC))

    text = receipt_text(application)

    assert "Received by the server at Dec. 2, 2026, 5:31 p.m. (Europe/Madrid)" in text
    assert "2026-12-02 16:31:05 UTC" in text
    assert "4:31 p.m." not in text


@pytest.mark.parametrize(
    ("moment", "zone", "country", "region", "local"),
    [
        # Half an hour before the clocks go forward, and half an hour after.
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "Europe/Madrid", "ES", "ES43", "March 29, 2026, 1:30 a.m."),
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "Europe/Madrid", "ES", "ES43", "March 29, 2026, 3:30 a.m."),
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "Europe/Lisbon", "PT", "PT18", "March 29, 2026, 12:30 a.m."),
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "Europe/Lisbon", "PT", "PT18", "March 29, 2026, 2:30 a.m."),
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "Europe/Rome", "IT", "ITH5", "March 29, 2026, 3:30 a.m."),
    ],
)
def test_the_receipt_follows_the_daylight_saving_change_of_the_agencys_zone(moment, zone, country, region, local):
    application = submitted_at(moment, zone=zone, country=country, region=region)

    text = receipt_text(application)

    assert application.submitted_at == moment
    assert f"Received by the server at {local} ({zone})" in text
    assert f"{moment:%Y-%m-%d %H:%M:%S} UTC" in text


def test_the_receipt_in_italian_writes_the_rome_hour_the_italian_way():
    with translation.override("it"):
        application = submitted_at(
            datetime(2026, 3, 29, 1, 30, tzinfo=UTC), zone="Europe/Rome", country="IT", region="ITH5", language="it"
        )

    assert "29 marzo 2026, 03:30 (Europe/Rome)" in receipt_text(application)


def test_the_submission_email_says_when_in_the_agencys_zone(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted_at(datetime(2026, 12, 2, 16, 31, tzinfo=UTC))

    (message,) = mail.outbox
    assert message.to == [application.representative.email]
    assert "Received by the server at Dec. 2, 2026, 5:31 p.m. (Europe/Madrid)." in message.body
    html = message.alternatives[0][0]
    assert "Dec. 2, 2026, 5:31 p.m. (Europe/Madrid)" in html


def test_the_submission_email_in_portuguese_after_lisbons_clock_change(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted_at(
            datetime(2026, 3, 29, 1, 30, tzinfo=UTC), zone="Europe/Lisbon", country="PT", region="PT18", language="pt"
        )

    (message,) = mail.outbox
    assert application.reference in message.subject
    assert "29 de março de 2026 às 02:30 (Europe/Lisbon)" in message.body


def test_the_applicants_pages_show_the_submission_in_the_agencys_zone(client):
    application = submitted_at(datetime(2026, 3, 29, 1, 30, tzinfo=UTC))
    client.force_login(application.representative)

    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()

    assert "March 29, 2026, 3:30 a.m. (Europe/Madrid)" in html
    assert 'datetime="2026-03-29T01:30:00+00:00"' in html


def test_a_closed_call_is_refused_with_its_closing_time_in_the_agencys_zone():
    agency = AgencyFactory(timezone="Europe/Lisbon", country="PT", region="PT18")
    applicant = User.objects.create_user("late@example.org")
    with time_machine.travel(datetime(2026, 7, 1, 12, 0, tzinfo=UTC), tick=False):
        call = CallFactory(programme=ProgrammeFactory(agency=agency), closes_at=datetime(2026, 7, 1, 11, 0, tzinfo=UTC))
        application = ApplicationFactory(call=call)
        with pytest.raises(SubmissionRefused) as refused:
            application_submit(application=application, by=applicant)

    assert "The call closed on July 1, 2026, noon (Europe/Lisbon)" in str(refused.value.reasons[0])


# --- the admin, in the staff member's agency zone ---------------------------------------------


@pytest.fixture
def staff_client_of(client, staff_of):
    """`staff_client_of(agency)`: the test client, logged in as Agency staff of `agency`."""

    def login(agency):
        client.force_login(staff_of(agency, email=f"staff-{agency.slug}@example.org"))
        return client

    return login


def test_the_admin_list_change_and_history_pages_show_the_submission_in_the_agencys_zone(staff_client_of):
    application = submitted_at(datetime(2026, 12, 2, 16, 31, tzinfo=UTC))
    staff = staff_client_of(application.call.programme.agency)

    listing = staff.get(reverse("admin:applications_application_changelist")).content.decode()
    change = staff.get(reverse("admin:applications_application_change", args=[application.pk])).content.decode()
    history = staff.get(reverse("admin:applications_application_history", args=[application.pk])).content.decode()

    for html in (listing, change, history):
        assert "Dec. 2, 2026, 5:31 p.m." in html
        assert "4:31 p.m." not in html
        assert "Times in Europe/Madrid." in html


def test_lisbon_staff_see_the_same_submission_in_lisbons_zone(staff_client_of):
    application = submitted_at(
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC), zone="Europe/Lisbon", country="PT", region="PT18"
    )
    staff = staff_client_of(application.call.programme.agency)

    change = staff.get(reverse("admin:applications_application_change", args=[application.pk])).content.decode()

    assert "March 29, 2026, 2:30 a.m." in change and "Times in Europe/Lisbon." in change


def test_a_superuser_without_an_agency_sees_utc_named_as_such(client, superuser):
    application = submitted_at(datetime(2026, 12, 2, 16, 31, tzinfo=UTC))
    client.force_login(superuser)

    change = client.get(reverse("admin:applications_application_change", args=[application.pk])).content.decode()

    assert "Dec. 2, 2026, 4:31 p.m." in change and "Times in UTC." in change


def test_the_zone_of_one_request_does_not_stay_for_the_next(staff_client_of, client, superuser):
    application = submitted_at(
        datetime(2026, 12, 2, 16, 31, tzinfo=UTC), zone="Europe/Rome", country="IT", region="ITH5"
    )
    url = reverse("admin:applications_application_change", args=[application.pk])
    assert "Times in Europe/Rome." in staff_client_of(application.call.programme.agency).get(url).content.decode()

    client.force_login(superuser)
    html = client.get(url).content.decode()

    assert "Dec. 2, 2026, 4:31 p.m." in html and "Times in UTC." in html
