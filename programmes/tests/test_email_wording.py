"""The agency words its own e-mails: subject, opening and closing per kind and language, placeholders checked."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from applications.decisions import application_approve, application_reject, clarification_request
from applications.services import application_change_status
from applications.tests.factories import ApplicationFactory, BudgetLineFactory, reviews_complete
from applications.tests.test_views import draft, fill
from portal.models import Notification, User
from portal.roles import PROGRAMME_MANAGER
from programmes.models import EmailKind, EmailWording, ProgrammeSubscription
from programmes.models.emails import PLACEHOLDERS, TEMPLATES
from programmes.subscriptions import announce_open_calls
from programmes.tests.factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def wording(agency, kind, **texts):
    row = EmailWording(agency=agency, kind=kind, **texts)
    row.full_clean()
    row.save()
    return row


@pytest.mark.parametrize("kind", list(EmailKind))
def test_every_kind_of_email_places_the_agencys_subject_opening_and_closing(kind):
    """Enumerated: an e-mail kind added without the tags would not show the agency's wording."""
    root = Path(settings.BASE_DIR) / "templates"
    subject = (root / f"{TEMPLATES[kind]}_subject.txt").read_text()
    body = (root / f"{TEMPLATES[kind]}.txt").read_text()
    assert '{% agency_text "subject" as own %}{% if own %}{{ own }}{% else %}' in subject
    assert '{% agency_text "opening"' in body and '{% agency_text "closing"' in body
    assert PLACEHOLDERS[kind]


def test_the_submission_email_speaks_the_agencys_words_in_the_applicants_language(
    client, applicant, django_capture_on_commit_callbacks
):
    client.force_login(applicant)
    application = draft(client, applicant)
    fill(client, application)
    agency = application.call.programme.agency
    agency.language = "es"
    agency.save()
    wording(
        agency,
        EmailKind.SUBMITTED,
        subject_pt="Recebemos a candidatura {reference}",
        opening_pt="Caro candidato,",
        closing_es="Oficina de internacionalización – 924 00 00 00",
    )
    applicant.language = "pt"
    applicant.save()
    client.force_login(applicant)

    with translation.override("pt"), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("applications:submit", args=[application.pk]))

    application.refresh_from_db()
    (message,) = mail.outbox
    assert message.subject == f"Recebemos a candidatura {application.reference}"
    assert message.body.startswith("Caro candidato,\n\n")
    # The portal's facts stay, in Portuguese: the reference, the fingerprint.
    assert application.reference in message.body and application.content_hash in message.body
    # No Portuguese closing was written: the agency's own language's is used.
    assert message.body.rstrip().endswith("Oficina de internacionalización – 924 00 00 00")
    assert message.attachments[0][0] == f"receipt-{application.reference}.pdf"


def test_without_a_wording_the_portals_text_is_unchanged(applicant, company, staff, django_capture_on_commit_callbacks):
    application = ApplicationFactory(call=CallFactory(), consortium=None, organisation=company)
    application_change_status(application=application, to_status="submitted")
    application_change_status(application=application, to_status="under_review")

    with django_capture_on_commit_callbacks(execute=True):
        application_reject(application=application, by=staff, reason="The market is not new for the company.")

    (message,) = mail.outbox
    assert message.subject == f"{application.reference}: application not approved"
    assert message.body.startswith(f"Your application {application.reference} is not approved.")


def test_a_decision_uses_its_own_agencys_wording_only(
    staff, company, applicant, agency, other_agency, django_capture_on_commit_callbacks
):
    wording(agency, EmailKind.DECISION, opening_en="Dear applicant,", closing_en="Extremadura Avante, {programme}")
    wording(other_agency, EmailKind.DECISION, opening_en="SODERCAN writes:")
    wording(agency, EmailKind.SUBMITTED, opening_en="Not this one")
    call = CallFactory(programme=ProgrammeFactory(agency=agency, name="Export Consortiums"), budget=Decimal("9000"))
    application = ApplicationFactory(call=call, consortium=None, organisation=company)
    BudgetLineFactory(application=application, amount=Decimal("5000.00"))
    application_change_status(application=application, to_status="submitted")
    application_change_status(application=application, to_status="under_review")
    reviews_complete(application)

    with django_capture_on_commit_callbacks(execute=True):
        application_approve(application=application, by=staff, amount=Decimal("4000.00"))

    (message,) = mail.outbox
    assert message.body.startswith("Dear applicant,\n\nThe agency approved a grant of")
    assert message.body.rstrip().endswith("Extremadura Avante, Export Consortiums")
    assert "SODERCAN" not in message.body and "Not this one" not in message.body
    assert message.subject == f"{application.reference}: grant approved"


