"""Organisations (companies, non-profits, public bodies), consortia and their members."""

import re
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from portal.constraints import ConstraintErrorsOnFields
from portal.money import MoneyField, format_eur
from portal.regions import nuts_country, validate_nuts2
from portal.text import CleanCharField, CleanEmailField, CleanTextField, CleanURLField

from .countries import validate_country
from .stages import Stage as Stage  # the vocabulary of who applies is read from here, with SmeSize
from .stages import stage_expression
from .taxids import tax_id_compact, validate_tax_id

NACE_PATTERN = re.compile(r"^(?:[A-U])?(\d{2})(?:\.(\d{1,2}))?$")

# NACE Rev. 2 sections by division (first two digits).
NACE_SECTIONS = [
    ("A", 1, 3),
    ("B", 5, 9),
    ("C", 10, 33),
    ("D", 35, 35),
    ("E", 36, 39),
    ("F", 41, 43),
    ("G", 45, 47),
    ("H", 49, 53),
    ("I", 55, 56),
    ("J", 58, 63),
    ("K", 64, 66),
    ("L", 68, 68),
    ("M", 69, 75),
    ("N", 77, 82),
    ("O", 84, 84),
    ("P", 85, 85),
    ("Q", 86, 88),
    ("R", 90, 93),
    ("S", 94, 96),
    ("T", 97, 98),
    ("U", 99, 99),
]


def nace_section(code: str) -> str | None:
    """The NACE Rev. 2 section letter (A..U) of a code such as 10.51 or C10.51."""
    match = NACE_PATTERN.match((code or "").strip().upper())
    if not match:
        return None
    division = int(match.group(1))
    for letter, low, high in NACE_SECTIONS:
        if low <= division <= high:
            return letter
    return None


def validate_nace(value: str) -> None:
    if nace_section(value) is None:
        raise ValidationError(
            _("“%(value)s” is not a NACE Rev. 2 code: write the division and class, e.g. 10.51 (dairy products)."),
            code="invalid_nace",
            params={"value": value},
        )


class SmeSize(models.TextChoices):
    """SME size classes (Recommendation 2003/361/EC).

    `label` stands alone (a heading, a column); `in_sentence` is the form written
    inside a sentence ("Every member is an SME (Acme: medium-sized)").
    """

    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")

    @property
    def in_sentence(self):
        return _SME_SIZE_IN_SENTENCE[self]


_SME_SIZE_IN_SENTENCE = {
    SmeSize.MICRO: _("micro"),
    SmeSize.SMALL: _("small"),
    SmeSize.MEDIUM: _("medium-sized"),
    SmeSize.LARGE: _("large"),
}


