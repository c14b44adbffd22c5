"""With the SMTP server down, sign-up and password reset still answer, alike for every address, and lose no e-mail.

The tests use the real SMTP backend against servers of their own on free
local ports (portal.tests.smtp): first nothing listening, or a server refusing
every command; then a minimal SMTP server that accepts, to which the outbox sweep delivers what
waited. Transactions really commit here, so the on-commit send runs inside the
request (tasks run eagerly in the test settings), as it does without a broker.
"""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.models import Notification
from portal.notifications import outbox_sweep
from portal.testing import free_port
from portal.tests.factories import PASSWORD
from portal.tests.smtp import SmtpServer, use_smtp

pytestmark = pytest.mark.django_db(transaction=True)

CONFIRM_PATH = re.compile(r"https?://testserver(/\w\w/accounts/confirm-email/[^/\s]+/)")


@pytest.fixture
def smtp_port(settings):
    """The real SMTP backend, pointed at a local port nothing listens on (yet)."""
    port = free_port()
    use_smtp(settings, port)
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
    with SmtpServer(port) as server:
        assert outbox_sweep(now=timezone.now() + timedelta(minutes=3)) == 4
    return server.received


@pytest.mark.parametrize("outage", ["nothing listens", "the server refuses"])
def test_with_the_smtp_server_down_account_pages_answer_alike_and_the_emails_wait(applicant, smtp_port, outage):
    if outage == "nothing listens":
        the_four_account_requests()
    else:
        with SmtpServer(smtp_port, mode="refuse"):
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
    with SmtpServer(smtp_port) as server:
        the_four_account_requests()

    assert sorted(recipients for recipients, _message in server.received) == [
        ["lucia@example.org"],
        ["lucia@example.org"],
        ["marta@example.org"],
        ["nobody@example.org"],
    ]
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert mail.outbox == []  # the SMTP server got them, not the test backend