def test_a_call_opening_notice_fills_in_the_call_and_programme(agency, django_capture_on_commit_callbacks):
    lucia = User.objects.create_user("lucia@example.org", language="es")
    programme = ProgrammeFactory(agency=agency, name="PIMEX")
    ProgrammeSubscription.objects.create(user=lucia, programme=programme)
    CallFactory(programme=programme, title="PIMEX 2026", opens_at=timezone.now() - timedelta(hours=1))
    wording(agency, EmailKind.CALL_OPENED, subject_es="Ya puede pedir {call} ({agency})")

    with django_capture_on_commit_callbacks(execute=True):
        announce_open_calls()

    assert mail.outbox[0].subject == "Ya puede pedir PIMEX 2026 (Extremadura Avante)"


def test_the_html_part_shows_the_agencys_text_as_text(applicant, company, agency, staff):
    wording(agency, EmailKind.CLARIFICATION_REQUESTED, opening_en="<b>Hello</b> & welcome")
    application = ApplicationFactory(
        call=CallFactory(programme=ProgrammeFactory(agency=agency)), consortium=None, organisation=company
    )
    application_change_status(application=application, to_status="submitted")
    application_change_status(application=application, to_status="under_review")
    clarification_request(
        application=application, by=staff, message="Send the quote", due_on=timezone.localdate() + timedelta(days=9)
    )

    notification = Notification.objects.get(kind="clarification_requested")
    assert notification.body_text.startswith("<b>Hello</b> & welcome")
    assert "&lt;b&gt;Hello&lt;/b&gt; &amp; welcome" in notification.body_html
    assert "<b>Hello</b>" not in notification.body_html


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Received {refrence}", "Unknown placeholder {refrence}. This e-mail offers: {reference}, {title},"),
        ("Received {consortium}", "Unknown placeholder {consortium}."),
        ("Received {reference", "A brace that does not close a placeholder"),
        ("Received {application.call.programme.agency}", "A brace that does not close a placeholder"),
        ("Received {}", "Unknown placeholder {}."),
    ],
)
def test_a_wrong_placeholder_is_refused_next_to_its_field(agency, text, message):
    row = EmailWording(agency=agency, kind=EmailKind.SUBMITTED, subject_it=text)

    with pytest.raises(ValidationError) as refused:
        row.full_clean()

    assert list(refused.value.message_dict) == ["subject_it"]
    assert refused.value.message_dict["subject_it"][0].startswith(message)


def test_an_agency_words_an_email_once(agency):
    wording(agency, EmailKind.SUBMITTED, opening_en="Hello")

    with pytest.raises(ValidationError) as refused:
        wording(agency, EmailKind.SUBMITTED, opening_en="Hello again")

    assert "already has a wording of this e-mail" in str(refused.value)


def test_a_manager_words_an_email_in_the_admin_with_a_preview(client, manager, agency, other_agency, staff_of):
    client.force_login(manager)
    add = reverse("admin:programmes_emailwording_add")
    form = client.get(add).content.decode()
    assert f'<option value="{agency.pk}" selected>' in form and f'value="{other_agency.pk}"' not in form
    assert "{reference}" in form  # the placeholders each e-mail offers are listed

    data = {
        "agency": agency.pk,
        "kind": EmailKind.SUBMITTED,
        "subject_es": "Solicitud {referencia} recibida",
        "opening_es": "Estimada empresa:",
        **{f"{part}_{code}": "" for part in ("subject", "opening", "closing") for code in ("en", "it", "pt")},
        "closing_es": "",
    }
    refused = client.post(add, data)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Unknown placeholder {referencia}" in page and "Estimada empresa:" in page  # kept what was typed

    data["subject_es"] = "Solicitud {reference} recibida"
    assert client.post(add, data).status_code == 302
    row = EmailWording.objects.get()
    change = client.get(reverse("admin:programmes_emailwording_change", args=[row.pk])).content.decode()
    assert "Solicitud COF-2026-0042 recibida" in change  # the preview, with example values

    # Another agency's manager does not find it.
    client.force_login(staff_of(other_agency, role=PROGRAMME_MANAGER))
    assert client.get(reverse("admin:programmes_emailwording_change", args=[row.pk])).status_code == 302
    assert EmailWording.objects.get().subject_es == "Solicitud {reference} recibida"


def test_a_wording_changed_between_two_batches_is_read_afresh(agency, django_capture_on_commit_callbacks):
    programme = ProgrammeFactory(agency=agency, name="PIMEX")
    for email in ("ana@example.org", "rui@example.org"):
        ProgrammeSubscription.objects.create(user=User.objects.create_user(email), programme=programme)
    CallFactory(programme=programme, title="PIMEX 2026", opens_at=timezone.now() - timedelta(hours=1))
    row = wording(agency, EmailKind.CALL_OPENED, subject_en="Open: {call}")

    with django_capture_on_commit_callbacks(execute=True):
        announce_open_calls()  # one batch: two e-mails, the wording read once
    row.subject_en = "Apply now: {call}"
    row.save()
    CallFactory(programme=programme, title="PIMEX 2027", opens_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        announce_open_calls()

    assert sorted(message.subject for message in mail.outbox) == [
        "Apply now: PIMEX 2027",
        "Apply now: PIMEX 2027",
        "Open: PIMEX 2026",
        "Open: PIMEX 2026",
    ]
