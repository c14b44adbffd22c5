"""PIMEX: the records of the individual coaching of the participating companies after the grant.

The tables keep the names they had when these models belonged to programmes (db_table).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.constraints import ConstraintErrorsOnFields
from portal.money import MoneyField
from portal.text import CleanCharField, CleanTextField
from programmes.models import Call, Programme

from .application import Application

# --- PIMEX: individual coaching of the participating companies after the grant -----------------
# The programme (seed 003) asks each participant to attend group training sessions and
# individual tutorials, and to end with a SWOT analysis, an international action plan and a
# satisfaction survey. The rules live in applications.pimex.services; these are the records.

PIMEX_DEFAULT_GROUP_SESSIONS = 3
PIMEX_DEFAULT_TUTORIALS = 3


class PimexCallSettings(ConstraintErrorsOnFields, models.Model):
    """What a PIMEX call asks of each participant. A call without a row asks 3 sessions and 3 tutorials."""

    call = models.OneToOneField(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="pimex_settings")
    group_sessions_required = models.PositiveSmallIntegerField(
        _("group sessions to attend"),
        default=PIMEX_DEFAULT_GROUP_SESSIONS,
        validators=[MaxValueValidator(20)],
        help_text=_("Face-to-face group training sessions each participant attends."),
    )
    tutorials_required = models.PositiveSmallIntegerField(
        _("individual tutorials to attend"),
        default=PIMEX_DEFAULT_TUTORIALS,
        validators=[MaxValueValidator(20)],
        help_text=_("Tutorials at the company's premises with the agency's technician."),
    )

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {"pimex_settings_plausible": None}

    class Meta:
        db_table = "programmes_pimexcallsettings"
        verbose_name = _("PIMEX commitments of a call")
        verbose_name_plural = _("PIMEX commitments of calls")
        constraints = [
            models.CheckConstraint(
                condition=Q(group_sessions_required__lte=20, tutorials_required__lte=20),
                name="pimex_settings_plausible",
                violation_error_code="pimex_settings_plausible",
                violation_error_message=_("A call asks at most 20 group sessions and 20 tutorials."),
            ),
        ]

    def __str__(self):
        return str(self.call)

    def clean(self):
        super().clean()
        if self.call_id and self.call.programme.kind != Programme.Kind.PIMEX:
            raise ValidationError({"call": _("Choose a call of a PIMEX programme.")})


class PimexSession(ConstraintErrorsOnFields, models.Model):
    """A face-to-face group training session of a PIMEX call."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="pimex_sessions")
    title = CleanCharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"), help_text=_("In the agency's time zone."))
    place = CleanCharField(_("place"), max_length=200)
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1)], help_text=_("Participants who can be registered.")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        db_table = "programmes_pimexsession"
        verbose_name = _("PIMEX group session")
        verbose_name_plural = _("PIMEX group sessions")
        ordering = ["call", "position", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="pimex_session_capacity_positive",
                violation_error_code="pimex_session_capacity_positive",
                violation_error_message=_("A session has at least one place."),
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.call_id and self.call.programme.kind != Programme.Kind.PIMEX:
            raise ValidationError({"call": _("Choose a call of a PIMEX programme.")})


def _cached_relation(instance, name):
    """The related object if it is set on the instance (even unsaved), else None; never raises."""
    descriptor = getattr(type(instance), name)
    if getattr(instance, descriptor.field.attname) is None and not descriptor.is_cached(instance):
        return None
    return getattr(instance, name)


class PimexAttendance(ConstraintErrorsOnFields, models.Model):
    """A participant registered at a group session, and whether they attended (recorded by staff).

    A row takes one of the session's places; pimex.services.pimex_attendance_record locks the
    session so the places are never exceeded.
    """

    session = models.ForeignKey(
        PimexSession, verbose_name=_("session"), on_delete=models.PROTECT, related_name="attendances"
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="pimex_attendances",
    )
    attended = models.BooleanField(_("attended"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {"pimex_attendance_once_per_session": "application"}

    class Meta:
        db_table = "programmes_pimexattendance"
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session", "application"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "application"],
                name="pimex_attendance_once_per_session",
                violation_error_code="pimex_attendance_once_per_session",
                violation_error_message=_("This company is already registered at this session."),
            ),
        ]

    def __str__(self):
        return f"{self.session} — {self.application}"

    def clean(self):
        super().clean()
        session = _cached_relation(self, "session")
        application = _cached_relation(self, "application")
        errors = {}
        if session is not None and application is not None:
            if application.call_id != session.call_id:
                errors["application"] = _("This company takes part in another call.")
            elif application.status not in ("approved", "closed"):
                errors["application"] = _("Only companies with an approved application take part.")
        if self.attended and session is not None and session.starts_at and session.starts_at > timezone.now():
            errors["attended"] = _("Attendance is recorded once the session has started.")
        if errors:
            raise ValidationError(errors)


class PimexTutorial(models.Model):
    """An individual tutorial at the participant's premises with the agency's technician."""

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="pimex_tutorials",
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"is_staff": True},
    )
    scheduled_at = models.DateTimeField(_("scheduled at"), help_text=_("In the agency's time zone."))
    topic = CleanCharField(_("topic"), max_length=200)
    attended = models.BooleanField(
        _("attended"), null=True, blank=True, help_text=_("Leave empty until the tutorial has taken place.")
    )
    notes = CleanTextField(_("technician's notes"), blank=True)

    class Meta:
        db_table = "programmes_pimextutorial"
        verbose_name = _("PIMEX individual tutorial")
        verbose_name_plural = _("PIMEX individual tutorials")
        ordering = ["application", "scheduled_at", "pk"]
        indexes = [models.Index(fields=["application", "scheduled_at"], name="pimex_tutorial_app_idx")]

    def __str__(self):
        return self.topic

    def clean(self):
        super().clean()
        if self.attended is not None and self.scheduled_at and self.scheduled_at > timezone.now():
            raise ValidationError({"attended": _("Whether it was attended is recorded once the tutorial has started.")})


