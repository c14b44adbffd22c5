"""When the SMTP server fails: an outbox e-mail is sent once, a hung server holds no lock, nothing silently lost.

Against a real SMTP server on a free local port (portal.tests.smtp): one that hangs, one that
refuses and then accepts. Transactions really commit here (the claim and the confirm are
transactions of their own), and sends run in threads where two workers would race.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from portal.models import Notification
from portal.notifications import (
    claim_expiry,
    notification_send,
    notify_rendered,
    outbox_figures,
    outbox_sweep,
    send_notification,
)
from portal.testing import free_port
from portal.tests.smtp import SmtpServer, use_smtp

pytestmark = pytest.mark.django_db(transaction=True)

LATER = timedelta(minutes=3)  # past the first retry's delay


@pytest.fixture
def smtp_port(settings):
    port = free_port()
    use_smtp(settings, port, timeout=1)
    return port


def an_email(recipient="ana@example.org", **fields):
    """An outbox row, due now (written directly: no send on commit)."""
    return Notification.objects.create(
        key=f"test:{recipient}",
        kind="test",
        recipient=recipient,
        language="en",
        subject="Hello",
        body_text="Hello.",
        body_html="<p>Hello.</p>",
        **fields,
    )


def in_thread(target, results):
    """Run `target` in a thread of its own (its own database connection, closed at the end)."""

    def run():
        try:
            results.append(target())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_hung_smtp_server_holds_no_lock_and_the_send_gives_up_after_the_timeout(smtp_port):
    email = an_email()
    results = []

    with SmtpServer(smtp_port, mode="hang") as server:
        started = time.monotonic()
        worker = in_thread(lambda: notification_send(email.pk), results)
        assert server.hanging.wait(5)
        # While the worker waits on the server, the row is claimed, committed and not locked.
        with transaction.atomic():
            row = Notification.objects.select_for_update(nowait=True).get(pk=email.pk)
        assert row.status == "sending" and row.claimed_at is not None
        worker.join(10)
        took = time.monotonic() - started

    assert not worker.is_alive() and results == ["pending"]
    assert took < 4  # EMAIL_TIMEOUT is 1 s here
    email.refresh_from_db()
    assert email.attempts == 1 and "timed out" in email.last_error
    assert email.next_attempt_at > timezone.now()

    # The server answers again: the retry delivers it.
    with SmtpServer(smtp_port) as server:
        assert outbox_sweep(now=timezone.now() + LATER) == 1
    assert len(server.received) == 1
    email.refresh_from_db()
    assert email.status == "sent" and email.attempts == 2


def test_refused_then_accepted_the_email_is_delivered_exactly_once(smtp_port):
    with SmtpServer(smtp_port, mode="refuse") as server:
        # Written and committed: the send on commit is refused.
        email = notify_rendered(kind="test", subject="Hola", text="Hola.", language="es", email="lucia@example.org")
        email.refresh_from_db()
        assert email.status == "pending" and "554" in email.last_error

        server.mode = "accept"
        assert outbox_sweep(now=timezone.now() + LATER) == 1
        # Everything that could send it again finds it sent: the sweep, a repeated task.
        assert outbox_sweep(now=timezone.now() + timedelta(hours=1)) == 0
        assert send_notification(email.pk) == "skipped"

    assert [recipients for recipients, _message in server.received] == [["lucia@example.org"]]
    assert server.connections == 2
    email.refresh_from_db()
    assert email.status == "sent" and email.attempts == 2


def test_a_claim_never_confirmed_becomes_unconfirmed_and_is_not_sent_again(smtp_port):
    # A worker died between the server's acceptance and its confirm; another is sending right now.
    dead = an_email(
        "dead@example.org",
        status="sending",
        attempts=1,
        claimed_at=timezone.now() - claim_expiry() - timedelta(seconds=1),
    )
    live = an_email("live@example.org", status="sending", attempts=1, claimed_at=timezone.now())

    with SmtpServer(smtp_port) as server:
        assert outbox_sweep() == 0
        assert outbox_sweep(now=timezone.now() + timedelta(seconds=30)) == 0

    assert server.received == []
    dead.refresh_from_db()
    live.refresh_from_db()
    assert dead.status == "unconfirmed" and "may have been delivered" in dead.last_error
    assert live.status == "sending"
    assert outbox_figures()["unconfirmed"] == 1


def test_a_send_that_ends_after_its_claim_was_called_unconfirmed_records_how_it_ended(smtp_port):
    email = an_email()
    results = []

    with SmtpServer(smtp_port, mode="hang") as server:
        worker = in_thread(lambda: notification_send(email.pk), results)
        assert server.hanging.wait(5)
        # The sweep sees the claim as expired (its clock far ahead) while the send still runs.
        outbox_sweep(now=timezone.now() + claim_expiry() + timedelta(seconds=1))
        assert Notification.objects.get(pk=email.pk).status == "unconfirmed"
        worker.join(10)

    # It failed after all (the server hung): known now, so it is retried, not left unconfirmed.
    assert results == ["pending"]
    assert Notification.objects.get(pk=email.pk).status == "pending"


def test_two_sweeps_at_once_send_each_email_once(smtp_port):
    emails = [an_email(f"person{n}@example.org") for n in range(20)]
    start = threading.Barrier(2)
    results = []

    def sweep():
        start.wait()
        return outbox_sweep()

    with SmtpServer(smtp_port) as server:
        sweeps = [in_thread(sweep, results), in_thread(sweep, results)]
        for thread in sweeps:
            thread.join(30)

    assert sum(results) == 20
    assert sorted(recipients[0] for recipients, _message in server.received) == sorted(e.recipient for e in emails)
    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 1)}


@pytest.mark.parametrize("broker", ["takes the tasks", "is down"])
def test_send_again_in_the_admin_queues_and_sends_nothing_in_the_request(
    smtp_port, superuser_client, monkeypatch, broker
):
    failed = an_email("failed@example.org", status="failed", attempts=5, last_error="SMTPDataError: 554")
    unconfirmed = an_email("unconfirmed@example.org", status="unconfirmed", attempts=1, claimed_at=timezone.now())
    sent = an_email("sent@example.org", status="sent", attempts=1, sent_at=timezone.now())
    queued = []

    def delay(notification_id):
        if broker == "is down":
            raise ConnectionError("the broker is down")
        queued.append(notification_id)

    monkeypatch.setattr(send_notification, "delay", delay)

    with SmtpServer(smtp_port) as server:
        started = time.monotonic()
        response = superuser_client.post(
            reverse("admin:portal_notification_changelist"),
            {"action": "retry", "_selected_action": [failed.pk, unconfirmed.pk, sent.pk]},
            follow=True,
        )
        took = time.monotonic() - started
        assert server.connections == 0 and server.received == []

        assert response.status_code == 200 and took < 2
        assert "2 e-mails queued to be sent again." in response.text
        assert "1 e-mail already sent or being sent was left alone." in response.text
        rows = Notification.objects.filter(pk__in=[failed.pk, unconfirmed.pk])
        assert set(rows.values_list("status", "attempts")) == {("pending", 0)}
        assert queued == ([] if broker == "is down" else [failed.pk, unconfirmed.pk])

        # The worker runs what was queued (or, with the broker down, the sweep finds them): each sent once.
        for pk in queued:
            assert send_notification(pk) == "sent"
        assert outbox_sweep() == (2 if broker == "is down" else 0)
        assert outbox_sweep() == 0

    assert sorted(recipients[0] for recipients, _message in server.received) == [
        "failed@example.org",
        "unconfirmed@example.org",
    ]
    sent.refresh_from_db()
    assert sent.status == "sent" and sent.attempts == 1


def test_the_outbox_figures_count_what_waits_and_what_went_wrong():
    an_email("waiting@example.org")
    Notification.objects.filter(recipient="waiting@example.org").update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    an_email("failed@example.org", status="failed")
    an_email("other-failed@example.org", status="failed")
    an_email("unconfirmed@example.org", status="unconfirmed")
    an_email("sent@example.org", status="sent")

    figures = outbox_figures()

    assert figures.pop("oldest_pending_seconds") in range(599, 602)
    assert figures == {"pending": 1, "failed": 2, "unconfirmed": 1}


def test_an_empty_outbox_has_no_oldest_pending():
    assert outbox_figures() == {"pending": 0, "oldest_pending_seconds": None, "failed": 0, "unconfirmed": 0}


def test_the_admin_index_tells_staff_how_many_emails_failed_or_may_not_have_arrived(client, staff, superuser):
    client.force_login(staff)
    assert 'id="outbox-warning"' not in client.get(reverse("admin:index")).text

    an_email("failed@example.org", status="failed")
    an_email("unconfirmed@example.org", status="unconfirmed")
    an_email("pending@example.org")

    page = client.get(reverse("admin:index")).text
    assert 'id="outbox-warning"' in page
    assert "1 e-mail could not be sent." in page and "1 e-mail may not have been delivered" in page
    assert "An administrator can send them again." in page and "status__exact=failed" not in page

    client.force_login(superuser)
    page = client.get(reverse("admin:index")).text
    outbox = reverse("admin:portal_notification_changelist")
    assert f'href="{outbox}?status__exact=failed"' in page
    assert f'href="{outbox}?status__exact=unconfirmed"' in page
