"""The applicant's answers to the questions its call configures (programmes.Question).

- `form_questions(call)` reads the call's questions, sections and choices once (kept on the call);
  `answers_by_question(application)` the application's answers once (prefetched on the instance,
  so the rules engine and the submitted content read the same rows).
- `visible_ids` says which questions are asked: a conditional question only when the answer to its
  condition question is one of its values (and that question is asked itself).
- `AnswersForm` builds one form field per question kind, each refusing bad input next to itself;
  a question hidden by its condition is neither validated nor kept.
- `answers_save` (the one write) stores typed answers of a draft and clears the answers of
  questions whose condition no longer holds.
- `unanswered` (the submission's check: required and visible, not answered) and `answer_rows`
  (what the review step, the receipt and the admin show, and what the content hashes).
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from consortia.countries import ISO_3166_ALPHA2, country_name, world_country_choices
from consortia.pickers import RegionField
from portal.localization import LocalDecimalField
from portal.money import format_eur
from portal.refusals import Refused
from portal.regions import region_name
from programmes.markets import MARKETS
from programmes.models import Question, QuestionChoice
from programmes.models.questions import asked_ids

from .models import Answer, Application, Status

Kind = Question.Kind

# Which column of Answer holds each kind's answer.
COLUMN = {
    Kind.SHORT_TEXT: "text",
    Kind.LONG_TEXT: "text",
    Kind.COUNTRY: "text",
    Kind.REGION: "text",
    Kind.NUMBER: "number",
    Kind.AMOUNT: "number",
    Kind.PERCENTAGE: "number",
    Kind.DATE: "date",
    Kind.YES_NO: "boolean",
    Kind.SINGLE_CHOICE: "codes",
    Kind.MULTIPLE_CHOICE: "codes",
    Kind.MARKET: "codes",
}
EMPTY = {"text": "", "number": None, "date": None, "boolean": None, "codes": []}
# Limits when the agency sets none: a text field is not a file, a number not a typing error.
DEFAULT_MAX_LENGTH = {Kind.SHORT_TEXT: 300, Kind.LONG_TEXT: 10000}
MAX_NUMBER = Decimal("999999999999.99")
YES, NO = "yes", "no"


class AnswersRefused(Refused):
    """The answers cannot be changed (the application is no longer a draft)."""


def asks_questions():
    """An annotation for a read of applications: whether the call asks questions of its own.

    Read with the application (an EXISTS in the same statement), it spares the request the
    questions' query when the call asks none (`with_asks_questions`).
    """
    return Exists(Question.objects.filter(call_id=OuterRef("call_id")))


def with_asks_questions(application):
    """Keep on the call what the `asks_questions` annotation of the application's read said."""
    if hasattr(application, "asks_questions"):
        application.call._asks_questions = application.asks_questions
    return application


def form_questions(call) -> list[Question]:
    """The call's questions in order, with their sections and (when some have a list) their choices.

    One query, two when a question has a list of choices, none when the application's read said
    the call asks nothing (`asks_questions`); kept on the call for the request.
    """
    cached = getattr(call, "_form_questions", None)
    if cached is None and getattr(call, "_asks_questions", None) is False:
        cached = call._form_questions = []
    if cached is None:
        # A choice with nothing to choose from is not asked (`askable`).
        cached = list(call.questions.askable().select_related("section").order_by("position", "pk"))
        with_list = [question for question in cached if question.kind in Question.CHOICE_KINDS]
        if with_list:
            prefetch_related_objects(
                with_list, Prefetch("choices", queryset=QuestionChoice.objects.order_by("position", "pk"))
            )
        by_id = {question.pk: question for question in cached}
        for question in cached:
            # The code and kind of the condition's question, for the page (no query per question).
            parent = by_id.get(question.condition_question_id)
            question.condition_code = parent.code if parent is not None else ""
            question.condition_on_number = parent is not None and parent.kind in Question.NUMBER_KINDS
            question.call = call  # no query for the agency's language of a label
            if question.section is not None:
                question.section.call = call
        call._form_questions = cached
    return cached