class PimexSwot(models.Model):
    """The participant's SWOT analysis, written with the agency's technician: complete when all four parts are."""

    PARTS = ("strengths", "weaknesses", "opportunities", "threats")

    application = models.OneToOneField(
        "applications.Application", verbose_name=_("participant"), on_delete=models.CASCADE, related_name="pimex_swot"
    )
    strengths = CleanTextField(_("strengths"), blank=True)
    weaknesses = CleanTextField(_("weaknesses"), blank=True)
    opportunities = CleanTextField(_("opportunities"), blank=True)
    threats = CleanTextField(_("threats"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        db_table = "programmes_pimexswot"
        verbose_name = _("PIMEX SWOT analysis")
        verbose_name_plural = _("PIMEX SWOT analyses")

    def __str__(self):
        return str(self.application)

    @property
    def missing_parts(self) -> list[str]:
        """The parts still empty (blank text counts as empty), in the order of the analysis."""
        return [part for part in self.PARTS if not (getattr(self, part) or "").strip()]


class PimexActionPlan(models.Model):
    """The participant's international action plan (roadmap): target markets and planned actions."""

    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="pimex_action_plan",
    )
    target_markets = CleanCharField(
        _("target markets"), max_length=300, blank=True, help_text=_("Countries or areas, separated by commas.")
    )
    objectives = CleanTextField(
        _("objectives"), blank=True, help_text=_("What the company wants to achieve abroad, in figures where possible.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        db_table = "programmes_pimexactionplan"
        verbose_name = _("PIMEX international action plan")
        verbose_name_plural = _("PIMEX international action plans")

    def __str__(self):
        return str(self.application)


class PimexPlannedAction(ConstraintErrorsOnFields, models.Model):
    """One action of the international action plan: what, where, when, for how much."""

    plan = models.ForeignKey(
        PimexActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="actions"
    )
    description = CleanCharField(_("action"), max_length=300)
    market = CleanCharField(_("market"), max_length=100, help_text=_("Country or area, e.g. United Arab Emirates."))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    budget = MoneyField(
        _("budget (EUR)"),
        validators=[MinValueValidator(Decimal("0"), message=_("Enter an amount of zero or more."))],
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {"pimex_action_ends_after_start": "ends_on"}

    class Meta:
        db_table = "programmes_pimexplannedaction"
        verbose_name = _("planned action")
        verbose_name_plural = _("planned actions")
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="pimex_action_ends_after_start",
                violation_error_code="pimex_action_ends_after_start",
                violation_error_message=_("The action must end on or after the day it starts."),
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="pimex_action_budget_not_negative",
                violation_error_code="pimex_action_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.description

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The action must end on or after the day it starts.")})


class PimexSurvey(ConstraintErrorsOnFields, models.Model):
    """The participant's satisfaction survey, answered once at the end (the programme reports about 8/10)."""

    application = models.OneToOneField(
        "applications.Application", verbose_name=_("participant"), on_delete=models.CASCADE, related_name="pimex_survey"
    )
    score = models.PositiveSmallIntegerField(
        _("satisfaction (0 to 10)"), validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    comments = CleanTextField(_("comments"), blank=True)
    submitted_at = models.DateTimeField(_("answered at"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        db_table = "programmes_pimexsurvey"
        verbose_name = _("PIMEX satisfaction survey")
        verbose_name_plural = _("PIMEX satisfaction surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=10),
                name="pimex_survey_score_0_10",
                violation_error_code="pimex_survey_score_0_10",
                violation_error_message=_("The satisfaction score is from 0 to 10."),
            ),
        ]

    def __str__(self):
        return f"{self.application}: {self.score}/10"


class PimexParticipant(Application):
    """An approved PIMEX application seen as a participant: the admin page of its coaching."""

    class Meta:
        proxy = True
        verbose_name = _("PIMEX participant")
        verbose_name_plural = _("PIMEX participants")
