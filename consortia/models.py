"""Organisations (companies, non-profits, public bodies), consortia and their members."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.money import MoneyField
from portal.regions import nuts_country, validate_nuts2

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


class Organisation(models.Model):
    """A legal entity that applies or takes part: company, non-profit or public body."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        NON_PROFIT = "non_profit", _("Non-profit organisation")
        PUBLIC_BODY = "public_body", _("Public body")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.COMPANY)
    legal_name = models.CharField(_("legal name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 alpha-2 code, e.g. ES."))
    tax_id = models.CharField(
        _("tax id"),
        max_length=20,
        help_text=_("NIF in Spain, partita IVA or codice fiscale in Italy, NIF/NIPC in Portugal."),
    )
    region = models.CharField(
        _("region (NUTS 2)"),
        max_length=4,
        validators=[validate_nuts2],
        help_text=_("Where the registered office is, e.g. ES43."),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    nace_code = models.CharField(
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
    email = models.EmailField(_("contact e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["legal_name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "tax_id"], name="organisation_tax_id_unique_per_country"),
            models.CheckConstraint(
                condition=Q(kind__in=["company", "non_profit", "public_body"]), name="organisation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(employees__isnull=True) | Q(employees__gte=0), name="organisation_employees_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(turnover__isnull=True) | Q(turnover__gte=0), name="organisation_turnover_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(balance_sheet__isnull=True) | Q(balance_sheet__gte=0),
                name="organisation_balance_sheet_not_negative",
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


class Consortium(models.Model):
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

    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    established_on = models.DateField(_("established on"))
    has_joint_actions = models.BooleanField(
        _("members have already carried out joint promotion actions"), default=False
    )
    description = models.TextField(_("description"), blank=True)
    target_markets = models.CharField(
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

    class Meta:
        verbose_name = _("consortium")
        verbose_name_plural = _("consortia")
        ordering = ["name"]
        indexes = [models.Index(fields=["sector"], name="consortium_sector_idx")]

    def __str__(self):
        return self.name


class Membership(models.Model):
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
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.INVITED)
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

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["consortium", "organisation__legal_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "organisation"],
                condition=Q(status__in=["invited", "active"]),
                name="membership_one_open_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["invited", "active", "declined", "left"]), name="membership_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(joined_on__isnull=False), name="membership_active_has_joined_on"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=False, left_on__gte=F("joined_on")),
                name="membership_left_after_joined",
            ),
            models.CheckConstraint(
                condition=Q(share__isnull=True) | Q(share__gte=0, share__lte=100), name="membership_share_0_100"
            ),
        ]
        indexes = [models.Index(fields=["consortium", "status"], name="membership_status_idx")]

    def __str__(self):
        return f"{self.organisation} — {self.consortium}"

    def is_active_on(self, day: date) -> bool:
        """Whether the organisation was a member on that day (joined, not yet left)."""
        if self.joined_on is None or self.joined_on > day:
            return False
        if self.status not in (self.Status.ACTIVE, self.Status.LEFT):
            return False
        return self.left_on is None or self.left_on > day


class OwnershipLink(models.Model):
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

    class Meta:
        verbose_name = _("ownership link")
        verbose_name_plural = _("ownership links")
        constraints = [
            models.UniqueConstraint(fields=["owner", "owned"], name="ownership_link_unique"),
            models.CheckConstraint(condition=~Q(owner=F("owned")), name="ownership_link_not_self"),
            models.CheckConstraint(condition=Q(share__gte=0, share__lte=100), name="ownership_link_share_0_100"),
        ]

    def __str__(self):
        return f"{self.owner} → {self.owned} ({self.share}%)"


class Representation(models.Model):
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
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    note = models.CharField(_("message"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        "portal.User", verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        ordering = ["organisation", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(status__in=["requested", "active"]),
                name="representation_one_open_per_user",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["requested", "active", "declined", "ended"]), name="representation_status_valid"
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
    email = models.EmailField(_("e-mail"))
    token = models.CharField(max_length=64, unique=True, editable=False)
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
