"""Open data: the public list of operations (CPR Art. 49), its CSV and JSON, the open calls feed."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation

from applications.models import Answer, Application
from applications.opendata.selectors import KEYS, PAGE_SIZE
from applications.reports.operations import headers
from applications.tests.factories import ApplicationFactory
from consortia.models import Representation
from consortia.tests.factories import ConsortiumFactory, OrganisationFactory
from portal.models import User
from programmes.tests.factories import AgencyFactory, CallFactory, ProgrammeFactory, QuestionFactory

pytestmark = pytest.mark.django_db

MADRID = ZoneInfo("Europe/Madrid")
LISBON = ZoneInfo("Europe/Lisbon")
PAGE = "/en/open-data/operations/"
FEED = "/en/open-data/calls.json"

# 23:30 UTC on 1 March is already 2 March in Madrid (CET, UTC+1).
SUBMITTED_AT = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
# 23:30 UTC on 31 December is already 1 January in Madrid.
CLOSES_AT = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)


def operation(call, reference, status=Application.Status.APPROVED, **kwargs):
    kwargs.setdefault("consortium", ConsortiumFactory(lead=OrganisationFactory()))
    return ApplicationFactory(
        call=call,
        status=status,
        submitted_at=None if status == Application.Status.DRAFT else SUBMITTED_AT,
        reference=reference,
        eligible_costs=Decimal("12500.00"),
        granted_amount=Decimal("5000.00"),
        **kwargs,
    )


def company(region="ES43", **kwargs):
    return OrganisationFactory(region=region, **kwargs)


@pytest.fixture
def programme(agency):
    return ProgrammeFactory(
        agency=agency,
        name="Export Consortiums",
        fund="ERDF",
        specific_objective="RSO1.3",
        intervention_type="024",
        eu_cofinancing_rate=Decimal("80.00"),
    )


@pytest.fixture
def call(programme):
    return CallFactory(
        programme=programme, year=2026, opens_at=datetime(2026, 1, 15, 9, 0, tzinfo=MADRID), closes_at=CLOSES_AT
    )


def get_csv(client, query=""):
    response = client.get(PAGE + "?format=csv" + query)
    content = b"".join(response.streaming_content)
    return response, content


def csv_rows(content):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def get_json(client, query=""):
    response = client.get(PAGE + "?format=json" + query)
    content = b"".join(response.streaming_content)
    return response, json.loads(content)


def references(client, query=""):
    return {row["reference"] for row in get_json(client, query)[1]["operations"]}


# --- which operations ------------------------------------------------------------------------


def test_only_approved_and_closed_applications_are_published(client, call):
    for number, status in enumerate(Application.Status.values, start=1):
        operation(call, f"EXP-2026-{number:04d}", status=status, title=f"Project {status}")

    html = client.get(PAGE).content.decode()

    assert "Project approved" in html
    assert "Project closed" in html
    for status in ("draft", "submitted", "under_review", "clarification_requested", "reserve", "rejected", "withdrawn"):
        assert f"Project {status}" not in html
    assert {row["operation_name"] for row in get_json(client)[1]["operations"]} == {
        "Project approved",
        "Project closed",
    }


def test_the_columns_match_the_keys_of_the_json(client):
    assert len(KEYS) == len(headers())


def test_the_published_columns_stay_fixed_when_a_call_asks_a_public_question(client, call):
    # The list's columns are the regulation's, the same for every agency and programme: an answer,
    # even to a question marked public, is not one of them (applications.reports.operations).
    question = QuestionFactory(call=call, code="sector", kind="short_text", label="Sector", is_public=True)
    published = operation(call, "EXP-2026-0001")
    Answer.objects.create(application=published, question=question, text="Olive oil producers")

    _response, document = get_json(client)
    _response, content = get_csv(client)

    assert list(document["operations"][0]) == list(KEYS)
    assert csv_rows(content)[0] == [str(header) for header in headers()]
    assert "Olive oil producers" not in content.decode("utf-8-sig")


def test_a_consortium_row_carries_the_art49_values_with_dates_in_the_agency_zone(client, call):
    consortium = ConsortiumFactory(name="Extremadura Food Export", lead=company(region="ES13"))
    operation(call, "EXP-2026-0001", consortium=consortium, title="Fairs in Japan", summary="Two trade fairs.")

    response, document = get_json(client)

    assert response.status_code == 200
    assert document["operations"] == [
        {
            "reference": "EXP-2026-0001",
            "beneficiary": "Extremadura Food Export",
            "operation_name": "Fairs in Japan",
            "purpose": "Two trade fairs.",
            "start_date": "2026-03-02",
            "end_date": "2027-01-01",
            "total_cost": "12500.00",
            "grant": "5000.00",
            "fund": "ERDF",
            "specific_objective": "RSO1.3",
            "eu_cofinancing_rate": "80.00",
            "location_nuts2": "ES13",
            "intervention_type": "024",
            "programme": "Export Consortiums",
        }
    ]
    html = client.get(PAGE).content.decode()
    assert "Extremadura Food Export" in html
    assert 'datetime="2026-03-02"' in html
    assert 'datetime="2027-01-01"' in html
    assert "12,500.00" in html
    assert "5,000.00" in html
    assert 'title="Cantabria">ES13</abbr>' in html


def test_a_single_organisation_is_named_by_its_legal_name_and_located_in_its_region(client, call):
    pimex = company(region="ES42", legal_name="Quesos de la Serena S.L.")
    operation(call, "EXP-2026-0002", consortium=None, organisation=pimex)

    (row,) = get_json(client)[1]["operations"]

    assert row["beneficiary"] == "Quesos de la Serena S.L."
    assert row["location_nuts2"] == "ES42"


def test_a_consortium_without_lead_is_located_in_the_agency_region(client, call):
    operation(call, "EXP-2026-0003", consortium=ConsortiumFactory(lead=None))

    (row,) = get_json(client)[1]["operations"]

    assert row["location_nuts2"] == "ES43"


# --- filters ---------------------------------------------------------------------------------


@pytest.fixture
def three_operations(agency, programme, call):
    """A: ERDF, 2026, ES43. B: same agency, an ESF+ programme, 2025, ES13. C: a Portuguese agency."""
    operation(call, "A", consortium=None, organisation=company(region="ES43"))
    esf = ProgrammeFactory(agency=agency, name="PIMEX", fund="ESF+")
    operation(CallFactory(programme=esf, year=2025), "B", consortium=ConsortiumFactory(lead=company(region="ES13")))
    alentejo = AgencyFactory(name="AICEP Alentejo", country="PT", region="PT18", timezone="Europe/Lisbon")
    collective = ProgrammeFactory(agency=alentejo, name="Collective Actions", fund="ERDF")
    pt_company = company(region="PT18", country="PT")
    operation(CallFactory(programme=collective, year=2026), "C", consortium=None, organisation=pt_company)
    return {"esf": esf, "alentejo": alentejo}


@pytest.mark.parametrize(
    ("parameter", "value", "expected"),
    [
        ("agency", "first", {"A", "B"}),
        ("agency", "alentejo", {"C"}),
        ("programme", "esf", {"B"}),
        ("year", "2025", {"B"}),
        ("region", "PT18", {"C"}),
        ("region", "ES13", {"B"}),
        ("fund", "ERDF", {"A", "C"}),
    ],
)
def test_each_filter_narrows_the_list(client, agency, three_operations, parameter, value, expected):
    objects = {"first": agency, **three_operations}
    if value in objects:
        value = objects[value].pk
    query = f"&{parameter}={value}"
    assert references(client) == {"A", "B", "C"}

    assert references(client, query) == expected
    html = client.get(f"{PAGE}?{parameter}={value}").content.decode()
    shown = {reference for reference in "ABC" if f">{reference}</th>" in html}
    assert shown == expected


def test_a_link_filtered_by_a_fund_gives_the_same_operations_in_every_language(client, three_operations):
    esf = three_operations["esf"]
    esf.fund_es, esf.fund_pt = "FSE+", "FSE+"
    esf.save()

    spanish = client.get("/es/open-data/operations/").content.decode()
    assert '<option value="ESF+">FSE+</option>' in spanish  # the key the same, the name the reader's

    for language in ("en", "es", "pt"):
        html = client.get(f"/{language}/open-data/operations/?fund=ESF%2B").content.decode()
        assert {reference for reference in "ABC" if f">{reference}</th>" in html} == {"B"}, language


def test_the_filters_offer_only_values_found_in_the_data(client, three_operations):
    ProgrammeFactory(name="Programme without operations")

    html = client.get(PAGE).content.decode()

    assert '<option value="2025">2025</option>' in html
    assert '<option value="2026">2026</option>' in html
    assert '<option value="PT18">PT18 Alentejo</option>' in html
    assert '<option value="ESF+">ESF+</option>' in html
    assert '<optgroup label="AICEP Alentejo">' in html
    assert "Programme without operations" not in html


def test_a_bad_filter_value_is_explained_next_to_its_field_and_the_other_filters_still_apply(
    client, agency, three_operations
):
    response = client.get(f"{PAGE}?agency={agency.pk}&year=twenty")

    html = response.content.decode()
    assert response.status_code == 200
    assert "“twenty” is not one of the values in the list: choose one of them." in html
    assert 'id="id_year"' in html and 'aria-invalid="true"' in html
    assert f'<option value="{agency.pk}" selected>' in html
    assert ">A</th>" in html
    assert ">B</th>" in html
    assert ">C</th>" not in html
    # The downloads carry the valid filters only.
    assert f'href="/en/open-data/operations/?agency={agency.pk}&amp;format=csv"' in html


def test_a_filter_on_a_value_without_operations_is_refused_not_a_server_error(client, three_operations):
    response = client.get(f"{PAGE}?year=1999&agency=999999&programme=x&region=ZZ99&fund=%3D1")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('aria-invalid="true"') == 5
    # Every filter was refused, so the whole list is shown.
    assert all(f">{reference}</th>" in html for reference in "ABC")


def test_a_download_with_a_bad_filter_says_what_is_wrong(client, three_operations):
    response = client.get(f"{PAGE}?format=json&year=twenty")

    assert response.status_code == 400
    assert response.json()["errors"]["year"][0]["code"] == "invalid_choice"
    csv_response = client.get(f"{PAGE}?format=csv&year=twenty")
    assert csv_response.status_code == 400
    assert "“twenty” is not one of the values in the list" in csv_response.content.decode()


def test_an_unknown_format_is_refused(client, call):
    response = client.get(f"{PAGE}?format=xml")

    assert response.status_code == 400
    assert "“xml” is not a download format: choose CSV or JSON." in response.content.decode()


# --- pages -----------------------------------------------------------------------------------


def test_the_list_is_paginated_in_the_order_of_the_downloads(client, call):
    for number in range(PAGE_SIZE + 3):
        operation(call, f"EXP-2026-{number:04d}")

    first = client.get(PAGE).content.decode()
    second = client.get(f"{PAGE}?page=2").content.decode()

    assert f"{PAGE_SIZE + 3} operations" in first
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert "EXP-2026-0049" in first and "EXP-2026-0050" not in first
    assert {"EXP-2026-0050", "EXP-2026-0051", "EXP-2026-0052"} <= {
        reference for reference in references(client) if reference in second
    }
    assert "EXP-2026-0049" not in second
    assert client.get(f"{PAGE}?page=abc").status_code == 200
    assert "Page 2 of 2" in client.get(f"{PAGE}?page=999").content.decode()


def test_the_page_says_what_the_list_is_and_when_the_data_was_read(client, call):
    with time_machine.travel(datetime(2026, 7, 1, 10, 0, tzinfo=UTC), tick=False):
        html = client.get(PAGE).content.decode()

    assert "Regulation (EU) 2021/1060 (Article 49)" in html
    assert "updated at least every four months" in html
    assert "Updated continuously; data as of July 1, 2026, 10 a.m. UTC." in html


def test_the_data_date_is_in_the_zone_of_the_agency_filtered_on(client, agency, call):
    operation(call, "EXP-2026-0001")

    with time_machine.travel(datetime(2026, 7, 1, 10, 0, tzinfo=UTC), tick=False):
        html = client.get(f"{PAGE}?agency={agency.pk}").content.decode()

    assert "data as of July 1, 2026, noon CEST." in html


def test_the_page_links_both_downloads_with_the_current_filters(client, agency, call):
    operation(call, "EXP-2026-0001")

    html = client.get(f"{PAGE}?agency={agency.pk}&year=2026&page=1").content.decode()

    assert f'href="/en/open-data/operations/?agency={agency.pk}&amp;year=2026&amp;format=csv"' in html
    assert f'href="/en/open-data/operations/?agency={agency.pk}&amp;year=2026&amp;format=json"' in html
    assert 'href="/en/open-data/calls.json"' in html


def test_the_navigation_links_to_the_open_data(client):
    assert 'href="/en/open-data/operations/"' in client.get("/en/").content.decode()


# --- downloads -------------------------------------------------------------------------------


@time_machine.travel(datetime(2026, 7, 1, 10, 0, tzinfo=UTC), tick=False)
def test_the_csv_is_utf8_with_bom_an_attachment_and_neutralised(client, call):
    consortium = ConsortiumFactory(name="Consorcio Exportador Jamón Ibérico", lead=company())
    operation(call, "EXP-2026-0001", consortium=consortium, title='=HYPERLINK("http://x","click")', summary="@SUM(A1)")

    response, content = get_csv(client)

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="operations-2026-07-01.csv"'
    assert content.startswith(b"\xef\xbb\xbf")
    rows = csv_rows(content)
    assert rows[0] == headers()
    assert rows[1] == [
        "EXP-2026-0001",
        "Consorcio Exportador Jamón Ibérico",
        '\'=HYPERLINK("http://x","click")',
        "'@SUM(A1)",
        "2026-03-02",
        "2027-01-01",
        "12500.00",
        "5000.00",
        "ERDF",
        "RSO1.3",
        "80.00",
        "ES43",
        "024",
        "Export Consortiums",
    ]
    assert len(rows) == 2


def test_the_csv_holds_the_filtered_list(client, agency, three_operations):
    _, content = get_csv(client, "&year=2025")

    assert [row[0] for row in csv_rows(content)[1:]] == ["B"]


@time_machine.travel(datetime(2026, 7, 1, 10, 0, tzinfo=UTC), tick=False)
def test_the_json_is_valid_with_metadata_and_decimal_strings(client, agency, call):
    operation(call, "EXP-2026-0001", title='=cmd|" /C calc"!A0')
    operation(call, "EXP-2026-0002", consortium=None, organisation=company(), status=Application.Status.CLOSED)

    response, document = get_json(client, f"&agency={agency.pk}")

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="operations-2026-07-01.json"'
    assert datetime.fromisoformat(document["generated_at"]) == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert document["count"] == 2 == len(document["operations"])
    assert document["filters"] == {
        "agency": agency.pk,
        "programme": None,
        "year": None,
        "region": None,
        "fund": None,
    }
    assert "2021/1060" in document["legal_basis"]
    for row in document["operations"]:
        assert set(row) == set(KEYS)
        assert Decimal(row["total_cost"]) == Decimal("12500.00")
        assert row["grant"] == "5000.00"
    # JSON is not a spreadsheet: the text is published as typed.
    assert document["operations"][0]["operation_name"] == '=cmd|" /C calc"!A0'


def test_the_json_of_an_empty_list_is_valid(client):
    response, document = get_json(client)

    assert response.status_code == 200
    assert document["operations"] == [] and document["count"] == 0


# --- the feed of open calls ------------------------------------------------------------------


@time_machine.travel(datetime(2026, 7, 1, 10, 0, tzinfo=UTC), tick=False)
def test_the_feed_lists_the_published_calls_open_now_with_their_zone_offsets(client):
    madrid = AgencyFactory(name="Extremadura Avante", region="ES43", timezone="Europe/Madrid")
    lisbon = AgencyFactory(name="AICEP", country="PT", region="PT18", timezone="Europe/Lisbon")
    exports = ProgrammeFactory(agency=madrid, name="Export Consortiums", slug="export-consortiums")
    collective = ProgrammeFactory(
        agency=lisbon, name="Collective Actions", kind="collective_actions", applicant_type="non_profit"
    )
    CallFactory(
        programme=exports,
        title="Export Consortiums 2026",
        slug="2026",
        year=2026,
        budget=Decimal("58000.00"),
        opens_at=datetime(2026, 1, 15, 9, 0, tzinfo=MADRID),
        # After the clocks go back: winter time, UTC+1.
        closes_at=datetime(2026, 12, 31, 14, 0, tzinfo=MADRID),
    )
    CallFactory(
        programme=collective,
        title="Alentejo wine abroad",
        budget=Decimal("3000000.00"),
        opens_at=datetime(2026, 6, 1, 9, 0, tzinfo=LISBON),
        closes_at=datetime(2026, 7, 31, 18, 0, tzinfo=LISBON),
    )
    now = timezone.now()
    CallFactory(programme=exports, title="Closed call", opens_at=now - timedelta(days=90), closes_at=now)
    CallFactory(
        programme=exports,
        title="Future call",
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=30),
    )
    CallFactory(programme=exports, title="Unpublished call", is_published=False)
    CallFactory(programme=ProgrammeFactory(is_active=False), title="Call of an inactive programme")

    response = client.get(FEED)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = response.json()
    assert datetime.fromisoformat(document["generated_at"]) == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert document["count"] == 2
    alentejo, extremadura = document["calls"]  # by deadline
    assert extremadura == {
        "agency": {"name": "Extremadura Avante", "region": "ES43"},
        "programme": {"name": "Export Consortiums", "kind": "export_consortia", "applicant_type": "consortium"},
        "title": "Export Consortiums 2026",
        "url": "http://testserver/en/programmes/export-consortiums/calls/2026/",
        "opens_at": "2026-01-15T09:00:00+01:00",
        "closes_at": "2026-12-31T14:00:00+01:00",
        "time_zone": "Europe/Madrid",
        "budget": "58000.00",
        "year": 2026,
    }
    assert alentejo["title"] == "Alentejo wine abroad"
    assert alentejo["programme"]["kind"] == "collective_actions"
    assert alentejo["opens_at"] == "2026-06-01T09:00:00+01:00"
    assert alentejo["closes_at"] == "2026-07-31T18:00:00+01:00"
    assert alentejo["budget"] == "3000000.00"


@time_machine.travel(datetime(2026, 4, 1, 10, 0, tzinfo=UTC), tick=False)
def test_a_summer_deadline_in_madrid_has_the_summer_offset(client):
    CallFactory(
        opens_at=datetime(2026, 3, 1, 9, 0, tzinfo=MADRID),
        closes_at=datetime(2026, 6, 30, 14, 0, tzinfo=MADRID),
    )

    (call,) = client.get(FEED).json()["calls"]

    assert call["opens_at"] == "2026-03-01T09:00:00+01:00"
    assert call["closes_at"] == "2026-06-30T14:00:00+02:00"


# --- query counts ----------------------------------------------------------------------------


def many_operations(count):
    """`count` operations across new agencies and programmes (more filter choices too)."""
    for number in range(count):
        if number % 5 == 0:
            call = CallFactory(programme=ProgrammeFactory(agency=AgencyFactory(), fund="ERDF"), year=2026)
        lead = company() if number % 2 else None
        operation(call, f"EXP-2026-{number:04d}", consortium=ConsortiumFactory(lead=lead))


@pytest.mark.parametrize(("query", "queries"), [("", 3), ("?year=2026&region=ES43&fund=ERDF", 3)])
def test_the_page_takes_the_same_queries_for_few_or_many_operations(client, django_assert_num_queries, query, queries):
    # The filter choices, the count, the rows of the page.
    many_operations(6)
    with django_assert_num_queries(queries):
        client.get(PAGE + query)

    many_operations(60)
    with django_assert_num_queries(queries):
        response = client.get(PAGE + query)
    assert "66 operations" in response.content.decode()


@pytest.mark.parametrize("format", ["csv", "json"])
def test_the_downloads_take_the_same_queries_for_few_or_many_operations(client, django_assert_num_queries, format):
    # The filter choices (to check the filters) and the rows, streamed.
    many_operations(5)
    with django_assert_num_queries(2):
        b"".join(client.get(f"{PAGE}?format={format}&year=2026").streaming_content)

    many_operations(50)
    with django_assert_num_queries(2):
        content = b"".join(client.get(f"{PAGE}?format={format}&year=2026").streaming_content)
    if format == "json":
        assert json.loads(content)["count"] == 55
    else:
        assert len(csv_rows(content)) == 56


def test_the_feed_takes_one_query_for_few_or_many_calls(client, django_assert_num_queries):
    CallFactory()
    with django_assert_num_queries(1):
        client.get(FEED)

    for _ in range(10):
        CallFactory(programme=ProgrammeFactory(agency=AgencyFactory()))
    with django_assert_num_queries(1):
        response = client.get(FEED)
    assert response.json()["count"] == 11


# --- no personal data ------------------------------------------------------------------------


def test_no_personal_data_of_natural_persons_is_published(client, agency, call):
    representative = User.objects.create_user(
        "ramona.quintanilla@example.org", password="a-long-password-1", full_name="Ramona Quintanilla Zubizarreta"
    )
    creator = User.objects.create_user(
        "telmo.arrizabalaga@example.net", password="a-long-password-1", full_name="Telmo Arrizabalaga Oyarzun"
    )
    lead = company(legal_name="Conservas del Tajo S.A.", email="ramona.quintanilla@example.org")
    Representation.objects.create(user=representative, organisation=lead, status=Representation.Status.ACTIVE)
    pimex = company(legal_name="Aceites de Barros S.L.", email="telmo.arrizabalaga@example.net")
    Representation.objects.create(user=creator, organisation=pimex, status=Representation.Status.ACTIVE)
    operation(call, "EXP-2026-0001", consortium=ConsortiumFactory(lead=lead), created_by=representative)
    operation(call, "EXP-2026-0002", consortium=None, organisation=pimex, created_by=creator)
    CallFactory(programme=call.programme, title="An open call")

    documents = {
        "page": client.get(PAGE).content.decode(),
        "csv": get_csv(client)[1].decode("utf-8-sig"),
        "json": json.dumps(get_json(client)[1], ensure_ascii=False),
        "feed": client.get(FEED).content.decode(),
    }

    assert "Conservas del Tajo S.A." not in documents["page"]  # a consortium is named, not its lead
    assert "Aceites de Barros S.L." in documents["json"]
    for name, text in documents.items():
        for personal in ("Ramona", "Quintanilla", "ramona.quintanilla", "Telmo", "Arrizabalaga", "example.org"):
            assert personal not in text, (name, personal)
        assert lead.tax_id not in text and pimex.tax_id not in text, name


# --- languages -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["es", "it", "pt"])
def test_the_open_data_speaks_other_languages(client, call, language):
    operation(call, "EXP-2026-0001")

    page = client.get(f"/{language}/open-data/operations/")
    feed = client.get(f"/{language}/open-data/calls.json").json()

    assert page.status_code == 200
    assert f'<html lang="{language}">' in page.content.decode()
    assert "EXP-2026-0001" in page.content.decode()
    assert feed["calls"][0]["url"].startswith(f"http://testserver/{language}/programmes/")
    download = client.get(f"/{language}/open-data/operations/?format=json")
    assert json.loads(b"".join(download.streaming_content))["count"] == 1


def test_the_spanish_csv_has_spanish_headers_and_the_same_json_keys(client, call):
    operation(call, "EXP-2026-0001")

    content = b"".join(client.get("/es/open-data/operations/?format=csv").streaming_content)
    document = json.loads(b"".join(client.get("/es/open-data/operations/?format=json").streaming_content))

    assert csv_rows(content)[0][:3] == ["Referencia", "Beneficiario", "Nombre de la operación"]
    assert set(document["operations"][0]) == set(KEYS)


def test_the_url_names_are_in_the_programmes_namespace():
    with translation.override("en"):
        assert reverse("programmes:open_operations") == PAGE
        assert reverse("programmes:open_calls_feed") == FEED
