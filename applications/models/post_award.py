"""After the award: the reports a beneficiary owes, the expenses, contracts won and actions they list,
and the payments (the rules that write them live in applications.post_award)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from portal.constraints import ConstraintErrorsOnFields
from portal.money import MoneyField
from portal.saving import SavesWhatChanged
from portal.text import CleanCharField, CleanTextField

from .application import Application, Attachment, BudgetLine


class ProjectReport(SavesWhatChanged, ConstraintErrorsOnFields, models.Model):
    """A report a beneficiary owes on an approved operation: interim or final, due on a day the call sets.

    Scheduled when the grant is approved (or when the call's dates are set later);
    staff may move one report's due date (an extension), which restarts its reminders.
    """

    class Kind(models.TextChoices):
        INTERIM = "interim", _("Interim report")
        FINAL = "final", _("Final report")

    class Status(models.TextChoices):
        DUE = "due", pgettext_lazy("beneficiary report", "Due")
        SUBMITTED = "submitted", pgettext_lazy("beneficiary report", "Submitted")

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="project_reports"
    )
    kind = CleanCharField(_("kind"), max_length=10, choices=Kind.choices)
    due_on = models.DateField(_("due on"), help_text=_("In the agency's time zone."))
    status = CleanCharField(_("status"), max_length=10, choices=Status.choices, default=Status.DUE)
    narrative = CleanTextField(_("activities carried out and results"), blank=True)
    export_turnover_before = MoneyField(
        _("export turnover the year before (EUR)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    export_turnover_after = MoneyField(
        _("export turnover in the year of the project (EUR)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    jobs_created = models.PositiveIntegerField(_("jobs created"), null=True, blank=True)
    new_markets = CleanCharField(
        _("new markets entered"), max_length=300, blank=True, help_text=_("Countries, separated by commas.")
    )
    smes_reached = models.PositiveIntegerField(
        _("SMEs reached"), null=True, blank=True, help_text=_("Collective actions: the SMEs that took part.")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["narrative"])

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {
        "project_report_once_per_kind": "kind",
        "project_report_submitted_has_date": "submitted_at",
    }

    class Meta:
        verbose_name = _("beneficiary report")
        verbose_name_plural = _("beneficiary reports")
        ordering = ["application", "due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"],
                name="project_report_once_per_kind",
                violation_error_code="project_report_once_per_kind",
                violation_error_message=_("The application already has a report of this kind."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["interim", "final"]),
                name="project_report_kind_valid",
                violation_error_code="project_report_kind_valid",
                violation_error_message=_("Choose a kind from the list."),
            ),
            models.CheckConstraint(
                condition=Q(status="due", submitted_at__isnull=True)
                | Q(status="submitted", submitted_at__isnull=False),
                name="project_report_submitted_has_date",
                violation_error_code="project_report_submitted_has_date",
                violation_error_message=_(
                    "A submitted report has the date it was submitted; a report still due has none."
                ),
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="project_report_due_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.application}"

    @property
    def is_late(self) -> bool:
        """Submitted after its due day, or still due after it (in the agency's zone)."""
        zone = self.application.call.programme.agency.tzinfo
        moment = self.submitted_at or timezone.now()
        return timezone.localtime(moment, zone).date() > self.due_on


class Expense(ConstraintErrorsOnFields, models.Model):
    """An actual cost claimed in a report, against one approved budget line, with its invoice.

    Staff verify each one: accepted, or rejected with the reason the beneficiary is told.
    """

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("To verify")
        ACCEPTED = "accepted", pgettext_lazy("expense", "Accepted")
        REJECTED = "rejected", pgettext_lazy("expense", "Rejected")

    report = models.ForeignKey(
        ProjectReport, verbose_name=_("report"), on_delete=models.PROTECT, related_name="expenses"
    )
    budget_line = models.ForeignKey(
        BudgetLine, verbose_name=_("budget line"), on_delete=models.PROTECT, related_name="expenses"
    )
    description = CleanCharField(_("description"), max_length=300)
    supplier = CleanCharField(_("supplier"), max_length=200)
    invoice_number = CleanCharField(_("invoice number"), max_length=60)
    invoice_date = models.DateField(_("invoice date"))
    amount = MoneyField(_("amount (EUR)"))
    invoice = models.ForeignKey(
        Attachment, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    status = CleanCharField(_("verification"), max_length=10, choices=Status.choices, default=Status.CLAIMED)
    rejection_reason = CleanCharField(_("reason for the rejection"), max_length=500, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    history = HistoricalRecords()

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {"expense_rejection_has_reason": "rejection_reason"}

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["report", "invoice_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="expense_amount_positive",
                violation_error_code="expense_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["claimed", "accepted", "rejected"]),
                name="expense_status_valid",
                violation_error_code="expense_status_valid",
                violation_error_message=_("Choose a verification result from the list."),
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="expense_rejection_has_reason",
                violation_error_code="expense_rejection_has_reason",
                violation_error_message=_("Give the reason for the rejection: the beneficiary is told it."),
            ),
        ]

    def __str__(self):
        return f"{self.invoice_number} — {self.description}"


class ContractWon(ConstraintErrorsOnFields, models.Model):
    """An outcome a beneficiary reports: a contract won abroad."""

    report = models.ForeignKey(
        ProjectReport, verbose_name=_("report"), on_delete=models.PROTECT, related_name="contracts"
    )
    description = CleanCharField(_("what was sold"), max_length=300)
    country = CleanCharField(_("country"), max_length=2, help_text=_("ISO 3166 alpha-2 code, e.g. FR."))
    value = MoneyField(_("value (EUR)"))
    signed_on = models.DateField(_("signed on"))

    class Meta:
        verbose_name = _("contract won")
        verbose_name_plural = _("contracts won")
        ordering = ["report", "signed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gt=0),
                name="contract_won_value_positive",
                violation_error_code="contract_won_value_positive",
                violation_error_message=_("The value must be more than zero."),
            )
        ]

    def __str__(self):
        return f"{self.description} ({self.country})"


class ActionType(models.TextChoices):
    """What an action carried out was, in the terms the programmes report their results (seed 000: 10
    commercial missions or events, 5 specialised consultancy services, 6 marketing activities)."""

    MISSION = "mission", _("Commercial mission, business event or fair")
    CONSULTANCY = "consultancy", _("Specialised consultancy")
    MARKETING = "marketing", _("Marketing or merchandising")
    OTHER = "other", _("Other action")


class ReportActivity(models.Model):
    """An action carried out, as a report lists it: a commercial trip, promotional material, a fair..."""

    report = models.ForeignKey(
        ProjectReport, verbose_name=_("report"), on_delete=models.PROTECT, related_name="activities"
    )
    category = models.ForeignKey(
        "programmes.CostCategory", verbose_name=_("kind of action"), on_delete=models.PROTECT, related_name="+"
    )
    action_type = CleanCharField(_("type of action"), max_length=16, choices=ActionType.choices)
    description = CleanCharField(_("description"), max_length=300)
    country = CleanCharField(_("country"), max_length=2, blank=True)
    carried_out_on = models.DateField(_("date"))

    class Meta:
        verbose_name = _("action carried out")
        verbose_name_plural = _("actions carried out")
        ordering = ["report", "carried_out_on", "pk"]

    def __str__(self):
        return self.description


class Payment(ConstraintErrorsOnFields, models.Model):
    """Money paid to a beneficiary: never above the payable amount (applications.post_award)."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="payments"
    )
    paid_on = models.DateField(_("paid on"))
    amount = MoneyField(_("amount (EUR)"))
    note = CleanCharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["application", "paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_code="payment_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            )
        ]

    def __str__(self):
        return f"{self.application}: {self.amount} ({self.paid_on})"
