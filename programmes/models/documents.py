"""The documents a call asks its applicants for: kind, name and help in four languages, formats, size.

The one home of a call's required documents: the documents step lists them, the upload service
judges each file against its document's formats and maximum size, and the rules engine refuses a
submission while a required one is missing (programmes.rules). They used to be an "attachments"
rule listing document kinds; migration 0022 turned those rules into rows here.

What an applicant was asked for is part of what they submitted: once an application to the call
is submitted, its documents are frozen, as its questions are, by the same guard (`frozen.py`): every
change is refused then (`clean`, `save`, `delete`, and the queryset's `update`, `delete` and
`bulk_create`), so no door (the admin, a script, the demo seed) can change them behind the
applications; a copy of the call is the new version.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.constraints import ConstraintErrorsOnFields
from portal.refusals import Refused
from portal.text import CleanCharField, CleanTextField
from portal.translated import Translated, TranslatedContent
from portal.uploads import FORMATS, MB, content_types_for, max_upload_bytes

from .frozen import FrozenAfterSubmission, FrozenQuerySet
from .programme import Call, DocumentKind


class CallDocumentsFrozen(Refused):
    """The call's documents cannot change: applications to it were submitted."""

    default_message = _(
        "Applications to this call were submitted, so the documents it asks for can no longer change. "
        "To ask for other documents, copy the call: the copy is the new version."
    )


def default_max_size_mb() -> int:
    """The portal's own limit, in whole megabytes: a document asks for no less unless the agency says so."""
    return max(1, max_upload_bytes() // MB)


def parse_formats(value: str) -> list[str]:
    """The extensions of a formats text ("PDF, .docx" -> ["pdf", "docx"]), in order, once each."""
    names = [name.strip().lower().lstrip(".") for name in (value or "").replace(";", ",").split(",")]
    return list(dict.fromkeys(name for name in names if name))


def validate_formats(value: str) -> None:
    unknown = [name for name in parse_formats(value) if name not in FORMATS]
    if unknown:
        raise ValidationError(
            _("The portal does not accept %(unknown)s files. Choose among: %(accepted)s."),
            code="unknown_format",
            params={"unknown": ", ".join(unknown), "accepted": ", ".join(FORMATS)},
        )
    if not parse_formats(value):
        raise ValidationError(_("Name at least one format, e.g. pdf."), code="no_format")


def validate_max_size_mb(value) -> None:
    limit = default_max_size_mb()
    if value is not None and value > limit:
        raise ValidationError(
            _("The portal accepts files up to %(limit)s MB: a document cannot allow more."),
            code="above_portal_limit",
            params={"limit": limit},
        )


class CallDocument(FrozenAfterSubmission, TranslatedContent, ConstraintErrorsOnFields, models.Model):
    """One document a call asks for (see the module): required, or optional and welcome."""

    Kind = DocumentKind

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = CleanCharField(
        _("kind"),
        max_length=20,
        choices=DocumentKind.choices,
        default=DocumentKind.OTHER,
        help_text=_("What sort of document it is, for the staff's lists."),
    )
    name = Translated(
        CleanCharField(
            _("name"),
            max_length=200,
            blank=True,
            help_text=_("As applicants read it. Left empty: the name of its kind."),
        )
    )
    help_text = Translated(
        CleanTextField(_("help for applicants"), blank=True, help_text=_("What the document must show, who signs it."))
    )
    formats = CleanCharField(
        _("accepted formats"),
        max_length=200,
        default="pdf",
        validators=[validate_formats],
        help_text=_("File extensions separated by commas, e.g. pdf, docx."),
    )
    max_size_mb = models.PositiveSmallIntegerField(
        _("maximum size (MB)"),
        default=default_max_size_mb,
        validators=[MinValueValidator(1), validate_max_size_mb],
    )
    required = models.BooleanField(
        _("required"), default=True, help_text=_("An application cannot be submitted without a required document.")
    )

    frozen_message = CallDocumentsFrozen.default_message
    objects = FrozenQuerySet.as_manager()

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("documents applicants attach")
        ordering = ["call", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_size_mb__gte=1),
                name="call_document_max_size_positive",
                violation_error_code="call_document_max_size_positive",
                violation_error_message=_("The maximum size is at least 1 MB."),
            ),
            models.CheckConstraint(
                condition=~Q(formats=""),
                name="call_document_formats_named",
                violation_error_code="call_document_formats_named",
                violation_error_message=_("Name at least one format, e.g. pdf."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values),
                name="call_document_kind_valid",
                violation_error_code="call_document_kind_valid",
                violation_error_message=_("Choose a kind from the list."),
            ),
        ]

    def __str__(self):
        return str(self.title)

    @classmethod
    def frozen_refusal(cls):
        return CallDocumentsFrozen()

    @property
    def content_agency(self):
        return self.call.programme.agency

    @property
    def title(self) -> str:
        """The name in the reader's language, or the name of its kind when the agency gave none."""
        return self.name or str(DocumentKind(self.kind).label if self.kind in DocumentKind.values else self.kind)

    @property
    def format_list(self) -> list[str]:
        return parse_formats(self.formats)

    @property
    def content_types(self) -> set[str]:
        return content_types_for(self.format_list)

    @property
    def max_bytes(self) -> int:
        return self.max_size_mb * MB

    def clean(self):
        super().clean()
        self.formats = ", ".join(parse_formats(self.formats))
