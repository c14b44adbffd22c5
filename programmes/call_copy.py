"""A call's new version: a copy with its rules, review criteria, documents, form sections, questions and choices.

A call's questions are frozen once an application was submitted to it (programmes.models.questions):
the submitted content names the questions it answered. An agency that wants to ask something else
copies the call, changes the copy's questions and publishes it; the old call keeps its submissions.
The copy is unpublished, its title says it is a copy, its slug and its reference prefix are new
(references are numbered per call: two calls sharing a prefix and a year would give the same
references); it starts with no application and no reference number taken.
"""

from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from translated_fields import to_attribute

from portal.figures import counted_data_changed
from portal.translated import LANGUAGES

from .models import Call, CallDocument, CallRule, FormSection, Question, QuestionChoice, ReviewCriterion

# What is not copied from a call: who it is, and what its applications did to it.
_NOT_COPIED = {"id", "slug", "is_published", "last_reference_number"}


def _copy_slug(call) -> str:
    base = slugify(f"{call.slug}-copy")[:70]
    taken = set(
        Call.objects.filter(programme_id=call.programme_id, slug__startswith=base).values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _copy_prefix(call) -> str:
    """A reference prefix no other call of the year uses: references are PREFIX-YEAR-NUMBER, numbered
    per call, so two calls with one prefix would give the same references."""
    taken = set(Call.objects.filter(year=call.year).values_list("reference_prefix", flat=True))
    number = 2
    while True:
        suffix = str(number)
        prefix = call.reference_prefix[: 10 - len(suffix)] + suffix
        if prefix not in taken:
            return prefix
        number += 1


def _fields(obj, *, exclude=()) -> dict:
    return {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.attname not in exclude and not field.primary_key
    }


@transaction.atomic
def call_copy(*, call, by=None) -> Call:
    """A new, unpublished call with `call`'s settings, rules, criteria, documents, sections, questions and choices.

    Its title is the original's followed by "(copy)" in each language written; its slug is new.
    Conditions between questions point to the copy's own questions. `by` is who asked (the
    history of the call records it).
    """
    values = {name: value for name, value in _fields(call).items() if name not in _NOT_COPIED}
    for language in LANGUAGES:
        column = to_attribute("title", language)
        if values.get(column):
            # The suffix in the title's own language, not the reader's.
            with translation.override(language):
                values[column] = (values[column] + " " + _("(copy)"))[:200]
    values["reference_prefix"] = _copy_prefix(call)
    copy = Call(**values, slug=_copy_slug(call), is_published=False)
    copy._history_user = by
    copy.save()

    CallRule.objects.bulk_create(
        [CallRule(**_fields(rule, exclude={"id", "call_id"}), call=copy) for rule in call.rules.all()]
    )
    ReviewCriterion.objects.bulk_create(
        [ReviewCriterion(**_fields(row, exclude={"id", "call_id"}), call=copy) for row in call.criteria.all()]
    )
    CallDocument.objects.bulk_create(
        [CallDocument(**_fields(row, exclude={"id", "call_id"}), call=copy) for row in call.documents.all()]
    )
    sections = {}
    for section in call.sections.all():
        sections[section.pk] = FormSection.objects.create(**_fields(section, exclude={"id", "call_id"}), call=copy)
    questions = list(call.questions.prefetch_related("choices").order_by("position", "pk"))
    copies = {}
    for question in questions:
        copies[question.pk] = Question.objects.create(
            **_fields(question, exclude={"id", "call_id", "section_id", "condition_question_id", "condition_values"}),
            call=copy,
            section=sections.get(question.section_id),
        )
    conditional = []
    for question in questions:
        if question.condition_question_id:
            new = copies[question.pk]
            new.condition_question = copies[question.condition_question_id]
            new.condition_values = question.condition_values
            conditional.append(new)
    # Set once every question exists (a condition may point to a later one).
    Question.objects.bulk_update(conditional, ["condition_question", "condition_values"])
    QuestionChoice.objects.bulk_create(
        [
            QuestionChoice(**_fields(choice, exclude={"id", "question_id"}), question=copies[question.pk])
            for question in questions
            for choice in question.choices.all()
        ]
    )
    # One more call and its budget in the dashboard's figures.
    counted_data_changed()
    return copy
