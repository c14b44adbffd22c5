"""The notification outbox: e-mail in the recipient's language that nothing can lose.

`notify()` renders the e-mail (subject, text and HTML, in the recipient's
language) and writes it as a `Notification` row in the caller's transaction:
if the event rolls back, so does the e-mail. Once the transaction commits, a
task sends it; if the broker is down the row stays pending and the periodic
sweep (`portal.tasks.sweep_outbox`) sends it later. Failed sends are retried
with growing delays, at most MAX_ATTEMPTS times.

`template` names `<template>_subject.txt` and `<template>.txt` (and optionally
`<template>.html`; otherwise the HTML is the text in the portal's e-mail layout).
`notify_rendered()` puts an e-mail rendered elsewhere (django-allauth's account
e-mails) into the same outbox, so no request ever waits on the SMTP server.
"""

import logging
import uuid
from datetime import timedelta

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification
from .storage import private_storage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def _render(template: str, context: dict) -> tuple[str, str, str]:
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    text = render_to_string(f"{template}.txt", context)
    try:
        html = render_to_string(f"{template}.html", context)
    except TemplateDoesNotExist:
        html = _layout(subject, text)
    return subject, text, html


def _layout(subject: str, text: str) -> str:
    """The text in the portal's e-mail layout, in the active language."""
    return render_to_string(
        "email/base.html", {"subject": subject, "text": text, "LANGUAGE_CODE": translation.get_language()}
    )


def _plain(context: dict) -> dict:
    """The context as JSON-safe text, for the audit of what was sent."""
    return {key: str(value) for key, value in context.items()}


def notify(*, template: str, context: dict, user=None, email: str = "", key: str = "", attachments=()):
    """Write an e-mail to the outbox and send it after the transaction commits.

    `attachments`: (file name, path in private storage, content type) triples.
    `key`: a de-duplication key; a second notify() with the same key does nothing.
    Returns the Notification, or None when the key was already used.
    """
    language = getattr(user, "language", None) or translation.get_language() or "en"
    with translation.override(language):
        subject, text, html = _render(template, context)
    return _outbox_write(
        kind=template.rsplit("/", 1)[-1],
        user=user,
        recipient=user.email if user is not None else email,
        language=language,
        subject=subject,
        text=text,
        html=html,
        context=_plain(context),
        key=key,
        attachments=attachments,
    )


def notify_rendered(
    *, kind: str, subject: str, text: str, language: str, html: str = "", user=None, email: str = "", key: str = ""
):
    """Write an e-mail rendered elsewhere to the outbox; it is sent like notify()'s.

    For the account e-mails django-allauth renders from its own templates
    (portal.adapters.AccountAdapter.send_mail). `email` is the recipient
    (default: the user's address); without `html` the HTML is the text in the
    portal's e-mail layout. No context is kept: the text already says
    everything, and for account e-mails the context holds the secret links.
    Returns the Notification, or None when the key was already used.
    """
    if not html:
        with translation.override(language):
            html = _layout(subject, text)
    return _outbox_write(
        kind=kind,
        user=user,
        recipient=email or user.email,
        language=language,
        subject=subject,
        text=text,
        html=html,
        context={},
        key=key,
        attachments=(),
    )


def _outbox_write(*, kind, user, recipient, language, subject, text, html, context, key, attachments):
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                key=key or uuid.uuid4().hex,
                kind=kind[:100],
                user=user,
                recipient=recipient,
                language=language,
                subject=subject[:300],
                body_text=text,
                body_html=html,
                context=context,
                attachments=[list(a) for a in attachments],
            )
    except IntegrityError:
        return None
    # Robust: whatever goes wrong handing the e-mail over (a dead broker, or
    # in eager mode a dead SMTP server) is logged, never raised into the
    # request that caused it; the row stays pending for the sweep.
    transaction.on_commit(lambda: _enqueue(notification.pk), robust=True)
    return notification


def _enqueue(notification_id: int) -> None:
    try:
        send_notification.delay(notification_id)
    except Exception as error:
        # A dead broker; with tasks run eagerly (no broker), anything the send
        # itself did not catch. Either way the row is still pending.
        logger.warning("Notification %s not handed over (%s): it stays pending for the sweep", notification_id, error)


def notification_send(notification_id: int) -> str:
    """Send one pending notification; returns its status. Safe to run twice or concurrently."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, status=Notification.Status.PENDING)
            .first()
        )
        if notification is None:
            return "skipped"
        message = EmailMultiAlternatives(notification.subject, notification.body_text, to=[notification.recipient])
        message.attach_alternative(notification.body_html, "text/html")
        try:
            storage = private_storage()
            for name, path, mimetype in notification.attachments:
                with storage.open(path, "rb") as handle:
                    message.attach(name, handle.read(), mimetype)
            message.send()
        except Exception as error:
            notification.attempts += 1
            notification.last_error = f"{type(error).__name__}: {error}"[:2000]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = Notification.Status.FAILED
            else:
                notification.next_attempt_at = timezone.now() + timedelta(minutes=2**notification.attempts)
            notification.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            logger.warning("Notification %s not sent (attempt %s): %s", notification.pk, notification.attempts, error)
            return notification.status
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        notification.attempts += 1
        notification.save(update_fields=["status", "sent_at", "attempts"])
        return notification.status


def outbox_sweep(now=None) -> int:
    """Send every pending notification that is due (a broker outage, a failed attempt). Returns how many were sent."""
    now = now or timezone.now()
    due = list(
        Notification.objects.filter(status=Notification.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:500]
    )
    return sum(notification_send(pk) == Notification.Status.SENT for pk in due)


# The tasks, beside what they run; portal.tasks names them for the worker.
@shared_task(name="portal.tasks.send_notification", acks_late=True)
def send_notification(notification_id: int) -> str:
    """Send one outbox e-mail (idempotent: a sent one is skipped)."""
    return notification_send(notification_id)


@shared_task(name="portal.tasks.sweep_outbox", acks_late=True)
def sweep_outbox() -> int:
    """Send what is still pending: run by beat every minute."""
    return outbox_sweep()
