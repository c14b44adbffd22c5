"""Organisations: the legal entities that apply or take part, their SME size, who holds whom, who acts for them."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.constraints import ConstraintErrorsOnFields
from portal.money import MoneyField
from portal.regions import nuts_country, validate_nuts2
from portal.saving import SavesWhatChanged
from portal.text import CleanCharField, CleanEmailField, CleanURLField

from ..taxids import tax_id_compact, validate_tax_id

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


class Organisation(SavesWhatChanged, ConstraintErrorsOnFields, models.Model):
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
