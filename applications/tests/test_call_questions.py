"""A call's questions configured in the admin: added through its forms, frozen once an application is
submitted (a copy of the call is the new version)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from applications.models import Answer
from applications.tests.factories import ApplicationFactory
from programmes.models import Call, FormSection, Question, QuestionChoice
from programmes.tests.factories import CallFactory, QuestionChoiceFactory, QuestionFactory
from programmes.tests.test_rules_admin import call_form

pytestmark = pytest.mark.django_db


def with_questions(data, questions, sections=()):
    data = {**data, "questions-TOTAL_FORMS": str(len(questions)), "sections-TOTAL_FORMS": str(len(sections))}
    for prefix, rows in (("questions", questions), ("sections", sections)):
        for index, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{index}-{key}"] = value
    return data


def submitted(call):
    return ApplicationFactory(call=call, status="submitted", submitted_at=timezone.now(), reference="EXP-1")


def test_a_manager_adds_sections_and_questions_on_the_call_page(superuser_client):
    call = CallFactory()
    url = reverse("admin:programmes_call_change", args=[call.pk])

    response = superuser_client.post(
        url,
        with_questions(
            call_form(call, []),
            [
                {"position": "1", "code": "markets", "kind": "market", "label_en": "Target markets", "required": "on"},
                {"position": "2", "code": "sector", "kind": "short_text", "label_es": "Sector", "label_en": "Sector"},
            ],
            sections=[{"position": "1", "title_en": "The project", "title_it": "Il progetto"}],
        ),
    )

    assert response.status_code == 302, response.context["inline_admin_formsets"][-1].formset.errors
    assert list(call.questions.values_list("code", "kind", "required")) == [
        ("markets", "market", True),
        ("sector", "short_text", False),
    ]
    assert call.sections.get().title_it == "Il progetto"


def test_a_duplicated_code_is_refused_next_to_the_field_and_the_rest_is_kept(superuser_client):
    call = CallFactory()
    url = reverse("admin:programmes_call_change", args=[call.pk])

    response = superuser_client.post(
        url,
        with_questions(
            call_form(call, []),
            [
                {"position": "1", "code": "markets", "kind": "market", "label_en": "Target markets"},
                {"position": "2", "code": "markets", "kind": "short_text", "label_en": "Sector of the SMEs"},
            ],
        ),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Sector of the SMEs" in page
    assert not call.questions.exists()


def test_a_question_page_edits_limits_condition_and_choices_side_by_side(superuser_client):
    call = CallFactory()
    exports = QuestionFactory(call=call, code="exports", kind="yes_no")
    other_call = QuestionFactory(kind="yes_no")
    question = QuestionFactory(call=call, code="activities", kind="multiple_choice", label="Activities")
    url = reverse("admin:programmes_question_change", args=[question.pk])
    base = {
        "section": "",
        "position": "2",
        "code": "activities",
        "kind": "multiple_choice",
        "required": "on",
        "label_en": "Activities",
        "min_value": "3",
        "max_value": "1",
        "condition_question": str(exports.pk),
        "condition_values": "yes",
        "choices-TOTAL_FORMS": "2",
        "choices-INITIAL_FORMS": "0",
        "choices-0-position": "1",
        "choices-0-code": "fairs",
        "choices-0-label_en": "Trade fairs",
        "choices-0-label_pt": "Feiras",
        "choices-1-position": "2",
        "choices-1-code": "fairs",
        "choices-1-label_en": "Fairs again",
    }

    page = superuser_client.get(url).content.decode()
    assert 'name="label_pt"' in page and 'name="choices-__prefix__-label_it"' in page
    wrong = superuser_client.post(url, base)
    assert wrong.status_code == 200
    assert wrong.context["adminform"].form.errors["min_value"] == ["The minimum cannot be more than the maximum."]
    choice_errors = wrong.context["inline_admin_formsets"][0].formset.errors
    assert (
        any("code" in errors for errors in choice_errors)
        or wrong.context["inline_admin_formsets"][0].formset.non_form_errors()
    )

    # A condition on another call's question is not even offered; posted anyway, it is refused.
    foreign = superuser_client.post(
        url, {**base, "min_value": "1", "max_value": "2", "condition_question": other_call.pk}
    )
    assert "condition_question" in foreign.context["adminform"].form.errors

    right = superuser_client.post(url, {**base, "min_value": "1", "max_value": "2", "choices-1-code": "missions"})
    assert right.status_code == 302
    question.refresh_from_db()
    assert question.condition_question == exports and question.min_value == 1
    assert list(question.choices.values_list("code", "label_pt")) == [("fairs", "Feiras"), ("missions", "")]


def test_after_a_submission_the_questions_are_read_only_with_the_reason(superuser_client):
    call = CallFactory()
    question = QuestionFactory(call=call, code="sector")
    choice = QuestionChoiceFactory(question__call=call)
    submitted(call)

    page = superuser_client.get(reverse("admin:programmes_call_change", args=[call.pk])).content.decode()
    assert "Copy the call to ask other questions in a new version." in page
    assert 'name="questions-0-code"' not in page  # shown, not editable

    question_page = superuser_client.get(reverse("admin:programmes_question_change", args=[question.pk]))
    assert 'name="code"' not in question_page.content.decode()
    refused = superuser_client.post(
        reverse("admin:programmes_question_change", args=[question.pk]), {"code": "other", "kind": "short_text"}
    )
    assert refused.status_code == 403
    assert superuser_client.post(reverse("admin:programmes_question_delete", args=[question.pk])).status_code == 403

    # Nor through the models, whatever door writes.
    with pytest.raises(ValidationError):
        Question(call=call, code="new", kind="short_text", label="New").full_clean()
    with pytest.raises(ValidationError):
        FormSection(call=call, title="New").full_clean()
    with pytest.raises(ValidationError):
        choice.delete()
    question.refresh_from_db()
    assert question.code == "sector"


def test_copy_this_call_makes_a_new_unpublished_version_whose_questions_can_change(superuser_client):
    call = CallFactory(title="Export 2026", slug="export-2026")
    QuestionFactory(call=call, code="sector")
    submitted(call)

    response = superuser_client.post(
        reverse("admin:programmes_call_changelist"), {"action": "copy_calls", "_selected_action": [call.pk]}
    )

    assert response.status_code == 302
    copy = Call.objects.get(slug="export-2026-copy")
    assert copy.title == "Export 2026 (copy)" and not copy.is_published
    page = superuser_client.get(reverse("admin:programmes_call_change", args=[copy.pk])).content.decode()
    assert 'name="questions-0-code"' in page


def test_no_door_changes_a_frozen_calls_questions():
    call = CallFactory()
    question = QuestionFactory(call=call, code="sector", kind="single_choice")
    choice = QuestionChoiceFactory(question=question, code="food")
    section = FormSection.objects.create(call=call, title="About the group")
    submitted(call)

    # Not a save, a query's update or delete, a new row: the submitted answers stay the questions' own.
    with pytest.raises(ValidationError):
        question.save()
    with pytest.raises(ValidationError):
        Question.objects.filter(pk=question.pk).update(label_en="Changed")
    with pytest.raises(ValidationError):
        QuestionChoice.objects.filter(pk=choice.pk).update(label_en="Changed")
    with pytest.raises(ValidationError):
        FormSection.objects.filter(pk=section.pk).delete()
    with pytest.raises(ValidationError):
        QuestionFactory(call=call, code="new")
    with pytest.raises(ValidationError):
        Question.objects.bulk_create([Question(call=call, code="bulk", kind="short_text", label_en="Bulk")])
    draft_call_question = QuestionFactory(code="elsewhere")
    with pytest.raises(ValidationError):
        Question.objects.filter(pk=draft_call_question.pk).update(call=call)
    # Nor can the manager empty the table: `delete` is the queryset's only.
    assert not hasattr(Question.objects, "delete")
    question.refresh_from_db()
    assert question.label_en != "Changed" and Question.objects.filter(call=call).count() == 1


def test_an_answered_questions_kind_cannot_change_and_conditions_cannot_go_round():
    call = CallFactory()
    exports = QuestionFactory(call=call, code="exports", kind="multiple_choice")
    application = ApplicationFactory(call=call)
    Answer.objects.create(application=application, question=exports, codes=["japan"])

    exports.kind = "number"
    with pytest.raises(ValidationError) as refused:
        exports.full_clean()
    assert "its kind cannot change" in refused.value.message_dict["kind"][0]

    first = QuestionFactory(call=call, code="first", kind="yes_no")
    second = QuestionFactory(call=call, code="second", kind="yes_no", condition_question=first, condition_values="yes")
    first.condition_question, first.condition_values = second, "yes"
    with pytest.raises(ValidationError) as refused:
        first.full_clean()
    assert "circle" in refused.value.message_dict["condition_question"][0]
