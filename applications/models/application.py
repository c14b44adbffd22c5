"""Applications to calls, their budget lines, attachments and status history."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from consortia.models import SmeSize
from consortia.stages import Stage
from portal.constraints import ConstraintErrorsOnFields
from portal.money import MoneyField
from portal.refusals import Refused
from portal.saving import SavesWhatChanged
from portal.storage import private_storage as portal_private_storage
from portal.text import CleanCharField, CleanTextField
from programmes.models import DocumentKind


def private_storage():
    # A function of this module because the migrations name it.
    return portal_private_storage()


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    CLARIFICATION_REQUESTED = "clarification_requested", _("Clarification requested")
    APPROVED = "approved", _("Approved")
    RESERVE = "reserve", _("Reserve list")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CLOSED = "closed", _("Closed")


# Retention (CPR 2021/1060 Art. 82): applications.retention applies it to every kept object.


class RetentionRefused(Refused):
    """The object belongs to an operation whose documents must still be kept."""


def deletable(application) -> bool:
    """Whether an application may be deleted today: never submitted (a draft, or one withdrawn as a draft),
    or past its retention date."""
    if application.submitted_at is None:
        return True
    return application.retention_until is not None and application.retention_until < timezone.localdate()


def check_deletable(application) -> None:
    """Raise RetentionRefused unless the application may be deleted today."""
    if deletable(application):
        return
    if application.retention_until is None:
        raise RetentionRefused(
            gettext("%(operation)s is an operation: its documents are kept until 5 years after its last payment.")
            % {"operation": application}
        )
    raise RetentionRefused(
        _("%(operation)s must be kept until %(date)s (5 years from the end of the year of its last payment).")
        % {"operation": application, "date": application.retention_until.isoformat()}
    )


class ApplicationQuerySet(models.QuerySet):
    def delete(self):
        # The retention rule first, before related rows are gathered (applications.retention).
        for application in self:
            check_deletable(application)
        return super().delete()


class Application(SavesWhatChanged, ConstraintErrorsOnFields, models.Model):
    """An application of a consortium or of a single organisation to a call."""

    Status = Status

    call = models.ForeignKey(
        "programmes.Call", verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications"
    )
    consortium = models.ForeignKey(
        "consortia.Consortium",
        verbose_name=_("consortium"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    organisation = models.ForeignKey(
        "consortia.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    # The seed funding of a consortium the agency formed (seed 002): the application is the grant of its
    # formation, created and decided by applications.formation_grants when the consortium is established.
    formation = models.OneToOneField(
        "programmes.Formation",
        verbose_name=_("consortium formation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="grant_application",
        help_text=_("The agency's formation whose seed funding this application grants."),
    )
    status = CleanCharField(_("status"), max_length=32, choices=Status.choices, default=Status.DRAFT)
    reference = CleanCharField(_("reference"), max_length=30, blank=True, default="")
    title = CleanCharField(_("project title"), max_length=200)
    summary = CleanTextField(_("summary"), blank=True)
    target_markets = CleanCharField(_("target markets"), max_length=300, blank=True)
    declarations = models.JSONField(
        _("accepted declarations"),
        default=list,
        blank=True,
        help_text=_("Codes of the declarations the applicant accepted (see programmes.rules.DECLARATIONS)."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    granted_amount = MoneyField(_("granted amount (EUR)"), null=True, blank=True)
    eligible_costs = MoneyField(_("eligible costs (EUR)"), null=True, blank=True, editable=False)
    max_grant = MoneyField(
        _("maximum grant (EUR)"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("What the call's rules allowed when the application was last evaluated."),
    )
    clarification_due_on = models.DateField(_("clarification due on"), null=True, blank=True)
    # The decision, frozen when the grant is approved: the facts that set the amount, as they were then.
    # Dashboards, indicators, reports and the payable amount read these, never today's data.
    decided_stage = CleanCharField(
        _("consortium stage at the decision"), max_length=16, blank=True, choices=Stage.choices, editable=False
    )
    decided_size = CleanCharField(
        _("SME size at the decision"), max_length=8, blank=True, choices=SmeSize.choices, editable=False
    )
    decided_rate = models.DecimalField(
        _("funding rate applied (%)"), max_digits=5, decimal_places=2, null=True, blank=True, editable=False
    )
    decided_cap = MoneyField(_("grant cap applied (EUR)"), null=True, blank=True, editable=False)
    decision_rules = models.JSONField(
        _("the call's rules at the decision"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("The rules' version and parameters, and each result, as the decision used them."),
    )
    decision_override_reason = CleanTextField(
        _("reason for deciding against the reviews"),
        blank=True,
        editable=False,
        help_text=_("Written by the programme manager who approved without the reviews the call requires."),
    )
    # What co-financing and collective-action programmes asked by kind before a call's questions were
    # configuration. Migration 0023 copied them into each call's questions and the answers
    # (applications.Answer); nothing reads or writes them any more (not editable: no form shows them).
    # Kept in the database until every agency has checked its migrated questions: a later migration
    # drops them.
    markets = models.JSONField(_("target markets (codes)"), default=list, blank=True, editable=False)
    activity_types = models.JSONField(_("types of activity (codes)"), default=list, blank=True, editable=False)
    sme_group_sector = CleanCharField(_("sector of the SMEs served"), max_length=200, blank=True, editable=False)
    sme_group_region = CleanCharField(_("region of the SMEs served (NUTS 2)"), max_length=4, blank=True, editable=False)
    estimated_smes = models.PositiveIntegerField(
        _("estimated number of SMEs served"), null=True, blank=True, editable=False
    )
    objectives = models.JSONField(_("objectives (codes)"), default=list, blank=True, editable=False)
    # After the grant.
    accepted_at = models.DateTimeField(_("grant accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("grant accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    retention_until = models.DateField(
        _("documents kept until"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("5 years from 31 December of the year of the last payment (CPR Art. 82)."),
    )
    content_hash = CleanCharField(_("SHA-256 of the submitted content"), max_length=64, blank=True, editable=False)
    # What the fingerprint was computed over and the language the applicant submitted in: the
    # receipt is built from these (after commit, by the worker), so it is the same whenever built.
    submitted_content = models.JSONField(_("submitted content"), null=True, blank=True, editable=False)
    receipt_language = CleanCharField(_("language of the receipt"), max_length=8, blank=True, editable=False)
    receipt = models.FileField(
        _("submission receipt"), upload_to="receipts/%Y/", storage=private_storage, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Who changed money and status, and when (audit).
    history = HistoricalRecords(
        excluded_fields=[
            "summary",
            "target_markets",
            "declarations",
            "content_hash",
            "submitted_content",
            "receipt_language",
            "receipt",
            "updated_at",
        ]
    )

    objects = ApplicationQuerySet.as_manager()

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {
        "application_exactly_one_applicant": None,
        "application_submitted_has_date": "submitted_at",
        "application_one_per_consortium_per_call": "consortium",
        "application_one_per_organisation_per_call": "organisation",
        "application_reference_unique_per_call": "reference",
    }

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(consortium__isnull=False, organisation__isnull=True)
                    | Q(consortium__isnull=True, organisation__isnull=False)
                ),
                name="application_exactly_one_applicant",
                violation_error_code="application_exactly_one_applicant",
                violation_error_message=_(
                    "An application is made either by a consortium or by a single organisation: choose exactly one."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=[c[0] for c in Status.choices]),
                name="application_status_valid",
                violation_error_code="application_status_valid",
                violation_error_message=_("Choose a status from the list."),
            ),
            models.CheckConstraint(
                condition=Q(granted_amount__isnull=True) | Q(granted_amount__gte=0),
                name="application_granted_not_negative",
                violation_error_code="application_granted_not_negative",
                violation_error_message=_("The granted amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False) | Q(status="withdrawn"),
                name="application_submitted_has_date",
                violation_error_code="application_submitted_has_date",
                violation_error_message=_("A submitted application has the date it was submitted."),
            ),
            models.UniqueConstraint(
                fields=["call", "consortium"],
                condition=Q(consortium__isnull=False) & ~Q(status="withdrawn"),
                name="application_one_per_consortium_per_call",
                violation_error_code="application_one_per_consortium_per_call",
                violation_error_message=_("This consortium already has an application to this call."),
            ),
            models.UniqueConstraint(
                fields=["call", "organisation"],
                condition=Q(organisation__isnull=False) & ~Q(status="withdrawn"),
                name="application_one_per_organisation_per_call",
                violation_error_code="application_one_per_organisation_per_call",
                violation_error_message=_("This organisation already has an application to this call."),
            ),
            models.UniqueConstraint(
                fields=["call", "reference"],
                condition=~Q(reference=""),
                name="application_reference_unique_per_call",
                violation_error_code="application_reference_unique_per_call",
                violation_error_message=_("Another application to this call has this reference."),
            ),
        ]
        indexes = [
            models.Index(fields=["call", "status"], name="application_call_status_idx"),
            models.Index(fields=["status", "submitted_at"], name="application_status_sub_idx"),
            models.Index(fields=["reference"], name="application_reference_idx"),
            # The lists' order (newest submission first): the admin list reads its page from the index.
            models.Index(fields=["-submitted_at", "-created_at", "-id"], name="application_list_order_idx"),
        ]

    def __str__(self):
        return self.reference or _("Draft: %(title)s") % {"title": self.title}

    @property
    def applicant(self):
        return self.consortium or self.organisation

    @property
    def acting_organisation_id(self) -> int | None:
        """The organisation whose representatives act for the applicant: the company, or the consortium's lead."""
        if self.organisation_id:
            return self.organisation_id
        return self.consortium.lead_id if self.consortium_id else None

    @property
    def applicant_name(self) -> str:
        return str(self.applicant) if self.applicant else ""

    def get_admin_url(self):
        return reverse("admin:applications_application_change", args=[self.pk])

    def delete(self, *args, **kwargs):
        check_deletable(self)
        return super().delete(*args, **kwargs)

    def clean(self):
        super().clean()
        if bool(self.consortium_id) == bool(self.organisation_id):
            raise ValidationError(
                _("An application is made either by a consortium or by a single organisation: choose exactly one.")
            )


