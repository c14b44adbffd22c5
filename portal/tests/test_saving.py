"""A row read before another door changed it, saved afterwards, writes only what it changed itself.

Each test reads a row as a page would (an admin page opened), lets a real service change it (a
submission, an approval), then saves the page's copy with a change of its own.
"""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from applications.models import Application
from applications.services import application_submit
from applications.tests.test_views import draft, fill
from consortia.models import Organisation
from programmes.models import Call

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(client, applicant):
    client.force_login(applicant)
    return applicant


def test_a_copy_read_before_the_submission_keeps_the_submission_when_saved(client, applicant):
    application = draft(client, applicant)
    fill(client, application)
    copy = Application.objects.get(pk=application.pk)  # an admin page opened on the draft

    application_submit(application=application, by=applicant)
    copy.clarification_due_on = timezone.localdate() + timedelta(days=10)
    copy.save()

    stored = Application.objects.get(pk=application.pk)
    assert stored.status == "submitted" and stored.reference.endswith("-0001")
    assert stored.content_hash and stored.submitted_content["title"] == "Fruit in Germany"
    assert stored.clarification_due_on == copy.clarification_due_on  # the copy's own change is written
    # The copy and the history recorded from it hold the row as stored, not as the copy read it.
    assert copy.status == "submitted" and copy.reference == stored.reference
    latest = stored.history.order_by("-history_id").first()
    assert (latest.status, latest.clarification_due_on) == ("submitted", copy.clarification_due_on)


def test_a_call_saved_from_a_page_opened_before_submissions_does_not_take_back_their_references(
    client, applicant, company
):
    """The call's page, opened before two submissions and saved after them (the deadline moved), does
    not put the reference counter back: the next submission gets the next reference, not a 500."""
    first = draft(client, applicant)
    fill(client, first)
    page = Call.objects.get(pk=first.call_id)

    application_submit(application=first, by=applicant)
    page.closes_at += timedelta(days=2)
    page.save()

    second = draft(client, applicant, call=page)
    fill(client, second)
    second = application_submit(application=second, by=applicant)
    assert second.reference.endswith("-0002")
    call = Call.objects.get(pk=page.pk)
    assert call.last_reference_number == 2 and call.closes_at == page.closes_at


def test_a_change_made_before_a_field_not_read_is_loaded_is_still_written():
    """Reading a field left out of the read loads it then: the change made before is still written,
    and the field loaded, as another request changed it, is not written back."""
    organisation = Organisation.objects.create(
        kind="company", legal_name="Quesos de la Vera S.L.", country="ES", tax_id="B12345674", region="ES43"
    )
    partial = Organisation.objects.only("pk", "legal_name").get(pk=organisation.pk)
    partial.legal_name = "Quesos de la Vera S.A."
    Organisation.objects.filter(pk=organisation.pk).update(region="ES42", employees=12)
    assert partial.region == "ES42"  # loaded now

    partial.save()

    stored = Organisation.objects.get(pk=organisation.pk)
    assert (stored.legal_name, stored.region, stored.employees) == ("Quesos de la Vera S.A.", "ES42", 12)


def test_a_row_deleted_meanwhile_is_not_written_again(client, applicant):
    application = draft(client, applicant)
    copy = Application.objects.get(pk=application.pk)
    Application.objects.filter(pk=application.pk).delete()

    copy.title = "Back from the dead"
    with pytest.raises(Application.DoesNotExist), transaction.atomic():
        copy.save()
    assert not Application.objects.filter(pk=application.pk).exists()


def test_a_field_changed_but_not_written_is_written_by_the_next_save_and_one_changed_in_place_too(client, applicant):
    application = draft(client, applicant)
    copy = Application.objects.get(pk=application.pk)
    copy.title, copy.summary = "Cheese in Lyon", "Two fairs"
    copy.save(update_fields=["title"])
    Application.objects.filter(pk=application.pk).update(target_markets="FR")
    copy.declarations.append("pimex_commitment")  # a list changed in place

    copy.save()

    stored = Application.objects.get(pk=application.pk)
    assert (stored.title, stored.summary, stored.target_markets) == ("Cheese in Lyon", "Two fairs", "FR")
    assert stored.declarations == ["pimex_commitment"]


def test_the_benchmark_prints_the_cost_a_row_of_each_model_that_keeps_its_values(client, applicant):
    draft(client, applicant)
    out = StringIO()

    call_command("benchmark_saving", rows=10, runs=1, stdout=out)

    printed = out.getvalue()
    assert re.search(r"applications\.Application: 1 rows, [\d.]+ µs a row keeping the values read", printed)
    assert "programmes.Call: 1 rows" in printed
    # The models read as Django reads them again afterwards.
    assert "from_db" not in Application.__dict__
    assert Application.objects.get()._as_read
