"""The portal's own models: the user, who logs in with an e-mail address."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constraints import ConstraintErrorsOnFields
from .text import CleanCharField, CleanEmailField, CleanTextField


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(ConstraintErrorsOnFields, AbstractBaseUser, PermissionsMixin):
    """A person: applicant, agency staff, programme manager or administrator.

    Staff belong to an agency (`agency`); what they may see is scoped to it.
    """

    email = CleanEmailField(_("e-mail address"), unique=True)
    full_name = CleanCharField(_("full name"), max_length=200, blank=True)
    language = CleanCharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("E-mails are written in this language."),
    )
    agency = models.ForeignKey(
        "programmes.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("The agency a staff member works for."),
    )
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Whether the user can log into the admin site.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_ci_unique",
                violation_error_code="user_email_ci_unique",
                violation_error_message=_("A user with this e-mail address already exists."),
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Notification(ConstraintErrorsOnFields, models.Model):
    """An e-mail in the outbox, written in the same transaction as the event that causes it.

    It is rendered when written (in the recipient's language, text and HTML) and
    sent by a task after the transaction commits; a periodic sweep sends whatever
    is still pending, so a broker outage delays e-mail but loses none.

    A send claims the row (SENDING, `claimed_at`) and commits before talking to
    the SMTP server, then confirms (SENT, back to PENDING, or FAILED). A claim
    never confirmed (the worker died after the server may have accepted) becomes
    UNCONFIRMED: not sent again unless a person chooses to.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNCONFIRMED = "unconfirmed", _("Unconfirmed (may have been delivered)")

    key = CleanCharField(_("de-duplication key"), max_length=200, unique=True)
    kind = CleanCharField(_("kind"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.SET_NULL, null=True, blank=True
    )
    recipient = CleanEmailField(_("recipient"))
    language = CleanCharField(_("language"), max_length=8)
    subject = CleanCharField(_("subject"), max_length=300)
    body_text = CleanTextField(_("text"))
    body_html = CleanTextField(_("HTML"))
    context = models.JSONField(_("context"), default=dict, blank=True)
    attachments = models.JSONField(
        _("attachments"), default=list, blank=True, help_text=_("Files in private storage: name, path, type.")
    )
    status = CleanCharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = CleanTextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    claimed_at = models.DateTimeField(
        _("claimed at"), null=True, blank=True, help_text=_("When the last send began talking to the SMTP server.")
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    constraint_error_fields = {"notification_sending_claimed": "claimed_at"}

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent", "failed", "unconfirmed"]),
                name="notification_status_valid",
                violation_error_code="notification_status_valid",
                violation_error_message=_("Choose a status from the list."),
            ),
            # A send in progress says since when, so a claim nobody confirmed can be found.
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(claimed_at__isnull=False),
                name="notification_sending_claimed",
                violation_error_code="notification_sending_claimed",
                violation_error_message=_("An e-mail being sent needs the moment its send began."),
            ),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient} ({self.status})"


class Heartbeat(models.Model):
    """The last sign of life of a background process, kept in the database so that it can be read
    while Redis is down (`/health/detail/`). The worker's is written by the task `heartbeat`,
    which beat sends every minute."""

    WORKER = "worker"

    name = CleanCharField(_("name"), max_length=50, unique=True)
    at = models.DateTimeField(_("last seen at"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.name}: {self.at:%Y-%m-%d %H:%M:%S}"
