"""The notification outbox: written with the event, sent after commit, nothing lost when the broker is down."""

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from portal.models import Notification, User
from portal.notifications import MAX_ATTEMPTS, notification_send, notify, notify_rendered, outbox_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def lucia():
    return User.objects.create_user("lucia@example.org", language="es")


def invite(user, **extra):
    from datetime import date

    from consortia.models import Consortium

    consortium = Consortium(name="Sabores de Extremadura", sector="agri_food", established_on=date(2026, 1, 1))
    organisation = type("Org", (), {"legal_name": "Quesos S.L.", "__str__": lambda self: "Quesos S.L."})()
    return notify(
        user=user,
        template="consortia/email/membership_invited",
        context={"consortium": consortium, "organisation": organisation, "invited_by": user},
        **extra,
    )


def test_the_email_is_written_in_the_recipients_language_as_text_and_html(lucia, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = invite(lucia)

    notification.refresh_from_db()
    assert notification.status == "sent" and notification.language == "es"
    message = mail.outbox[0]
    assert message.to == ["lucia@example.org"]
    assert "invita" in message.subject
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Sabores de Extremadura" in html


def test_an_email_rendered_elsewhere_is_sent_in_the_portal_layout(lucia, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify_rendered(
            kind="password_reset_key",
            subject="Restablecer contraseña",
            text="Pulse el enlace.",
            language="es",
            user=lucia,
        )

    notification.refresh_from_db()
    assert notification.status == "sent" and notification.kind == "password_reset_key"
    message = mail.outbox[0]
    assert message.to == ["lucia@example.org"] and message.body == "Pulse el enlace."
    html, _mimetype = message.alternatives[0]
    assert '<html lang="es">' in html and "Portal de internacionalización de pymes" in html
    assert "<h1" in html and "Restablecer contraseña" in html


def test_an_event_that_rolls_back_sends_nothing(lucia, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                invite(lucia)
                raise RuntimeError("the event failed")
        except RuntimeError:
            pass

    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_the_same_key_sends_once(lucia, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(lucia, key="invited:1")
        assert invite(lucia, key="invited:1") is None

    assert Notification.objects.count() == 1 and len(mail.outbox) == 1


def test_with_the_broker_unreachable_the_notification_waits_for_the_sweep(
    lucia, settings, django_capture_on_commit_callbacks
):
    from portal.celery import app

    saved = {
        key: app.conf[key]
        for key in ("task_always_eager", "broker_url", "broker_connection_retry", "broker_connection_max_retries")
    }
    app.conf.update(
        task_always_eager=False,
        broker_url="redis://127.0.0.1:1/0",
        broker_connection_retry=False,
        broker_connection_max_retries=0,
    )
    _reset_connections(app)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            notification = invite(lucia)
    finally:
        app.conf.update(saved)
        _reset_connections(app)
    notification.refresh_from_db()
    assert notification.status == "pending" and mail.outbox == []

    assert outbox_sweep() == 1

    notification.refresh_from_db()
    assert notification.status == "sent" and len(mail.outbox) == 1


def test_a_failing_send_is_retried_later_and_gives_up_after_the_last_attempt(lucia, settings):
    settings.EMAIL_BACKEND = "portal.tests.test_outbox.BrokenBackend"
    notification = invite(lucia)

    assert notification_send(notification.pk) == "pending"
    notification.refresh_from_db()
    assert notification.attempts == 1 and "SMTP down" in notification.last_error
    assert notification.next_attempt_at > timezone.now()
    assert outbox_sweep() == 0  # not due yet

    assert notification_send(notification.pk) == "skipped"  # not due yet: a repeated task waits too

    Notification.objects.filter(pk=notification.pk).update(attempts=MAX_ATTEMPTS - 1, next_attempt_at=timezone.now())
    assert notification_send(notification.pk) == "failed"


def test_sending_twice_sends_once(lucia):
    notification = invite(lucia)

    notification_send(notification.pk)
    notification_send(notification.pk)

    assert len(mail.outbox) == 1


def _reset_connections(app):
    """Forget pooled broker connections so the next send uses the current broker URL."""
    app._pool = None
    app.amqp._producer_pool = None


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("SMTP down")


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.celery_worker
def test_a_real_worker_sends_the_outbox(celery_worker_process):
    from portal.tasks import send_notification, sweep_outbox

    user = User.objects.create_user("ana@example.org")
    first = invite(user)
    second = invite(user)

    assert (
        send_notification.apply_async((first.pk,), queue=celery_worker_process, ignore_result=False).get(timeout=30)
        == "sent"
    )
    assert sweep_outbox.apply_async(queue=celery_worker_process, ignore_result=False).get(timeout=30) == 1
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert second.pk
