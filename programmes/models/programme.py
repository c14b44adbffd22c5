"""Agencies, their programmes, the calls for applications and the cost categories; the de minimis
ledger, reports and subscriptions (re-exported by programmes.models)."""

import zoneinfo
from datetime import date
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.constraints import ConstraintErrorsOnFields
from portal.money import MoneyField
from portal.regions import validate_nuts2
from portal.saving import SavesWhatChanged
from portal.storage import private_storage
from portal.text import CleanCharField, CleanEmailField, CleanSlugField, CleanTextField, CleanURLField
from portal.translated import Translated, TranslatedContent, any_language


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Europe/Madrid."),
            code="invalid_timezone",
            params={"value": value},
        )


TIMEZONE_CHOICES = [
    (name, name)
    for name in sorted(zoneinfo.available_timezones())
    if name.startswith(("Europe/", "Atlantic/")) or name == "UTC"
]


class DocumentKind(models.TextChoices):
    """The kinds of document an applicant attaches; a call's documents (CallDocument) are each of one kind."""

    STATUTES = "statutes", _("Consortium statutes or agreement")
    DECLARATION = "declaration", _("Signed declaration")
    QUOTE = "quote", _("Quote or pro-forma invoice")
    FINANCIAL = "financial", _("Financial statements")
    CLARIFICATION = "clarification", _("Answer to a clarification request")
    INVOICE = "invoice", _("Invoice or receipt")
    OTHER = "other", _("Other")


