"""A programme's budget for one year, split into lines, and the agency's own spending against them
(re-exported by programmes.models).

A call has its own budget; a programme may also have a budget per year (the "programme-year
envelope"), which every call of that programme and budget year draws from. The envelope is split
into lines: one for grants (what approved grants of the programme's calls draw from) and any
number for the agency's own spending (PIMEX's training sessions and consultancy), recorded as
`AgencySpending` rows. The money read over these rows (committed, paid, remaining) needs the
applications and lives in applications/budgets.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.constraints import ConstraintErrorsOnFields
from portal.money import MoneyField
from portal.text import CleanCharField, CleanTextField
from portal.translated import any_language

from .programme import Programme


class ProgrammeBudget(ConstraintErrorsOnFields, models.Model):
    """The budget of a programme for one year (its lines say what it is for)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="budgets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    note = CleanTextField(_("note"), blank=True, help_text=_("Where the figures come from (a decision, a plan)."))

    constraint_error_fields = {"programme_budget_once_per_year": "year"}

    class Meta:
        verbose_name = _("programme budget")
        verbose_name_plural = _("programme budgets")
        ordering = [any_language("programme__name").asc(), "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year"],
                name="programme_budget_once_per_year",
                violation_error_code="programme_budget_once_per_year",
                violation_error_message=_("The programme already has a budget for this year."),
            ),
        ]

    def __str__(self):
        return f"{self.programme} {self.year}"


class ProgrammeBudgetLine(ConstraintErrorsOnFields, models.Model):
    """One line of a programme's yearly budget: grants, or the agency's own spending."""

    class Purpose(models.TextChoices):
        GRANTS = "grants", _("Grants (approved grants of the programme's calls draw from it)")
        AGENCY_SPENDING = "agency_spending", _("The agency's own spending (training, consultancy...)")

    budget = models.ForeignKey(
        ProgrammeBudget, verbose_name=_("programme budget"), on_delete=models.CASCADE, related_name="lines"
    )
    name = CleanCharField(_("name"), max_length=200)
    purpose = CleanCharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.GRANTS)
    amount = MoneyField(_("amount (EUR)"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    constraint_error_fields = {"programme_budget_line_one_grants_line": "purpose"}

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["budget", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="programme_budget_line_amount_not_negative",
                violation_error_code="programme_budget_line_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=["grants", "agency_spending"]),
                name="programme_budget_line_purpose_valid",
                violation_error_code="programme_budget_line_purpose_valid",
                violation_error_message=_("Choose a purpose from the list."),
            ),
            models.UniqueConstraint(
                fields=["budget"],
                condition=Q(purpose="grants"),
                name="programme_budget_line_one_grants_line",
                violation_error_code="programme_budget_line_one_grants_line",
                violation_error_message=_(
                    "A yearly budget has one line for grants: every approved grant of the year draws from it."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.budget}: {self.name}"

    @property
    def is_grants(self) -> bool:
        return self.purpose == self.Purpose.GRANTS


class AgencySpending(ConstraintErrorsOnFields, models.Model):
    """Money the agency spent itself on a line of a programme's yearly budget (a training session)."""

    line = models.ForeignKey(
        ProgrammeBudgetLine,
        verbose_name=_("budget line"),
        on_delete=models.PROTECT,
        related_name="spending",
        limit_choices_to={"purpose": ProgrammeBudgetLine.Purpose.AGENCY_SPENDING},
    )
    spent_on = models.DateField(_("spent on"))
    amount = MoneyField(_("amount (EUR)"))
    description = CleanTextField(_("what was paid for"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("agency spending")
        verbose_name_plural = _("agency spending")
        ordering = ["-spent_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="agency_spending_amount_positive",
                violation_error_code="agency_spending_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
        ]

    def __str__(self):
        return f"{self.line}: {self.amount} ({self.spent_on})"
