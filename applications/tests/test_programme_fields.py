"""What co-financing and collective actions ask beyond the common form: asked, checked, required to submit."""

from decimal import Decimal

import pytest
from django.urls import reverse

from applications.services import SubmissionRefused, application_submit
from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from consortia.tests.factories import OrganisationFactory, representative
from programmes.models import Programme
from programmes.tests.factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def draft_of(kind, organisation_kind="company"):
    organisation = OrganisationFactory(kind=organisation_kind, country="PT", region="PT18")
    user = representative(organisation, f"rep-{kind}@example.org")
    call = CallFactory(programme=ProgrammeFactory(kind=kind, applicant_type="company"))
    application = ApplicationFactory(call=call, consortium=None, organisation=organisation)
    BudgetLineFactory(application=application, amount=Decimal("5000.00"))
    return application, user


def project_url(application):
    return reverse("applications:edit", args=[application.pk, "project"])


def test_cofinancing_asks_the_target_markets_and_activity_types(client):
    application, user = draft_of(Programme.Kind.COFINANCING)
    client.force_login(user)

    page = client.get(project_url(application))
    assert "South Africa" in page.text and "B2B meetings" in page.text

    client.post(
        project_url(application),
        {"title": "Fairs in Japan", "markets": ["japan", "china"], "activity_types": ["exhibition"], "action": "save"},
    )
    application.refresh_from_db()
    assert (application.markets, application.activity_types) == (["japan", "china"], ["exhibition"])
    page = client.get(reverse("applications:edit", args=[application.pk, "review"]))
    assert "Japan, China" in page.text


def test_a_cofinancing_project_without_markets_is_not_submitted(client):
    application, user = draft_of(Programme.Kind.COFINANCING)

    with pytest.raises(SubmissionRefused) as refusal:
        application_submit(application=application, by=user)

    assert "Choose the target markets of the project." in refusal.value.reasons
    assert "Choose the types of activity of the project." in refusal.value.reasons
    application.refresh_from_db()
    assert application.status == "draft"


def test_a_collective_action_states_its_group_of_smes(client):
    application, user = draft_of(Programme.Kind.COLLECTIVE_ACTIONS, "non_profit")
    client.force_login(user)
    data = {
        "title": "Alentejo wine abroad",
        "sme_group_sector": "Wine producers",
        "sme_group_region": "PT99",
        "estimated_smes": "1",
        "objectives": ["international_recognition"],
        "action": "save",
    }

    wrong = client.post(project_url(application), data)

    errors = wrong.context["form"].errors
    assert "Ensure this value is greater than or equal to 2." in errors["estimated_smes"]
    assert errors["sme_group_region"]
    application.refresh_from_db()
    assert application.sme_group_sector == "Wine producers"  # the valid answers are kept
    assert application.objectives == ["international_recognition"]

    client.post(project_url(application), {**data, "sme_group_region": "pt18", "estimated_smes": "40"})
    application.refresh_from_db()
    assert (application.sme_group_region, application.estimated_smes) == ("PT18", 40)
    assert "Wine producers" in client.get(reverse("applications:detail", args=[application.pk])).text


def test_other_programmes_do_not_ask_these_questions(client):
    application, user = draft_of(Programme.Kind.PIMEX)
    client.force_login(user)

    page = client.get(project_url(application))

    assert "South Africa" not in page.text and "estimated_smes" not in page.text
