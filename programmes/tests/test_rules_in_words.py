"""The public pages describe a call's rules from the rules themselves, and label the agency's configuration."""

import re
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from programmes.models import CallRule
from programmes.rules import rule_for
from programmes.tests.factories import CallFactory, CostCategoryFactory, ProgrammeFactory
from programmes.tests.test_rules_admin import call_form

pytestmark = pytest.mark.django_db

SEED_MINIMUM = "Seed 000: “at least three companies with a registered office in Extremadura”."
NO_RATE = "The programme publishes no funding rate: 85% is the agency's choice."


def call_url(call, language="en"):
    return f"/{language}/programmes/{call.programme.slug}/calls/{call.slug}/"


def part(html, pattern):
    """The text of the first element the pattern opens (up to its closing tag), entities decoded."""
    match = re.search(pattern, html, re.S)
    assert match, pattern
    return unescape(match.group(1))


def labelled_rules(call):
    CallRule.objects.create(
        call=call, position=10, code="min_members", number=3, choices="ES43", basis="programme", note=SEED_MINIMUM
    )
    CallRule.objects.create(
        call=call, position=20, code="funding_rate", rate=Decimal("85"), basis="agency", note=NO_RATE
    )


def test_the_call_page_lists_a_programme_rule_among_the_rules_and_the_agency_rule_under_its_heading(client, call):
    labelled_rules(call)

    html = client.get(call_url(call)).content.decode()

    published = part(html, r'<ul class="rules programme-rules">(.*?)</ul>')
    configuration = part(html, r'<section class="agency-configuration">(.*?)</section>')
    assert "At least 3 active members with their registered office in Extremadura (ES43)." in published
    assert "85%" not in published
    assert "The agency's configuration" in configuration
    assert "The grant covers 85% of the eligible costs." in configuration
    assert NO_RATE in configuration
    assert "At least 3 active members" not in configuration


def test_rules_are_grouped_into_who_can_apply_and_how_much(client, call):
    labelled_rules(call)
    CallRule.objects.create(call=call, position=30, code="grant_cap", amount=Decimal("8000"), basis="programme")

    html = client.get(call_url(call)).content.decode()

    rules = part(html, r'<div class="call-rules">(.*)</div>')
    who, how_much = rules.split("How much", 1)[0], rules.split("How much", 1)[1]
    assert "Who can apply" in who and "At least 3 active members" in who
    assert "At most 8,000.00 EUR per application." in how_much


def test_a_call_without_agency_configuration_shows_no_configuration_heading(client, call):
    CallRule.objects.create(call=call, position=10, code="sme_only", basis="programme", note="Seed 000: SMEs.")

    html = client.get(call_url(call)).content.decode()

    assert "agency-configuration" not in html
    assert "Every member is a micro, small or medium-sized enterprise" in html


def test_on_the_spanish_page_the_rule_is_described_in_the_active_language(client, call):
    row = CallRule.objects.create(
        call=call, position=10, code="grant_range", amount=Decimal("30000"), limit=Decimal("150000"), note="Why."
    )
    with translation.override("es"):
        spanish = str(rule_for("grant_range").describe(row))

    html = client.get(call_url(call, "es")).content.decode()

    # The sentence is the rule's own describe() in Spanish, amounts in Spanish number format.
    assert "30.000,00" in spanish and "150.000,00" in spanish
    assert spanish in part(html, r'<section class="agency-configuration">(.*?)</section>')
    assert "30,000.00" not in html


def test_the_programme_page_describes_the_rules_of_each_open_call_only(client, programme):
    now = timezone.now()
    open_call = CallFactory(programme=programme, title="Open call")
    closed = CallFactory(
        programme=programme, title="Last year", opens_at=now - timedelta(days=400), closes_at=now - timedelta(days=40)
    )
    labelled_rules(open_call)
    CallRule.objects.create(call=closed, position=10, code="grant_cap", amount=Decimal("1234"), note="Old.")

    html = client.get(f"/en/programmes/{programme.slug}/").content.decode()

    assert "At least 3 active members with their registered office in Extremadura (ES43)." in html
    assert NO_RATE in part(html, r'<section class="agency-configuration">(.*?)</section>')
    assert "Last year" in html and "1,234.00" not in html


