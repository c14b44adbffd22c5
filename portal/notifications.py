"""The notification outbox: e-mail in the recipient's language that nothing can lose.

`notify()` renders the e-mail (subject, text and HTML, in the recipient's
language) and writes it as a `Notification` row in the caller's transaction:
if the event rolls back, so does the e-mail. Once the transaction commits, a
task sends it; if the broker is down the row stays pending and the periodic
sweep (`portal.tasks.sweep_outbox`) sends it later. Failed sends are retried
with growing delays, at most MAX_ATTEMPTS times.

A send is claim, send, confirm (`notification_send`): the SMTP conversation runs
between two short transactions, never holding a row lock, so a hung server costs
one worker EMAIL_TIMEOUT and no more, and an e-mail is sent once even when two
workers or sweeps race. A worker that dies after the server accepted leaves a
claim nobody confirms: the sweep calls it unconfirmed and does not send it again;
`outbox_figures()` counts it (and the failed ones) for staff, and a person may
choose to send it again (`outbox_resend`, which only queues).

`template` names `<template>_subject.txt` and `<template>.txt` (and optionally
`<template>.html`; otherwise the HTML is the text in the portal's e-mail layout).
An app above may add to the context of the e-mails it words (`add_email_context`): programmes
adds the agency's own subject, opening and closing (programmes.models.emails), which the templates
place with the `agency_text` tag. What is added is used to render, not kept with the context.

`notify_rendered()` puts an e-mail rendered elsewhere (django-allauth's account
e-mails) into the same outbox, so no request ever waits on the SMTP server.
"""