def answers_prefetch() -> Prefetch:
    return Prefetch("answers", queryset=Answer.objects.order_by("pk"))


def answers_by_question(application, questions=None) -> dict[int, Answer]:
    """The application's answers by question id: one query (none when already prefetched, or no question)."""
    questions = form_questions(application.call) if questions is None else questions
    if not questions:
        return {}
    prefetch_related_objects([application], answers_prefetch())
    return {answer.question_id: answer for answer in application.answers.all()}


def visible_ids(questions, answers: dict[int, Answer]) -> set[int]:
    """The questions asked, given the answers (programmes.models.questions.asked_ids: the rules use it too)."""
    return asked_ids(questions, answers)


# --- the form --------------------------------------------------------------------------------------


def _choices(question) -> list[tuple[str, str]]:
    if question.kind == Kind.MARKET:
        return [(code, str(label)) for code, label in MARKETS]
    return [(choice.code, choice.label) for choice in question.choices.all()]


def _plain(value: Decimal) -> Decimal:
    """A limit as the applicant reads it in a message: 2, not 2.00 (the column keeps two places)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _limits(field, question):
    if question.min_value is not None:
        field.validators.append(MinValueValidator(_plain(question.min_value)))
    if question.max_value is not None:
        field.validators.append(MaxValueValidator(_plain(question.max_value)))


def _country(value: str) -> str:
    code = (value or "").strip().upper()
    if code and (len(code) != 2 or not code.isalpha()):
        raise ValidationError(_("Write the country as its two-letter code, e.g. FR or US."))
    return code


def _country_choices():
    return [("", "---------"), *world_country_choices()]


class CountryField(forms.CharField):
    """A country chosen by its name (in the reader's language); the ISO code is stored."""

    def __init__(self, **kwargs):
        super().__init__(widget=forms.Select(choices=_country_choices), **kwargs)

    def clean(self, value):
        code = _country(super().clean(value))
        if code and code not in ISO_3166_ALPHA2:
            raise ValidationError(_("Choose a country from the list."), code="unknown_country")
        return code


class SelectionsField(forms.MultipleChoiceField):
    """Several choices, between the question's fewest and most."""

    def __init__(self, *, fewest=None, most=None, **kwargs):
        self.fewest, self.most = fewest, most
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and self.fewest is not None and len(value) < self.fewest:
            raise ValidationError(_("Choose at least %(count)d.") % {"count": self.fewest}, code="too_few")
        if self.most is not None and len(value) > self.most:
            raise ValidationError(_("Choose at most %(count)d.") % {"count": self.most}, code="too_many")


def question_field(question) -> forms.Field:
    """The form field of one question, with its limits; never required here (the submission checks)."""
    options = {"label": question.label, "required": False, "help_text": question.help_text}
    kind = question.kind
    if kind in Question.TEXT_KINDS:
        field = forms.CharField(
            max_length=question.max_length or DEFAULT_MAX_LENGTH[kind],
            min_length=question.min_length,
            widget=forms.Textarea(attrs={"rows": 4}) if kind == Kind.LONG_TEXT else None,
            **options,
        )
    elif kind in Question.NUMBER_KINDS:
        field = LocalDecimalField(max_digits=14, decimal_places=2, **options)
        field.validators.append(MaxValueValidator(MAX_NUMBER))
        if kind == Kind.PERCENTAGE:
            field.validators += [MinValueValidator(0), MaxValueValidator(100)]
        _limits(field, question)
    elif kind == Kind.DATE:
        field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **options)
    elif kind == Kind.YES_NO:
        field = forms.ChoiceField(choices=[(YES, _("Yes")), (NO, _("No"))], widget=forms.RadioSelect, **options)
    elif kind == Kind.SINGLE_CHOICE:
        field = forms.ChoiceField(choices=_choices(question), widget=forms.RadioSelect, **options)
    elif kind in Question.SELECTION_KINDS:
        field = SelectionsField(
            choices=_choices(question),
            widget=forms.CheckboxSelectMultiple,
            fewest=int(question.min_value) if question.min_value is not None else None,
            most=int(question.max_value) if question.max_value is not None else None,
            **options,
        )
    elif kind == Kind.COUNTRY:
        field = CountryField(**options)  # no length check first: the message says how to write it
    else:  # region: chosen by its name among the NUTS 2 regions the portal lists, or typed as a code
        field = RegionField(**options)
    if question.required:
        field.help_text = format_help(question.help_text)
    return field


