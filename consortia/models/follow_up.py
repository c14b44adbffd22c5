"""What follows a consortium's formation (seed 002): its manager, fees and bids.

The formation itself (programmes.models.formation) creates the consortium: a downward import.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.constraints import ConstraintErrorsOnFields
from portal.money import MoneyField, format_eur
from portal.saving import SavesWhatChanged
from portal.text import CleanCharField, CleanEmailField

from ..countries import validate_country
from .consortium import Consortium, Membership
from .organisation import Organisation


class ConsortiumManager(SavesWhatChanged, ConstraintErrorsOnFields, models.Model):
    """The person appointed to run a consortium; one at a time (the previous one's term ends)."""

    consortium = models.ForeignKey(
        Consortium, verbose_name=_("consortium"), on_delete=models.CASCADE, related_name="managers"
    )
    full_name = CleanCharField(_("full name"), max_length=200)
    email = CleanEmailField(_("e-mail"))
    phone = CleanCharField(_("phone"), max_length=40, blank=True)
    appointed_on = models.DateField(_("appointed on"))
    ended_on = models.DateField(_("term ended on"), null=True, blank=True)

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {
        "consortium_one_current_manager": "ended_on",
        "consortium_manager_ends_after_appointment": "ended_on",
    }

    class Meta:
        verbose_name = _("consortium manager")
        verbose_name_plural = _("consortium managers")
        ordering = ["consortium", "-appointed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium"],
                condition=Q(ended_on__isnull=True),
                name="consortium_one_current_manager",
                violation_error_code="consortium_one_current_manager",
                violation_error_message=_("The consortium already has a current manager: end their term first."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("appointed_on")),
                name="consortium_manager_ends_after_appointment",
                violation_error_code="consortium_manager_ends_after_appointment",
                violation_error_message=_("The term cannot end before the appointment."),
            ),
        ]

    def __str__(self):
        return self.full_name


class MembershipFee(ConstraintErrorsOnFields, models.Model):
    """A fee every member pays for the consortium's running costs, for one period."""

    consortium = models.ForeignKey(
        Consortium, verbose_name=_("consortium"), on_delete=models.PROTECT, related_name="fees"
    )
    period = CleanCharField(_("period"), max_length=40, help_text=_("e.g. 2026 or 2026, first half."))
    amount = MoneyField(_("amount per member (EUR)"), validators=[MinValueValidator(Decimal("0.01"))])
    due_on = models.DateField(_("due on"), help_text=_("Members on this day owe the fee."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {"membership_fee_period_unique": "period"}

    class Meta:
        verbose_name = _("membership fee")
        verbose_name_plural = _("membership fees")
        ordering = ["consortium", "due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "period"],
                name="membership_fee_period_unique",
                violation_error_code="membership_fee_period_unique",
                violation_error_message=_("The consortium already has a fee for this period."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="membership_fee_amount_positive",
                violation_error_code="membership_fee_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
        ]

    def __str__(self):
        return f"{self.consortium} — {self.period}"


class FeePayment(ConstraintErrorsOnFields, models.Model):
    """A member's payment of a fee: one per fee and member, at most the fee's amount."""

    fee = models.ForeignKey(MembershipFee, verbose_name=_("fee"), on_delete=models.PROTECT, related_name="payments")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("member"), on_delete=models.PROTECT, related_name="fee_payments"
    )
    amount = MoneyField(_("amount paid (EUR)"), validators=[MinValueValidator(Decimal("0.01"))])
    paid_on = models.DateField(_("paid on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {"fee_payment_one_per_member": "organisation"}

    class Meta:
        verbose_name = _("fee payment")
        verbose_name_plural = _("fee payments")
        ordering = ["fee", "organisation__legal_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["fee", "organisation"],
                name="fee_payment_one_per_member",
                violation_error_code="fee_payment_one_per_member",
                violation_error_message=_("This member's payment of this fee is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="fee_payment_amount_positive",
                violation_error_code="fee_payment_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.fee}"

    def clean(self):
        super().clean()
        if not (self.fee_id and self.organisation_id):
            return
        errors = {}
        fee = self.fee
        memberships = Membership.objects.filter(consortium_id=fee.consortium_id, organisation_id=self.organisation_id)
        if not any(membership.is_active_on(fee.due_on) for membership in memberships):
            errors["organisation"] = [
                _(
                    "%(organisation)s was not a member of %(consortium)s on %(date)s, when this fee fell due: "
                    "only members pay its fees."
                )
                % {"organisation": self.organisation, "consortium": fee.consortium, "date": fee.due_on.isoformat()}
            ]
        if self.amount is not None and self.amount > fee.amount:
            errors["amount"] = [
                _("A payment cannot be more than the fee (%(amount)s).") % {"amount": format_eur(fee.amount)}
            ]
        if errors:
            raise ValidationError(errors)


class ConsortiumBid(SavesWhatChanged, ConstraintErrorsOnFields, models.Model):
    """A bid of the consortium for an international order or contract; a won bid is a contract won,
    the programme's measure of success."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    consortium = models.ForeignKey(
        Consortium, verbose_name=_("consortium"), on_delete=models.PROTECT, related_name="bids"
    )
    title = CleanCharField(_("what is offered"), max_length=300)
    client = CleanCharField(_("client"), max_length=200, blank=True)
    country = CleanCharField(
        _("country"), max_length=2, validators=[validate_country], help_text=_("ISO 3166 alpha-2 code, e.g. GB.")
    )
    submitted_on = models.DateField(_("submitted on"))
    value = MoneyField(_("value (EUR)"), validators=[MinValueValidator(Decimal("0.01"))])
    status = CleanCharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    decided_on = models.DateField(_("decided on"), null=True, blank=True, help_text=_("When the client awarded it."))
    members = models.ManyToManyField(
        Organisation,
        verbose_name=_("members involved"),
        related_name="consortium_bids",
        help_text=_("Members of the consortium when the bid was submitted."),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {"consortium_bid_decided_after_submitted": "decided_on"}

    class Meta:
        verbose_name = _("international bid")
        verbose_name_plural = _("international bids")
        ordering = ["-submitted_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gt=0),
                name="consortium_bid_value_positive",
                violation_error_code="consortium_bid_value_positive",
                violation_error_message=_("The value must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "won", "lost"]),
                name="consortium_bid_status_valid",
                violation_error_code="consortium_bid_status_valid",
                violation_error_message=_("Choose a status from the list."),
            ),
            models.CheckConstraint(
                condition=Q(status="submitted", decided_on__isnull=True)
                | Q(status__in=["won", "lost"], decided_on__gte=F("submitted_on")),
                name="consortium_bid_decided_after_submitted",
                violation_error_code="consortium_bid_decided_after_submitted",
                violation_error_message=_(
                    "A won or lost bid has the date of the client's decision, on or after the day it was submitted; "
                    "a bid still waiting has none."
                ),
            ),
        ]
        indexes = [models.Index(fields=["status", "decided_on"], name="consortium_bid_status_idx")]

    def __str__(self):
        return self.title

    def clean_fields(self, exclude=None):
        # "gb" as typed is GB.
        self.country = (self.country or "").strip().upper()
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        if self.status == self.Status.SUBMITTED and self.decided_on:
            raise ValidationError(
                {"decided_on": _("A bid still waiting for the client's decision has no decision date.")}
            )
        if self.status in (self.Status.WON, self.Status.LOST):
            if self.decided_on is None:
                raise ValidationError({"decided_on": _("Give the date of the client's decision.")})
            if self.submitted_on and self.decided_on < self.submitted_on:
                raise ValidationError({"decided_on": _("The decision cannot come before the bid was submitted.")})
