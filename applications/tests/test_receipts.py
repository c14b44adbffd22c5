"""The receipt after the submission: built after commit from what was fixed at submission, the same
whenever built, once; the e-mail written with it; the submit request itself short."""

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.db.models import Prefetch, prefetch_related_objects
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications.models import Application, Attachment, BudgetLine
from applications.receipts import receipt_build, receipts_sweep
from applications.submission import content_hash, submitted_content
from applications.tests.test_reviews import attach
from applications.tests.test_views import draft, fill
from portal.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(client, applicant):
    """The shared applicant, logged in."""
    client.force_login(applicant)
    return applicant


def pdf_text(application) -> str:
    with application.receipt.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def submit(client, application):
    return client.post(reverse("applications:submit", args=[application.pk]))


def test_the_submit_request_takes_the_reference_and_leaves_the_receipt_for_after_commit(
    client, applicant, django_capture_on_commit_callbacks
):
    application = draft(client, applicant)
    fill(client, application)

    with django_capture_on_commit_callbacks(execute=False) as callbacks, CaptureQueriesContext(connection) as queries:
        response = submit(client, application)

    # At most 15 statements in the request: session and user, the row lock (which is the access check
    # too), the rules' and the content's reads (once; the call's documents are one of them), the move,
    # the reference, the row and its history. The savepoints are the test's (its transaction wraps the
    # request's, which has no other).
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) <= 15, "\n".join(statements)
    assert sum(sql.startswith("SAVEPOINT") for sql in (q["sql"] for q in queries.captured_queries)) == 1
    # Only the application's row is locked by the read; the call's row only by the reference, last.
    (lock,) = [sql for sql in statements if "FOR UPDATE" in sql]
    assert lock.endswith('FOR UPDATE OF "applications_application"')
    assert statements.index(lock) < next(
        i for i, sql in enumerate(statements) if sql.startswith('UPDATE "programmes_call"')
    )
    application.refresh_from_db()
    assert response.status_code == 302
    assert application.reference == f"PMX-{application.call.year}-0001"
    assert len(application.content_hash) == 64
    assert application.submitted_content["reference"] == application.reference
    assert not application.receipt  # built after commit, by the worker
    assert not Notification.objects.exists()  # written with the receipt
    assert callbacks


def test_the_receipt_is_the_same_whenever_it_is_built(client, applicant, django_capture_on_commit_callbacks):
    application = draft(client, applicant)
    fill(client, application)
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, application)
    application.refresh_from_db()
    first = pdf_text(application)

    # Later: the live rows change (a clarification's document, a renamed call, another language)...
    application.budget_lines.update(description="Changed afterwards")
    application.call.title = "Renamed call"
    application.call.save()
    applicant.language = "es"
    applicant.save()
    application.receipt.delete(save=True)
    with time_machine.travel(timezone.now() + timedelta(days=40)):
        assert receipt_build(application_id=application.pk)
    application.refresh_from_db()

    # ...and the receipt built again says exactly what was submitted.
    assert pdf_text(application) == first
    assert application.reference in first and "Fruit Logistica" in first and "PIMEX 2026" in first


def test_building_a_receipt_leaves_the_log_to_what_matters(client, applicant, caplog):
    application = draft(client, applicant)
    fill(client, application)
    submit(client, application)  # the receipt is left for after commit

    with caplog.at_level("INFO"):
        assert receipt_build(application_id=application.pk)

    # Not the PDF library's layout steps nor the fonts it subsets, line by line, for every receipt.
    assert [record.name for record in caplog.records if record.name.startswith(("weasyprint", "fontTools"))] == []
    application.refresh_from_db()
    application.receipt.delete(save=False)  # the next test's receipt takes the same file name


def test_the_applicant_sees_the_reference_at_once_and_the_receipt_when_it_exists(
    client, applicant, django_capture_on_commit_callbacks
):
    application = draft(client, applicant)
    fill(client, application)
    with django_capture_on_commit_callbacks(execute=False) as submission_callbacks:
        submit(client, application)
    application.refresh_from_db()

    detail = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert application.reference in detail
    assert "Your receipt is being prepared." in detail and "receipt-link" not in detail

    # The first download builds it (and writes its e-mail); the worker's task, run later, finds it built.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("applications:receipt", args=[application.pk]))
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    with django_capture_on_commit_callbacks(execute=True):
        for callback in submission_callbacks:
            callback()

    application.refresh_from_db()
    # Stored under the reference (with the storage's suffix if an earlier test left one of that name).
    assert re.search(rf"/receipt-{application.reference}(_\w+)?\.pdf$", application.receipt.name)
    assert len(mail.outbox) == 1 and Notification.objects.count() == 1
    assert mail.outbox[0].attachments[0][0] == f"receipt-{application.reference}.pdf"
    detail = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "receipt-link" in detail and "being prepared" not in detail


def test_a_receipt_whose_task_never_ran_is_built_by_the_sweep(client, applicant, django_capture_on_commit_callbacks):
    application = draft(client, applicant)
    fill(client, application)
    with django_capture_on_commit_callbacks(execute=False):
        submit(client, application)  # the broker was down: the task was never handed over

    assert receipts_sweep() == 0  # too early: its task may still be on its way
    with django_capture_on_commit_callbacks(execute=True):
        assert receipts_sweep(now=timezone.now() + timedelta(minutes=3)) == 1
        assert receipts_sweep(now=timezone.now() + timedelta(minutes=3)) == 0

    application = Application.objects.get(pk=application.pk)
    assert application.receipt
    assert len(mail.outbox) == 1


def test_the_submitted_content_lists_the_rows_in_one_order_whatever_was_read_before(client, applicant):
    """The hash is over the content: the budget lines by position, the documents by upload time then
    creation, even when a caller read them in another order first (two documents uploaded at once)."""
    application = draft(client, applicant)
    fill(client, application)
    first_line = application.budget_lines.get()
    BudgetLine.objects.filter(pk=first_line.pk).update(position=1)
    BudgetLine.objects.create(
        application=application, category=first_line.category, description="Stand", amount=100, position=0
    )
    for name in ("Statutes.pdf", "Balance.pdf"):
        attach(application, name)
    Attachment.objects.filter(application=application).update(uploaded_at=timezone.now())

    moment = timezone.now()

    def content(*prefetched):
        instance = Application.objects.get(pk=application.pk)
        instance.submitted_at = moment
        prefetch_related_objects([instance], *prefetched)
        return submitted_content(instance)

    as_read = content()
    reversed_first = content(
        Prefetch("budget_lines", queryset=BudgetLine.objects.select_related("category").order_by("-position", "-pk")),
        Prefetch("attachments", queryset=Attachment.objects.order_by("-pk")),
    )

    assert [line["description"] for line in as_read["budget_lines"]] == ["Stand", first_line.description]
    assert [document["name"] for document in as_read["attachments"]] == ["Statutes.pdf", "Balance.pdf"]
    assert reversed_first == as_read and content_hash(reversed_first) == content_hash(as_read)
