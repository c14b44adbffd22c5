"""A step saved while its application is being submitted waits for the submission, then changes nothing.

The applicant has the budget open in one tab and presses "Submit" in another: whatever the first
tab saves at that moment (a line, the title, a declaration, a document added or removed) must not
reach the application once it is submitted, or the stored content would differ from what the
receipt's fingerprint was computed over. Every door that changes a draft reads the application
under its row lock, as the submission does, and finds it submitted.

The submission here is the real one, held at its last step (the call's reference counter, whose
row the test keeps locked) while it holds the application's lock.
"""

import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.urls import reverse

from applications.models import Application, Attachment
from applications.services import application_submit, submitted_content
from applications.tests.test_views import PDF, draft, fill
from programmes.models import Call

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# The parts of the submitted content an applicant changes on a draft's steps.
CHANGEABLE = ("title", "summary", "declarations", "budget_lines", "attachments")


@pytest.fixture
def applicant(client, applicant):
    client.force_login(applicant)
    return applicant


def edit(application, step):
    return reverse("applications:edit", args=[application.pk, step])


def budget_change(application):
    line = application.budget_lines.get()
    return edit(application, "budget"), {
        "budget_lines-TOTAL_FORMS": "1",
        "budget_lines-INITIAL_FORMS": "1",
        "budget_lines-0-id": line.pk,
        "budget_lines-0-category": line.category_id,
        "budget_lines-0-description": "Fruit Logistica and more",
        "budget_lines-0-amount": "9000.00",
        "action": "save",
    }


def title_change(application):
    return edit(application, "project"), {"title": "Another project", "summary": "Fairs", "action": "save"}


def declarations_untick(application):
    return edit(application, "declarations"), {"action": "save"}


def document_add(application):
    return edit(application, "documents"), {
        "document": "other",
        "file": SimpleUploadedFile("late.pdf", PDF),
        "action": "upload",
    }


def document_remove(application):
    attachment = application.attachments.get()
    return reverse("applications:attachment_delete", args=[application.pk, attachment.pk]), {}


def content(application):
    """What the applicant can change on a draft, as stored."""
    application = Application.objects.get(pk=application.pk)
    return {
        "title": application.title,
        "declarations": application.declarations,
        "lines": sorted((line.description, line.amount) for line in application.budget_lines.all()),
        "files": sorted(Attachment.objects.filter(application=application).values_list("original_name", flat=True)),
    }


def waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0]


def wait_until(condition, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.02)


class InThread(threading.Thread):
    """Runs `target` in its own thread and database connection, keeping its result or its error."""

    def __init__(self, target):
        super().__init__(daemon=True)
        self.target, self.result, self.error = target, None, None

    def run(self):
        try:
            self.result = self.target()
        except Exception as error:  # reported by the test's assertions
            self.error = error
        finally:
            connections.close_all()


@pytest.mark.parametrize("door", [budget_change, title_change, declarations_untick, document_add, document_remove])
def test_a_step_saved_during_the_submission_waits_for_it_and_changes_nothing(client, applicant, door):
    application = draft(client, applicant)
    fill(client, application)
    client.post(
        edit(application, "documents"),
        {"document": "other", "file": SimpleUploadedFile("statutes.pdf", PDF), "action": "upload"},
    )
    before = content(application)
    assert before["lines"] and before["declarations"] and before["files"] == ["statutes.pdf"]
    url, data = door(application)

    held, release = threading.Event(), threading.Event()

    def counter_held():
        with transaction.atomic():
            Call.objects.select_for_update().get(pk=application.call_id)
            held.set()
            release.wait(20)

    holder = InThread(counter_held)
    holder.start()
    assert held.wait(10)
    submission = InThread(lambda: application_submit(application=application, by=applicant))
    submission.start()
    wait_until(lambda: waiting_on_locks() == 1, "the submission waiting for the reference counter")

    change = InThread(lambda: client.post(url, data))
    change.start()
    # The change waits for the submission's lock on the application (or, without one, is done at once).
    wait_until(lambda: waiting_on_locks() == 2 or not change.is_alive(), "the change to wait or finish")
    assert change.is_alive(), "the change went through while the application was being submitted"

    release.set()
    for thread in (holder, submission, change):
        thread.join(20)
        assert not thread.is_alive()
        assert thread.error is None, thread.error

    submitted = Application.objects.get(pk=application.pk)
    assert submitted.status == "submitted" and submitted.reference
    # The change is refused as any change to a submitted application: back to its page, nothing changed.
    assert change.result.status_code in (302, 404)
    assert content(application) == before
    # What the receipt's fingerprint was computed over is what is stored.
    stored = submitted_content(submitted)
    assert {key: submitted.submitted_content[key] for key in CHANGEABLE} == {key: stored[key] for key in CHANGEABLE}
