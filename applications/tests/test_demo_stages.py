"""The demo dashboard shows seed 000's figures: consortia and member companies by stage, actions by type."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from applications.demo.data import DEMO_PASSWORD
from consortia.models import Consortium

pytestmark = pytest.mark.django_db


def test_the_demo_dashboard_shows_companies_by_stage_and_actions_by_type(client):
    call_command("seed_demo", verbosity=0)
    client.login(email="manager@demo.example", password=DEMO_PASSWORD)

    page = client.get("/en/dashboard/", {"year": timezone.localdate().year})

    current = page.context["current"]
    # The approved wine and fruit consortium: consolidated when it was decided, three members active today.
    assert {r["stage"]: r["count"] for r in current["consortia"]["companies_by_stage"]} == {
        "initiation": 0,
        "development": 0,
        "consolidated": 3,
    }
    assert {r["type"]: r["count"] for r in current["outcomes"]["action_types"]} == {
        "mission": 2,
        "consultancy": 1,
        "marketing": 1,
        "other": 0,
    }
    assert "company-stages-table" in page.text and "action-types-table" in page.text


def test_the_demo_consortia_with_joint_actions_have_their_evidence():
    call_command("seed_demo", verbosity=0)

    for consortium in Consortium.objects.all():
        assert consortium.has_joint_actions == (consortium.first_joint_action_on is not None)
        if consortium.has_joint_actions:
            assert consortium.first_joint_action and consortium.first_joint_action_on <= timezone.localdate()
