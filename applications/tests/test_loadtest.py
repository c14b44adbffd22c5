"""The deadline-day load test keeps working: `manage.py loadtest` prepares what loadtest/locustfile.py
needs, the locustfile submits through the real form against a live server (its own process, as
against gunicorn), the check finds the references gapless with a receipt and an e-mail each, and
the cleanup leaves nothing. A refused request must fail the run."""

import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command

from applications.demo import loadtest
from applications.demo.deadline_day import EMAIL_DOMAIN
from applications.models import Application
from portal.models import Notification, User
from programmes.models import Call

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LOCUSTFILE = settings.BASE_DIR / "loadtest" / "locustfile.py"


def run_locust(live_server, prepared, *options):
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary"]
    return subprocess.run(
        [*command, "--host", live_server.url, "--run-time", "60s", "--prepared", str(prepared), *options],
        capture_output=True,
        text=True,
        timeout=90,
    )


def test_prepare_writes_what_the_locustfile_needs(tmp_path):
    out = tmp_path / "deadline-day.json"
    call_command("loadtest", "prepare", "--applicants", "2", "--readers", "1", "--out", str(out), "--closes-in", "600")
    data = json.loads(out.read_text())
    assert data["cookies"] == {"session": settings.SESSION_COOKIE_NAME, "csrf": settings.CSRF_COOKIE_NAME}
    assert data["origin"] == settings.PORTAL_BASE_URL
    applicant = data["applicants"][0]
    assert applicant["review"] == f"/en/my/applications/{applicant['application']}/edit/review/"
    assert applicant["submit"] == f"/en/my/applications/{applicant['application']}/submit/"
    assert applicant["detail"] == f"/en/my/applications/{applicant['application']}/"
    assert Session.objects.filter(session_key=applicant["session"]).exists()
    assert data["readers"][0]["pages"][0] == "/en/my/"
    call = Call.objects.get(pk=data["call"]["id"])
    assert 590 < (call.closes_at - call.opens_at).total_seconds() - 30 * 86400 < 610

    call_command("loadtest", "cleanup", "--file", str(out))
    assert not Call.objects.filter(pk=call.pk).exists()
    assert not User.objects.filter(email__endswith=EMAIL_DOMAIN).exists()
    assert not Session.objects.filter(session_key=applicant["session"]).exists()


def test_a_burst_submits_every_draft_through_the_real_form(live_server, tmp_path, settings):
    # As production behind its TLS-terminating proxy: HTTPS only, Secure cookies, the CSRF check of
    # the Origin; the load test speaks plain HTTP to the server and says HTTPS in X-Forwarded-Proto.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    origin = live_server.url.replace("http://", "https://")
    data = loadtest.prepare(applicants=3, readers=1, origin=origin)
    prepared = tmp_path / "deadline-day.json"
    loadtest.write(data, prepared)

    result = run_locust(live_server, prepared, "--mode", "burst")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "submitted 3 of 3; failed requests 0" in result.stdout
    assert "POST submit, from release" in result.stdout
    lines = []
    facts = loadtest.check(data, wait=10, out=lines.append)
    assert facts.sound, lines
    assert [reference.rsplit("-", 1)[1] for reference in facts.references] == ["0001", "0002", "0003"]
    assert (facts.receipts, facts.emails, facts.after_deadline, facts.drafts) == (3, 3, 0, 0)

    loadtest.cleanup(data, out=lines.append)
    assert not Application.objects.exists()
    assert not Notification.objects.filter(recipient__endswith=EMAIL_DOMAIN).exists()
    assert not User.objects.filter(email__endswith=EMAIL_DOMAIN).exists()


def test_a_refused_request_fails_the_run(live_server, tmp_path):
    data = loadtest.prepare(applicants=2, readers=0, origin=live_server.url)
    data["applicants"][0]["session"] = "not-a-session"  # sent to the login page: never submitted
    prepared = tmp_path / "deadline-day.json"
    loadtest.write(data, prepared)

    result = run_locust(live_server, prepared, "--mode", "sustained", "--rate", "4", "--lead", "0.5")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "submitted 1 of 2; failed requests 1" in result.stdout
    assert "error GET review step (form): 1 x answered 302 /en/accounts/login/" in result.stdout
    facts = loadtest.check(data, wait=10, out=lambda line: None)
    assert (facts.submitted, facts.drafts, facts.gapless) == (1, 1, True)
    loadtest.cleanup(data, out=lambda line: None)
