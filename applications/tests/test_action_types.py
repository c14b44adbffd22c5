"""The type of each action a beneficiary reports (mission or event, consultancy, marketing, other)."""

import importlib
from datetime import date

import pytest
from django.urls import reverse

from applications.beneficiary_reports import ReportRefused, report_row_add
from applications.models import ReportActivity
from applications.services import grant_accept
from applications.tests.test_post_award import approved, call_of, final, line
from programmes.models import Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(company, applicant, staff):
    application = approved(call_of(kind=Programme.Kind.EXPORT_CONSORTIA), company, staff)
    return grant_accept(application=application, by=applicant)


def test_an_action_without_its_type_is_refused_next_to_the_field(running, applicant):
    row = ReportActivity(category=line(running).category, description="Mission", carried_out_on=date(2026, 11, 5))

    with pytest.raises(ReportRefused) as refused:
        report_row_add(report=final(running), row=row, by=applicant)

    assert refused.value.field == "action_type"
    assert not ReportActivity.objects.exists()


def test_the_report_form_asks_for_the_type_and_keeps_the_input(client, running, applicant):
    client.force_login(applicant)
    url = reverse("applications:report", args=[running.pk, "final"])
    data = {
        "action": "activity",
        "activity-category": line(running).category.pk,
        "activity-description": "Trade mission to Lyon",
        "activity-country": "FR",
        "activity-carried_out_on": "2026-11-05",
    }

    response = client.post(url, data)

    assert list(response.context["forms"]["activity"].errors) == ["action_type"]
    assert 'value="Trade mission to Lyon"' in response.text

    client.post(url, {**data, "activity-action_type": "mission"})

    assert list(final(running).activities.values_list("action_type", "description")) == [
        ("mission", "Trade mission to Lyon")
    ]


@pytest.mark.parametrize(
    ("code", "action_type"),
    [
        ("commercial-trips", "mission"),
        ("promotion-actions", "mission"),
        ("exhibitions", "mission"),
        ("consultancy", "consultancy"),
        ("market-research", "consultancy"),
        ("marketing", "marketing"),
        ("promotional-material", "marketing"),
        ("communication", "marketing"),
        ("staff", "other"),
    ],
)
def test_the_migration_reads_the_type_of_the_actions_reported_before_from_their_category(code, action_type):
    migration = importlib.import_module("applications.migrations.0015_action_types")

    assert migration.type_of_category(code) == action_type