class Organisation(ConstraintErrorsOnFields, models.Model):
    """A legal entity that applies or takes part: company, non-profit or public body."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        NON_PROFIT = "non_profit", _("Non-profit organisation")
        PUBLIC_BODY = "public_body", _("Public body")

    kind = CleanCharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.COMPANY)
    legal_name = CleanCharField(_("legal name"), max_length=200)
    country = CleanCharField(_("country"), max_length=2, help_text=_("ISO 3166 alpha-2 code, e.g. ES."))
    tax_id = CleanCharField(
        _("tax id"),
        max_length=20,
        help_text=_("NIF in Spain, partita IVA or codice fiscale in Italy, NIF/NIPC in Portugal."),
    )
    region = CleanCharField(
        _("region (NUTS 2)"),
        max_length=4,
        validators=[validate_nuts2],
        help_text=_("Where the registered office is, e.g. ES43."),
    )
    city = CleanCharField(_("city"), max_length=100, blank=True)
    nace_code = CleanCharField(
        _("NACE code"), max_length=8, blank=True, validators=[validate_nace], help_text=_("Main activity, e.g. 10.51.")
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    employees = models.DecimalField(
        _("staff (annual work units)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    turnover = MoneyField(_("annual turnover (EUR)"), null=True, blank=True, validators=[MinValueValidator(0)])
    balance_sheet = MoneyField(_("balance sheet total (EUR)"), null=True, blank=True, validators=[MinValueValidator(0)])
    email = CleanEmailField(_("contact e-mail"), blank=True)
    website = CleanURLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {"organisation_tax_id_unique_per_country": "tax_id"}

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["legal_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "tax_id"],
                name="organisation_tax_id_unique_per_country",
                violation_error_code="organisation_tax_id_unique_per_country",
                violation_error_message=_("An organisation with this tax id is already registered in this country."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["company", "non_profit", "public_body"]),
                name="organisation_kind_valid",
                violation_error_code="organisation_kind_valid",
                violation_error_message=_("Choose a kind from the list."),
            ),
            models.CheckConstraint(
                condition=Q(employees__isnull=True) | Q(employees__gte=0),
                name="organisation_employees_not_negative",
                violation_error_code="organisation_employees_not_negative",
                violation_error_message=_("The staff count cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(turnover__isnull=True) | Q(turnover__gte=0),
                name="organisation_turnover_not_negative",
                violation_error_code="organisation_turnover_not_negative",
                violation_error_message=_("The turnover cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(balance_sheet__isnull=True) | Q(balance_sheet__gte=0),
                name="organisation_balance_sheet_not_negative",
                violation_error_code="organisation_balance_sheet_not_negative",
                violation_error_message=_("The balance sheet total cannot be negative."),
            ),
        ]
        indexes = [
            models.Index(fields=["region"], name="organisation_region_idx"),
            models.Index(fields=["kind"], name="organisation_kind_idx"),
        ]

    def __str__(self):
        return self.legal_name

    @property
    def nace_section(self) -> str | None:
        return nace_section(self.nace_code)

    def clean_fields(self, exclude=None):
        # Compact the tax id first, so "IT RCCMNL 83S18 D969H" is not refused for
        # its length as typed.
        if self.tax_id:
            self.tax_id = tax_id_compact(self.country, self.tax_id)
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        errors = {}
        self.country = (self.country or "").upper()
        self.region = (self.region or "").upper()
        if self.tax_id:
            try:
                self.tax_id = validate_tax_id(self.country, self.tax_id)
            except ValidationError as error:
                errors["tax_id"] = error.messages
        if self.region and self.country and nuts_country(self.region) != self.country:
            errors["region"] = [
                _("The region %(region)s is not in the country %(country)s.")
                % {"region": self.region, "country": self.country}
            ]
        if self.founded_on and self.founded_on > date.today():
            errors["founded_on"] = [_("The founding date cannot be in the future.")]
        if errors:
            raise ValidationError(errors)


class ConsortiumQuerySet(models.QuerySet):
    def with_stage(self, on: date):
        """Each consortium with `stage`, its stage on that day (the rule of `consortia.stages`), worked out in SQL."""
        return self.annotate(stage=stage_expression(on))

    def in_stage(self, stage: str, on: date):
        """The consortia in a stage on a day."""
        return self.with_stage(on).filter(stage=stage)


class Consortium(ConstraintErrorsOnFields, models.Model):
    """A group of companies that promote themselves abroad together."""

    class Sector(models.TextChoices):
        METAL = "metal", _("Metal")
        AGRI_FOOD = "agri_food", _("Agri-food")
        MARINE_RENEWABLE_ENERGY = "marine_renewable_energy", _("Marine renewable energy")
        WINE = "wine", _("Wine")
        FASHION_TEXTILE = "fashion_textile", _("Fashion and textile")
        MACHINERY = "machinery", _("Machinery and mechanics")
        CONSTRUCTION = "construction", _("Construction and building materials")
        FURNITURE = "furniture", _("Furniture and interiors")
        TOURISM = "tourism", _("Tourism and services")
        ICT = "ict", _("Information technology")
        OTHER = "other", _("Other")

    name = CleanCharField(_("name"), max_length=200)
    sector = CleanCharField(_("sector"), max_length=32, choices=Sector.choices)
    established_on = models.DateField(_("established on"))
    # The evidence of the stage (seed 000): the members' first joint promotion action, its date and what it
    # was, who recorded it and which staff member checked it. Written only by the evidence services
    # (consortia.evidence); `has_joint_actions` follows from it (a constraint keeps them together) and stays
    # for the readers and filters that ask "has it any?". The stage on a day counts the action only from
    # its date (consortia.stages).
    has_joint_actions = models.BooleanField(
        _("members have already carried out joint promotion actions"), default=False, editable=False
    )
    first_joint_action_on = models.DateField(_("first joint promotion action on"), null=True, blank=True)
    first_joint_action = CleanCharField(
        _("first joint promotion action"),
        max_length=300,
        blank=True,
        help_text=_("What the members did together, e.g. a joint stand at a trade fair in Düsseldorf."),
    )
    first_joint_action_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first joint action recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    first_joint_action_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first joint action checked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    first_joint_action_checked_at = models.DateTimeField(
        _("first joint action checked at"), null=True, blank=True, editable=False
    )
    description = CleanTextField(_("description"), blank=True)
    target_markets = CleanCharField(
        _("target markets"), max_length=300, blank=True, help_text=_("Countries or areas, separated by commas.")
    )
    lead = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_consortia",
        help_text=_("Its representatives manage the consortium and apply for it."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ConsortiumQuerySet.as_manager()

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {
        "consortium_joint_actions_follow_evidence": "first_joint_action_on",
        "consortium_joint_action_described": "first_joint_action",
        "consortium_joint_action_checked_when_recorded": "first_joint_action_on",
    }

    class Meta:
        verbose_name = _("consortium")
        verbose_name_plural = _("consortia")
        ordering = ["name"]
        indexes = [models.Index(fields=["sector"], name="consortium_sector_idx")]
        constraints = [
            # Derived, never set on its own: it says whether a first joint action is recorded.
            models.CheckConstraint(
                condition=Q(has_joint_actions=True, first_joint_action_on__isnull=False)
                | Q(has_joint_actions=False, first_joint_action_on__isnull=True),
                name="consortium_joint_actions_follow_evidence",
                violation_error_code="consortium_joint_actions_follow_evidence",
                violation_error_message=_(
                    "Joint actions are recorded by the date of the first joint promotion action, not ticked by hand."
                ),
            ),
            # A recorded action says what it was; a check needs something to check.
            models.CheckConstraint(
                condition=Q(first_joint_action_on__isnull=True) | ~Q(first_joint_action=""),
                name="consortium_joint_action_described",
                violation_error_code="consortium_joint_action_described",
                violation_error_message=_("Say what the first joint promotion action was."),
            ),
            models.CheckConstraint(
                condition=Q(first_joint_action_checked_at__isnull=True) | Q(first_joint_action_on__isnull=False),
                name="consortium_joint_action_checked_when_recorded",
                violation_error_code="consortium_joint_action_checked_when_recorded",
                violation_error_message=_("Only a recorded first joint promotion action can be checked."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def joint_action_checked(self) -> bool:
        return self.first_joint_action_checked_at is not None


class Membership(ConstraintErrorsOnFields, models.Model):
    """An organisation's membership of a consortium; it counts only once active."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left")

    consortium = models.ForeignKey(
        Consortium, verbose_name=_("consortium"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="memberships"
    )
    status = CleanCharField(_("status"), max_length=10, choices=Status.choices, default=Status.INVITED)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    share = models.DecimalField(
        _("share of joint grants (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("How a grant to the consortium is split for de minimis; empty means equal shares."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {
        "membership_one_open_per_organisation": "organisation",
        "membership_active_has_joined_on": "joined_on",
        "membership_left_after_joined": "left_on",
    }

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["consortium", "organisation__legal_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "organisation"],
                condition=Q(status__in=["invited", "active"]),
                name="membership_one_open_per_organisation",
                violation_error_code="membership_one_open_per_organisation",
                violation_error_message=_("This organisation is already invited to this consortium or a member of it."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["invited", "active", "declined", "left"]),
                name="membership_status_valid",
                violation_error_code="membership_status_valid",
                violation_error_message=_("Choose a status from the list."),
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(joined_on__isnull=False),
                name="membership_active_has_joined_on",
                violation_error_code="membership_active_has_joined_on",
                violation_error_message=_("An active member needs the date it joined."),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=False, left_on__gte=F("joined_on")),
                name="membership_left_after_joined",
                violation_error_code="membership_left_after_joined",
                violation_error_message=_("A member leaves on or after the day it joined, which must be given."),
            ),
            models.CheckConstraint(
                condition=Q(share__isnull=True) | Q(share__gte=0, share__lte=100),
                name="membership_share_0_100",
                violation_error_code="membership_share_0_100",
                violation_error_message=_("The share is a percentage between 0 and 100."),
            ),
        ]
        indexes = [models.Index(fields=["consortium", "status"], name="membership_status_idx")]

    def __str__(self):
        return f"{self.organisation} — {self.consortium}"

    # Active on a day: joined by then, as an active or since-left member, and not yet left. The same
    # rule twice, on a row and as a filter, side by side (tested to agree on every case).
    def is_active_on(self, day: date) -> bool:
        """Whether the organisation was a member on that day (joined, not yet left)."""
        if self.joined_on is None or self.joined_on > day:
            return False
        if self.status not in (self.Status.ACTIVE, self.Status.LEFT):
            return False
        return self.left_on is None or self.left_on > day

    @classmethod
    def active_on_filter(cls, day: date, prefix: str = "") -> Q:
        """The memberships active on a day, as a filter (`prefix`: the path to the membership)."""
        return Q(
            **{
                f"{prefix}joined_on__isnull": False,
                f"{prefix}joined_on__lte": day,
                f"{prefix}status__in": [cls.Status.ACTIVE, cls.Status.LEFT],
            }
        ) & (Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": day}))


class OwnershipLink(ConstraintErrorsOnFields, models.Model):
    """One enterprise holding a share of another's capital or voting rights.

    Used for the SME size (Recommendation 2003/361/EC): an enterprise holding
    25% to 50% of another is its partner (figures added pro rata); above 50% the
    two are linked (figures added in full, and one single undertaking for de minimis).
    """

    owner = models.ForeignKey(Organisation, verbose_name=_("holder"), on_delete=models.CASCADE, related_name="holdings")
    owned = models.ForeignKey(
        Organisation, verbose_name=_("held enterprise"), on_delete=models.CASCADE, related_name="holders"
    )
    share = models.DecimalField(
        _("share held (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Percentage of capital or voting rights, whichever is higher."),
    )

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {"ownership_link_unique": "owned", "ownership_link_not_self": "owned"}

    class Meta:
        verbose_name = _("ownership link")
        verbose_name_plural = _("ownership links")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "owned"],
                name="ownership_link_unique",
                violation_error_code="ownership_link_unique",
                violation_error_message=_("This holding is already recorded."),
            ),
            models.CheckConstraint(
                condition=~Q(owner=F("owned")),
                name="ownership_link_not_self",
                violation_error_code="ownership_link_not_self",
                violation_error_message=_("An enterprise cannot hold a share of itself."),
            ),
            models.CheckConstraint(
                condition=Q(share__gte=0, share__lte=100),
                name="ownership_link_share_0_100",
                violation_error_code="ownership_link_share_0_100",
                violation_error_message=_("The share held is a percentage between 0 and 100."),
            ),
        ]

    def __str__(self):
        return f"{self.owner} → {self.owned} ({self.share}%)"