def format_help(text) -> str:
    needed = gettext("Needed before you submit.")
    return f"{text} {needed}" if text else needed


def initial_value(question, answer):
    if answer is None:
        return None
    column = COLUMN[question.kind]
    value = getattr(answer, column)
    if question.kind == Kind.YES_NO:
        return None if value is None else (YES if value else NO)
    if question.kind == Kind.SINGLE_CHOICE:
        return value[0] if value else None
    return value


def typed_value(question, value):
    """The form's cleaned value as the Answer column holds it."""
    column = COLUMN[question.kind]
    if value in (None, "", []):
        return EMPTY[column]
    if question.kind == Kind.YES_NO:
        return value == YES
    if question.kind == Kind.SINGLE_CHOICE:
        return [value]
    if column == "codes":
        return list(value)
    return value


class AnswersForm(forms.Form):
    """One field per question of the call (named by its code), grouped by section in the template."""

    def __init__(self, *args, questions, answers, **kwargs):
        super().__init__(*args, prefix="answer", **kwargs)
        self.questions = questions
        self.stored = answers
        for question in questions:
            self.fields[question.code] = question_field(question)
            self.initial[question.code] = initial_value(question, answers.get(question.pk))

    def clean(self):
        cleaned = super().clean()
        # Which questions are asked by what was just typed (or, where it was refused, what is stored).
        current = dict(self.stored)
        for question in self.questions:
            if question.code in cleaned:
                current[question.pk] = Answer(
                    question=question, **{COLUMN[question.kind]: typed_value(question, cleaned[question.code])}
                )
        self.visible = visible_ids(self.questions, current)
        for question in self.questions:
            if question.pk not in self.visible:
                # Not asked: not checked, and its answer goes (the service clears it too).
                self.errors.pop(question.code, None)
                cleaned[question.code] = None
        return cleaned

    def valid_values(self) -> dict[str, object]:
        """The answers that passed their checks (all of them when the form is valid), by code, typed."""
        return {
            question.code: typed_value(question, self.cleaned_data.get(question.code))
            for question in self.questions
            if question.code not in self.errors and question.code in self.cleaned_data
        }

    def sections(self) -> list[tuple[object, list]]:
        """(section or None, [(bound field, question, asked)]) in the questions' order."""
        visible = getattr(self, "visible", None)
        if visible is None:
            visible = visible_ids(self.questions, self.stored)
        groups: list[tuple[object, list]] = []
        for question in self.questions:
            if not groups or groups[-1][0] != question.section:
                groups.append((question.section, []))
            groups[-1][1].append((self[question.code], question, question.pk in visible))
        return groups


# --- the write -----------------------------------------------------------------------------------


@transaction.atomic
def answers_save(*, application, data: dict[str, object], by=None) -> dict[int, Answer]:
    """Store a draft's answers (`data`: question code -> value as the Answer column holds it).

    A code not in `data` keeps its answer; an empty value removes it. The answers of questions
    whose condition no longer holds are removed. Only a draft's answers change (AnswersRefused).
    Returns the answers now stored, by question id. `by` is who typed them (the application's
    history records the step).
    """
    locked = Application.objects.select_for_update().only("pk", "status", "call_id").get(pk=application.pk)
    if locked.status != Status.DRAFT:
        raise AnswersRefused(gettext("Only a draft's answers can be changed."))
    questions = form_questions(application.call)
    stored = {answer.question_id: answer for answer in Answer.objects.filter(application=locked)}
    by_code = {question.code: question for question in questions}
    for code, value in data.items():
        question = by_code.get(code)
        if question is None:
            continue
        column = COLUMN[question.kind]
        if value in (None, "", []):
            if question.pk in stored:
                stored.pop(question.pk).delete()
            continue
        answer = stored.get(question.pk) or Answer(application=locked, question=question)
        for name, empty in EMPTY.items():
            setattr(answer, name, value if name == column else empty)
        answer.full_clean(exclude=["application", "question"], validate_constraints=False)
        answer.save()
        stored[question.pk] = answer
    visible = visible_ids(questions, stored)
    hidden = [pk for pk in stored if pk not in visible]
    if hidden:
        Answer.objects.filter(application=locked, question_id__in=hidden).delete()
        for pk in hidden:
            stored.pop(pk)
    if hasattr(application, "_prefetched_objects_cache"):
        application._prefetched_objects_cache.pop("answers", None)
    return stored


