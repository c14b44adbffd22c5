"""The applicant answers the call's own questions: one field per kind, refused next to the field,
conditional questions asked only when their condition holds, answers typed, required to submit,
in the submitted content, its fingerprint and the receipt."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.answers import AnswersRefused
from applications.models import Answer
from applications.receipts import receipt_build
from applications.services import SubmissionRefused, answers_save, application_submit
from applications.submission import content_hash
from applications.tests.test_receipts import pdf_text
from applications.tests.test_views import draft, fill
from programmes.models import CallRule, FormSection
from programmes.rules import describe_rule, evaluate_application, validate_rule_parameters
from programmes.tests.factories import QuestionChoiceFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(client, applicant):
    client.force_login(applicant)
    return applicant


def ask(call):
    """A call asking one question of each kind, in two sections; `markets_detail` only if exporting."""
    # Its own references, so its receipts are not named as another test's (the files share a folder).
    call.reference_prefix = "QST"
    call.save(update_fields=["reference_prefix"])
    project = FormSection.objects.create(call=call, position=1, title="The project", title_es="El proyecto")
    markets = FormSection.objects.create(call=call, position=2, title="Markets")
    q = {}

    def add(code, kind, section=project, **fields):
        q[code] = QuestionFactory(
            call=call, code=code, kind=kind, section=section, position=len(q), label=f"Q {code}", **fields
        )
        return q[code]

    add("sector", "short_text", max_length=20, help_text="The sector of the SMEs.")
    add("plan", "long_text", required=False)
    add("smes", "number", min_value=Decimal("2"))
    add("own_funds", "amount", required=False, max_value=Decimal("10000"))
    add("share", "percentage", required=False)
    add("starts_on", "date", required=False)
    add("exports", "yes_no", section=markets)
    add("activity", "single_choice", section=markets, required=False)
    QuestionChoiceFactory(question=q["activity"], code="fairs", label="Trade fairs", label_es="Ferias")
    QuestionChoiceFactory(question=q["activity"], code="missions", label="Missions")
    add("country", "country", section=markets, required=False)
    add("region", "region", section=markets, required=False)
    add("markets", "market", section=markets, required=False, max_value=Decimal("2"))
    add(
        "markets_detail",
        "long_text",
        section=markets,
        condition_question=q["exports"],
        condition_values="yes",
    )
    return q


def url(application, step="questions"):
    return reverse("applications:edit", args=[application.pk, step])


GOOD = {
    "answer-sector": "Wine",
    "answer-plan": "Fairs in Japan",
    "answer-smes": "12",
    "answer-own_funds": "2500.50",
    "answer-share": "12.5",
    "answer-starts_on": "2026-05-01",
    "answer-exports": "yes",
    "answer-activity": "fairs",
    "answer-country": "fr",
    "answer-region": "es43",
    "answer-markets": ["japan", "china"],
    "answer-markets_detail": "Tokyo and Shanghai",
    "action": "save",
}


def stored(application):
    return {a.question.code: a for a in Answer.objects.filter(application=application).select_related("question")}


def test_the_questions_step_shows_the_questions_by_section_in_the_reader_language(client, applicant):
    application = draft(client, applicant)
    ask(application.call)

    page = client.get(url(application), HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "The project" in page and "Markets" in page
    assert "Q sector" in page and "The sector of the SMEs." in page
    assert "South Africa" in page  # the markets list
    assert "js/questions.js" in page
    spanish = client.get(reverse("applications:edit", args=[application.pk, "questions"]).replace("/en/", "/es/"))
    assert "El proyecto" in spanish.content.decode() and "Ferias" in spanish.content.decode()


def test_every_kind_is_stored_typed(client, applicant):
    application = draft(client, applicant)
    ask(application.call)

    response = client.post(url(application), GOOD)

    assert response.status_code == 200  # "save" stays on the step
    answers = stored(application)
    assert answers["sector"].text == "Wine"
    assert answers["smes"].number == Decimal("12.00")
    assert answers["own_funds"].number == Decimal("2500.50")
    assert answers["share"].number == Decimal("12.50")
    assert answers["starts_on"].date == date(2026, 5, 1)
    assert answers["exports"].boolean is True
    assert answers["activity"].codes == ["fairs"]
    assert answers["country"].text == "FR" and answers["region"].text == "ES43"
    assert answers["markets"].codes == ["japan", "china"]
    assert answers["markets_detail"].text == "Tokyo and Shanghai"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sector", "x" * 21, "Ensure this value has at most 20 characters (it has 21)."),
        ("smes", "1", "Ensure this value is greater than or equal to 2."),
        ("smes", "many", "Write the number like"),
        ("own_funds", "20000", "Ensure this value is less than or equal to 10000."),
        ("share", "150", "Ensure this value is less than or equal to 100."),
        ("starts_on", "tomorrow", "Enter a valid date."),
        ("exports", "maybe", "Select a valid choice."),
        ("activity", "cruises", "Select a valid choice."),
        ("country", "Spain", "Write the country as its two-letter code"),
        ("region", "ES99", "is not a NUTS 2 region of ES"),
        ("markets", ["japan", "china", "india"], "Choose at most 2."),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_the_rest_is_kept(client, applicant, field, value, message):
    application = draft(client, applicant)
    ask(application.call)

    response = client.post(url(application), {**GOOD, f"answer-{field}": value, "action": "next"})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    answers = stored(application)
    assert field not in answers or field == "markets_detail"
    assert answers["plan"].text == "Fairs in Japan"  # what was right is saved
    page = response.content.decode()
    assert "Fairs in Japan" in page  # and shown again


def test_a_conditional_question_is_asked_only_when_its_condition_holds(client, applicant):
    application = draft(client, applicant)
    q = ask(application.call)

    page = client.get(url(application)).content.decode()
    # Hidden until "yes" is chosen; the browser shows it as the answer changes (questions.js).
    assert 'data-question="answer-markets_detail" data-condition-question="answer-exports"' in page
    assert 'data-condition-values="yes" hidden' in page

    # Not exporting: the question is not checked (too long would be refused) and nothing is kept.
    response = client.post(url(application), {**GOOD, "answer-exports": "no", "answer-markets_detail": "x" * 20000})
    assert not response.context["form"].errors
    assert "markets_detail" not in stored(application)

    # Exporting: asked, stored; then no longer exporting: its stored answer is cleared.
    client.post(url(application), GOOD)
    assert stored(application)["markets_detail"].text == "Tokyo and Shanghai"
    client.post(url(application), {**GOOD, "answer-exports": "no"})
    assert "markets_detail" not in stored(application)
    assert q["markets_detail"].pk not in Answer.objects.filter(application=application).values_list(
        "question_id", flat=True
    )


def test_a_required_question_not_answered_refuses_the_submission_naming_it(client, applicant):
    application = draft(client, applicant)
    ask(application.call)
    fill(client, application)
    client.post(url(application), {**GOOD, "answer-sector": "", "answer-exports": "no"})

    review = client.get(url(application, "review")).content.decode()
    assert "Answer the question “Q sector”." in review

    with pytest.raises(SubmissionRefused) as refusal:
        application_submit(application=application, by=applicant)

    # The hidden required question (not exporting) does not count.
    assert [r for r in refusal.value.reasons if r.startswith("Answer the question")] == [
        "Answer the question “Q sector”."
    ]
    application.refresh_from_db()
    assert application.status == "draft"


def test_the_answers_are_in_the_content_its_fingerprint_and_the_receipt(client, applicant):
    application = draft(client, applicant)
    ask(application.call)
    fill(client, application)
    client.post(url(application), {**GOOD, "action": "next"})

    review = client.get(url(application, "review")).content.decode()
    assert "Trade fairs" in review and "2.500,50" not in review

    response = client.post(reverse("applications:submit", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted"
    rows = {row["code"]: row for row in application.submitted_content["answers"]}
    assert rows["own_funds"] == {
        "code": "own_funds",
        "label": "Q own_funds",
        "value": "2,500.50\xa0€",
        "typed": "2500.50",
    }
    assert rows["activity"]["value"] == "Trade fairs" and rows["activity"]["typed"] == "fairs"
    assert rows["exports"]["typed"] == "yes" and rows["starts_on"]["typed"] == "2026-05-01"
    assert rows["markets"]["value"] == "Japan, China" and rows["markets"]["typed"] == "japan,china"
    # Places by their names, the codes beside them.
    assert rows["region"]["value"] == "Extremadura (ES43)" and rows["region"]["typed"] == "ES43"
    assert rows["country"]["value"] == "France (FR)" and rows["country"]["typed"] == "FR"
    assert application.content_hash == content_hash(application.submitted_content)

    receipt_build(application_id=application.pk)
    application.refresh_from_db()
    text = pdf_text(application)
    assert "Q markets_detail" in text and "Tokyo and Shanghai" in text

    # Submitted: the answers no longer change.
    with pytest.raises(AnswersRefused):
        answers_save(application=application, data={"sector": "Other"}, by=applicant)


def test_a_call_without_questions_says_so(client, applicant):
    application = draft(client, applicant)

    page = client.get(url(application)).content.decode()

    assert "This call asks no further questions." in page


def test_a_rule_asks_for_at_least_n_answers_chosen(client, applicant):
    application = draft(client, applicant)
    q = ask(application.call)
    rule = CallRule.objects.create(
        call=application.call, position=9, code="answer_min_choices", choices="markets", number=2
    )
    equals = CallRule.objects.create(call=application.call, position=10, code="answer_equals", choices="exports,yes")

    assert describe_rule(rule) == "At least 2 answers chosen for “Q markets”."
    assert describe_rule(equals) == "The answer to “Q exports” is one of: yes."
    answers_save(application=application, data={"markets": ["japan"], "exports": False}, by=applicant)
    results = {r.code: r for r in evaluate_application(application).results}
    assert not results["answer_min_choices"].passed
    assert results["answer_min_choices"].message == "1 answer chosen for “Q markets”; at least 2 are required."
    assert not results["answer_equals"].passed

    answers_save(application=application, data={"markets": ["japan", "india"], "exports": True}, by=applicant)
    results = {r.code: r for r in evaluate_application(application).results}
    assert results["answer_min_choices"].passed and results["answer_equals"].passed

    # Its parameters name a question of the call answered with several choices.
    for choices, number in (("nothing", 2), ("sector", 2), ("markets", None)):
        with pytest.raises(ValidationError):
            validate_rule_parameters(
                CallRule(call=application.call, code="answer_min_choices", choices=choices, number=number)
            )
    assert q["markets"].kind == "market"


def test_a_rule_about_a_question_not_asked_does_not_apply(client, applicant):
    application = draft(client, applicant)
    q = ask(application.call)
    # markets_detail is asked only of a company that exports.
    CallRule.objects.create(call=application.call, position=9, code="answer_equals", choices="markets_detail,anything")
    answers_save(application=application, data={"exports": False}, by=applicant)

    (result,) = [r for r in evaluate_application(application).results if r.code == "answer_equals"]

    assert result.passed
    assert "is not asked of this applicant" in result.message and str(q["markets_detail"].label) in result.message


def test_a_choice_offering_no_choices_is_not_asked_and_a_rule_about_it_does_not_apply(client, applicant):
    application = draft(client, applicant)
    QuestionFactory(call=application.call, code="fairs", kind="multiple_choice", label_en="Fairs", required=True)
    CallRule.objects.create(call=application.call, position=9, code="answer_min_choices", choices="fairs", number=1)

    page = client.get(url(application)).content.decode()
    (result,) = [r for r in evaluate_application(application).results if r.code == "answer_min_choices"]

    assert 'name="answer-fairs"' not in page  # the form does not ask it
    assert result.passed
    assert result.message == "“Fairs” offers no choices yet, so it is not asked: the rule does not apply."

    # Once it offers choices, it is asked and the rule applies.
    QuestionChoiceFactory(question=application.call.questions.get(code="fairs"), code="anuga", label_en="Anuga")
    (result,) = [r for r in evaluate_application(application).results if r.code == "answer_min_choices"]
    assert not result.passed
    assert 'name="answer-fairs"' in client.get(url(application)).content.decode()


def test_the_questions_cost_the_submit_request_three_statements_at_most(client, applicant):
    application = draft(client, applicant)
    ask(application.call)
    fill(client, application)
    client.post(url(application), GOOD)

    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("applications:submit", args=[application.pk]))

    assert response.status_code == 302
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    # The 15 of a call without questions (test_receipts), and its questions, their choices, the answers.
    assert len(statements) == 18, "\n".join(statements)


# --- countries and regions: chosen by name, stored as codes ------------------------------------------


def test_the_country_question_offers_the_countries_by_name_in_the_reader_language(client, applicant):
    application = draft(client, applicant)
    ask(application.call)

    page = client.get(url(application).replace("/en/", "/es/")).content.decode()

    select = page[page.index('<select name="answer-country"') :]
    select = select[: select.index("</select>")]
    assert '<option value="FR">Francia</option>' in select
    codes = re.findall(r'value="([A-Z]{2})"', select)
    assert codes[:3] == ["ES", "IT", "PT"]  # the three the portal serves first, then the others by name


def test_the_region_question_offers_the_regions_by_name_and_stores_the_code(client, applicant):
    application = draft(client, applicant)
    ask(application.call)

    page = client.get(url(application)).content.decode()
    response = client.post(url(application), {**GOOD, "answer-region": "Alentejo"})

    assert 'list="id_answer-region-options"' in page
    assert '<option value="Alentejo">PT18 · Portugal</option>' in page
    assert '<option value="Extremadura">ES43 · Spain</option>' in page
    assert not response.context["form"].errors
    assert stored(application)["region"].text == "PT18"
    # Shown again by its name.
    assert 'name="answer-region" value="Alentejo"' in client.get(url(application)).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("country", "XX", "Choose a country from the list."),
        ("region", "Atlantis", "“Atlantis” is not a region we know"),
    ],
)
def test_a_country_or_region_not_in_the_lists_is_refused_next_to_its_field(client, applicant, field, value, message):
    application = draft(client, applicant)
    ask(application.call)

    response = client.post(url(application), {**GOOD, f"answer-{field}": value})

    assert list(response.context["form"].errors) == [field]
    assert message in " ".join(response.context["form"].errors[field])
    assert field not in stored(application)