def calls_with_rules(programme, count):
    category = CostCategoryFactory(programme=programme, name="Staff")
    for _ in range(count):
        call = CallFactory(programme=programme)
        labelled_rules(call)
        # A cap names its cost category: fetched with the rules, not one query per rule.
        CallRule.objects.create(call=call, position=30, code="category_cap", category=category, rate=Decimal("30"))


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_programme_page_takes_the_same_queries_for_one_or_five_open_calls(
    client, django_assert_num_queries, language
):
    one, five = ProgrammeFactory(), ProgrammeFactory()
    calls_with_rules(one, 1)
    calls_with_rules(five, 5)

    # The programme with its agency, its cost categories, its calls, and the rules of every call.
    with django_assert_num_queries(4):
        first = client.get(f"/{language}/programmes/{one.slug}/").content.decode()
    with django_assert_num_queries(4):
        second = client.get(f"/{language}/programmes/{five.slug}/").content.decode()

    assert first.count('class="agency-configuration"') == 1
    assert second.count('class="agency-configuration"') == 5
    assert second.count("Staff: ") == 5


def test_the_call_page_takes_the_same_queries_with_labelled_rules(client, call, django_assert_num_queries):
    labelled_rules(call)
    category = CostCategoryFactory(programme=call.programme)
    for position in range(40, 46):
        CallRule.objects.create(call=call, position=position, code="category_cap", category=category, amount=Decimal(1))

    # The call, its cost categories, its rules and the documents it asks for.
    with django_assert_num_queries(4):
        response = client.get(call_url(call))

    assert response.content.decode().count(f"{category.name}: at most 1.00 EUR.") == 6


# --- the admin ------------------------------------------------------------------------------------


def test_the_rule_inline_shows_the_basis_and_the_note(superuser_client, call):
    CallRule.objects.create(call=call, position=10, code="funding_rate", rate=Decimal("85"), note=NO_RATE)

    html = superuser_client.get(reverse("admin:programmes_call_change", args=[call.pk])).content.decode()

    assert 'name="rules-0-basis"' in html
    assert '<option value="agency" selected>' in html
    assert "85% is the agency&#x27;s choice." in html


def test_a_manager_labels_a_rule_as_the_programme_s_with_the_words_it_follows(client, manager, call):
    client.force_login(manager)
    rule = CallRule.objects.create(call=call, position=10, code="funding_rate", rate=Decimal("40"))
    data = call_form(call, [])
    data.update(
        {
            "rules-TOTAL_FORMS": "1",
            "rules-INITIAL_FORMS": "1",
            "rules-0-id": str(rule.pk),
            "rules-0-call": str(call.pk),
            "rules-0-position": "10",
            "rules-0-code": "funding_rate",
            "rules-0-rate": "40",
            "rules-0-basis": "programme",
            "rules-0-note_en": "Seed 001: “Amount of co-financing: 40% of eligible costs”.",
        }
    )

    response = client.post(reverse("admin:programmes_call_change", args=[call.pk]), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    rule.refresh_from_db()
    assert (rule.basis, rule.note) == ("programme", "Seed 001: “Amount of co-financing: 40% of eligible costs”.")


def test_a_rule_written_without_saying_where_it_comes_from_is_refused_next_to_the_note(superuser_client, call):
    data = call_form(call, [{"position": "1", "code": "funding_rate", "rate": "85", "note_en": ""}])

    response = superuser_client.post(reverse("admin:programmes_call_change", args=[call.pk]), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Say where this rule comes from" in html
    assert 'value="85"' in html
    assert not call.rules.exists()


def test_an_unknown_basis_is_refused(superuser_client, call):
    data = call_form(call, [{"position": "1", "code": "sme_only", "basis": "regulation"}])

    response = superuser_client.post(reverse("admin:programmes_call_change", args=[call.pk]), data)

    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not call.rules.exists()