class Agency(models.Model):
    """A regional development agency that runs programmes."""

    name = CleanCharField(_("name"), max_length=200, unique=True)
    short_name = CleanCharField(_("short name"), max_length=50, blank=True)
    slug = CleanSlugField(_("slug"), max_length=60, unique=True)
    country = CleanCharField(_("country"), max_length=2, help_text=_("ISO 3166 alpha-2 code, e.g. ES."))
    region = CleanCharField(
        _("region (NUTS 2)"), max_length=4, validators=[validate_nuts2], help_text=_("e.g. ES43 for Extremadura.")
    )
    timezone = CleanCharField(
        _("time zone"),
        max_length=64,
        choices=TIMEZONE_CHOICES,
        default="Europe/Madrid",
        validators=[validate_timezone],
        help_text=_("Deadlines are set and shown in this zone."),
    )
    website = CleanURLField(_("website"), blank=True)
    email = CleanEmailField(_("contact e-mail"), blank=True)
    language = CleanCharField(
        _("language"),
        max_length=5,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_(
            "The language the agency writes its programmes and calls in. A text not translated into the "
            "reader's language is shown in this one, then in English."
        ),
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def today(self) -> date:
        """Today in the agency's time zone: the date of what its staff decide and record now."""
        return timezone.localdate(timezone=self.tzinfo)

    def clean(self):
        super().clean()
        self.region = (self.region or "").upper()
        self.country = (self.country or "").upper()
        if self.region and self.country and not self.region.startswith(self.country.replace("GR", "EL")):
            raise ValidationError({"region": _("The region must be in the agency's country.")})


class Programme(TranslatedContent, ConstraintErrorsOnFields, models.Model):
    """A support programme of an agency; its calls carry the dates and the budget."""

    class Kind(models.TextChoices):
        EXPORT_CONSORTIA = "export_consortia", _("Export consortia")
        COFINANCING = "cofinancing", _("Co-financing of consortia promotion projects")
        PIMEX = "pimex", _("Individual SME coaching (PIMEX)")
        COLLECTIVE_ACTIONS = "collective_actions", _("Collective actions")

    class ApplicantType(models.TextChoices):
        CONSORTIUM = "consortium", _("Consortium of companies")
        COMPANY = "company", _("Individual company (SME)")
        NON_PROFIT = "non_profit", _("Non-profit organisation or public body")

    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="programmes")
    kind = CleanCharField(_("kind"), max_length=32, choices=Kind.choices)
    applicant_type = CleanCharField(_("who applies"), max_length=16, choices=ApplicantType.choices)
    name = Translated(CleanCharField(_("name"), max_length=200))
    slug = CleanSlugField(_("slug"), max_length=80, unique=True)
    summary = Translated(CleanTextField(_("summary"), help_text=_("One paragraph shown on the home page.")))
    who_can_apply = Translated(
        CleanTextField(_("who can apply"), blank=True, help_text=_("Plain words, shown to applicants."))
    )
    funding_rules = Translated(
        CleanTextField(_("funding rules"), blank=True, help_text=_("Plain words, shown to applicants."))
    )
    fund = Translated(CleanCharField(_("fund"), max_length=20, blank=True, help_text=_("e.g. ERDF, ESF+.")))
    specific_objective = Translated(CleanCharField(_("specific objective"), max_length=200, blank=True))
    intervention_type = Translated(CleanCharField(_("type of intervention"), max_length=200, blank=True))
    eu_cofinancing_rate = models.DecimalField(
        _("EU co-financing rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    legal_basis = CleanCharField(
        _("State aid basis"),
        max_length=16,
        choices=[
            ("de_minimis", _("De minimis (Regulation (EU) 2023/2831)")),
            ("gber", _("Block exemption (GBER)")),
            ("none", _("Not State aid")),
        ],
        default="de_minimis",
        help_text=_("De minimis grants are counted against each undertaking's 300,000 EUR ceiling."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    # The amounts of a grant (rate, minimum, maximum, caps) are the rules of each call
    # (programmes.CallRule), the one source the rules engine and the payable amount read.

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["agency__name", any_language("name").asc()]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["export_consortia", "cofinancing", "pimex", "collective_actions"]),
                name="programme_kind_valid",
                violation_error_code="programme_kind_valid",
                violation_error_message=_("Choose a kind from the list."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programmes:programme", kwargs={"slug": self.slug})

    @property
    def content_agency(self):
        return self.agency


class CallQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def open_at(self, moment):
        return self.published().filter(opens_at__lte=moment, closes_at__gt=moment)

    def open_now(self):
        return self.open_at(timezone.now())


class Call(SavesWhatChanged, TranslatedContent, ConstraintErrorsOnFields, models.Model):
    """A call for applications: a window (opens_at..closes_at) and a budget."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="calls"
    )
    title = Translated(CleanCharField(_("title"), max_length=200))
    slug = CleanSlugField(_("slug"), max_length=80)
    reference_prefix = CleanCharField(
        _("reference prefix"),
        max_length=10,
        help_text=_("Application references are PREFIX-YEAR-NUMBER, e.g. EXP-2026-0007."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    description = Translated(CleanTextField(_("description"), blank=True))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    budget = MoneyField(_("budget (EUR)"))
    budget_year = models.PositiveSmallIntegerField(
        _("budget year"),
        blank=True,
        help_text=_(
            "The year of the programme's budget this call draws from. Left empty: the year the call opens "
            "(in the agency's time zone)."
        ),
    )
    is_published = models.BooleanField(_("published"), default=True)
    # The last number given to a submitted application; raised under a row lock
    # so references are unique and gapless per call.
    last_reference_number = models.PositiveIntegerField(_("last reference number"), default=0, editable=False)
    reviews_required = models.PositiveSmallIntegerField(
        _("reviews needed before a decision"), default=2, help_text=_("Independent reviews an application needs.")
    )
    grant_conditions = Translated(
        CleanTextField(
            _("conditions of the grant"),
            blank=True,
            help_text=_("What a beneficiary accepts with the grant (shown before they accept it)."),
        )
    )
    interim_report_due_on = models.DateField(
        _("interim report due on"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the call asks for no interim report. In the agency's time zone."),
    )
    final_report_due_on = models.DateField(
        _("final report due on"),
        null=True,
        blank=True,
        help_text=_("Beneficiaries report their actual expenses and results by this day (agency's time zone)."),
    )
    divergence_threshold = models.DecimalField(
        _("divergence flag (points)"),
        max_digits=6,
        decimal_places=2,
        default=20,
        help_text=_("Reviews whose weighted totals differ by more than this are flagged for discussion."),
    )

    history = HistoricalRecords(
        excluded_fields=[
            "last_reference_number",
            "description_en",
            "description_es",
            "description_it",
            "description_pt",
        ]
    )

    objects = CallQuerySet.as_manager()

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {
        "call_opens_before_closes": "closes_at",
        "call_slug_unique_per_programme": "slug",
        "call_interim_report_before_final": "interim_report_due_on",
    }

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__lt=F("closes_at")),
                name="call_opens_before_closes",
                violation_error_code="call_opens_before_closes",
                violation_error_message=_("The call must close after it opens."),
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="call_budget_not_negative",
                violation_error_code="call_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
            models.UniqueConstraint(
                fields=["programme", "slug"],
                name="call_slug_unique_per_programme",
                violation_error_code="call_slug_unique_per_programme",
                violation_error_message=_("The programme already has a call with this slug."),
            ),
            models.CheckConstraint(
                condition=Q(interim_report_due_on__isnull=True)
                | Q(final_report_due_on__isnull=True)
                | Q(interim_report_due_on__lt=F("final_report_due_on")),
                name="call_interim_report_before_final",
                violation_error_code="call_interim_report_before_final",
                violation_error_message=_("The interim report must be due before the final report."),
            ),
        ]
        indexes = [
            models.Index(fields=["is_published", "opens_at", "closes_at"], name="call_window_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # A call saved without a budget year (a factory, a script) draws from the year it opens.
        if self.budget_year is None:
            self.budget_year = self.default_budget_year()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("programmes:call", kwargs={"programme_slug": self.programme.slug, "slug": self.slug})

    @property
    def content_agency(self):
        return self.programme.agency

    def has_submissions(self) -> bool:
        """Whether an application to this call was ever submitted (withdrawn ones count: they were judged).

        What an applicant was asked for is then part of what they submitted, so the call's
        required documents and its questions no longer change (programmes.CallDocument,
        programmes.models.questions): the one reading of "frozen" for both.
        """
        return self.applications.filter(submitted_at__isnull=False).exists()

    def default_budget_year(self) -> int | None:
        """The year the call opens, in its agency's time zone."""
        if self.opens_at is None or self.programme_id is None:
            return None
        return timezone.localtime(self.opens_at, self.programme.agency.tzinfo).year

    @cached_property
    def tzinfo(self):
        return self.programme.agency.tzinfo

    def is_open(self, moment=None) -> bool:
        moment = moment or timezone.now()
        return self.is_published and self.opens_at <= moment < self.closes_at

    def clean(self):
        super().clean()
        if self.budget_year is None:
            self.budget_year = self.default_budget_year()
        errors = {}
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            errors["closes_at"] = _("The call must close after it opens.")
        if self.interim_report_due_on and not self.final_report_due_on:
            errors["final_report_due_on"] = _("A call that asks for an interim report also needs a final report date.")
        elif self.interim_report_due_on and self.interim_report_due_on >= self.final_report_due_on:
            errors["interim_report_due_on"] = _("The interim report must be due before the final report.")
        if self.final_report_due_on and self.closes_at and self.programme_id:
            closes_on = timezone.localtime(self.closes_at, self.programme.agency.tzinfo).date()
            if self.final_report_due_on <= closes_on:
                errors["final_report_due_on"] = _("The final report must be due after the call closes.")
        if errors:
            raise ValidationError(errors)

    def validate_unique(self, exclude=None):
        super().validate_unique(exclude=exclude)
        if exclude and {"reference_prefix", "year"} & set(exclude):
            return  # a form without them (the programme page's calls) does not change them
        if self.reference_prefix and self.year:
            # References are numbered per call: a second call of the year with the prefix would repeat them.
            other = Call.objects.filter(reference_prefix=self.reference_prefix, year=self.year).exclude(pk=self.pk)
            other = other.first()
            if other is not None:
                raise ValidationError(
                    {
                        "reference_prefix": _(
                            "The call “%(call)s” of %(year)s already uses this prefix: its applications would have "
                            "the same references. Choose another."
                        )
                        % {"call": other.title, "year": self.year}
                    }
                )


class CostCategory(TranslatedContent, ConstraintErrorsOnFields, models.Model):
    """A kind of eligible cost of a programme (commercial trips, consultancy, ...)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="cost_categories"
    )
    code = CleanSlugField(_("code"), max_length=40)
    name = Translated(CleanCharField(_("name"), max_length=200))
    description = Translated(CleanTextField(_("description"), blank=True))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {"cost_category_code_unique_per_programme": "code"}

    class Meta:
        verbose_name = _("cost category")
        verbose_name_plural = _("cost categories")
        ordering = ["programme", "position", any_language("name").asc()]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code"],
                name="cost_category_code_unique_per_programme",
                violation_error_code="cost_category_code_unique_per_programme",
                violation_error_message=_("The programme already has a cost category with this code."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def content_agency(self):
        return self.programme.agency


class CallRule(TranslatedContent, ConstraintErrorsOnFields, models.Model):
    """One configured rule of a call: which rule (code), in which order, with its parameters.

    The parameters are typed columns, so money stays Decimal with database
    checks; each rule uses the few it needs (programmes.rules says which).

    `basis` says where the rule comes from: the programme's published rule, or
    the agency's configuration where the published programme is silent (a
    funding rate the description never gives, an exact NACE list); `note`
    says which words of the programme it rests on, or why the agency chose it.
    The public pages label the agency's configuration as such.
    """

    class Basis(models.TextChoices):
        PROGRAMME = "programme", _("The programme's published rule")
        AGENCY = "agency", _("The agency's configuration")

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    code = CleanCharField(_("rule"), max_length=40)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    amount = MoneyField(_("amount (EUR)"), null=True, blank=True)
    limit = MoneyField(_("upper limit (EUR)"), null=True, blank=True)
    rate = models.DecimalField(
        _("rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    choices = CleanCharField(
        _("values"), max_length=500, blank=True, help_text=_("Codes separated by commas, e.g. ES43 or C,J,M.")
    )
    category = models.ForeignKey(
        CostCategory, verbose_name=_("cost category"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Rows are the agency's configuration unless someone says the programme published the rule:
    # a rule is never presented as the programme's by default.
    basis = CleanCharField(_("basis"), max_length=16, choices=Basis.choices, default=Basis.AGENCY)
    note = Translated(
        CleanCharField(
            _("where it comes from"),
            max_length=500,
            blank=True,
            help_text=_(
                "The programme's words the rule follows, or why the agency set it where the programme is silent. "
                "Shown to applicants."
            ),
        )
    )

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {"call_rule_amount_le_limit": "amount"}

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["call", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="call_rule_amount_not_negative",
                violation_error_code="call_rule_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(limit__isnull=True) | Q(limit__gte=0),
                name="call_rule_limit_not_negative",
                violation_error_code="call_rule_limit_not_negative",
                violation_error_message=_("The upper limit cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(rate__isnull=True) | Q(rate__gte=0, rate__lte=100),
                name="call_rule_rate_0_100",
                violation_error_code="call_rule_rate_0_100",
                violation_error_message=_("The rate is a percentage between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(limit__isnull=True) | Q(amount__lte=F("limit")),
                name="call_rule_amount_le_limit",
                violation_error_code="call_rule_amount_le_limit",
                violation_error_message=_("The amount cannot be more than the upper limit."),
            ),
            models.CheckConstraint(
                condition=Q(basis__in=["programme", "agency"]),
                name="call_rule_basis_valid",
                violation_error_code="call_rule_basis_valid",
                violation_error_message=_("Choose a basis from the list."),
            ),
        ]

    def __str__(self):
        return self.code

    @property
    def content_agency(self):
        return self.call.programme.agency

    @property
    def choice_list(self) -> list[str]:
        return [c.strip() for c in self.choices.split(",") if c.strip()]

    @property
    def is_agency_configuration(self) -> bool:
        return self.basis == self.Basis.AGENCY

    # Its parameters are checked against the rule by programmes.rules.validate_rule_parameters,
    # which the forms that edit rules call (the rules engine sits above the models).


class AidAward(ConstraintErrorsOnFields, models.Model):
    """State aid awarded to one undertaking: the de minimis ledger.

    Written when a grant is decided; a consortium grant gives one row per active
    member (equal shares unless the memberships record them). The ledger keeps its
    history: when a grant is renounced (whole or part) or revoked, nothing is edited;
    each undertaking's award gets a correction row with a negative amount, dated the
    day it is recorded (`corrected_on`). A correction counts in the rolling period of
    the aid it corrects (its `awarded_on` is the award's), from its own date on.
    """

    class Kind(models.TextChoices):
        AWARD = "award", _("Award")
        CORRECTION = "correction", _("Correction")

    class LegalBasis(models.TextChoices):
        DE_MINIMIS = "de_minimis", _("De minimis")
        GBER = "gber", _("Block exemption (GBER)")
        NONE = "none", _("Not State aid")

    organisation = models.ForeignKey(
        "consortia.Organisation", verbose_name=_("undertaking"), on_delete=models.PROTECT, related_name="aid_awards"
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aid_awards",
    )
    amount = MoneyField(_("amount (EUR)"))
    awarded_on = models.DateField(_("awarded on"))
    legal_basis = CleanCharField(_("legal basis"), max_length=16, choices=LegalBasis.choices)
    granting_authority = CleanCharField(
        _("granting authority"), max_length=200, blank=True, help_text=_("For aid declared from other authorities.")
    )
    kind = CleanCharField(_("entry"), max_length=16, choices=Kind.choices, default=Kind.AWARD)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        help_text=_("The award this correction reduces or cancels."),
    )
    corrected_on = models.DateField(_("corrected on"), null=True, blank=True)
    note = CleanCharField(_("why"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {
        "aid_award_once_per_application_and_undertaking": "organisation",
        "aid_award_only_corrections_negative": "amount",
        "aid_award_correction_complete": "corrects",
    }

    class Meta:
        verbose_name = _("aid award")
        verbose_name_plural = _("aid awards")
        ordering = ["-awarded_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="correction") | Q(amount__gte=0),
                name="aid_award_only_corrections_negative",
                violation_error_code="aid_award_only_corrections_negative",
                violation_error_message=_("The amount of an award cannot be negative: only a correction can."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["award", "correction"]),
                name="aid_award_kind_valid",
                violation_error_code="aid_award_kind_valid",
                violation_error_message=_("Choose award or correction."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="award", corrects__isnull=True, corrected_on__isnull=True))
                | Q(kind="correction", corrects__isnull=False, corrected_on__isnull=False),
                name="aid_award_correction_complete",
                violation_error_code="aid_award_correction_complete",
                violation_error_message=_(
                    "A correction names the award it corrects and its date; an award has neither."
                ),
            ),
            models.CheckConstraint(
                condition=Q(legal_basis__in=["de_minimis", "gber", "none"]),
                name="aid_award_legal_basis_valid",
                violation_error_code="aid_award_legal_basis_valid",
                violation_error_message=_("Choose a legal basis from the list."),
            ),
            models.UniqueConstraint(
                fields=["application", "organisation"],
                condition=Q(application__isnull=False, kind="award"),
                name="aid_award_once_per_application_and_undertaking",
                violation_error_code="aid_award_once_per_application_and_undertaking",
                violation_error_message=_("The aid of this application to this undertaking is already recorded."),
            ),
        ]
        indexes = [models.Index(fields=["organisation", "awarded_on"], name="aid_award_ledger_idx")]

    def __str__(self):
        if self.kind == self.Kind.CORRECTION:
            return f"{self.organisation}: {self.amount} ({self.awarded_on} → {self.corrected_on})"
        return f"{self.organisation}: {self.amount} ({self.awarded_on})"


class ReviewCriterion(TranslatedContent, ConstraintErrorsOnFields, models.Model):
    """A scoring criterion of a call: each reviewer scores it from 0 to `max_score`."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name = Translated(CleanCharField(_("criterion"), max_length=200))
    description = Translated(CleanTextField(_("what the reviewer looks at"), blank=True))
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, default=1, validators=[MinValueValidator(Decimal("0.01"))]
    )
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=10, validators=[MinValueValidator(1)])
    min_score = models.PositiveSmallIntegerField(
        _("minimum threshold"), default=0, help_text=_("Below this average score the application cannot be approved.")
    )

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {"review_criterion_min_le_max": "min_score"}

    class Meta:
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        ordering = ["call", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="review_criterion_weight_positive",
                violation_error_code="review_criterion_weight_positive",
                violation_error_message=_("The weight must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(max_score__gte=1),
                name="review_criterion_max_positive",
                violation_error_code="review_criterion_max_positive",
                violation_error_message=_("The maximum score must be at least 1."),
            ),
            models.CheckConstraint(
                condition=Q(min_score__lte=F("max_score")),
                name="review_criterion_min_le_max",
                violation_error_code="review_criterion_min_le_max",
                violation_error_message=_("The minimum threshold cannot be more than the maximum score."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def content_agency(self):
        return self.call.programme.agency


def _private_storage():
    # A function of this module because a migration names it.
    return private_storage()


class Report(ConstraintErrorsOnFields, models.Model):
    """A report built in the background (Celery): its request, progress and file."""

    class Kind(models.TextChoices):
        ANNUAL_PROGRAMME = "annual_programme", _("Annual programme report")
        OPERATIONS_LIST = "operations_list", _("List of operations (CPR Art. 49)")
        RANKING_LIST = "ranking_list", _("Ranking list of a call")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"
        CSV = "csv", "CSV"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = CleanCharField(_("kind"), max_length=32, choices=Kind.choices)
    format = CleanCharField(_("format"), max_length=8, choices=Format.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    status = CleanCharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=[MaxValueValidator(100)])
    file = models.FileField(_("file"), upload_to="reports/%Y/", storage=_private_storage, blank=True, max_length=200)
    error = CleanTextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The last sign of life: when it was queued, then while it builds, refreshed by its progress;
    # a running report whose heartbeat is old has lost its worker (applications.reports.stale).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    # How many times a build started since it was requested or last retried: a report that
    # kills its worker is not started a fourth time.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The task message that started the running build: the same message delivered again means
    # that build's worker was lost, another one is a duplicate.
    task_id = CleanCharField(_("build task"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="report_progress_0_100",
                violation_error_code="report_progress_0_100",
                violation_error_message=_("The progress is a percentage between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]),
                name="report_status_valid",
                violation_error_code="report_status_valid",
                violation_error_message=_("Choose a status from the list."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_format_display()}) #{self.pk}"


class ProgrammeSubscription(ConstraintErrorsOnFields, models.Model):
    """A person who wants an e-mail when a call of the programme opens."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="subscriptions"
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="subscriptions"
    )
    created_at = models.DateTimeField(_("subscribed at"), auto_now_add=True)

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {"subscription_once": "programme"}

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme"],
                name="subscription_once",
                violation_error_code="subscription_once",
                violation_error_message=_("You already follow this programme."),
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.programme}"


class CallOpeningNotice(ConstraintErrorsOnFields, models.Model):
    """That a subscriber was told a call opened: claimed before the e-mail, so it is sent once."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {"call_opening_notice_once": None}

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["call", "user"],
                name="call_opening_notice_once",
                violation_error_code="call_opening_notice_once",
                violation_error_message=_("This subscriber was already told that the call opened."),
            )
        ]

    def __str__(self):
        return f"{self.call_id} → {self.user_id}"