class BudgetLine(ConstraintErrorsOnFields, models.Model):
    """One planned cost of an application, in a cost category of the call's programme."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    category = models.ForeignKey(
        "programmes.CostCategory", verbose_name=_("cost category"), on_delete=models.PROTECT, related_name="+"
    )
    description = CleanCharField(_("description"), max_length=300)
    amount = MoneyField(_("amount (EUR)"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["application", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="budget_line_amount_not_negative",
                violation_error_code="budget_line_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.description

    def clean(self):
        super().clean()
        if (
            self.category_id
            and self.application_id
            and self.category.programme_id != self.application.call.programme_id
        ):
            raise ValidationError({"category": _("This cost category belongs to another programme.")})


def attachment_path(instance, filename):
    # Files are stored under a random name: the original name is kept in the row,
    # and nobody can guess another applicant's file path.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"attachments/{instance.application_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A document attached to an application (statutes, declarations, quotes...)."""

    Kind = DocumentKind

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = CleanCharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    # The call's document this file answers (its kind is the document's); empty for a file the call
    # did not ask for by name (another document, a clarification's, an invoice). A draft keeps its
    # file if the agency drops the document before any submission.
    document = models.ForeignKey(
        "programmes.CallDocument",
        verbose_name=_("document asked for"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage, max_length=200)
    original_name = CleanCharField(_("original file name"), max_length=255)
    content_type = CleanCharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = CleanCharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["application", "uploaded_at"]

    def __str__(self):
        return self.original_name


class StatusChange(models.Model):
    """One move of an application from a status to another: who, when, why."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = CleanCharField(_("from"), max_length=32, choices=Status.choices, blank=True)
    to_status = CleanCharField(_("to"), max_length=32, choices=Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), db_index=True)
    note = CleanTextField(_("note"), blank=True)
    # A change of the granted amount (a partial renunciation): what it was, what it became.
    amount_before = MoneyField(_("granted before"), null=True, blank=True)
    amount_after = MoneyField(_("granted after"), null=True, blank=True)
    # When the move freed money: the reserve application proposed for it (for staff; not the applicant's to see).
    proposed_next = models.ForeignKey(
        Application,
        verbose_name=_("reserve application proposed"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["application", "changed_at", "pk"]
        indexes = [models.Index(fields=["application", "changed_at"], name="status_change_app_idx")]

    def __str__(self):
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class Review(ConstraintErrorsOnFields, models.Model):
    """One reviewer's review of an application: conflict-of-interest declaration first, then scores."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="reviews"
    )
    has_conflict = models.BooleanField(
        _("has a conflict of interest"), help_text=_("A reviewer with a conflict recuses and cannot score.")
    )
    conflict_note = CleanCharField(_("conflict note"), max_length=300, blank=True)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)
    comment = CleanTextField(_("overall comment"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {"review_once_per_reviewer": "reviewer", "review_conflict_not_completed": "has_conflict"}

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["application", "declared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"],
                name="review_once_per_reviewer",
                violation_error_code="review_once_per_reviewer",
                violation_error_message=_("This reviewer already has a review of this application."),
            ),
            models.CheckConstraint(
                condition=Q(has_conflict=False) | Q(completed_at__isnull=True),
                name="review_conflict_not_completed",
                violation_error_code="review_conflict_not_completed",
                violation_error_message=_("A reviewer with a conflict of interest cannot complete the review."),
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} — {self.application}"


class Score(ConstraintErrorsOnFields, models.Model):
    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        "programmes.ReviewCriterion", verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="scores"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = CleanTextField(_("comment"), blank=True)

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {"score_once_per_criterion": "criterion"}

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"],
                name="score_once_per_criterion",
                violation_error_code="score_once_per_criterion",
                violation_error_message=_("This criterion is already scored in this review."),
            )
        ]

    def __str__(self):
        return f"{self.criterion}: {self.score}"


