"""Applicant accounts (django-allauth): sign-up, e-mail verification, login, logout, password reset."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.shortcuts import resolve_url
from django.urls import reverse

from portal.models import User
from portal.tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

CONFIRM_LINK = re.compile(r"https?://testserver(/\w\w/accounts/confirm-email/[^/\s]+/)")
RESET_LINK = re.compile(r"https?://testserver(/\w\w/accounts/password/reset/key/[^/\s]+/)")


def sign_up(client, email="marta@example.org", language="en", password=PASSWORD):
    return client.post(
        f"/{language}/accounts/signup/",
        {"email": email, "password1": password, "password2": password},
    )


def log_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def after_login_url():
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def link_in(message, pattern):
    match = pattern.search(message.body)
    assert match, message.body
    return match.group(1)


def test_sign_up_sends_a_verification_email_with_a_link(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, email="marta@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["marta@example.org"]
    assert message.subject.startswith("[SME internationalisation portal] ")
    assert link_in(message, CONFIRM_LINK).startswith("/en/accounts/confirm-email/")
    assert not EmailAddress.objects.get(email="marta@example.org").verified


def test_an_unverified_account_cannot_log_in(client):
    sign_up(client, email="marta@example.org")

    response = log_in(client, "marta@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert logged_in_user_id(client) is None


def test_following_the_link_verifies_the_address_and_logs_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, email="marta@example.org")
    link = link_in(mail.outbox[0], CONFIRM_LINK)

    page = client.get(link)
    assert page.status_code == 200
    assert "marta@example.org" in page.content.decode()
    response = client.post(link)

    assert response.status_code == 302
    assert response["Location"] == after_login_url()
    user = User.objects.get(email="marta@example.org")
    assert logged_in_user_id(client) == str(user.pk)
    assert EmailAddress.objects.get(user=user).verified


def test_after_verification_the_account_logs_in_from_anywhere(
    client, django_user_model, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, email="marta@example.org")
    client.post(link_in(mail.outbox[0], CONFIRM_LINK))
    client.post(reverse("account_logout"))

    response = log_in(client, "marta@example.org")

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(django_user_model.objects.get(email="marta@example.org").pk)


def test_a_forgotten_password_is_reset_through_an_emailed_link(client, applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "lucia@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    link = link_in(mail.outbox[0], RESET_LINK)

    # The key moves from the URL into the session before the form is shown.
    form_url = client.get(link)["Location"]
    assert client.get(form_url).status_code == 200
    response = client.post(form_url, {"password1": "new-kestrel-password-7", "password2": "new-kestrel-password-7"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    applicant.refresh_from_db()
    assert applicant.check_password("new-kestrel-password-7")
    assert log_in(client, "lucia@example.org", password="new-kestrel-password-7").status_code == 302
    assert logged_in_user_id(client) == str(applicant.pk)


def test_a_used_password_reset_link_is_refused(client, applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "lucia@example.org"})
    link = link_in(mail.outbox[0], RESET_LINK)
    form_url = client.get(link)["Location"]
    client.post(form_url, {"password1": "new-kestrel-password-7", "password2": "new-kestrel-password-7"})

    response = client.get(link, follow=True)

    assert "The password reset link was invalid" in response.content.decode()


def test_logging_out_ends_the_session(client, applicant):
    client.force_login(applicant)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert logged_in_user_id(client) is None


def test_the_email_address_logs_in_in_any_case(client, applicant):
    response = log_in(client, "LUCIA@Example.ORG")

    assert response.status_code == 302
    assert response["Location"] == after_login_url()
    assert logged_in_user_id(client) == str(applicant.pk)


def test_a_wrong_password_is_reported_above_the_form_and_the_address_is_kept(client, applicant):
    response = log_in(client, "lucia@example.org", password="not-the-password")

    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('id="error-summary"')
    summary = html[start : html.index("</div>", start)]
    assert "The email address and/or password you specified are not correct." in summary
    assert 'value="lucia@example.org"' in html
    assert logged_in_user_id(client) is None


def test_logins_are_blocked_after_too_many_failures(client, applicant):
    for _attempt in range(5):
        assert log_in(client, "lucia@example.org", password="not-the-password").status_code == 200

    # Even the right password is refused until the limit expires.
    response = log_in(client, "lucia@example.org")

    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert logged_in_user_id(client) is None


def test_mismatched_passwords_are_reported_next_to_the_field(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "marta@example.org", "password1": PASSWORD, "password2": PASSWORD + "x"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "You must type the same password each time." in html
    assert 'aria-describedby="id_password2_error"' in html
    assert 'value="marta@example.org"' in html
    # Passwords are never sent back to the browser.
    assert PASSWORD not in html
    assert not User.objects.filter(email="marta@example.org").exists()


def test_a_new_user_gets_the_language_of_the_sign_up_page(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, email="carmen@example.es", language="es")

    assert User.objects.get(email="carmen@example.es").language == "es"
    # The verification link leads back to the Spanish pages.
    assert link_in(mail.outbox[0], CONFIRM_LINK).startswith("/es/accounts/confirm-email/")


def test_an_email_address_is_stored_in_lower_case(client):
    sign_up(client, email="Marta@Example.ORG")

    assert User.objects.filter(email="marta@example.org").exists()


def test_every_field_of_the_account_forms_has_a_label(client):
    for name in ["account_login", "account_signup", "account_reset_password"]:
        html = client.get(reverse(name)).content.decode()
        for field_id in re.findall(r'<input[^>]+type="(?:email|password|text|checkbox)"[^>]*id="([^"]+)"', html):
            assert re.search(rf'<label class="form-(check-)?label" for="{field_id}">', html), (name, field_id)


def test_the_navbar_offers_login_and_sign_up_to_visitors(client):
    html = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("account_login")}"' in html
    assert f'href="{reverse("account_signup")}"' in html
    assert reverse("account_logout") not in html


def test_the_navbar_shows_the_email_and_a_logout_button_to_a_logged_in_user(client, applicant):
    client.force_login(applicant)

    html = client.get(reverse("home")).content.decode()

    assert "lucia@example.org" in html
    assert f'action="{reverse("account_logout")}" method="post"' in html
    assert f'href="{reverse("account_login")}"' not in html


def test_a_page_that_needs_a_login_sends_a_visitor_to_the_account_login():
    from django.contrib.auth.views import redirect_to_login

    response = redirect_to_login("/en/somewhere/")

    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL) + "?next=")
    assert resolve_url(settings.LOGIN_URL) == "/en/accounts/login/"


def test_account_emails_are_signed_with_the_portal_name(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, email="marta@example.org")

    assert mail.outbox[0].body.startswith("Hello from SME internationalisation portal!")


def test_account_emails_are_written_in_the_users_language(client, applicant, django_capture_on_commit_callbacks):
    applicant.language = "es"
    applicant.save(update_fields=["language"])

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/accounts/password/reset/", {"email": "lucia@example.org"})

    message = mail.outbox[0]
    assert message.body.startswith("¡Hola de parte de Portal de internacionalización de pymes!")
    assert message.subject.startswith("[Portal de internacionalización de pymes] ")
