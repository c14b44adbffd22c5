"""The applicant's answers to the questions a call configures (programmes.Question), typed.

One row per application and question; the column used depends on the question's kind: `text`
(texts, a country, a region), `number` (numbers, amounts in EUR, percentages: Decimal with two
places, so a cap or a sum is exact), `date`, `boolean` (yes/no) or `codes` (the chosen choices'
codes, a list of strings). Never JSON text: a rule or an export compares numbers and dates as such.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.constraints import ConstraintErrorsOnFields
from portal.text import CleanTextField
from programmes.models import Question

from .application import Application


class Answer(ConstraintErrorsOnFields, models.Model):
    """An application's answer to one of its call's questions."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="answers"
    )
    # A question answered cannot be deleted: a submitted application must keep what it answered.
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers")
    text = CleanTextField(_("text"), blank=True)
    number = models.DecimalField(_("number"), max_digits=14, decimal_places=2, null=True, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    boolean = models.BooleanField(_("yes or no"), null=True, blank=True)
    # A list of choice codes (strings, never numbers or dates). A JSON list rather than a PostgreSQL
    # array: the zero-set-up demo runs on SQLite.
    codes = models.JSONField(_("choices (codes)"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    constraint_error_fields = {"answer_once_per_question": "question"}

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["application", "question__position", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "question"],
                name="answer_once_per_question",
                violation_error_code="answer_once_per_question",
                violation_error_message=_("This question is already answered for this application."),
            ),
        ]

    def __str__(self):
        return f"{self.question_id}: {self.application_id}"

    @property
    def is_empty(self) -> bool:
        return not self.text and self.number is None and self.date is None and self.boolean is None and not self.codes
