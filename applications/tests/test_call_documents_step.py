"""The documents step asks for the call's documents; the upload is judged against the one chosen;
the submission is refused while a required one is missing, naming it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from applications.attachments import attachment_add
from applications.models import Application, Attachment
from applications.tests.test_views import PDF, draft, fill, pimex_call
from programmes.models import CallDocument

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def applicant(client, applicant):
    """The shared applicant, logged in."""
    client.force_login(applicant)
    return applicant


@pytest.fixture
def call():
    call = pimex_call()
    CallDocument.objects.create(
        call=call,
        position=1,
        kind="financial",
        name_en="Accounts of the last two years",
        name_es="Cuentas de los dos últimos años",
        help_text_en="As filed with the commercial registry.",
        formats="pdf, xlsx",
        max_size_mb=2,
    )
    CallDocument.objects.create(call=call, position=2, kind="quote", formats="pdf, png", required=False)
    return call


def documents_url(application):
    return reverse("applications:edit", args=[application.pk, "documents"])


def upload(client, application, document, name, content):
    return client.post(
        documents_url(application),
        {"document": str(document.pk), "file": SimpleUploadedFile(name, content), "action": "upload"},
    )


def test_the_documents_step_lists_what_the_call_asks_for(client, applicant, call):
    application = draft(client, applicant, call)

    html = client.get(documents_url(application)).content.decode()

    assert "Accounts of the last two years" in html
    assert "As filed with the commercial registry." in html
    assert "Formats: PDF, XLSX · up to 2 MB" in html
    assert "Quote or pro-forma invoice" in html  # no name: its kind's
    assert "required" in html and "optional" in html and "missing" in html
    assert '<option value="other">Another document</option>' in html


def test_the_documents_step_is_in_the_reader_s_language(client, applicant, call):
    application = draft(client, applicant, call)
    with translation.override("es"):  # the page's address in Spanish
        url = documents_url(application)

    html = client.get(url).content.decode()

    assert "Cuentas de los dos últimos años" in html


def test_an_uploaded_document_is_shown_as_attached_under_its_document(client, applicant, call):
    application = draft(client, applicant, call)
    accounts = call.documents.get(kind="financial")

    upload(client, application, accounts, "accounts.pdf", PDF)

    attachment = Attachment.objects.get(application=application)
    assert (attachment.document, attachment.kind) == (accounts, "financial")
    html = client.get(documents_url(application)).content.decode()
    assert f'id="call-document-{accounts.pk}"' in html
    section = html.split(f'id="call-document-{accounts.pk}"')[1].split("</li>")[0]
    assert "accounts.pdf" in section and "attached" in section


def test_a_file_in_a_format_the_document_does_not_take_is_refused_next_to_the_field(client, applicant, call):
    application = draft(client, applicant, call)
    accounts = call.documents.get(kind="financial")

    response = upload(client, application, accounts, "accounts.png", PNG)

    html = response.content.decode()
    assert response.status_code == 200
    assert "The file “accounts.png” is a PNG file; “Accounts of the last two years” is accepted as PDF, XLSX." in html
    assert 'id="error_1_id_file"' in html  # next to the file field
    # The document chosen stays chosen.
    assert f'<option value="{accounts.pk}" selected>' in html
    assert not Attachment.objects.exists()


def test_a_file_larger_than_the_document_s_maximum_is_refused_next_to_the_field(client, applicant, call):
    application = draft(client, applicant, call)
    accounts = call.documents.get(kind="financial")

    response = upload(client, application, accounts, "accounts.pdf", PDF + b"0" * (2 * 1024 * 1024))

    html = response.content.decode()
    assert "“Accounts of the last two years” is accepted up to 2 MB." in html
    assert not Attachment.objects.exists()


def test_the_upload_service_refuses_a_document_of_another_call(client, applicant, call):
    application = draft(client, applicant, call)
    elsewhere = CallDocument.objects.create(call=pimex_call(), kind="statutes")

    with pytest.raises(Exception, match="not one the call asks for"):
        attachment_add(
            application=application, uploaded_file=SimpleUploadedFile("s.pdf", PDF), document=elsewhere, by=applicant
        )


def test_another_document_is_attached_with_the_portal_s_limits(client, applicant, call):
    application = draft(client, applicant, call)

    client.post(
        documents_url(application),
        {"document": "other", "file": SimpleUploadedFile("picture.png", PNG), "action": "upload"},
    )

    attachment = Attachment.objects.get(application=application)
    assert (attachment.document, attachment.kind) == (None, "other")


def test_the_submission_is_refused_naming_the_missing_required_document(client, applicant, call):
    application = draft(client, applicant, call)
    fill(client, application)

    response = client.post(reverse("applications:submit", args=[application.pk]), follow=True)

    assert "Missing documents: Accounts of the last two years." in response.content.decode()
    application.refresh_from_db()
    assert application.status == "draft"


def test_the_submitted_content_names_each_document_in_the_submission_s_language(client, applicant, call):
    application = draft(client, applicant, call)
    fill(client, application)
    upload(client, application, call.documents.get(kind="financial"), "cuentas.pdf", PDF)
    client.post(
        documents_url(application),
        {"document": "other", "file": SimpleUploadedFile("foto.png", PNG), "action": "upload"},
    )
    with translation.override("es"):  # submitted from the Spanish pages
        client.post(reverse("applications:submit", args=[application.pk]))

    application = Application.objects.get(pk=application.pk)
    assert application.status == "submitted"
    assert application.receipt_language == "es"
    with translation.override("es"):
        other = str(Attachment.Kind.OTHER.label)  # a file the call did not name: its kind's name
    assert [(a["document"], a["name"]) for a in application.submitted_content["attachments"]] == [
        ("Cuentas de los dos últimos años", "cuentas.pdf"),
        (other, "foto.png"),
    ]
