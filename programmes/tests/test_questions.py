"""A call's questions as configuration: checked by the database and the model, copied with the call."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation

from programmes.models import CallDocument, CallRule, FormSection, Question, QuestionChoice, ReviewCriterion
from programmes.services import call_copy
from programmes.tests.factories import CallFactory, QuestionChoiceFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def test_a_code_is_unique_within_a_call_only():
    question = QuestionFactory(code="markets")
    QuestionFactory(code="markets")  # another call

    duplicate = Question(call=question.call, code="markets", kind="short_text", label="Again")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "code" in error.value.message_dict
    with pytest.raises(IntegrityError):
        Question.objects.create(call=question.call, code="markets", kind="short_text", label="Again")


def test_the_minimum_above_the_maximum_is_refused_next_to_the_minimum():
    question = QuestionFactory.build(call=CallFactory(), kind="amount", min_value=Decimal("10"), max_value=Decimal("5"))

    with pytest.raises(ValidationError) as error:
        question.full_clean()

    assert error.value.message_dict["min_value"] == ["The minimum cannot be more than the maximum."]


def test_a_length_on_a_number_is_refused():
    question = QuestionFactory.build(call=CallFactory(), kind="number", max_length=10)

    with pytest.raises(ValidationError) as error:
        question.full_clean()

    assert "max_length" in error.value.message_dict


def test_a_condition_names_a_question_of_the_same_call_and_its_answers():
    other_call_question = QuestionFactory(kind="yes_no")
    question = QuestionFactory.build(call=CallFactory(), condition_question=other_call_question, condition_values="yes")

    with pytest.raises(ValidationError) as error:
        question.full_clean()
    assert error.value.message_dict["condition_question"] == ["This question belongs to another call."]

    same_call = QuestionFactory(call=question.call, kind="yes_no")
    incomplete = QuestionFactory.build(call=question.call, condition_question=same_call, condition_values="")
    with pytest.raises(ValidationError) as error:
        incomplete.full_clean()
    assert "condition_values" in error.value.message_dict


@pytest.mark.parametrize(
    ("kind", "values", "kept", "refusal"),
    [
        ("yes_no", "yes", "yes", None),
        ("yes_no", "si", None, "is answered yes or no"),
        ("single_choice", "fairs,missions", "fairs,missions", None),
        ("single_choice", "fairs,fiars", None, "offers no answer fiars. Its codes: fairs, missions."),
        ("number", "100.00, 2.50", "100,2.5", None),  # written the way the form compares them
        ("amount", "2500 EUR", None, "is answered with a number"),
        ("date", "2026-12-31", "2026-12-31", None),
        ("date", "31/12/2026", None, "is answered with a date"),
    ],
)
def test_a_conditions_answers_are_checked_against_the_kind_of_its_question(kind, values, kept, refusal):
    parent = QuestionFactory(kind=kind, label_en="Parent")
    if kind == "single_choice":
        QuestionChoiceFactory(question=parent, code="fairs", position=1)
        QuestionChoiceFactory(question=parent, code="missions", position=2)
    question = QuestionFactory.build(call=parent.call, condition_question=parent, condition_values=values)

    if refusal is None:
        question.full_clean()
        assert question.condition_values == kept
    else:
        with pytest.raises(ValidationError) as error:
            question.full_clean()
        (message,) = error.value.message_dict["condition_values"]
        assert message.startswith("“Parent”") and refusal in message


def test_choice_codes_are_unique_per_question():
    choice = QuestionChoiceFactory(code="wine")

    with pytest.raises(ValidationError) as error:
        QuestionChoice(question=choice.question, code="wine", label="Wine again").full_clean()

    assert "code" in error.value.message_dict


def test_the_label_is_required_in_the_agency_language_or_english():
    call = CallFactory()
    question = Question(call=call, code="sector", kind="short_text", label_it="Settore")
    call.programme.agency.language = "es"

    with pytest.raises(ValidationError) as error:
        question.full_clean()

    assert "label_es" in error.value.message_dict


def test_a_copy_is_an_unpublished_new_version_with_the_rules_criteria_and_questions():
    call = CallFactory(title="Export 2026", slug="export-2026", is_published=True)
    call.title_es = "Exportación 2026"
    call.save()
    CallRule.objects.create(call=call, code="grant_cap", amount=Decimal("8000.00"))
    ReviewCriterion.objects.create(call=call, name="Quality", weight=100, max_score=10)
    section = FormSection.objects.create(call=call, title="Markets", position=1)
    exports = QuestionFactory(call=call, section=section, code="exports", kind="yes_no")
    markets = QuestionFactory(
        call=call,
        section=section,
        code="markets",
        kind="multiple_choice",
        condition_question=exports,
        condition_values="yes",
    )
    QuestionChoiceFactory(question=markets, code="japan", label="Japan", position=1)
    CallDocument.objects.create(call=call, kind="financial", name_en="Accounts", formats="pdf", required=True)

    copy = call_copy(call=call, by=None)

    assert copy.pk != call.pk and not copy.is_published
    assert copy.title_en == "Export 2026 (copy)"
    assert copy.title_es.startswith("Exportación 2026 (")
    assert copy.slug == "export-2026-copy" and copy.programme_id == call.programme_id
    assert copy.last_reference_number == 0
    # Its own reference prefix: references are numbered per call, so a shared prefix would repeat them.
    assert (call.reference_prefix, copy.reference_prefix) == ("EXP", "EXP2")
    assert list(copy.rules.values_list("code", "amount")) == [("grant_cap", Decimal("8000.00"))]
    assert list(copy.criteria.values_list("name_en", flat=True)) == ["Quality"]
    (new_section,) = copy.sections.all()
    new_exports, new_markets = copy.questions.order_by("code")
    assert (new_exports.code, new_markets.code) == ("exports", "markets")
    assert new_markets.section == new_section
    assert new_markets.condition_question == new_exports and new_markets.condition_values == "yes"
    assert list(new_markets.choices.values_list("code", "label_en")) == [("japan", "Japan")]
    assert list(copy.documents.values_list("kind", "name_en", "formats", "required")) == [
        ("financial", "Accounts", "pdf", True)
    ]
    # The original is untouched; a second copy gets another slug.
    assert call.questions.count() == 2
    assert call_copy(call=call, by=None).slug == "export-2026-copy-2"


def test_a_choice_with_nothing_to_choose_is_not_asked_and_the_call_page_says_so(client, manager, call):
    from applications.answers import form_questions, unanswered
    from applications.tests.factories import ApplicationFactory

    empty = QuestionFactory(call=call, code="activity", kind="single_choice", label_en="Activity", required=True)
    asked = QuestionFactory(call=call, code="sector", kind="short_text", label_en="Sector", required=True)

    application = ApplicationFactory(call=call)
    assert [question.code for question in form_questions(call)] == ["sector"]
    assert unanswered(application) == ["Answer the question “Sector”."]  # not one the applicant cannot answer

    client.force_login(manager)
    page = client.get(reverse("admin:programmes_call_change", args=[call.pk])).content.decode()
    assert "The question “Activity” offers no choices yet" in page and "“Sector” offers" not in page

    QuestionChoiceFactory(question=empty, code="fairs", position=1)
    call = type(call).objects.get(pk=call.pk)
    assert [question.code for question in form_questions(call)] == ["activity", "sector"]
    assert asked.required


@pytest.mark.parametrize(
    ("language", "question", "document"),
    [
        ("es", "obligatoria", "obligatorio"),
        ("pt", "obrigatória", "obrigatório"),
        ("it", "obbligatorio", "obbligatorio"),
    ],
)
def test_required_agrees_with_a_question_and_with_a_document_in_each_language(language, question, document):
    with translation.override(language):
        assert str(Question._meta.get_field("required").verbose_name) == question
        assert str(CallDocument._meta.get_field("required").verbose_name) == document
