"""Staff two-factor: the admin opens only to active staff with an authenticator app, after its code.

Most tests turn ADMIN_REQUIRE_TWO_FACTOR on (test.py has it off, so that the
other admin tests can use client.force_login). Codes are computed with
allauth's own TOTP helpers from the authenticator's secret.
"""

import re
import time

import pytest
import time_machine
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from portal.tests.factories import PASSWORD, StaffFactory, UserFactory
from portal.tests.test_settings import PRODUCTION_ENV, manage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

ADMIN_INDEX = "/en/admin/"
APPLICATION_LIST = "/en/admin/applications/application/"


@pytest.fixture(autouse=True)
def two_factor_required(settings):
    settings.ADMIN_REQUIRE_TWO_FACTOR = True


@pytest.fixture
def clock():
    """Real time moved back to the start of the current TOTP period: one code stays valid ~29 s."""
    period = mfa_settings.TOTP_PERIOD
    with time_machine.travel(time.time() // period * period + 0.5, tick=True) as traveller:
        yield traveller


def code_for(secret: str) -> str:
    """The code an authenticator app shows now for this secret."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def make_user(email="tecnico@example.org", *, staff=True, totp_secret=None, **fields):
    make = StaffFactory if staff else UserFactory
    user = make(email=email, verified=True, **fields)
    if totp_secret:
        TOTP.activate(user, totp_secret)
    return user


def log_in(client, email, next_url=ADMIN_INDEX):
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD, "next": next_url})


def redirect_chain(client, url, limit=10):
    """The Location of each redirect from url on, without following into the last page."""
    chain = []
    response = client.get(url)
    while response.status_code in (301, 302) and len(chain) < limit:
        chain.append(response["Location"])
        response = client.get(response["Location"])
    return chain, response


def path_of(url: str) -> str:
    return url.split("?", 1)[0]


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


# Staff without an authenticator app


@pytest.mark.parametrize("url", [ADMIN_INDEX, APPLICATION_LIST])
def test_staff_without_an_authenticator_app_are_sent_to_set_one_up(client, url):
    client.force_login(make_user())

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_the_set_up_page_says_why_the_admin_sent_the_user_there(client):
    client.force_login(make_user())

    response = client.get(ADMIN_INDEX, follow=True)

    # allauth first asks for the password again before a second factor is added.
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert "The agency administration needs two-factor authentication" in response.content.decode()


def test_staff_set_up_the_app_then_open_the_admin_with_a_code(client, clock):
    user = make_user()
    log_in(client, user.email)
    chain, _ = redirect_chain(client, ADMIN_INDEX)
    assert path_of(chain[-1]) == reverse("account_reauthenticate")

    response = client.post(chain[-1], {"password": PASSWORD})
    assert response["Location"] == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()

    response = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()
    # The session was opened with the password alone: the admin asks for a code once.
    chain, _ = redirect_chain(client, ADMIN_INDEX)
    assert chain[-1] == f"{reverse('mfa_reauthenticate')}?next={ADMIN_INDEX}"
    clock.shift(mfa_settings.TOTP_PERIOD)  # the next code: one code is accepted only once
    response = client.post(chain[-1], {"code": code_for(secret), "next": ADMIN_INDEX})
    assert response["Location"] == ADMIN_INDEX
    assert client.get(ADMIN_INDEX).status_code == 200


# Staff with an authenticator app


def test_staff_with_an_app_log_in_through_allauth_enter_the_code_and_reach_the_admin(client, clock):
    secret = generate_totp_secret()
    user = make_user(totp_secret=secret)

    chain, _ = redirect_chain(client, APPLICATION_LIST)
    assert chain[-1] == f"{reverse('account_login')}?next={APPLICATION_LIST}"
    response = log_in(client, user.email, next_url=APPLICATION_LIST)
    assert response["Location"] == reverse("mfa_authenticate")
    assert logged_in_user_id(client) is None

    response = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})

    assert response["Location"] == APPLICATION_LIST
    assert logged_in_user_id(client) == str(user.pk)
    assert client.get(APPLICATION_LIST).status_code == 200
    index = client.get(ADMIN_INDEX)
    assert index.status_code == 200
    assert "Agency administration" in index.content.decode()


def test_a_wrong_code_is_refused_and_the_admin_stays_closed(client, clock):
    secret = generate_totp_secret()
    user = make_user(totp_secret=secret)
    log_in(client, user.email)
    wrong = f"{(int(code_for(secret)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("mfa_authenticate"), {"code": wrong})

    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert logged_in_user_id(client) is None
    assert client.get(ADMIN_INDEX).status_code == 302


def test_a_recovery_code_also_opens_the_admin(client, clock):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = make_user(totp_secret=generate_totp_secret())
    recovery_code = RecoveryCodes.activate(user).get_unused_codes()[0]
    log_in(client, user.email)

    response = client.post(reverse("mfa_authenticate"), {"code": recovery_code})

    assert response["Location"] == ADMIN_INDEX
    assert client.get(ADMIN_INDEX).status_code == 200


def test_a_session_that_skipped_the_code_is_asked_for_one(client, clock):
    secret = generate_totp_secret()
    user = make_user(totp_secret=secret)
    client.force_login(user)  # logged in without allauth's code step

    chain, page = redirect_chain(client, APPLICATION_LIST)

    assert chain == [
        f"{reverse('admin:login')}?next={APPLICATION_LIST}",
        f"{reverse('mfa_reauthenticate')}?next={APPLICATION_LIST}",
    ]
    assert "enter a code from your authenticator app" in page.content.decode()
    response = client.post(reverse("mfa_reauthenticate"), {"code": code_for(secret), "next": APPLICATION_LIST})
    assert response["Location"] == APPLICATION_LIST
    assert client.get(APPLICATION_LIST).status_code == 200


def test_logging_out_forgets_the_second_factor(client, clock):
    secret = generate_totp_secret()
    user = make_user(totp_secret=secret)
    log_in(client, user.email)
    client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    assert client.get(ADMIN_INDEX).status_code == 200

    client.post(reverse("account_logout"))
    client.force_login(user)

    assert client.get(ADMIN_INDEX).status_code == 302


# The admin's own login


def test_the_admin_login_url_sends_visitors_to_the_allauth_login(client):
    response = client.get(reverse("admin:login"), {"next": APPLICATION_LIST})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={APPLICATION_LIST}"


def test_the_admin_opens_to_visitors_only_through_the_allauth_login(client):
    chain, page = redirect_chain(client, ADMIN_INDEX)

    assert chain == [f"{reverse('admin:login')}?next={ADMIN_INDEX}", f"{reverse('account_login')}?next={ADMIN_INDEX}"]
    assert page.status_code == 200


def test_the_admin_login_url_takes_no_password(client):
    user = make_user(totp_secret=generate_totp_secret())

    response = client.post(reverse("admin:login"), {"username": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert path_of(response["Location"]) == reverse("account_login")
    assert logged_in_user_id(client) is None


def test_a_next_address_on_another_site_is_ignored(client):
    response = client.get(reverse("admin:login"), {"next": "https://evil.example/steal"})

    assert response["Location"] == f"{reverse('account_login')}?next={ADMIN_INDEX}"


# Who never reaches the admin


@pytest.mark.parametrize("required", [True, False])
def test_a_user_who_is_not_staff_never_reaches_the_admin(client, settings, clock, required):
    settings.ADMIN_REQUIRE_TWO_FACTOR = required
    secret = generate_totp_secret()
    applicant = make_user("lucia@example.org", staff=False, totp_secret=secret)
    log_in(client, applicant.email)
    client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    assert logged_in_user_id(client) == str(applicant.pk)

    for url in (ADMIN_INDEX, APPLICATION_LIST):
        chain, page = redirect_chain(client, url)
        assert chain == [f"{reverse('admin:login')}?next={url}"]
        assert page.status_code == 403


def test_an_inactive_staff_member_never_reaches_the_admin(client, settings):
    settings.ADMIN_REQUIRE_TWO_FACTOR = False
    user = make_user(is_active=False)
    client.force_login(user)

    chain, _ = redirect_chain(client, ADMIN_INDEX)

    # Django does not authenticate an inactive user's session: a visitor, sent to log in.
    assert path_of(chain[-1]) == reverse("account_login")


# Switching the requirement


def test_with_the_requirement_off_staff_reach_the_admin_without_a_code(client, settings):
    settings.ADMIN_REQUIRE_TWO_FACTOR = False
    client.force_login(make_user())

    assert client.get(ADMIN_INDEX).status_code == 200
    assert client.get(APPLICATION_LIST).status_code == 200


def test_under_production_the_requirement_holds_even_if_the_setting_is_off(client, settings):
    settings.ADMIN_REQUIRE_TWO_FACTOR = False
    settings.PORTAL_ENVIRONMENT = "production"
    client.force_login(make_user())

    response = client.get(ADMIN_INDEX, follow=True)

    assert reverse("mfa_activate_totp") in [path_of(url) for url, _status in response.redirect_chain]


def print_setting(env):
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.ADMIN_REQUIRE_TWO_FACTOR)",
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize("demo_without_2fa", [None, "true", "false"])
def test_production_settings_cannot_switch_the_requirement_off(demo_without_2fa):
    env = dict(PRODUCTION_ENV)
    if demo_without_2fa is not None:
        env["DJANGO_DEMO_ADMIN_WITHOUT_2FA"] = demo_without_2fa

    assert print_setting(env) == "True"


@pytest.mark.parametrize(("demo_without_2fa", "required"), [(None, "False"), ("true", "False"), ("false", "True")])
def test_the_demo_switches_the_requirement_with_its_variable(demo_without_2fa, required):
    env = {"DJANGO_SETTINGS_MODULE": "portal.settings.local"}
    if demo_without_2fa is not None:
        env["DJANGO_DEMO_ADMIN_WITHOUT_2FA"] = demo_without_2fa

    assert print_setting(env) == required


# The admin of authenticators


def test_the_authenticator_admin_lists_second_factors_but_never_shows_the_secret(client, settings, superuser):
    settings.ADMIN_REQUIRE_TWO_FACTOR = False
    secret = generate_totp_secret()
    staff = make_user(totp_secret=secret)
    client.force_login(superuser)
    authenticator = Authenticator.objects.get(user=staff)

    listing = client.get(reverse("admin:mfa_authenticator_changelist"))
    page = client.get(reverse("admin:mfa_authenticator_change", args=[authenticator.pk]))

    assert listing.status_code == 200
    assert staff.email in listing.content.decode()
    assert page.status_code == 200
    assert secret not in page.content.decode()
    assert not re.search(r'name="data"', page.content.decode())


# In a real browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_staff_open_the_admin_with_password_and_code(page):
    secret = generate_totp_secret()
    user = make_user(totp_secret=secret)

    page.goto(ADMIN_INDEX)
    page.wait_for_url(re.compile(re.escape(reverse("account_login")) + r"\?next="))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(re.escape(reverse("mfa_authenticate")) + "$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Two-Factor Authentication"
    # The portal's own page around allauth's form.
    assert page.get_by_role("navigation", name="Main navigation").is_visible()
    remaining = mfa_settings.TOTP_PERIOD - time.time() % mfa_settings.TOTP_PERIOD
    if remaining < 5:  # let the code not expire between typing and checking
        time.sleep(remaining + 0.5)
    page.get_by_label("Code").fill(code_for(secret))
    page.get_by_role("button", name="Sign In").click()

    page.wait_for_url(re.compile(re.escape(ADMIN_INDEX) + "$"))
    assert page.get_by_role("heading", name="Agency administration").is_visible()
    page.goto(reverse("mfa_index"))
    panels = page.locator("section.card")
    assert panels.count() == 2
    assert "Authentication using an authenticator app is active." in panels.first.inner_text()
