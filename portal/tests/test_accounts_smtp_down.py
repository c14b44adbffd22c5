"""With the SMTP server down, sign-up and password reset still answer, alike for every address, and lose no e-mail.

The tests use the real SMTP backend against servers of their own on free
local ports: first nothing listening, or a server refusing every command; then
a minimal SMTP server that accepts, to which the outbox sweep delivers what
waited. Transactions really commit here, so the on-commit send runs inside the
request (tasks run eagerly in the test settings), as it does without a broker.
"""

import email
import re
import socket
import socketserver
import threading
from datetime import timedelta
from email import policy

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.models import Notification
from portal.notifications import outbox_sweep
from portal.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

CONFIRM_PATH = re.compile(r"https?://testserver(/\w\w/accounts/confirm-email/[^/\s]+/)")


class _SmtpHandler(socketserver.StreamRequestHandler):
    """One SMTP conversation (RFC 5321, the commands Django's SMTP backend uses, no TLS)."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        if self.server.refuse:
            # A server that turns everyone away: 554 for the greeting and for every command.
            self.reply("554 5.3.2 Service refused")
            while line := self.rfile.readline():
                self.reply("221 2.0.0 Bye" if line.strip().upper() == b"QUIT" else "554 5.3.2 Service refused")
            return
        self.reply("220 localhost ESMTP")
        recipients = []
        while line := self.rfile.readline():
            verb = line[:4].decode().upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 localhost")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 2.1.0 OK")
            elif verb == "RCPT":
                recipients.append(re.search(rb"<([^>]*)>", line).group(1).decode())
                self.reply("250 2.1.5 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data[1:] if data.startswith(b".") else data)
                self.server.received.append(
                    (recipients, email.message_from_bytes(b"".join(lines), policy=policy.default))
                )
                self.reply("250 2.0.0 Queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 2.0.0 OK")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.1 Not implemented")


class SmtpServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int, *, refuse: bool):
        super().__init__(("127.0.0.1", port), _SmtpHandler)
        self.refuse = refuse
        self.received = []

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_port(settings):
    """The real SMTP backend, pointed at a local port nothing listens on (yet)."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    cache.clear()  # allauth's rate limits
    yield port
    cache.clear()


@pytest.fixture
def applicant(applicant):
    """The shared applicant, who reads Spanish."""
    applicant.language = "es"
    applicant.save(update_fields=["language"])
    return applicant


def answer(path, data):
    """A visitor's POST, followed to the page it ends on: (redirects, status). A 500 raises."""
    response = Client().post(path, data, follow=True)
    return response.redirect_chain, response.status_code


def sign_up(address):
    return answer("/en/accounts/signup/", {"email": address, "password1": PASSWORD, "password2": PASSWORD})


def reset_password(address):
    return answer("/en/accounts/password/reset/", {"email": address})


def the_four_account_requests():
    """Sign-up with a new and a registered address, password reset for a registered and an unknown one."""
    new, registered = sign_up("marta@example.org"), sign_up("lucia@example.org")
    assert new == registered == ([(reverse("account_email_verification_sent"), 302)], 200)
    known, unknown = reset_password("lucia@example.org"), reset_password("nobody@example.org")
    assert known == unknown == ([(reverse("account_reset_password_done"), 302)], 200)


def deliver_what_waited(port):
    """The SMTP server is back: the sweep (once the retry is due) sends every account e-mail that waited."""
    with SmtpServer(port, refuse=False) as server:
        assert outbox_sweep(now=timezone.now() + timedelta(minutes=3)) == 4
    return server.received


@pytest.mark.parametrize("outage", ["nothing listens", "the server refuses"])
def test_with_the_smtp_server_down_account_pages_answer_alike_and_the_emails_wait(applicant, smtp_port, outage):
    if outage == "nothing listens":
        the_four_account_requests()
    else:
        with SmtpServer(smtp_port, refuse=True):
            the_four_account_requests()

    waiting = Notification.objects.order_by("pk")
    assert [(n.kind, n.recipient) for n in waiting] == [
        ("email_confirmation_signup", "marta@example.org"),
        ("account_already_exists", "lucia@example.org"),
        ("password_reset_key", "lucia@example.org"),
        ("unknown_account", "nobody@example.org"),
    ]
    # Each was tried once, inside its request, and kept for a retry.
    assert {(n.status, n.attempts) for n in waiting} == {("pending", 1)}
    assert all(n.last_error for n in waiting)
    if outage == "the server refuses":
        assert all("554" in n.last_error for n in waiting)

    delivered = deliver_what_waited(smtp_port)

    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert sorted(recipients for recipients, _message in delivered) == [
        ["lucia@example.org"],
        ["lucia@example.org"],
        ["marta@example.org"],
        ["nobody@example.org"],
    ]
    # The e-mail that waited still works: its link verifies the new account.
    [confirmation] = [message for recipients, message in delivered if recipients == ["marta@example.org"]]
    confirmation = confirmation.get_body(("plain",)).get_content()
    Client().post(CONFIRM_PATH.search(confirmation).group(1))
    assert EmailAddress.objects.get(email="marta@example.org").verified


def test_once_the_smtp_server_is_back_account_emails_are_sent_on_commit(applicant, smtp_port):
    with SmtpServer(smtp_port, refuse=False) as server:
        the_four_account_requests()

    assert sorted(recipients for recipients, _message in server.received) == [
        ["lucia@example.org"],
        ["lucia@example.org"],
        ["marta@example.org"],
        ["nobody@example.org"],
    ]
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert mail.outbox == []  # the SMTP server got them, not the test backend
