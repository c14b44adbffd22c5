"""An applicant's account journey in a real browser: sign up, verify, log out."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.shortcuts import resolve_url

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_rate_limits"),
]


def test_an_applicant_signs_up_verifies_the_address_and_logs_out(page, live_server):
    page.goto("/en/")
    page.get_by_role("link", name="Sign up").click()

    page.wait_for_url(re.compile(r"/en/accounts/signup/$"))
    page.get_by_label("Email").fill("marta@example.org")
    page.get_by_label("Password", exact=True).fill("plover-tangerine-42")
    page.get_by_label("Password (again)").fill("plover-tangerine-42")
    page.get_by_role("button", name="Sign up").click()

    page.wait_for_url(re.compile(r"/en/accounts/confirm-email/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Verify Your Email Address"
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/en/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)

    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    page.wait_for_url(re.compile(re.escape(resolve_url(settings.LOGIN_REDIRECT_URL)) + "$"))
    navbar = page.get_by_role("navigation", name="Main navigation")
    assert navbar.locator("#account-email").inner_text() == "marta@example.org"

    navbar.get_by_role("button", name="Log out").click()

    page.wait_for_url(re.compile(r"/en/$"))
    assert navbar.get_by_role("link", name="Log in").is_visible()
    assert navbar.locator("#account-email").count() == 0