class ReminderSent(ConstraintErrorsOnFields, models.Model):
    """One reminder e-mailed to one person about one deadline of an application.

    The row is inserted before the e-mail is sent, in the same transaction, and
    the unique constraint lets only one insert win: a reminder goes out once,
    however many workers run the reminders task at the same time. `due_on` is the
    deadline reminded of, so a new clarification request (or a call whose closing
    day moves) gets reminders of its own.
    """

    class Kind(models.TextChoices):
        DEADLINE_7 = "deadline_7", _("Call closes in 7 days")
        DEADLINE_3 = "deadline_3", _("Call closes in 3 days")
        DEADLINE_1 = "deadline_1", _("Call closes in 1 day")
        CLARIFICATION_DUE = "clarification_due", _("Clarification answer due")
        REPORT_30 = "report_30", _("Report due in 30 days")
        REPORT_7 = "report_7", _("Report due in 7 days")
        REPORT_1 = "report_1", _("Report due in 1 day")
        REPORT_OVERDUE = "report_overdue", _("Report overdue")

    kind = CleanCharField(_("kind"), max_length=32, choices=Kind.choices)
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="reminders_sent"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    due_on = models.DateField(_("deadline reminded of"), help_text=_("In the agency's time zone."))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    # Where the error of a constraint over several fields is shown (portal.constraints).
    constraint_error_fields = {"reminder_sent_once": None}

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "application", "user", "due_on"],
                name="reminder_sent_once",
                violation_error_code="reminder_sent_once",
                violation_error_message=_("This reminder was already sent."),
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "deadline_7",
                        "deadline_3",
                        "deadline_1",
                        "clarification_due",
                        "report_30",
                        "report_7",
                        "report_1",
                        "report_overdue",
                    ]
                ),
                name="reminder_sent_kind_valid",
                violation_error_code="reminder_sent_kind_valid",
                violation_error_message=_("Choose a kind from the list."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.application} — {self.user}"
