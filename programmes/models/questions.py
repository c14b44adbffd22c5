"""What a call asks beyond the common form: its sections and questions, configured by the agency.

A call's questions used to be code chosen by programme kind; they are now rows, written in the
admin in the four languages (`portal.translated`). Each question has a kind that says how it is
asked and how its answer is stored, typed (`applications.Answer`: text, number, date, yes/no or
codes), never as JSON text.

A call's questions are frozen once one of its applications is submitted: the submitted content
names the questions it answered, and a reviewer compares applications that answered the same
questions. To ask something else, the agency copies the call (`programmes.services.call_copy`)
and publishes the copy: the new version.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.constraints import ConstraintErrorsOnFields
from portal.text import CleanCharField, CleanSlugField, CleanTextField
from portal.translated import Translated, TranslatedContent

from . import frozen
from .frozen import FrozenQuerySet
from .programme import Call

FROZEN_MESSAGE = _(
    "Applications to this call were submitted with these questions: they can no longer be added, changed or "
    "deleted. Copy the call to ask other questions in a new version."
)


class FrozenAfterSubmission(frozen.FrozenAfterSubmission):
    """A part of a call's form (a section, a question, a choice): frozen with its call (`frozen.py`)."""

    frozen_message = FROZEN_MESSAGE
    frozen_code = "questions_frozen"


