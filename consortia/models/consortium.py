"""Consortia, their members and the invitations to join them."""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portal.constraints import ConstraintErrorsOnFields
from portal.saving import SavesWhatChanged
from portal.text import CleanCharField, CleanEmailField, CleanTextField

from ..stages import stage_expression
from .organisation import Organisation


class ConsortiumQuerySet(models.QuerySet):
    def with_stage(self, on: date):
        """Each consortium with `stage`, its stage on that day (the rule of `consortia.stages`), worked out in SQL."""
        return self.annotate(stage=stage_expression(on))

    def in_stage(self, stage: str, on: date):
        """The consortia in a stage on a day."""
        return self.with_stage(on).filter(stage=stage)


class Consortium(SavesWhatChanged, ConstraintErrorsOnFields, models.Model):
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


class Membership(SavesWhatChanged, ConstraintErrorsOnFields, models.Model):
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
