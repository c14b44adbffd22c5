"""The formation of export consortia the agency's way (SODERCAN's process, seed 002).

The agency identifies companies, holds introductory meetings, lets them decide, then establishes
the consortium (consortia.Consortium), whose seed funding is granted as an application of the new
consortium on the formation's call (the programme's seed-funding call: one pool for the call's
applicants and the formations). The rules live in programmes.formation.services and, for the
grant, applications.formation_grants; these are the records. The tables keep the names
they had when these models belonged to consortia (db_table, and table_name for the history).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from consortia.models import Consortium, Organisation
from portal.constraints import ConstraintErrorsOnFields
from portal.money import MoneyField
from portal.saving import SavesWhatChanged
from portal.text import CleanCharField, CleanTextField

from .programme import Agency, Call, Programme


class Formation(SavesWhatChanged, ConstraintErrorsOnFields, models.Model):
    """An agency forming an export consortium in one sector: it identifies companies, brings them
    to introductory meetings, lets them decide whether to join, then funds the consortium's
    establishment. The seed funding is granted on the formation's call when the consortium is established."""

    class Status(models.TextChoices):
        IDENTIFYING = "identifying", _("Identifying companies")
        MEETING = "meeting", _("Introductory meetings")
        DECIDING = "deciding", _("Companies deciding")
        ESTABLISHED = "established", _("Established")
        ABANDONED = "abandoned", _("Abandoned")

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="formations",
        editable=False,
        help_text=_("The programme's agency."),
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="formations",
        limit_choices_to={"kind": "export_consortia"},
    )
    sector = CleanCharField(_("sector"), max_length=32, choices=Consortium.Sector.choices)
    name = CleanCharField(_("working name"), max_length=200, help_text=_("The consortium is named when established."))
    status = CleanCharField(_("status"), max_length=12, choices=Status.choices, default=Status.IDENTIFYING)
    opened_on = models.DateField(_("opened on"))
    seed_funding = MoneyField(
        _("seed funding (EUR)"),
        validators=[MinValueValidator(0)],
        help_text=_(
            "The funding to establish the consortium; granted to it on the seed-funding call when established."
        ),
    )
    call = models.ForeignKey(
        Call,
        verbose_name=_("seed-funding call"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="formations",
        limit_choices_to={"programme__kind": "export_consortia"},
        help_text=_(
            "The call of the programme the seed funding is granted on: the formations and the call's applicants "
            "draw from its one budget. Required before establishing the consortium."
        ),
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"is_staff": True},
        help_text=_("The staff member who runs it: companies' answers are sent to them (else to the agency's e-mail)."),
    )
    consortium = models.OneToOneField(
        Consortium,
        verbose_name=_("consortium"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="formation",
    )
    statutes_reference = CleanCharField(
        _("statutes"),
        max_length=300,
        blank=True,
        editable=False,
        help_text=_("Where the signed statutes are: notarial deed and registry entry."),
    )
    notes = CleanTextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(table_name="consortia_historicalformation")

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {"formation_established_has_consortium": "status"}

    class Meta:
        db_table = "consortia_formation"
        verbose_name = _("consortium formation")
        verbose_name_plural = _("consortium formations")
        ordering = ["-opened_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seed_funding__gte=0),
                name="formation_seed_funding_not_negative",
                violation_error_code="formation_seed_funding_not_negative",
                violation_error_message=_("The seed funding cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["identifying", "meeting", "deciding", "established", "abandoned"]),
                name="formation_status_valid",
                violation_error_code="formation_status_valid",
                violation_error_message=_("Choose a status from the list."),
            ),
            models.CheckConstraint(
                condition=Q(status="established", consortium__isnull=False)
                | (~Q(status="established") & Q(consortium__isnull=True)),
                name="formation_established_has_consortium",
                violation_error_code="formation_established_has_consortium",
                violation_error_message=_("Only an established formation has a consortium, and it must have one."),
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"], name="formation_programme_status_idx")]

    def __str__(self):
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.IDENTIFYING, self.Status.MEETING, self.Status.DECIDING)

    def clean(self):
        super().clean()
        # The agency is the programme's: one fact, kept in one place for the scoping of the admin.
        if self.programme_id:
            self.agency_id = self.programme.agency_id
        # The seed funding is granted on a call of the formation's own programme (one pool per call).
        if self.call_id and self.programme_id and self.call.programme_id != self.programme_id:
            raise ValidationError(
                {
                    "call": _("Choose a call of the formation's programme (%(programme)s).")
                    % {"programme": self.programme}
                }
            )


class FormationCandidate(SavesWhatChanged, ConstraintErrorsOnFields, models.Model):
    """A company the agency identified for a formation, and its answer (final once given)."""

    class Status(models.TextChoices):
        IDENTIFIED = "identified", _("Identified")
        INVITED = "invited", _("Invited to decide")
        JOINED = "joined", _("Joined")
        DECLINED = "declined", pgettext_lazy("candidate", "Declined")

    formation = models.ForeignKey(
        Formation, verbose_name=_("formation"), on_delete=models.CASCADE, related_name="candidates"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("company"), on_delete=models.PROTECT, related_name="formation_candidacies"
    )
    status = CleanCharField(_("status"), max_length=10, choices=Status.choices, default=Status.IDENTIFIED)
    notes = CleanTextField(
        _("why identified"), blank=True, help_text=_("Export potential, capacity, what it adds to the offer.")
    )
    reason = CleanTextField(_("reason given with the answer"), blank=True)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(table_name="consortia_historicalformationcandidate")

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {
        "formation_candidate_unique": "organisation",
        "formation_candidate_answer_dated": "decided_at",
        "formation_candidate_invitation_dated": "invited_at",
    }

    class Meta:
        db_table = "consortia_formationcandidate"
        verbose_name = _("candidate company")
        verbose_name_plural = _("candidate companies")
        ordering = ["formation", "organisation__legal_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["formation", "organisation"],
                name="formation_candidate_unique",
                violation_error_code="formation_candidate_unique",
                violation_error_message=_("This company is already a candidate of this formation."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["identified", "invited", "joined", "declined"]),
                name="formation_candidate_status_valid",
                violation_error_code="formation_candidate_status_valid",
                violation_error_message=_("Choose a status from the list."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["joined", "declined"], decided_at__isnull=False)
                | (Q(status__in=["identified", "invited"]) & Q(decided_at__isnull=True)),
                name="formation_candidate_answer_dated",
                violation_error_code="formation_candidate_answer_dated",
                violation_error_message=_(
                    "A company that joined or declined has the date of its answer; one still deciding has none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="identified") | Q(invited_at__isnull=False),
                name="formation_candidate_invitation_dated",
                violation_error_code="formation_candidate_invitation_dated",
                violation_error_message=_("A company invited to decide has the date it was invited."),
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"], name="formation_candidate_org_idx")]

    def __str__(self):
        return f"{self.organisation} — {self.formation}"


class FormationMeeting(models.Model):
    """An introductory meeting: the aims, the process and the benefits; the companies get to know each other."""

    formation = models.ForeignKey(
        Formation, verbose_name=_("formation"), on_delete=models.CASCADE, related_name="meetings"
    )
    held_on = models.DateField(_("held on"))
    place = CleanCharField(_("place"), max_length=200)
    agenda = CleanTextField(_("agenda"), blank=True)
    notes = CleanTextField(_("notes"), blank=True, help_text=_("Strengths, gaps in the offer, open questions."))

    class Meta:
        db_table = "consortia_formationmeeting"
        verbose_name = _("introductory meeting")
        verbose_name_plural = _("introductory meetings")
        ordering = ["formation", "held_on", "pk"]

    def __str__(self):
        return f"{self.formation} — {self.held_on:%Y-%m-%d}, {self.place}"


class FormationAttendance(ConstraintErrorsOnFields, models.Model):
    """Whether a candidate company came to an introductory meeting."""

    meeting = models.ForeignKey(
        FormationMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendances"
    )
    candidate = models.ForeignKey(
        FormationCandidate, verbose_name=_("company"), on_delete=models.CASCADE, related_name="attendances"
    )
    attended = models.BooleanField(_("attended"), default=True)

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {"formation_attendance_unique": "candidate"}

    class Meta:
        db_table = "consortia_formationattendance"
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "candidate__organisation__legal_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "candidate"],
                name="formation_attendance_unique",
                violation_error_code="formation_attendance_unique",
                violation_error_message=_("This company's attendance at this meeting is already recorded."),
            )
        ]

    def __str__(self):
        return f"{self.candidate.organisation} — {self.meeting}"

    def clean(self):
        super().clean()
        if self.meeting_id and self.candidate_id and self.meeting.formation_id != self.candidate.formation_id:
            raise ValidationError({"candidate": _("This company is not a candidate of the meeting's formation.")})