class Representation(ConstraintErrorsOnFields, models.Model):
    """A person who acts for an organisation: only representatives act for it.

    The first representative is the user who registered the organisation; others
    ask, and an existing representative (or agency staff) accepts.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", pgettext_lazy("request", "Declined")
        ENDED = "ended", _("Ended")

    user = models.ForeignKey(
        "portal.User", verbose_name=_("user"), on_delete=models.CASCADE, related_name="representations"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="representations"
    )
    status = CleanCharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    note = CleanCharField(_("message"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        "portal.User", verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {"representation_one_open_per_user": "organisation"}

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        ordering = ["organisation", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(status__in=["requested", "active"]),
                name="representation_one_open_per_user",
                violation_error_code="representation_one_open_per_user",
                violation_error_message=_("This person already represents this organisation or has asked to."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["requested", "active", "declined", "ended"]),
                name="representation_status_valid",
                violation_error_code="representation_status_valid",
                violation_error_message=_("Choose a status from the list."),
            ),
        ]
        indexes = [models.Index(fields=["user", "status"], name="representation_user_idx")]

    def __str__(self):
        return f"{self.user} — {self.organisation}"


class Invitation(models.Model):
    """An invitation to join a consortium, sent to an organisation not yet on the portal (by e-mail)
    or recorded as an invited Membership when the organisation is already registered."""

    consortium = models.ForeignKey(
        Consortium, verbose_name=_("consortium"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = CleanEmailField(_("e-mail"))
    token = CleanCharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        "portal.User", verbose_name=_("invited by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    membership = models.OneToOneField(
        Membership, verbose_name=_("membership"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.consortium}"


# --- What follows a consortium's formation (seed 002): its manager, fees and bids ------------------
# The formation itself (programmes.models.formation) creates the consortium: a downward import.


class ConsortiumManager(ConstraintErrorsOnFields, models.Model):
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


class ConsortiumBid(ConstraintErrorsOnFields, models.Model):
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
