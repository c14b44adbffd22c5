"""The public pages: home, programme and call, in four languages, deadlines in the agency's zone."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from programmes.models import CallDocument, CallRule
from programmes.tests.factories import AgencyFactory, CallFactory, CostCategoryFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

MADRID = ZoneInfo("Europe/Madrid")
LISBON = ZoneInfo("Europe/Lisbon")

TRANSLATED_HEADING = {
    "en": "Open calls for SME internationalisation",
    "es": "Convocatorias abiertas para la internacionalización de pymes",
    "it": "Bandi aperti per l'internazionalizzazione delle PMI",
    "pt": "Avisos abertos para a internacionalização das PME",
}


def open_calls(count):
    """`count` programmes of different agencies, each with an open call and two cost categories."""
    calls = []
    for _ in range(count):
        call = CallFactory(programme=ProgrammeFactory(agency=AgencyFactory()))
        CostCategoryFactory.create_batch(2, programme=call.programme)
        calls.append(call)
    return calls


def test_the_root_sends_visitors_to_their_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="it-IT,it;q=0.9")

    assert response.status_code == 302
    assert response["Location"] == "/it/"


@pytest.mark.parametrize("language", ["en", "es", "it", "pt"])
def test_the_home_page_speaks_each_language(client, language):
    call = open_calls(1)[0]

    response = client.get(f"/{language}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    assert TRANSLATED_HEADING[language] in html
    assert call.title in html


def test_the_home_page_groups_open_calls_by_programme_and_leaves_out_closed_ones(client):
    programme = ProgrammeFactory(name="PIMEX")
    CallFactory(programme=programme, title="PIMEX open call")
    now = timezone.now()
    CallFactory(
        programme=programme,
        title="PIMEX last year",
        opens_at=now - timedelta(days=400),
        closes_at=now - timedelta(days=35),
    )
    CallFactory(programme=programme, title="PIMEX unpublished", is_published=False)
    CallFactory(title="Other programme call")

    html = client.get("/en/").content.decode()

    assert "PIMEX open call" in html
    assert "Other programme call" in html
    assert "PIMEX last year" not in html
    assert "PIMEX unpublished" not in html


def test_a_programme_without_an_open_call_is_listed_apart(client):
    now = timezone.now()
    CallFactory(
        programme=ProgrammeFactory(name="Collective Actions"),
        opens_at=now + timedelta(days=10),
        closes_at=now + timedelta(days=40),
    )

    html = client.get("/en/").content.decode()

    assert "There is no open call at the moment." in html
    assert "Programmes with no open call" in html
    assert "Collective Actions" in html


@pytest.mark.parametrize("language", ["en", "es", "it", "pt"])
def test_the_home_page_takes_the_same_queries_for_one_or_many_calls(client, django_assert_num_queries, language):
    open_calls(1)
    with django_assert_num_queries(2):
        client.get(f"/{language}/")

    open_calls(6)
    with django_assert_num_queries(2):
        response = client.get(f"/{language}/")
    assert response.content.decode().count('class="card call-card') == 7


@pytest.mark.parametrize("language", ["en", "es", "it", "pt"])
def test_the_programme_page_takes_the_same_queries_for_one_or_many_calls(client, django_assert_num_queries, language):
    programme = ProgrammeFactory()
    CallFactory(programme=programme)
    CostCategoryFactory(programme=programme)
    # The programme and agency, cost categories, calls, and the rules of all the calls.
    with django_assert_num_queries(4):
        client.get(f"/{language}/programmes/{programme.slug}/")

    CallFactory.create_batch(5, programme=programme)
    CostCategoryFactory.create_batch(5, programme=programme)
    with django_assert_num_queries(4):
        response = client.get(f"/{language}/programmes/{programme.slug}/")
    assert response.status_code == 200


@pytest.mark.parametrize("language", ["en", "es", "it", "pt"])
def test_the_call_page_takes_the_same_queries_for_few_or_many_cost_categories(
    client, django_assert_num_queries, language
):
    call = CallFactory()
    CostCategoryFactory(programme=call.programme)
    url = f"/{language}/programmes/{call.programme.slug}/calls/{call.slug}/"
    # The call, its cost categories, its rules and the documents it asks for.
    with django_assert_num_queries(4):
        client.get(url)

    CostCategoryFactory.create_batch(8, programme=call.programme)
    for position in range(6):
        CallRule.objects.create(call=call, position=position, code="sme_only")
        CallDocument.objects.create(call=call, position=position, kind="quote", required=position % 2 == 0)
    with django_assert_num_queries(4):
        response = client.get(url)
    assert response.status_code == 200


def test_the_call_page_lists_the_documents_to_attach(client):
    call = CallFactory()
    CallDocument.objects.create(call=call, kind="statutes", name_en="Signed statutes", formats="pdf", max_size_mb=4)
    CallDocument.objects.create(call=call, kind="quote", required=False, formats="pdf, xlsx")

    html = client.get(f"/en/programmes/{call.programme.slug}/calls/{call.slug}/").content.decode()

    assert "Signed statutes (required; PDF, up to 4 MB)" in html
    assert "Quote or pro-forma invoice (optional; PDF, XLSX, up to 10 MB)" in html


def test_the_programme_page_explains_who_can_apply_and_the_funding(client):
    programme = ProgrammeFactory(
        who_can_apply="Consortia of at least three companies based in Extremadura.",
        funding_rules="Up to 8,000 EUR for consortia in initiation.",
    )
    CostCategoryFactory(programme=programme, name="Commercial trips")

    html = client.get(f"/en/programmes/{programme.slug}/").content.decode()

    assert "Consortia of at least three companies based in Extremadura." in html
    assert "Up to 8,000 EUR for consortia in initiation." in html
    assert "Commercial trips" in html


def test_amounts_follow_the_language_number_format(client):
    call = CallFactory(budget=Decimal("2000000.00"))

    english = client.get(f"/en/programmes/{call.programme.slug}/calls/{call.slug}/").content.decode()
    spanish = client.get(f"/es/programmes/{call.programme.slug}/calls/{call.slug}/").content.decode()

    assert "2,000,000.00\xa0€" in english
    assert "2.000.000,00\xa0€" in spanish


def test_an_unpublished_call_is_not_found(client):
    call = CallFactory(is_published=False)

    response = client.get(f"/en/programmes/{call.programme.slug}/calls/{call.slug}/")

    assert response.status_code == 404


def test_a_call_is_found_only_under_its_own_programme(client):
    call = CallFactory()
    other = ProgrammeFactory()

    response = client.get(f"/en/programmes/{other.slug}/calls/{call.slug}/")

    assert response.status_code == 404


def test_an_inactive_programme_is_not_found(client):
    programme = ProgrammeFactory(is_active=False)

    assert client.get(f"/en/programmes/{programme.slug}/").status_code == 404


def test_a_closed_call_page_says_it_is_closed(client):
    now = timezone.now()
    call = CallFactory(opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=1))

    html = client.get(f"/en/programmes/{call.programme.slug}/calls/{call.slug}/").content.decode()

    assert "Closed on" in html
    assert "left" not in html.split("Closed on")[1].split("</span>")[0]


# --- deadlines in the agency's time zone -------------------------------------------------


@time_machine.travel(datetime(2026, 10, 20, 10, 0, tzinfo=MADRID), tick=False)
def test_a_deadline_after_the_autumn_clock_change_is_shown_in_winter_time(client):
    # Written while Madrid is on summer time (CEST, UTC+2); the call closes after
    # the clocks go back on 25 October, so 23:59 is CET (UTC+1), i.e. 22:59 UTC.
    agency = AgencyFactory(timezone="Europe/Madrid")
    call = CallFactory(
        programme=ProgrammeFactory(agency=agency),
        opens_at=datetime(2026, 1, 1, 0, 0, tzinfo=MADRID),
        closes_at=datetime(2026, 10, 31, 23, 59, tzinfo=MADRID),
    )
    assert call.closes_at.astimezone(ZoneInfo("UTC")).hour == 22

    html = client.get(f"/en/programmes/{call.programme.slug}/calls/{call.slug}/").content.decode()

    assert "Oct. 31, 2026, 11:59 p.m. (Europe/Madrid)" in html
    assert 'datetime="2026-10-31T23:59:00+01:00"' in html
    assert "1\xa0week, 4\xa0days left" in html


@time_machine.travel(datetime(2027, 3, 20, 12, 0, tzinfo=LISBON), tick=False)
def test_a_deadline_after_the_spring_clock_change_is_shown_in_summer_time(client):
    agency = AgencyFactory(country="PT", region="PT18", timezone="Europe/Lisbon")
    call = CallFactory(
        programme=ProgrammeFactory(agency=agency),
        opens_at=datetime(2027, 3, 1, 9, 0, tzinfo=LISBON),
        closes_at=datetime(2027, 3, 31, 18, 0, tzinfo=LISBON),
    )

    html = client.get("/pt/").content.decode()

    assert call.title in html
    assert "31 de março de 2027 às 18:00" in html
    assert "18:00 (Europe/Lisbon)" in html
    assert 'datetime="2027-03-31T18:00:00+01:00"' in html


@time_machine.travel(datetime(2026, 12, 31, 22, 0, tzinfo=MADRID), tick=False)
def test_the_last_hours_before_a_deadline_are_highlighted(client):
    call = CallFactory(
        opens_at=datetime(2026, 1, 1, tzinfo=MADRID), closes_at=datetime(2026, 12, 31, 23, 59, 59, tzinfo=MADRID)
    )

    html = client.get(f"/en/programmes/{call.programme.slug}/calls/{call.slug}/").content.decode()

    assert "deadline text-danger" in html
    assert "1\xa0hour, 59\xa0minutes left" in html


def test_the_language_switcher_keeps_the_page(client):
    programme = ProgrammeFactory()

    response = client.post("/i18n/setlang/", {"language": "pt", "next": f"/en/programmes/{programme.slug}/"})

    assert response.status_code == 302
    assert response["Location"] == f"/pt/programmes/{programme.slug}/"


def test_the_call_page_lists_its_rules_in_plain_words(client):
    call = CallFactory()
    CallRule.objects.create(call=call, position=1, code="min_members", number=3, choices="ES43")
    CallRule.objects.create(call=call, position=2, code="funding_rate", rate=Decimal("40"))
    CallRule.objects.create(call=call, position=3, code="grant_range", amount=Decimal("30000"), limit=Decimal("150000"))

    html = client.get(f"/en/programmes/{call.programme.slug}/calls/{call.slug}/").content.decode()

    assert "At least 3 active members with their registered office in Extremadura (ES43)." in html
    assert "The grant covers 40% of the eligible costs." in html
    assert "A grant from 30,000.00 to 150,000.00 EUR." in html
