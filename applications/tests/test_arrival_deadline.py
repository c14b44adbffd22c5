"""Deadlines judged by arrival: a submission that reached the server in time is accepted however late
its turn came; one that arrived after the closing time is refused.
"""

import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, StatusChange
from applications.tests.test_views import draft, fill, pimex_call
from portal.tests.factories import UserFactory
from programmes.models import Call

SUBMITTED = "Your application is submitted with the reference"
CLOSED = "applications are no longer accepted"


def _requests_waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _logged_in(email: str):
    person = UserFactory(email=email)
    client = Client()
    client.force_login(person)
    return client, person


def _hold_the_row(application):
    # What another submission or a replayed POST does: the service waits on the application's row.
    Application.objects.select_for_update().get(pk=application.pk)


def _hold_the_table(application):
    # A request waiting before the view runs (for a worker, a connection): even its first read waits.
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {Application._meta.db_table} IN ACCESS EXCLUSIVE MODE")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("hold", [_hold_the_row, _hold_the_table], ids=["in-the-service", "before-the-view"])
def test_a_submission_held_back_past_the_deadline_is_judged_by_its_arrival(hold):
    """The call closes at T while a submission that arrived before T is held back.

    Released after T, it is accepted and recorded at its arrival; one that arrives after T is refused.
    """
    early_client, early_person = _logged_in("lucia@example.org")
    late_client, late_person = _logged_in("marta@example.org")
    call = pimex_call()
    early = draft(early_client, early_person, call)
    fill(early_client, early)
    late = draft(late_client, late_person, call)
    fill(late_client, late)
    held, release = threading.Event(), threading.Event()
    closed_at, responses, errors = [], [], []

    def hold_the_application():
        try:
            with transaction.atomic():
                hold(early)
                Call.objects.select_for_update().get(pk=call.pk)
                held.set()
                assert release.wait(timeout=60)
                deadline = timezone.now()  # after the request arrived: it is already waiting
                Call.objects.filter(pk=call.pk).update(closes_at=deadline)
                closed_at.append(deadline)
                while timezone.now() <= deadline:
                    time.sleep(0.001)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    def submit_early():
        try:
            responses.append(early_client.post(reverse("applications:submit", args=[early.pk])))
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_application)
    holder.start()
    assert held.wait(timeout=30)
    sender = threading.Thread(target=submit_early)
    sender.start()
    give_up = time.monotonic() + 30
    while _requests_waiting_on_a_lock() == 0 and time.monotonic() < give_up:
        time.sleep(0.01)
    waiting = _requests_waiting_on_a_lock()
    release.set()
    holder.join(timeout=60)
    sender.join(timeout=60)

    assert errors == []
    assert waiting == 1, "the submission should have been held back"
    (deadline,) = closed_at
    (response,) = responses
    arrived = response.wsgi_request.arrived_at
    early.refresh_from_db()
    assert arrived < deadline
    assert response.status_code == 302 and response.url == reverse("applications:detail", args=[early.pk])
    assert early.status == "submitted" and early.reference.endswith("-0001")
    assert early.submitted_at == arrived
    assert early.updated_at > deadline  # processed after the call closed
    assert StatusChange.objects.get(application=early, to_status="submitted").changed_at == arrived

    after = late_client.post(reverse("applications:submit", args=[late.pk]), follow=True)

    late.refresh_from_db()
    assert CLOSED in after.content.decode()
    assert late.status == "draft" and late.reference == "" and late.submitted_at is None


@pytest.mark.django_db
def test_a_submission_stamped_by_the_proxy_before_the_deadline_is_accepted(client, applicant, settings):
    call = pimex_call(closes_at=timezone.now() + timedelta(hours=1))
    client.force_login(applicant)
    application = draft(client, applicant, call)
    fill(client, application)
    settings.ARRIVAL_TIME_HEADER = "X-Request-Start"
    received = (call.closes_at - timedelta(seconds=1)).replace(microsecond=0)  # a whole second: no rounding

    with time_machine.travel(call.closes_at + timedelta(seconds=2), tick=False):
        response = client.post(
            reverse("applications:submit", args=[application.pk]),
            HTTP_X_REQUEST_START=f"t={received.timestamp():.3f}",
            follow=True,
        )

    application.refresh_from_db()
    assert SUBMITTED in response.content.decode()
    assert application.status == "submitted" and application.submitted_at == received


@pytest.mark.django_db
def test_a_client_cannot_claim_an_earlier_arrival_when_no_proxy_header_is_trusted(client, applicant):
    call = pimex_call(closes_at=timezone.now() + timedelta(hours=1))
    client.force_login(applicant)
    application = draft(client, applicant, call)
    fill(client, application)

    with time_machine.travel(call.closes_at + timedelta(seconds=2), tick=False):
        response = client.post(
            reverse("applications:submit", args=[application.pk]),
            HTTP_X_REQUEST_START=f"t={(call.closes_at - timedelta(seconds=1)).timestamp():.3f}",
            follow=True,
        )

    application.refresh_from_db()
    assert CLOSED in response.content.decode()
    assert application.status == "draft" and application.submitted_at is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_call_closed_by_staff_while_a_submission_waits_for_its_reference_refuses_it():
    """Staff close the call (committed) after the submission read the application and its call, while it
    waits for the call's row to take its reference: the dates read under that lock decide, and the
    refusal leaves the draft as it was and the counter untouched."""
    client, person = _logged_in("lucia@example.org")
    call = pimex_call()
    application = draft(client, person, call)
    fill(client, application)
    held, release = threading.Event(), threading.Event()
    responses, errors = [], []

    def close_the_call():
        try:
            with transaction.atomic():
                Call.objects.select_for_update().get(pk=call.pk)  # what another submission's reference holds
                held.set()
                assert release.wait(timeout=60)
                Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(hours=1))
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    def submit():
        try:
            responses.append(client.post(reverse("applications:submit", args=[application.pk]), follow=True))
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    staff = threading.Thread(target=close_the_call)
    staff.start()
    assert held.wait(timeout=30)
    sender = threading.Thread(target=submit)
    sender.start()
    give_up = time.monotonic() + 30
    while _requests_waiting_on_a_lock() == 0 and time.monotonic() < give_up:
        time.sleep(0.01)
    waiting = _requests_waiting_on_a_lock()
    release.set()
    staff.join(timeout=60)
    sender.join(timeout=60)

    assert errors == []
    assert waiting == 1, "the submission should have waited for the call's row"
    (response,) = responses
    assert CLOSED in response.content.decode()
    application.refresh_from_db()
    call.refresh_from_db()
    assert application.status == "draft" and application.reference == "" and application.submitted_at is None
    assert application.content_hash == "" and application.submitted_content is None
    assert not StatusChange.objects.filter(application=application, to_status="submitted").exists()
    assert call.last_reference_number == 0
