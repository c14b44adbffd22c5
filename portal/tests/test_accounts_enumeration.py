"""Accounts leak nothing: sign-up and password reset answer the same whether or not an address has an account.

The owner of the address learns what happened by e-mail; every account e-mail
goes through the notification outbox instead of being sent inside the request.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.test import Client
from django.urls import reverse

from portal.models import Notification, User
from portal.tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


@pytest.fixture
def applicant(applicant):
    """The shared applicant, who reads Spanish."""
    applicant.language = "es"
    applicant.save(update_fields=["language"])
    return applicant


def sign_up(email, language="en"):
    return Client().post(
        f"/{language}/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}, follow=True
    )


def reset_password(email, language="en"):
    return Client().post(f"/{language}/accounts/password/reset/", {"email": email}, follow=True)


def seen(response, email):
    """What the visitor sees: redirects, status and page, with the typed address and per-response tokens blanked."""
    html = response.content.decode()
    html = re.sub(r'(name="csrfmiddlewaretoken" value=|nonce=|"X-CSRFToken": )"[^"]*"', r'\1""', html)
    html = re.sub(re.escape(email), "ADDRESS", html, flags=re.IGNORECASE)
    return response.redirect_chain, response.status_code, html


def test_sign_up_with_a_registered_address_answers_like_a_new_one(applicant):
    new = sign_up("marta@example.org")
    registered = sign_up("Lucia@Example.org")

    assert new.redirect_chain == [(reverse("account_email_verification_sent"), 302)]
    assert seen(registered, "Lucia@Example.org") == seen(new, "marta@example.org")
    assert User.objects.filter(email__iexact="lucia@example.org").count() == 1
    applicant.refresh_from_db()
    assert applicant.check_password(PASSWORD)


def test_a_registered_address_typed_with_invisible_characters_is_the_same_address(applicant):
    new = sign_up("marta@example.org")
    disguised = sign_up("lucia@exa\u200bmple.org")

    assert disguised.status_code == 200
    assert disguised.redirect_chain == new.redirect_chain
    assert User.objects.filter(email__iexact="lucia@example.org").count() == 1
    assert not EmailAddress.objects.filter(email__contains="\u200b").exists()
    assert Notification.objects.filter(recipient="lucia@example.org", kind="account_already_exists").exists()


def test_password_reset_for_an_unknown_address_answers_like_for_a_registered_one(applicant):
    registered = reset_password("lucia@example.org")
    unknown = reset_password("nobody@example.org")

    assert registered.redirect_chain == [(reverse("account_reset_password_done"), 302)]
    assert seen(unknown, "nobody@example.org") == seen(registered, "lucia@example.org")


class CountingHasher(MD5PasswordHasher):
    """The test suite's fast hasher, counting how many passwords it hashes."""

    hashed = 0

    def encode(self, password, salt):
        type(self).hashed += 1
        return super().encode(password, salt)


def test_sign_up_hashes_a_password_whether_or_not_the_address_is_registered(applicant, settings):
    # In production hashing is the slowest step of a sign-up: a registered
    # address answering without it would answer measurably faster.
    settings.PASSWORD_HASHERS = ["portal.tests.test_accounts_enumeration.CountingHasher"]
    CountingHasher.hashed = 0
    sign_up("marta@example.org")
    for_new = CountingHasher.hashed

    CountingHasher.hashed = 0
    sign_up("lucia@example.org")

    assert for_new >= 1
    assert CountingHasher.hashed == for_new


def test_the_owner_of_a_registered_address_is_told_in_their_language_how_to_get_in(
    applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up("lucia@example.org", language="en")

    [message] = mail.outbox
    assert message.to == ["lucia@example.org"]
    assert message.subject == "[Portal de internacionalización de pymes] La cuenta ya existe"
    assert message.body.startswith("¡Hola de parte de Portal de internacionalización de pymes!")
    assert "http://testserver/es/accounts/login/" in message.body
    assert "http://testserver/es/accounts/password/reset/" in message.body
    # The portal's e-mail layout, like every other e-mail it sends.
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and '<html lang="es">' in html
    assert "<h1" in html and "La cuenta ya existe" in html


def test_a_password_reset_for_an_unknown_address_tells_that_address_it_has_no_account(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        reset_password("nobody@example.org", language="it")

    [message] = mail.outbox
    assert message.to == ["nobody@example.org"]
    assert "http://testserver/it/accounts/signup/" in message.body
    assert message.body.startswith("Un saluto da Portale per l'internazionalizzazione delle PMI!")


def test_account_emails_are_written_to_the_outbox_not_sent_in_the_request(applicant):
    sign_up("marta@example.org")
    sign_up("lucia@example.org")
    reset_password("lucia@example.org")
    reset_password("nobody@example.org")

    assert mail.outbox == []
    rows = Notification.objects.order_by("pk")
    assert [(n.kind, n.recipient, n.status) for n in rows] == [
        ("email_confirmation_signup", "marta@example.org", "pending"),
        ("account_already_exists", "lucia@example.org", "pending"),
        ("password_reset_key", "lucia@example.org", "pending"),
        ("unknown_account", "nobody@example.org", "pending"),
    ]
    assert rows[1].user == applicant and rows[1].language == "es"
    assert rows[3].user is None and rows[3].language == "en"
    # The links are in the e-mail only, not copied anywhere else.
    assert all(n.context == {} for n in rows)


def test_two_password_reset_requests_are_two_emails(applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reset_password("lucia@example.org")
        reset_password("lucia@example.org")

    assert len(mail.outbox) == 2
    assert Notification.objects.filter(kind="password_reset_key", status="sent").count() == 2
