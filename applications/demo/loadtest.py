"""The data of the deadline-day load test (`manage.py loadtest`, `loadtest/` at the repository's root).

`prepare` builds deadline day's throwaway data (applications.demo.deadline_day) in the database of
a running portal, logs every user in server-side, and writes a JSON file with what the load test
needs and nothing it must compute: the public origin it must present itself as, the cookie names,
and per applicant its session and the pages of its draft (the review step with the real submit
form, and the application's page the submission redirects to); per reader its session and the
pages it browses. `check` reads the submissions' facts (references gapless, a receipt and an
e-mail each, nothing accepted after the deadline), waiting a bounded time for the worker to build
the receipts; `cleanup` deletes the sessions and the data.

The sessions are made the way the test client's `force_login` makes them (Django's `login()` on a
request that never reaches a view, saved in the configured session engine): no password hashing
during the test, and the session's hash is the server's, so the command must run with the same
settings (SECRET_KEY, database) as the server under test.
"""

import json
import time
from datetime import datetime, timedelta
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation

from programmes.models import Call

from .deadline_day import SubmissionFacts, applicant_with_draft, deadline_call, deadline_cleanup, submission_facts

FORMAT = 1
LANGUAGE = "en"


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def session_for(user) -> str:
    """A logged-in session of `user`, saved in the session engine: the value of its session cookie."""
    request = HttpRequest()
    request.session = _session_store()()
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    request.session.save()
    return request.session.session_key


def prepare(*, applicants: int, readers: int, origin: str, closes_at: datetime | None = None) -> dict:
    """Build the call, `applicants` submitters and `readers` readers (each with a draft): the load test's data."""
    with transaction.atomic(), translation.override(LANGUAGE):
        call = deadline_call(title="Deadline day (load test)", closes_at=closes_at)
        call_page = call.get_absolute_url()
        submitters = []
        for index in range(applicants):
            user, application = applicant_with_draft(call, index)
            submitters.append(
                {
                    "email": user.email,
                    "application": application.pk,
                    "session": session_for(user),
                    "review": reverse("applications:edit", kwargs={"pk": application.pk, "step": "review"}),
                    "submit": reverse("applications:submit", args=[application.pk]),
                    "detail": reverse("applications:detail", args=[application.pk]),
                }
            )
        browsing = []
        for index in range(readers):
            user, application = applicant_with_draft(call, index, role="reader")
            pages = [
                reverse("my_portal"),
                reverse("applications:detail", args=[application.pk]),
                call_page,
                call.programme.get_absolute_url(),
            ]
            browsing.append({"email": user.email, "session": session_for(user), "pages": pages})
    return {
        "format": FORMAT,
        "origin": origin.rstrip("/"),
        "cookies": {"session": settings.SESSION_COOKIE_NAME, "csrf": settings.CSRF_COOKIE_NAME},
        "csrf_field": "csrfmiddlewaretoken",
        "call": {
            "id": call.pk,
            "title": call.title,
            "page": call_page,
            "closes_at": call.closes_at.isoformat(),
        },
        "applicants": submitters,
        "readers": browsing,
    }


def write(data: dict, path: str | Path) -> None:
    Path(path).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def read(path: str | Path) -> dict:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        raise ValueError(f"{path} is not a file written by `loadtest prepare` (format {FORMAT})")
    return data


def check(data: dict, *, wait: float = 120, out=print) -> SubmissionFacts:
    """The call's submission facts, once every receipt and e-mail is there or after `wait` seconds."""
    call = Call.objects.get(pk=data["call"]["id"])
    applicant_ids = [applicant["application"] for applicant in data["applicants"]]
    started = time.monotonic()
    while True:
        facts = submission_facts(call, applicants=applicant_ids)
        complete = not facts.receipts_pending and not facts.emails_pending
        if complete or time.monotonic() - started >= wait:
            break
        time.sleep(1)
    waited = time.monotonic() - started
    state = "all there" if complete else "gave up waiting"
    out(f"check: {facts}; {state} after {waited:.1f} s of waiting for the worker")
    return facts


def cleanup(data: dict, out=print) -> None:
    """Delete the sessions and the throwaway call with everything in it."""
    store = _session_store()
    for person in (*data["applicants"], *data["readers"]):
        store(session_key=person["session"]).delete()
    call = Call.objects.filter(pk=data["call"]["id"]).select_related("programme__agency").first()
    if call is None:
        out(f"cleanup: the call {data['call']['id']} is not there (already deleted?)")
        return
    deadline_cleanup(call, out)
    out(f"cleanup: the call {call.pk} and its {len(data['applicants']) + len(data['readers'])} users are deleted")


def closing_in(seconds: float | None) -> datetime | None:
    return timezone.now() + timedelta(seconds=seconds) if seconds is not None else None