import logging
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from functools import partial

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from .handover import hand_over
from .models import Notification
from .storage import private_storage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Beyond EMAIL_TIMEOUT, what a live send may still take (an SMTP conversation is a few exchanges,
# each allowed EMAIL_TIMEOUT); a claim older than both belongs to a worker that died.
CLAIM_MARGIN = timedelta(minutes=5)


# Functions (template, context) -> extra context, registered by the apps above in their ready().
_CONTEXT_ADDERS: list = []
# Within `email_batch()`: what the adders read, kept for the batch's next e-mails.
_BATCH: ContextVar[dict | None] = ContextVar("email_batch", default=None)


@contextmanager
def email_batch():
    """Many e-mails written in a row (reminders, announcements): each adder reads what it needs once.

    An agency's wording of an e-mail, say, is read for its first e-mail and kept for the others of
    the batch. Outside a batch every e-mail reads afresh.
    """
    token = _BATCH.set({})
    try:
        yield
    finally:
        _BATCH.reset(token)


def batch_memo() -> dict | None:
    """The current batch's memo (a dict the adders share), or None outside a batch."""
    return _BATCH.get()


def add_email_context(adder) -> None:
    """Register `adder(template, context) -> dict`, whose result every e-mail's rendering also sees."""
    if adder not in _CONTEXT_ADDERS:
        _CONTEXT_ADDERS.append(adder)


def _render(template: str, context: dict) -> tuple[str, str, str]:
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    text = render_to_string(f"{template}.txt", context)
    try:
        html = render_to_string(f"{template}.html", context)
    except TemplateDoesNotExist:
        html = _layout(subject, text)
    return subject, text, html


def _layout(subject: str, text: str) -> str:
    """The text in the portal's e-mail layout, in the active language.

    The text is escaped whatever it is (the layout forces it): a rendered text template comes back
    marked safe, yet holds what people typed (a staff message, an agency's wording, a name).
    """
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
    rendering = dict(context)
    for adder in _CONTEXT_ADDERS:
        rendering.update(adder(template, context))
    with translation.override(language):
        subject, text, html = _render(template, rendering)
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
    transaction.on_commit(partial(_enqueue, notification.pk), robust=True)
    return notification


def _enqueue(notification_id: int) -> None:
    # Bounded and never raising (portal/handover.py): with the broker dead or hung, or in eager
    # mode a send that failed, the row is still pending and the sweep sends it.
    if not hand_over(send_notification, notification_id):
        logger.warning("Notification %s not handed over: it stays pending for the sweep", notification_id)


def notification_send(notification_id: int, *, now=None) -> str:
    """Send one pending, due notification; returns its status ("skipped" if it was not ours to send).

    Claim, send, confirm: a short transaction claims the row (SENDING, attempts + 1)
    and commits; the SMTP conversation runs with no transaction or row lock open
    (it may hang for EMAIL_TIMEOUT); a second short transaction records the outcome.
    A row another worker holds or already claimed is skipped, so running this twice,
    or in two workers at once, sends once. Call it outside a transaction.
    """
    notification = _claim(notification_id, now or timezone.now())
    if notification is None:
        return "skipped"
    try:
        _message(notification).send()
    except Exception as error:
        logger.warning("Notification %s not sent (attempt %s): %s", notification.pk, notification.attempts, error)
        return _confirm_failure(notification, error)
    return _confirm_sent(notification)


def _claim(notification_id: int, now) -> Notification | None:
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, status=Notification.Status.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if notification is None:
            return None
        notification.status = Notification.Status.SENDING
        notification.claimed_at = timezone.now()
        notification.attempts += 1
        notification.save(update_fields=["status", "claimed_at", "attempts"])
    return notification


def _message(notification: Notification) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(notification.subject, notification.body_text, to=[notification.recipient])
    message.attach_alternative(notification.body_html, "text/html")
    storage = private_storage()
    for name, path, mimetype in notification.attachments:
        with storage.open(path, "rb") as handle:
            message.attach(name, handle.read(), mimetype)
    return message


def _ours(notification: Notification):
    """The row as long as it is still this send's claim (even if a sweep has meanwhile called it unconfirmed)."""
    return Notification.objects.filter(
        pk=notification.pk,
        claimed_at=notification.claimed_at,
        status__in=[Notification.Status.SENDING, Notification.Status.UNCONFIRMED],
    )


def _confirm_sent(notification: Notification) -> str:
    with transaction.atomic():
        confirmed = _ours(notification).update(status=Notification.Status.SENT, sent_at=timezone.now())
    if not confirmed:
        # A person chose to send it again meanwhile; their choice stands.
        logger.warning("Notification %s was sent, but its claim had been taken over", notification.pk)
        return "skipped"
    return Notification.Status.SENT


def _confirm_failure(notification: Notification, error: Exception) -> str:
    if notification.attempts >= MAX_ATTEMPTS:
        status, next_attempt_at = Notification.Status.FAILED, notification.next_attempt_at
        logger.error("Notification %s failed for good after %s attempts: %s", notification.pk, MAX_ATTEMPTS, error)
    else:
        status = Notification.Status.PENDING
        next_attempt_at = timezone.now() + timedelta(minutes=2**notification.attempts)
    with transaction.atomic():
        confirmed = _ours(notification).update(
            status=status, next_attempt_at=next_attempt_at, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
    return status if confirmed else "skipped"


def claim_expiry() -> timedelta:
    """How long a send may stay claimed: past this its worker is gone (EMAIL_TIMEOUT plus a margin)."""
    return timedelta(seconds=settings.EMAIL_TIMEOUT or 0) + CLAIM_MARGIN


def outbox_unconfirmed_mark(now=None) -> int:
    """Call every claim older than `claim_expiry()` unconfirmed: its worker died mid-send. Returns how many.

    The SMTP server may have accepted the e-mail before the worker died, so it is
    not sent again: a person decides (the admin's "Send again").
    """
    now = now or timezone.now()
    with transaction.atomic():
        marked = Notification.objects.filter(
            status=Notification.Status.SENDING, claimed_at__lt=now - claim_expiry()
        ).update(
            status=Notification.Status.UNCONFIRMED,
            last_error=gettext("The send never finished: it may have been delivered, so it was not sent again."),
        )
    if marked:
        logger.error("%s notifications left unconfirmed: a send never finished", marked)
    return marked


# A sweep stops after this many sends in a row failed: the SMTP server is down or hangs, and
# trying the other rows would only hold a worker for EMAIL_TIMEOUT each. The next sweep (a
# minute later) tries again.
SWEEP_GIVES_UP_AFTER = 3


def outbox_sweep(now=None) -> int:
    """Send every pending notification that is due (a broker outage, a failed attempt). Returns how many were sent.

    First, claims nobody confirmed become unconfirmed (never sent again by the sweep). Stops
    after SWEEP_GIVES_UP_AFTER failures in a row.
    """
    now = now or timezone.now()
    outbox_unconfirmed_mark(now)
    due = list(
        Notification.objects.filter(status=Notification.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:500]
    )
    sent = failures = 0
    for pk in due:
        status = notification_send(pk, now=now)
        if status == Notification.Status.SENT:
            sent, failures = sent + 1, 0
        elif status != "skipped":
            failures += 1
            if failures >= SWEEP_GIVES_UP_AFTER:
                logger.warning("The outbox sweep stops after %s failed sends in a row; it tries again later", failures)
                break
    return sent


RESENDABLE = (Notification.Status.PENDING, Notification.Status.FAILED, Notification.Status.UNCONFIRMED)


def outbox_resend(*, notification_ids) -> int:
    """Queue e-mails to be sent again (pending, failed, or unconfirmed: a person's choice). Returns how many.

    Each is pending again, due now, with a full set of attempts (its last error
    kept), and a send is enqueued after the commit; nothing is sent here. With the
    broker down they wait for the sweep. Sent ones and sends in progress are left alone.
    """
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update()
            .filter(pk__in=notification_ids, status__in=RESENDABLE)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids).update(
            status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now(), claimed_at=None
        )
        for pk in ids:
            transaction.on_commit(partial(_enqueue, pk), robust=True)
    return len(ids)


def outbox_figures(now=None) -> dict:
    """What waits and what went wrong, in one query: pending (and the oldest's age), failed, unconfirmed."""
    now = now or timezone.now()
    Status = Notification.Status
    figures = Notification.objects.filter(status__in=RESENDABLE).aggregate(
        pending=Count("pk", filter=Q(status=Status.PENDING)),
        oldest_pending=Min("created_at", filter=Q(status=Status.PENDING)),
        failed=Count("pk", filter=Q(status=Status.FAILED)),
        unconfirmed=Count("pk", filter=Q(status=Status.UNCONFIRMED)),
    )
    oldest = figures.pop("oldest_pending")
    figures["oldest_pending_seconds"] = max(0, int((now - oldest).total_seconds())) if oldest else None
    return figures


# The tasks, beside what they run; portal.tasks names them for the worker.
# Late acknowledgement, and a task whose worker died is handed out again: the claim makes a
# second run harmless (a row already claimed or sent is skipped).
@shared_task(name="portal.tasks.send_notification", acks_late=True, reject_on_worker_lost=True)
def send_notification(notification_id: int) -> str:
    """Send one outbox e-mail (idempotent: a sent one is skipped)."""
    return notification_send(notification_id)


@shared_task(
    name="portal.tasks.sweep_outbox", acks_late=True, reject_on_worker_lost=True, soft_time_limit=240, time_limit=300
)
def sweep_outbox() -> int:
    """Send what is still pending: run by beat every minute."""
    return outbox_sweep()
