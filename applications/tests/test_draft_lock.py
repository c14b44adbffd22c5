"""A step saved while its application is being submitted waits for the submission, then changes nothing.

The applicant has the budget open in one tab and presses "Submit" in another: whatever the first
tab saves at that moment (a line, the title, a declaration, a document added or removed) must not
reach the application once it is submitted, or the stored content would differ from what the
receipt's fingerprint was computed over. Every door that changes a draft reads the application
under its row lock, as the submission does, and finds it submitted.

The submission here is the real one, held at its last step (the call's reference counter, whose
row the test keeps locked) while it holds the application's lock.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from applications.models import Application, Attachment, StatusChange
from applications.services import application_submit, submitted_content
from applications.tests.concurrency import InThread, rows_held, wait_until, waiting_on_locks
from applications.tests.test_access_matrix import form_data
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


def while_submitted(application, by, change):
    """Run `change` (a request) while the real submission of `application` holds its lock, held at
    its last step; checks that the change waits for it. Returns the change's response."""
    submission = InThread(lambda: application_submit(application=application, by=by))
    changing = InThread(change)
    try:
        with rows_held(Call.objects.filter(pk=application.call_id)):
            submission.start()
            wait_until(lambda: waiting_on_locks() == 1, "the submission waiting for the reference counter")
            changing.start()
            # The change waits for the submission's lock on the application (or, without one, is done at once).
            wait_until(lambda: waiting_on_locks() == 2 or not changing.is_alive(), "the change to wait or finish")
            assert changing.is_alive(), "the change went through while the application was being submitted"
    finally:
        for thread in (submission, changing):
            thread.join(60)
    for thread in (submission, changing):
        assert not thread.is_alive()
        assert thread.error is None, thread.error
    assert Application.objects.get(pk=application.pk).reference  # the submission went through
    assert StatusChange.objects.filter(application=application, to_status="submitted").count() == 1
    return changing.result


def assert_as_submitted(application, before):
    """Nothing changed since `before`, and what the receipt's fingerprint was computed over is what is stored."""
    assert content(application) == before
    submitted = Application.objects.get(pk=application.pk)
    assert submitted.status == "submitted"
    stored = submitted_content(submitted)
    assert {key: submitted.submitted_content[key] for key in CHANGEABLE} == {key: stored[key] for key in CHANGEABLE}


@pytest.fixture
def submittable(client, applicant):
    """A draft ready to submit, with a budget line, its declaration and a document."""
    application = draft(client, applicant)
    fill(client, application)
    client.post(
        edit(application, "documents"),
        {"document": "other", "file": SimpleUploadedFile("statutes.pdf", PDF), "action": "upload"},
    )
    return application


@pytest.mark.parametrize("door", [budget_change, title_change, declarations_untick, document_add, document_remove])
def test_a_step_saved_during_the_submission_waits_for_it_and_changes_nothing(client, applicant, submittable, door):
    before = content(submittable)
    assert before["lines"] and before["declarations"] and before["files"] == ["statutes.pdf"]
    url, data = door(submittable)

    response = while_submitted(submittable, applicant, lambda: client.post(url, data))

    # Refused as any change to a submitted application: back to its page, nothing changed.
    assert response.status_code in (302, 404)
    assert_as_submitted(submittable, before)


def test_the_admin_page_of_a_draft_saved_during_its_submission_waits_for_it_and_changes_nothing(
    applicant, submittable, superuser
):
    """Staff may edit a draft's project and budget lines; saved while it is being submitted, the page
    waits for the submission and finds them read-only (what was submitted is evidence)."""
    before = content(submittable)
    staff = Client()
    staff.force_login(superuser)
    url = reverse("admin:applications_application_change", args=[submittable.pk])
    data = form_data(staff.get(url).content.decode(), url)
    assert data["title"] == ["Fruit in Germany"]
    data["title"] = ["Retitled by staff"]
    assert data["budget_lines-0-amount"] == ["3,100.00"]
    data["budget_lines-0-amount"] = ["9,000.00"]

    response = while_submitted(submittable, applicant, lambda: staff.post(url, data))

    assert response.status_code == 302  # saved: the rest of the page, the project and lines read-only now
    assert_as_submitted(submittable, before)


def test_withdrawing_a_draft_does_not_wait_for_the_calls_reference_counter(client, submittable):
    """A draft is withdrawn under its own lock only, in the submission's order (the application, then
    the call). Withdrawing took the call's row first: pressed while the same draft was being submitted
    in another tab, which holds the application and waits for the call, the two deadlocked and one
    of them ended in an error."""
    url = reverse("applications:withdraw", args=[submittable.pk])
    withdrawing = InThread(lambda: client.post(url, {"reason": "Not this year"}))
    with rows_held(Call.objects.filter(pk=submittable.call_id)):
        withdrawing.start()
        wait_until(lambda: waiting_on_locks() == 1 or not withdrawing.is_alive(), "the withdrawal to wait or end")
        withdrawing.join(5)
        assert not withdrawing.is_alive(), "the withdrawal waited for the call's reference counter"
    assert withdrawing.error is None and withdrawing.result.status_code == 302
    assert Application.objects.get(pk=submittable.pk).status == "withdrawn"
