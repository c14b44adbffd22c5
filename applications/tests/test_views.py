"""The applicant's application: steps saved as you go, live rules, submission, receipt, outsiders."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from applications import selectors
from applications.models import Application, Attachment, StatusChange
from applications.services import application_change_status, application_submit
from consortia.models import Consortium, Membership
from consortia.services import organisation_register
from consortia.tests.factories import OrganisationFactory
from portal.tests.factories import UserFactory
from programmes.models import CallRule
from programmes.tests.factories import CallFactory, CostCategoryFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def applicant(client, applicant):
    """The shared applicant, logged in."""
    client.force_login(applicant)
    return applicant


def pimex_call(**fields):
    programme = ProgrammeFactory(kind="pimex", applicant_type="company")
    call = CallFactory(programme=programme, title="PIMEX 2026", reference_prefix="PMX", **fields)
    CostCategoryFactory(programme=programme, code="promotion-actions", name="Promotion actions")
    CallRule.objects.create(call=call, position=1, code="applicant_type", choices="company")
    CallRule.objects.create(call=call, position=2, code="declarations", choices="pimex_commitment")
    CallRule.objects.create(call=call, position=3, code="per_company_cap", amount=Decimal("2500.00"))
    return call


def draft(client, applicant, call=None):
    call = call or pimex_call()
    organisation = organisation_register(user=applicant, organisation=OrganisationFactory.build())
    client.post(
        reverse("applications:apply", args=[call.pk]),
        {"title": "Fruit fairs", "applicant": f"organisation:{organisation.pk}"},
    )
    return Application.objects.get(call=call, organisation=organisation)


def fill(client, application, amount="3100.00"):
    category = application.call.programme.cost_categories.first()
    edit = lambda step: reverse("applications:edit", args=[application.pk, step])  # noqa: E731
    client.post(
        edit("project"), {"title": "Fruit in Germany", "summary": "Fairs", "target_markets": "DE", "action": "next"}
    )
    client.post(
        edit("budget"),
        {
            "budget_lines-TOTAL_FORMS": "1",
            "budget_lines-INITIAL_FORMS": "0",
            "budget_lines-0-category": category.pk,
            "budget_lines-0-description": "Fruit Logistica",
            "budget_lines-0-amount": amount,
            "action": "next",
        },
    )
    client.post(edit("declarations"), {"pimex_commitment": "on"})


def test_a_company_applies_and_the_panel_shows_the_capped_grant(client, applicant):
    application = draft(client, applicant)
    fill(client, application)

    page = client.get(reverse("applications:edit", args=[application.pk, "review"])).content.decode()

    assert "Fruit in Germany" in page
    assert "3,100.00 capped at 2,500.00 per company" in page
    assert "2,500.00\xa0€" in page
    assert 'id="submit-button"' in page


def test_an_invalid_budget_line_is_explained_and_nothing_else_is_lost(client, applicant):
    application = draft(client, applicant)
    category = application.call.programme.cost_categories.first()

    response = client.post(
        reverse("applications:edit", args=[application.pk, "budget"]),
        {
            "budget_lines-TOTAL_FORMS": "2",
            "budget_lines-INITIAL_FORMS": "0",
            "budget_lines-0-category": category.pk,
            "budget_lines-0-description": "Trade fair",
            "budget_lines-0-amount": "1200.00",
            "budget_lines-1-category": category.pk,
            "budget_lines-1-description": "Samples",
            "budget_lines-1-amount": "-50",
            "action": "next",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter an amount above zero." in html
    assert 'value="Samples"' in html and 'value="-50"' in html
    assert list(application.budget_lines.values_list("description", flat=True)) == ["Trade fair"]


def test_an_absurd_amount_is_refused(client, applicant):
    application = draft(client, applicant)
    category = application.call.programme.cost_categories.first()

    response = client.post(
        reverse("applications:edit", args=[application.pk, "budget"]),
        {
            "budget_lines-TOTAL_FORMS": "1",
            "budget_lines-INITIAL_FORMS": "0",
            "budget_lines-0-category": category.pk,
            "budget_lines-0-description": "Stand",
            "budget_lines-0-amount": "500000000",
        },
    )

    assert "This amount is not plausible" in response.content.decode()
    assert not application.budget_lines.exists()


def test_the_project_step_keeps_valid_fields_even_when_another_is_wrong(client, applicant):
    application = draft(client, applicant)

    response = client.post(
        reverse("applications:edit", args=[application.pk, "project"]),
        {"title": "", "summary": "Three fairs in Germany", "target_markets": "DE, AT", "action": "next"},
    )

    application.refresh_from_db()
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert application.summary == "Three fairs in Germany"
    assert application.target_markets == "DE, AT"


def test_submission_gives_a_reference_a_receipt_and_an_email(client, applicant, django_capture_on_commit_callbacks):
    application = draft(client, applicant)
    fill(client, application)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("applications:submit", args=[application.pk]))

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.status == "submitted"
    assert application.reference == f"PMX-{application.call.year}-0001"
    assert len(application.content_hash) == 64
    receipt = client.get(reverse("applications:receipt", args=[application.pk]))
    pdf = b"".join(receipt.streaming_content)
    assert pdf.startswith(b"%PDF")
    assert len(mail.outbox) == 1
    assert application.reference in mail.outbox[0].subject
    assert mail.outbox[0].attachments[0][0] == f"receipt-{application.reference}.pdf"
    detail = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "Submitted" in detail and application.reference in detail
    # Read-only after submission: the edit pages send back to the application.
    assert client.get(reverse("applications:edit", args=[application.pk, "budget"])).status_code == 302


def test_an_ineligible_application_is_refused_with_the_reasons(client, applicant):
    application = draft(client, applicant)
    fill(client, application)
    Application.objects.filter(pk=application.pk).update(declarations=[])

    response = client.post(reverse("applications:submit", args=[application.pk]), follow=True)

    application.refresh_from_db()
    assert application.status == "draft"
    assert "Declaration not accepted" in response.content.decode()


def test_a_late_submission_is_refused_by_the_server_clock(client, applicant):
    call = pimex_call(closes_at=timezone.now() + timedelta(hours=1))
    application = draft(client, applicant, call)
    fill(client, application)

    with time_machine.travel(call.closes_at + timedelta(seconds=1)):
        response = client.post(reverse("applications:submit", args=[application.pk]), follow=True)

    application.refresh_from_db()
    assert application.status == "draft" and application.reference == ""
    assert "no longer accepted" in response.content.decode()


def test_a_double_click_gives_one_submission(client, applicant):
    application = draft(client, applicant)
    fill(client, application)

    client.post(reverse("applications:submit", args=[application.pk]))
    client.post(reverse("applications:submit", args=[application.pk]))

    application.refresh_from_db()
    assert application.reference.endswith("-0001")
    assert StatusChange.objects.filter(application=application, to_status="submitted").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_give_one_reference(client):
    person = UserFactory(email="lucia@example.org")
    client.force_login(person)
    application = draft(client, person)
    fill(client, application)
    results, errors = [], []

    def submit():
        try:
            results.append(application_submit(application=application, by=person).reference)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert len(set(results)) == 1
    assert StatusChange.objects.filter(application=application, to_status="submitted").count() == 1


def test_bad_files_are_refused_next_to_the_field(client, applicant):
    application = draft(client, applicant)
    disguised = SimpleUploadedFile("statutes.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")

    response = client.post(
        reverse("applications:edit", args=[application.pk, "documents"]),
        {"document": "other", "file": disguised, "action": "upload"},
    )

    assert response.status_code == 200
    assert "statutes.pdf" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_document_is_attached_and_downloaded_by_its_applicant(client, applicant):
    application = draft(client, applicant)
    client.post(
        reverse("applications:edit", args=[application.pk, "documents"]),
        {"document": "other", "file": SimpleUploadedFile("statutes.pdf", PDF), "action": "upload"},
    )

    attachment = Attachment.objects.get(application=application)
    response = client.get(reverse("applications:attachment", args=[attachment.pk]))

    assert b"".join(response.streaming_content) == PDF
    assert "statutes.pdf" in response["Content-Disposition"]


def test_an_outsider_gets_404_for_every_url_of_someone_elses_application(client, applicant):
    application = draft(client, applicant)
    fill(client, application)
    client.post(
        reverse("applications:edit", args=[application.pk, "documents"]),
        {"document": "other", "file": SimpleUploadedFile("statutes.pdf", PDF), "action": "upload"},
    )
    attachment = Attachment.objects.get(application=application)
    client.post(reverse("applications:submit", args=[application.pk]))
    outsider = UserFactory(email="outsider@example.org")
    organisation_register(user=outsider, organisation=OrganisationFactory.build())
    client.force_login(outsider)

    urls_get = [
        reverse("applications:detail", args=[application.pk]),
        reverse("applications:edit", args=[application.pk, "project"]),
        reverse("applications:receipt", args=[application.pk]),
        reverse("applications:attachment", args=[attachment.pk]),
    ]
    urls_post = [
        reverse("applications:submit", args=[application.pk]),
        reverse("applications:withdraw", args=[application.pk]),
        reverse("applications:clarify", args=[application.pk]),
        reverse("applications:attachment_delete", args=[application.pk, attachment.pk]),
    ]
    for url in urls_get:
        assert client.get(url).status_code == 404, url
    for url in urls_post:
        assert client.post(url).status_code == 404, url
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_consortium_member_sees_but_cannot_change_the_application(client, applicant):
    lead_person = UserFactory(email="lead@example.org")
    lead = organisation_register(user=lead_person, organisation=OrganisationFactory.build())
    mine = organisation_register(user=applicant, organisation=OrganisationFactory.build())
    consortium = Consortium.objects.create(name="C", sector="metal", established_on=date(2025, 1, 1), lead=lead)
    Membership.objects.create(consortium=consortium, organisation=mine, status="active", joined_on=date(2025, 1, 1))
    application = Application.objects.create(call=CallFactory(), consortium=consortium, title="Joint fair")

    assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 200
    assert client.get(reverse("applications:edit", args=[application.pk, "project"])).status_code == 404


def test_the_applicant_answers_a_clarification_and_the_review_resumes(client, applicant):
    application = draft(client, applicant)
    fill(client, application)
    client.post(reverse("applications:submit", args=[application.pk]))
    application.refresh_from_db()
    application_change_status(application=application, to_status="under_review")
    application_change_status(application=application, to_status="clarification_requested", note="Send the quote.")

    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "Send the quote." in page
    client.post(
        reverse("applications:clarify", args=[application.pk]),
        {"text": "Here it is.", "file": SimpleUploadedFile("quote.pdf", PDF)},
    )

    application.refresh_from_db()
    assert application.status == "under_review"
    assert application.attachments.filter(kind="clarification").count() == 1
    assert application.status_changes.last().note == "Here it is."


def test_the_applicant_withdraws_before_a_decision(client, applicant):
    application = draft(client, applicant)
    fill(client, application)
    client.post(reverse("applications:submit", args=[application.pk]))

    client.post(reverse("applications:withdraw", args=[application.pk]), {"reason": "No longer needed"})

    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_a_deactivated_representative_can_no_longer_see_or_withdraw_the_application(client, applicant):
    application = draft(client, applicant)
    fill(client, application)
    client.post(reverse("applications:submit", args=[application.pk]))
    applicant.is_active = False
    applicant.save(update_fields=["is_active"])

    page = client.get(reverse("applications:detail", args=[application.pk]))
    client.post(reverse("applications:withdraw", args=[application.pk]), {"reason": "Not me"})

    assert page.status_code == 302 and reverse("account_login") in page["Location"]
    application.refresh_from_db()
    assert application.status == "submitted"
    # Whatever the door (a task, a command), the user no longer acts for the company.
    assert list(selectors.applications_of(applicant)) == []
    with pytest.raises(Http404):
        selectors.application_for(applicant, application.pk, editable=True)


def test_a_second_apply_leads_to_the_existing_application(client, applicant):
    application = draft(client, applicant)

    response = client.post(
        reverse("applications:apply", args=[application.call.pk]),
        {"title": "Again", "applicant": f"organisation:{application.organisation_id}"},
    )

    assert response["Location"] == reverse("applications:detail", args=[application.pk])
    assert Application.objects.count() == 1