class FormSection(FrozenAfterSubmission, TranslatedContent, ConstraintErrorsOnFields, models.Model):
    """A heading under which the applicant form groups some of the call's questions."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    title = Translated(CleanCharField(_("title"), max_length=200))

    objects = FrozenQuerySet.as_manager()

    class Meta:
        verbose_name = _("form section")
        verbose_name_plural = _("form sections")
        ordering = ["call", "position", "pk"]

    def __str__(self):
        return self.title

    @property
    def content_agency(self):
        return self.call.programme.agency


class QuestionQuerySet(FrozenQuerySet):
    """The questions, with whether each can be asked: a choice with nothing to choose from cannot
    (the call's admin page warns about it until choices are added), so a required one cannot stop
    every submission and a rule about it does not apply. The one reading of it: the applicant's
    form, the submission's check, the pages and the rules engine."""

    def with_can_ask(self):
        """Each question with `can_ask` (True or False), in the same query."""
        has_choices = Exists(QuestionChoice.objects.filter(question=OuterRef("pk")))
        return self.annotate(
            can_ask=models.Case(
                models.When(kind__in=Question.CHOICE_KINDS, then=has_choices),
                default=models.Value(True),
                output_field=models.BooleanField(),
            )
        )

    def askable(self):
        """Only the questions that can be asked."""
        return self.with_can_ask().filter(can_ask=True)


class Question(FrozenAfterSubmission, TranslatedContent, ConstraintErrorsOnFields, models.Model):
    """One question of a call: how it is asked (kind), its limits, and when it is asked (condition)."""

    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        AMOUNT = "amount", _("Amount (EUR)")
        PERCENTAGE = "percentage", _("Percentage")
        DATE = "date", _("Date")
        YES_NO = "yes_no", _("Yes or no")
        SINGLE_CHOICE = "single_choice", _("One choice from a list")
        MULTIPLE_CHOICE = "multiple_choice", _("Several choices from a list")
        COUNTRY = "country", _("Country")
        REGION = "region", _("Region (NUTS 2)")
        MARKET = "market", _("Target markets")

    # The kinds answered with a list the agency writes (QuestionChoice rows).
    CHOICE_KINDS = (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE)
    NUMBER_KINDS = (Kind.NUMBER, Kind.AMOUNT, Kind.PERCENTAGE)
    TEXT_KINDS = (Kind.SHORT_TEXT, Kind.LONG_TEXT)
    # Kinds whose answer is a list of codes: their min/max values count the selections.
    SELECTION_KINDS = (Kind.MULTIPLE_CHOICE, Kind.MARKET)

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(
        FormSection,
        verbose_name=_("section"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    code = CleanSlugField(
        _("code"),
        max_length=40,
        help_text=_("Short name of the question in exports, rules and conditions, e.g. markets."),
    )
    kind = CleanCharField(_("kind"), max_length=20, choices=Kind.choices)
    label = Translated(CleanCharField(_("question"), max_length=300))
    help_text = Translated(CleanTextField(_("help text"), blank=True))
    required = models.BooleanField(
        pgettext_lazy("question", "required"), default=True, help_text=_("Needed before submission.")
    )
    min_length = models.PositiveIntegerField(_("minimum length"), null=True, blank=True, help_text=_("Texts."))
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True, help_text=_("Texts."))
    min_value = models.DecimalField(
        _("minimum"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Numbers, amounts and percentages; for several choices, the fewest to choose."),
    )
    max_value = models.DecimalField(
        _("maximum"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Numbers, amounts and percentages; for several choices, the most to choose."),
    )
    condition_question = models.ForeignKey(
        "self",
        verbose_name=_("asked only if question"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dependent_questions",
    )
    condition_values = CleanCharField(
        _("has one of the answers"),
        max_length=500,
        blank=True,
        help_text=_("Codes separated by commas: choice codes, yes or no, or the exact text."),
    )
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("The answer may appear in the open data of funded operations.")
    )

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {
        "question_code_unique_per_call": "code",
        "question_min_length_le_max": "min_length",
        "question_min_value_le_max": "min_value",
        "question_condition_complete": "condition_values",
        "question_condition_not_itself": "condition_question",
    }

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["call", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "code"],
                name="question_code_unique_per_call",
                violation_error_code="question_code_unique_per_call",
                violation_error_message=_("The call already has a question with this code."),
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "short_text",
                        "long_text",
                        "number",
                        "amount",
                        "percentage",
                        "date",
                        "yes_no",
                        "single_choice",
                        "multiple_choice",
                        "country",
                        "region",
                        "market",
                    ]
                ),
                name="question_kind_valid",
                violation_error_code="question_kind_valid",
                violation_error_message=_("Choose a kind from the list."),
            ),
            models.CheckConstraint(
                condition=Q(min_length__isnull=True) | Q(max_length__isnull=True) | Q(min_length__lte=F("max_length")),
                name="question_min_length_le_max",
                violation_error_code="question_min_length_le_max",
                violation_error_message=_("The minimum length cannot be more than the maximum length."),
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True) | Q(max_value__isnull=True) | Q(min_value__lte=F("max_value")),
                name="question_min_value_le_max",
                violation_error_code="question_min_value_le_max",
                violation_error_message=_("The minimum cannot be more than the maximum."),
            ),
            models.CheckConstraint(
                condition=Q(condition_question__isnull=True, condition_values="")
                | (Q(condition_question__isnull=False) & ~Q(condition_values="")),
                name="question_condition_complete",
                violation_error_code="question_condition_complete",
                violation_error_message=_("A condition names both the question and the answers that ask this one."),
            ),
            models.CheckConstraint(
                condition=Q(condition_question__isnull=True) | ~Q(condition_question=F("pk")),
                name="question_condition_not_itself",
                violation_error_code="question_condition_not_itself",
                violation_error_message=_("A question cannot depend on its own answer."),
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def content_agency(self):
        return self.call.programme.agency

    def _condition_values_checked(self):
        """The condition's values checked against the kind of the question they answer, and written the
        one way the form compares them (numbers plain, dates ISO): an error message, or None."""
        parent, values = self.condition_question, self.condition_list
        if parent.kind in self.CHOICE_KINDS:
            offered = list(parent.choices.values_list("code", flat=True))
            unknown = [value for value in values if value not in offered]
            if offered and unknown:
                return _("“%(question)s” offers no answer %(unknown)s. Its codes: %(offered)s.") % {
                    "question": parent.label,
                    "unknown": ", ".join(unknown),
                    "offered": ", ".join(offered),
                }
        elif parent.kind == self.Kind.YES_NO:
            if set(values) - {"yes", "no"}:
                return _("“%(question)s” is answered yes or no: write yes, no or both.") % {"question": parent.label}
        elif parent.kind in self.NUMBER_KINDS:
            try:
                numbers = [Decimal(value) for value in values]
                if not all(number.is_finite() for number in numbers):
                    raise InvalidOperation
            except InvalidOperation:
                return _("“%(question)s” is answered with a number: write numbers like 100 or 2.5.") % {
                    "question": parent.label
                }
            self.condition_values = ",".join(format(number.normalize(), "f") for number in numbers)
        elif parent.kind == self.Kind.DATE:
            try:
                dates = [date.fromisoformat(value) for value in values]
            except ValueError:
                return _("“%(question)s” is answered with a date: write dates like 2026-12-31.") % {
                    "question": parent.label
                }
            self.condition_values = ",".join(day.isoformat() for day in dates)
        return None

    @property
    def condition_list(self) -> list[str]:
        return [value.strip() for value in self.condition_values.split(",") if value.strip()]

    def clean(self):
        super().clean()
        errors = {}
        if self.condition_question_id and self.call_id:
            if self.condition_question.call_id != self.call_id:
                errors["condition_question"] = _("This question belongs to another call.")
            elif self.pk and self.condition_question_id == self.pk:
                errors["condition_question"] = _("A question cannot depend on its own answer.")
        if self.section_id and self.call_id and self.section.call_id != self.call_id:
            errors["section"] = _("This section belongs to another call.")
        if self.condition_question_id and self.call_id and "condition_question" not in errors:
            # Follow the chain of conditions: one that comes back here would hide both questions for good.
            seen, parent = {self.pk}, self.condition_question
            while parent is not None and parent.condition_question_id is not None:
                if parent.condition_question_id in seen:
                    errors["condition_question"] = _("The conditions go round in a circle: no question would be asked.")
                    break
                seen.add(parent.pk)
                parent = parent.condition_question
        if self.condition_question_id and self.call_id and "condition_question" not in errors:
            problem = self._condition_values_checked()
            if problem:
                errors["condition_values"] = problem
        stored = type(self).objects.filter(pk=self.pk).values_list("kind", flat=True).first() if self.pk else None
        if stored is not None and stored != self.kind and self.answers.exists():
            errors["kind"] = _(
                "Applicants have answered this question already: its kind cannot change. Add a new question."
            )
        if self.kind not in self.TEXT_KINDS:
            for name in ("min_length", "max_length"):
                if getattr(self, name) is not None:
                    errors[name] = _("Only a text has a length: leave it empty.")
        if self.kind not in (*self.NUMBER_KINDS, *self.SELECTION_KINDS):
            for name in ("min_value", "max_value"):
                if getattr(self, name) is not None:
                    errors[name] = _("Only numbers and several choices have a minimum or maximum: leave it empty.")
        elif self.kind in self.SELECTION_KINDS:
            for name in ("min_value", "max_value"):
                value = getattr(self, name)
                if value is not None and (value < 0 or value != int(value)):
                    errors[name] = _("The number of choices is a whole number, 0 or more.")
        if errors:
            raise ValidationError(errors)

    def answer_codes(self, answer) -> set[str]:
        """What a condition on this question compares: the answer as codes (choices, yes/no, text)."""
        if answer is None:
            return set()
        if self.kind in (*self.CHOICE_KINDS, self.Kind.MARKET):
            return set(answer.codes)
        if self.kind == self.Kind.YES_NO:
            return set() if answer.boolean is None else {"yes" if answer.boolean else "no"}
        if self.kind in self.NUMBER_KINDS:
            return set() if answer.number is None else {format(answer.number.normalize(), "f")}
        if self.kind == self.Kind.DATE:
            return set() if answer.date is None else {answer.date.isoformat()}
        return {answer.text} if answer.text else set()


class QuestionChoice(FrozenAfterSubmission, TranslatedContent, ConstraintErrorsOnFields, models.Model):
    """One answer an applicant can choose for a question with a list."""

    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    code = CleanSlugField(
        _("code"), max_length=40, help_text=_("Stored with the answer; used in conditions and rules.")
    )
    label = Translated(CleanCharField(_("answer"), max_length=200))

    constraint_error_fields = {"question_choice_code_unique": "code"}

    frozen_call_path = "question__call_id"
    objects = FrozenQuerySet.as_manager()

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "code"],
                name="question_choice_code_unique",
                violation_error_code="question_choice_code_unique",
                violation_error_message=_("The question already has a choice with this code."),
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def content_agency(self):
        return self.question.call.programme.agency

    def frozen_call(self):
        return self.question.call


def asked_ids(questions, answers: dict) -> set[int]:
    """The questions asked, given the answers by question id: a condition holds when its question is
    asked and its answer is one of the values (a chain of conditions is followed; a circle asks none).

    The one reading of the conditions: the applicant's form, the submission's check and the rules.
    """
    by_id = {question.pk: question for question in questions}
    visible: set[int] = set()

    def asked(question, seen=()):
        if question.condition_question_id is None:
            return True
        parent = by_id.get(question.condition_question_id)
        if parent is None or parent.pk in seen or not asked(parent, (*seen, question.pk)):
            return False
        return bool(parent.answer_codes(answers.get(parent.pk)) & set(question.condition_list))

    for question in questions:
        if asked(question):
            visible.add(question.pk)
    return visible