# --- reading for the submission and the pages ---------------------------------------------------------


def unanswered(application) -> list[str]:
    """The required questions asked and not answered, as messages naming each (the submission's check)."""
    questions = form_questions(application.call)
    answers = answers_by_question(application, questions)
    visible = visible_ids(questions, answers)
    return [
        gettext("Answer the question “%(question)s”.") % {"question": question.label}
        for question in questions
        if question.required
        and question.pk in visible
        and (question.pk not in answers or answers[question.pk].is_empty)
    ]


def shown_value(question, answer) -> str:
    """The answer in the reader's language: labels of choices, a local number, a date."""
    if answer is None or answer.is_empty:
        return ""
    kind = question.kind
    if kind in (*Question.CHOICE_KINDS, Kind.MARKET):
        labels = dict(_choices(question))
        return ", ".join(str(labels.get(code, code)) for code in answer.codes)
    if kind == Kind.YES_NO:
        return gettext("Yes") if answer.boolean else gettext("No")
    if kind == Kind.AMOUNT:
        return format_eur(answer.number)
    if kind == Kind.PERCENTAGE:
        return f"{number_format(answer.number.normalize(), force_grouping=True)}\xa0%"
    if kind == Kind.NUMBER:
        return number_format(answer.number.normalize(), force_grouping=True)
    if kind == Kind.DATE:
        return date_format(answer.date, "DATE_FORMAT")
    # A place by its name, its code beside it (the code is what the agency's reports and filters use).
    if kind == Kind.REGION:
        return f"{region_name(answer.text)} ({answer.text})" if region_name(answer.text) != answer.text else answer.text
    if kind == Kind.COUNTRY:
        return (
            f"{country_name(answer.text)} ({answer.text})" if country_name(answer.text) != answer.text else answer.text
        )
    return answer.text


def stored_value(question, answer) -> str:
    """The typed answer as a string: the text, the number (2 places), the ISO date, yes/no, the codes."""
    if answer is None or answer.is_empty:
        return ""
    column = COLUMN[question.kind]
    value = getattr(answer, column)
    if column == "codes":
        return ",".join(value)
    if column == "boolean":
        return YES if value else NO
    if column == "date":
        return value.isoformat()
    return str(value)


def answers_shown(application) -> list[dict]:
    """The answers the pages show (the detail page, the reviewer's page, the admin), in the reader's language.

    Once submitted, these are the submitted answers: a call's questions are frozen by its first
    submission and answers change only in a draft, so the rows read now say what was submitted;
    the receipt keeps them in the language of the submission. A submission from before its call's
    questions were configuration (applications migration 0024) shows the answers copied from its
    old columns.
    """
    return answer_rows(application)


def answer_rows(application) -> list[dict]:
    """The questions asked, in order, with the answers: {code, label, value, typed} (the content's form)."""
    questions = form_questions(application.call)
    answers = answers_by_question(application, questions)
    visible = visible_ids(questions, answers)
    return [
        {
            "code": question.code,
            "label": str(question.label),
            "value": shown_value(question, answers.get(question.pk)),
            "typed": stored_value(question, answers.get(question.pk)),
        }
        for question in questions
        if question.pk in visible
    ]
