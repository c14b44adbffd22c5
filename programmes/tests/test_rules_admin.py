"""Managers configure a call's rules inline in the admin; staff see the evaluation."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from programmes.models import CallRule
from programmes.tests.factories import CallFactory

pytestmark = pytest.mark.django_db


def call_form(call, rules, documents=()):
    local = timezone.localtime(call.opens_at)
    closes = timezone.localtime(call.closes_at)
    data = {
        "programme": call.programme_id,
        # The call's texts in the four languages side by side (portal.translated); English here.
        "title_en": call.title,
        "slug": call.slug,
        "reference_prefix": call.reference_prefix,
        "year": call.year,
        "description_en": "",
        "opens_at_0": local.strftime("%Y-%m-%d"),
        "opens_at_1": local.strftime("%H:%M:%S"),
        "closes_at_0": closes.strftime("%Y-%m-%d"),
        "closes_at_1": closes.strftime("%H:%M:%S"),
        "budget": str(call.budget),
        "is_published": "on",
        "reviews_required": "2",
        "divergence_threshold": "20",
        "rules-TOTAL_FORMS": str(len(rules)),
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
        # The documents the call asks for (programmes.CallDocument), none unless given.
        "documents-TOTAL_FORMS": str(len(documents)),
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "1000",
        # The review criteria inline, left empty.
        "criteria-TOTAL_FORMS": "0",
        "criteria-INITIAL_FORMS": "0",
        # The form sections and questions inlines, left empty.
        "sections-TOTAL_FORMS": "0",
        "sections-INITIAL_FORMS": "0",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for index, rule in enumerate(rules):
        # Every rule says where it comes from; these tests are about the parameters.
        rule = {"basis": "agency", "note_en": "The agency's choice.", **rule}
        for key, value in rule.items():
            data[f"rules-{index}-{key}"] = value
    for index, document in enumerate(documents):
        for key, value in document.items():
            data[f"documents-{index}-{key}"] = value
    return data


def test_a_manager_adds_rules_to_a_call(superuser_client):
    call = CallFactory()
    url = reverse("admin:programmes_call_change", args=[call.pk])

    response = superuser_client.post(
        url,
        call_form(
            call,
            [
                {"position": "1", "code": "funding_rate", "rate": "40"},
                {"position": "2", "code": "grant_range", "amount": "30000", "limit": "150000"},
            ],
        ),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(call.rules.values_list("code", "rate", "amount", "limit")) == [
        ("funding_rate", Decimal("40.00"), None, None),
        ("grant_range", None, Decimal("30000.00"), Decimal("150000.00")),
    ]


def test_bad_parameters_are_refused_next_to_the_field_and_the_rest_is_kept(superuser_client):
    call = CallFactory(title="PIMEX 2026")
    url = reverse("admin:programmes_call_change", args=[call.pk])

    response = superuser_client.post(
        url,
        call_form(
            call,
            [
                {"position": "1", "code": "funding_rate"},
                {"position": "2", "code": "member_regions", "choices": "ES43,XX99"},
                {"position": "3", "code": "per_company_cap", "amount": "2500"},
            ],
        ),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "The rule “Co-financing rate” needs this value." in html
    assert "Unknown values: XX99" in html
    assert 'value="2500"' in html
    assert 'value="PIMEX 2026"' in html
    assert not call.rules.exists()


def test_the_application_page_shows_the_rules_results_and_the_grant_explanation(superuser_client):
    call = CallFactory()
    CallRule.objects.create(call=call, position=1, code="funding_rate", rate=Decimal("40"))
    CallRule.objects.create(call=call, position=2, code="grant_range", amount=Decimal("30000"), limit=Decimal("150000"))
    application = ApplicationFactory(call=call)
    BudgetLineFactory(application=application, amount=Decimal("250000.00"))

    html = superuser_client.get(
        reverse("admin:applications_application_change", args=[application.pk])
    ).content.decode()

    assert "Eligibility and maximum grant" in html
    assert "40% of 250,000.00 = 100,000.00" in html
    assert "within 30,000.00–150,000.00" in html
    assert "100,000.00\xa0€" in html
