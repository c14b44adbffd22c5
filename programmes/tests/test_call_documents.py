"""The documents a call asks for: configured inline on the call's admin page, frozen once submitted."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from applications.models import Attachment
from applications.tests.factories import ApplicationFactory
from programmes.models import CallDocument, CallDocumentsFrozen, CallRule
from programmes.tests.factories import CallFactory
from programmes.tests.test_rules_admin import call_form

pytestmark = pytest.mark.django_db


def submitted_to(call):
    return ApplicationFactory(call=call, status="submitted", submitted_at=timezone.now())


# --- the model ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"max_size_mb": 0}, "call_document_max_size_positive"),
        ({"formats": ""}, "call_document_formats_named"),
        ({"kind": "passport"}, "call_document_kind_valid"),
    ],
)
def test_the_database_refuses_a_document_that_breaks_a_constraint(fields, constraint):
    call = CallFactory()
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        CallDocument.objects.create(call=call, **{"kind": "statutes", **fields})


def test_formats_are_written_as_extensions_the_portal_accepts():
    document = CallDocument(call=CallFactory(), kind="quote", formats=" PDF; .xlsx,pdf ")

    document.full_clean()

    assert document.formats == "pdf, xlsx"
    assert document.content_types == {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }


def test_a_format_the_upload_service_does_not_take_is_refused_on_its_field():
    document = CallDocument(call=CallFactory(), kind="quote", formats="pdf, exe")

    with pytest.raises(ValidationError) as error:
        document.full_clean()

    assert "The portal does not accept exe files" in error.value.message_dict["formats"][0]


def test_a_document_cannot_allow_more_than_the_portal_s_upload_limit(settings):
    settings.ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
    document = CallDocument(call=CallFactory(), kind="quote", max_size_mb=6)

    with pytest.raises(ValidationError) as error:
        document.full_clean()

    assert error.value.message_dict["max_size_mb"] == [
        "The portal accepts files up to 5 MB: a document cannot allow more."
    ]


def test_a_document_without_a_name_is_called_by_its_kind_and_a_name_is_read_in_the_reader_s_language():
    call = CallFactory()
    unnamed = CallDocument.objects.create(call=call, kind="financial")
    named = CallDocument.objects.create(call=call, kind="quote", name_en="Supplier's quote", name_es="Presupuesto")

    assert unnamed.title == "Financial statements"
    with translation.override("es"):
        assert named.title == "Presupuesto"
    with translation.override("it"):
        assert named.title == "Supplier's quote"  # the agency's language (English here), then English


# --- frozen once an application is submitted ------------------------------------------------


def test_every_door_is_refused_once_an_application_to_the_call_was_submitted():
    call = CallFactory()
    document = CallDocument.objects.create(call=call, kind="statutes")
    submitted_to(call)

    document.required = False
    with pytest.raises(CallDocumentsFrozen):
        document.save()
    with pytest.raises(CallDocumentsFrozen):
        document.delete()
    with pytest.raises(CallDocumentsFrozen):
        CallDocument.objects.create(call=call, kind="quote")
    with pytest.raises(CallDocumentsFrozen):
        CallDocument.objects.filter(call=call).update(required=False)
    with pytest.raises(CallDocumentsFrozen):
        CallDocument.objects.filter(call=call).delete()
    with pytest.raises(ValidationError) as error:
        CallDocument(call=call, kind="quote").full_clean()
    assert "copy the call" in str(error.value)
    # Nor added in bulk, nor moved in from another call.
    with pytest.raises(CallDocumentsFrozen):
        CallDocument.objects.bulk_create([CallDocument(call=call, kind="quote")])
    elsewhere = CallDocument.objects.create(call=CallFactory(), kind="quote")
    with pytest.raises(CallDocumentsFrozen):
        CallDocument.objects.filter(pk=elsewhere.pk).update(call=call)
    assert list(call.documents.values_list("kind", "required")) == [("statutes", True)]
    assert CallDocument.objects.get(pk=document.pk).required is True


def test_a_draft_does_not_freeze_the_documents():
    call = CallFactory()
    document = CallDocument.objects.create(call=call, kind="statutes")
    ApplicationFactory(call=call)

    document.required = False
    document.save()

    assert CallDocument.objects.get(pk=document.pk).required is False


# --- the admin ------------------------------------------------------------------------------


def test_a_manager_adds_documents_on_the_call_s_page_in_four_languages(superuser_client):
    call = CallFactory()

    response = superuser_client.post(
        reverse("admin:programmes_call_change", args=[call.pk]),
        call_form(
            call,
            [],
            documents=[
                {
                    "position": "1",
                    "kind": "financial",
                    "name_en": "Last two years' accounts",
                    "name_es": "Cuentas de los dos últimos años",
                    "help_text_en": "As filed with the registry.",
                    "formats": "pdf, XLSX",
                    "max_size_mb": "5",
                    "required": "on",
                }
            ],
        ),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    document = call.documents.get()
    assert (document.kind, document.name_es, document.formats, document.max_size_mb, document.required) == (
        "financial",
        "Cuentas de los dos últimos años",
        "pdf, xlsx",
        5,
        True,
    )


def test_bad_documents_are_refused_next_to_their_fields_and_the_rest_is_kept(superuser_client):
    call = CallFactory(title="PIMEX 2026")

    response = superuser_client.post(
        reverse("admin:programmes_call_change", args=[call.pk]),
        call_form(
            call,
            [],
            documents=[
                {"position": "1", "kind": "quote", "name_en": "Quote", "formats": "pdf, zip", "max_size_mb": "500"}
            ],
        ),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "The portal does not accept zip files" in html
    assert "a document cannot allow more" in html
    assert 'value="Quote"' in html and 'value="PIMEX 2026"' in html
    assert not call.documents.exists()


def test_the_admin_shows_a_frozen_call_s_documents_read_only_with_the_way_forward(superuser_client):
    call = CallFactory()
    CallDocument.objects.create(call=call, kind="statutes", name_en="Signed statutes")
    submitted_to(call)

    html = superuser_client.get(reverse("admin:programmes_call_change", args=[call.pk])).content.decode()

    assert 'id="call-documents-frozen"' in html
    assert "copy the call: the copy is the new version" in html
    assert "Signed statutes" in html
    assert 'name="documents-0-name_en"' not in html  # shown, not editable
    assert 'name="documents-TOTAL_FORMS"' in html


def test_a_change_posted_to_a_frozen_call_leaves_its_documents_as_they_were(superuser_client):
    call = CallFactory()
    document = CallDocument.objects.create(call=call, kind="statutes")
    submitted_to(call)
    data = call_form(call, [])
    data.update({"documents-TOTAL_FORMS": "1", "documents-INITIAL_FORMS": "1", "documents-0-id": str(document.pk)})
    data.update({"documents-0-DELETE": "on", "documents-0-required": ""})

    superuser_client.post(reverse("admin:programmes_call_change", args=[call.pk]), data)

    assert list(call.documents.values_list("pk", "required")) == [(document.pk, True)]


# --- the data migration ---------------------------------------------------------------------


def test_the_migration_turns_an_attachments_rule_into_required_documents_and_removes_the_rule():
    migration = importlib.import_module("programmes.migrations.0023_call_documents")
    call = CallFactory()
    CallRule.objects.create(call=call, position=1, code="sme_only")
    CallRule.objects.create(call=call, position=2, code="attachments", choices="statutes, quote,statutes")
    other = CallFactory()

    migration.attachments_rules_to_documents(apps, None)

    assert list(call.rules.values_list("code", flat=True)) == ["sme_only"]
    documents = list(call.documents.order_by("position"))
    assert [(d.kind, d.required, d.name_en) for d in documents] == [("statutes", True, ""), ("quote", True, "")]
    assert all(d.formats == migration.ALL_FORMATS for d in documents)
    assert not other.documents.exists()


def test_the_migration_links_the_files_already_attached_to_their_document():
    programmes_migration = importlib.import_module("programmes.migrations.0023_call_documents")
    applications_migration = importlib.import_module("applications.migrations.0023_attachment_document")
    call = CallFactory()
    CallRule.objects.create(call=call, position=1, code="attachments", choices="statutes")
    application = ApplicationFactory(call=call)
    file = Attachment.objects.create(
        application=application,
        kind="statutes",
        file="x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )

    programmes_migration.attachments_rules_to_documents(apps, None)
    applications_migration.attachments_answer_their_call_documents(apps, None)

    file.refresh_from_db()
    assert file.document == call.documents.get()
