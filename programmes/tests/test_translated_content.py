"""Agency content in four languages: what a reader gets, and how the agency edits it (portal.translated)."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from applications.models import Application
from applications.reports.operations import operation_rows, operations_queryset
from applications.tests.factories import ApplicationFactory
from applications.tests.test_access_matrix import form_data
from applications.tests.test_views import draft, fill
from portal.models import Notification
from portal.translated import Texts
from programmes.models import Programme
from programmes.selectors import programmes_with_open_calls
from programmes.tests.factories import AgencyFactory, CallFactory, CostCategoryFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def emilia():
    """An Italian agency: it writes in Italian, and in English for some texts."""
    return AgencyFactory(
        name="Regione Emilia-Romagna", country="IT", region="ITH5", timezone="Europe/Rome", language="it"
    )


def italian_call(agency, **texts):
    programme = ProgrammeFactory(agency=agency, name_en="Consortia promotion", name_it="Promozione dei consorzi")
    return CallFactory(programme=programme, **texts)


def read(obj, name, language):
    with translation.override(language):
        return getattr(obj, name)


def test_a_reader_gets_their_language_then_the_agencys_then_english(emilia):
    call = italian_call(emilia, title_en="Promotion projects 2026", title_it="Progetti promozionali 2026")

    assert read(call, "title", "it") == "Progetti promozionali 2026"
    assert read(call, "title", "en") == "Promotion projects 2026"
    # Not translated into Portuguese or Spanish: the agency's own language comes before English.
    assert read(call, "title", "pt") == "Progetti promozionali 2026"
    assert read(call, "title", "es") == "Progetti promozionali 2026"

    call.title_pt = "Projetos promocionais 2026"
    assert read(call, "title", "pt") == "Projetos promocionais 2026"

    # Written in English only: every reader gets the English rather than nothing.
    english_only = italian_call(emilia, title_en="Seed funding 2026")
    assert read(english_only, "title", "pt") == "Seed funding 2026"


def test_setting_a_text_writes_the_active_language_only(emilia):
    call = italian_call(emilia, title_en="Promotion projects 2026")
    with translation.override("pt"):
        call.title = "Projetos promocionais 2026"
    assert (call.title_en, call.title_pt) == ("Promotion projects 2026", "Projetos promocionais 2026")


def test_a_text_is_required_in_the_agencys_language_or_in_english(emilia):
    programme = Programme(
        agency=emilia, kind="cofinancing", applicant_type="consortium", slug="nameless", name_pt="Só em português"
    )
    with pytest.raises(Exception) as refused:
        programme.full_clean()
    assert "name_it" in refused.value.message_dict
    assert "agency's language or in English" in refused.value.message_dict["name_it"][0]

    programme.name_it = "Promozione"
    programme.summary_en = "Grants for promotion projects."
    programme.full_clean()


def test_the_public_call_page_speaks_the_readers_language(client, emilia):
    call = italian_call(
        emilia,
        title_en="Promotion projects 2026",
        title_it="Progetti promozionali 2026",
        title_pt="Projetos promocionais 2026",
        description_en="Open all year.",
        description_it="Aperto tutto l'anno.",
    )
    url = call.get_absolute_url()

    assert "Projetos promocionais 2026" in client.get(url.replace("/en/", "/pt/")).text
    italian = client.get(url.replace("/en/", "/it/")).text
    assert "Progetti promozionali 2026" in italian and "Aperto tutto l" in italian
    spanish = client.get(url.replace("/en/", "/es/")).text
    # No Spanish: the agency's Italian, not the English.
    assert "Progetti promozionali 2026" in spanish and "Promozione dei consorzi" in spanish


def test_the_admin_edits_the_four_languages_side_by_side(superuser_client, emilia):
    call = italian_call(emilia, title_en="Promotion projects 2026", title_it="Progetti promozionali 2026")
    url = reverse("admin:programmes_call_change", args=[call.pk])

    html = superuser_client.get(url).text
    # One line of the form holds the four titles, each labelled with its language.
    assert re.search(r'class="form-row[^"]*field-title_en field-title_es field-title_it field-title_pt', html)
    for code in ("en", "es", "it", "pt"):
        assert f'name="title_{code}"' in html
        assert f"Title [{code}]" in html

    data = form_data(html, url)
    data["title_pt"] = ["Projetos promocionais 2026"]
    response = superuser_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    call.refresh_from_db()
    assert (call.title_it, call.title_pt) == ("Progetti promozionali 2026", "Projetos promocionais 2026")


def test_the_operations_list_names_the_programme_in_the_readers_language(emilia):
    call = italian_call(emilia, title_en="Promotion projects 2026")
    ApplicationFactory(
        call=call,
        status=Application.Status.APPROVED,
        reference="PRJ-2026-0001",
        submitted_at=timezone.now(),
        granted_amount=Decimal("1000.00"),
    )
    with translation.override("es"):
        rows = list(operation_rows(operations_queryset(agency_id=emilia.pk)))
    assert rows and "Promozione dei consorzi" in rows[0]
    with translation.override("en"):
        rows = list(operation_rows(operations_queryset(agency_id=emilia.pk)))
    assert "Consortia promotion" in rows[0]


def test_figures_kept_for_every_language_are_named_when_drawn(emilia):
    category = CostCategoryFactory(
        programme=ProgrammeFactory(agency=emilia), name_en="Trade fairs", name_it="Fiere", name_pt="Feiras"
    )
    kept = Texts.of(category, "name")
    for language, expected in (("pt", "Feiras"), ("it", "Fiere"), ("es", "Fiere"), ("en", "Trade fairs")):
        with translation.override(language):
            assert str(kept) == expected
    buffer = io.StringIO()
    with translation.override("pt"):
        csv.writer(buffer).writerow([kept])
    assert buffer.getvalue().strip() == "Feiras"


def test_a_submission_in_portuguese_keeps_the_agencys_texts_in_portuguese(
    client, applicant, django_capture_on_commit_callbacks
):
    applicant.language = "pt"
    applicant.save()
    client.force_login(applicant)
    application = draft(client, applicant)
    fill(client, application)
    call = application.call
    call.title_pt = "PIMEX 2026 em português"
    call.save()
    category = call.programme.cost_categories.first()
    category.name_pt = "Ações de promoção"
    category.save()

    with translation.override("pt"), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("applications:submit", args=[application.pk]))

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.receipt_language == "pt"
    content = application.submitted_content
    assert content["call"]["title"] == "PIMEX 2026 em português"
    assert {line["category_name"] for line in content["budget_lines"]} == {"Ações de promoção"}
    # The e-mail the worker writes with the receipt quotes the call as the applicant reads it.
    (email,) = Notification.objects.filter(kind__contains="submi")
    assert "PIMEX 2026 em português" in email.subject + email.body_text


def test_content_written_only_in_the_agencys_language_sorts_by_its_own_text():
    spanish = AgencyFactory(name="Agencia", language="es")
    for name_en, name_es in [("Brokerage", ""), ("", "Acciones colectivas"), ("Coaching", ""), ("", "Ferias")]:
        ProgrammeFactory(agency=spanish, name_en=name_en, name_es=name_es)

    # The default order (the admin's lists, choices): the same for every reader, never blank first.
    assert [str(p.name) for p in Programme.objects.all()] == ["Acciones colectivas", "Brokerage", "Coaching", "Ferias"]
    # The public list: in the reader's language, with its fallback.
    with translation.override("en"):
        with_calls, without = programmes_with_open_calls()
        names = [str(p.name) for p in with_calls + without]
    assert names == ["Acciones colectivas", "Brokerage", "Coaching", "Ferias"]
