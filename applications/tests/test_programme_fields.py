"""What co-financing and collective actions ask beyond the common form, now as their calls' questions.

The questions are the ones migration 0023 configures for every call of those programmes: the
applicant sees, answers and is refused as before, in the Questions step rather than the project's.
"""

from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from applications.models import Answer
from applications.services import SubmissionRefused, application_submit
from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from consortia.tests.factories import OrganisationFactory, representative
from programmes.models import Programme
from programmes.tests.factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

configure = import_module("applications.migrations.0024_programme_questions").programme_questions_create


def draft_of(kind, organisation_kind="company"):
    organisation = OrganisationFactory(kind=organisation_kind, country="PT", region="PT18")
    user = representative(organisation, f"rep-{kind}@example.org")
    call = CallFactory(programme=ProgrammeFactory(kind=kind, applicant_type="company"))
    configure(apps)
    application = ApplicationFactory(call=call, consortium=None, organisation=organisation)
    BudgetLineFactory(application=application, amount=Decimal("5000.00"))
    return application, user


def questions_url(application):
    return reverse("applications:edit", args=[application.pk, "questions"])


def answers(application):
    return {a.question.code: a for a in Answer.objects.filter(application=application).select_related("question")}


def test_cofinancing_asks_the_target_markets_and_activity_types(client):
    application, user = draft_of(Programme.Kind.COFINANCING)
    client.force_login(user)

    page = client.get(questions_url(application))
    assert "South Africa" in page.text and "B2B meetings" in page.text

    client.post(
        questions_url(application),
        {"answer-markets": ["japan", "china"], "answer-activity_types": ["exhibition"], "action": "save"},
    )
    stored = answers(application)
    assert (stored["markets"].codes, stored["activity_types"].codes) == (["japan", "china"], ["exhibition"])
    page = client.get(reverse("applications:edit", args=[application.pk, "review"]))
    assert "Japan, China" in page.text and "Exhibitions and trade fairs" in page.text


def test_the_project_step_no_longer_asks_them(client):
    application, user = draft_of(Programme.Kind.COFINANCING)
    client.force_login(user)

    page = client.get(reverse("applications:edit", args=[application.pk, "project"]))

    assert "South Africa" not in page.text and "B2B meetings" not in page.text


def test_a_cofinancing_project_without_markets_is_not_submitted(client):
    application, user = draft_of(Programme.Kind.COFINANCING)

    with pytest.raises(SubmissionRefused) as refusal:
        application_submit(application=application, by=user)

    assert "Answer the question “Target markets”." in refusal.value.reasons
    assert "Answer the question “Types of activity”." in refusal.value.reasons
    application.refresh_from_db()
    assert application.status == "draft"


def test_a_collective_action_states_its_group_of_smes(client):
    application, user = draft_of(Programme.Kind.COLLECTIVE_ACTIONS, "non_profit")
    client.force_login(user)
    data = {
        "answer-sme_group_sector": "Wine producers",
        "answer-sme_group_region": "PT99",
        "answer-estimated_smes": "1",
        "answer-objectives": ["international_recognition"],
        "action": "save",
    }

    wrong = client.post(questions_url(application), data)

    errors = wrong.context["form"].errors
    assert "Ensure this value is greater than or equal to 2." in errors["estimated_smes"]
    assert errors["sme_group_region"]
    stored = answers(application)
    assert stored["sme_group_sector"].text == "Wine producers"  # the valid answers are kept
    assert stored["objectives"].codes == ["international_recognition"]

    client.post(questions_url(application), {**data, "answer-sme_group_region": "pt18", "answer-estimated_smes": "40"})
    stored = answers(application)
    assert (stored["sme_group_region"].text, stored["estimated_smes"].number) == ("PT18", Decimal("40.00"))
    assert "Wine producers" in client.get(reverse("applications:detail", args=[application.pk])).text


def test_other_programmes_do_not_ask_these_questions(client):
    application, user = draft_of(Programme.Kind.PIMEX)
    client.force_login(user)

    page = client.get(questions_url(application))

    assert "South Africa" not in page.text and "estimated_smes" not in page.text
    assert not application.call.questions.exists()


def test_a_submission_from_before_shows_the_answers_copied_from_it(client):
    application, user = draft_of(Programme.Kind.COFINANCING)
    markets = application.call.questions.get(code="markets")
    Answer.objects.create(application=application, question=markets, codes=["india"])
    # Submitted before the questions were configuration: its content holds no answers.
    application.__class__.objects.filter(pk=application.pk).update(
        status="submitted", submitted_at="2026-02-01T10:00:00Z", reference="COF-2026-0001",
        submitted_content={"reference": "COF-2026-0001", "markets": ["india"]},
    )  # fmt: skip
    client.force_login(user)

    page = client.get(reverse("applications:detail", args=[application.pk]))

    assert "Target markets" in page.text and "India" in page.text
