"""The agency's own wording of the e-mails the portal sends for it, in four languages.

Each e-mail the portal sends on an agency's behalf (an application received, a decision, a
reminder, a call opened...) has a default text in the portal's catalogue. An agency may write,
per kind of e-mail and per language:

- the subject, which replaces the default one;
- an opening, placed before the e-mail's facts (a greeting, the office that writes);
- a closing, placed after them (contact details, office hours, a signature).

The facts themselves stay the portal's: the reference, the server time of a submission, the
receipt's fingerprint, amounts, due dates and links are what an applicant relies on and what an
audit reads, so no agency text can leave them out.

A text may name placeholders in braces, `{reference}`, filled in from the e-mail's own data; each
kind offers those its e-mail has (`PLACEHOLDERS`). An unknown name, or a stray brace, is refused
next to the field, so no e-mail goes out with `{refrence}` in it. A text not written in the
reader's language falls back like all agency content (`portal.translated`): the agency's own
language, then English. The e-mails pick up the wording as they are written (`wording_for`,
hooked into `portal.notifications` by this app's configuration); the templates place it with the
`agency_text` tag.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.constraints import ConstraintErrorsOnFields
from portal.notifications import batch_memo
from portal.text import CleanCharField, CleanTextField
from portal.translated import LANGUAGES, Translated, TranslatedContent, to_attribute

from .programme import Agency


class EmailKind(models.TextChoices):
    """The e-mails an agency may word: the value is the template's name (`<app>/email/<value>`)."""

    SUBMITTED = "submitted", _("Application received")
    CLARIFICATION_REQUESTED = "clarification_requested", _("Clarification requested")
    DECISION = "decision", _("Decision on an application")
    GRANT_ENDED = "grant_ended", _("Grant revoked, renounced or reduced")
    REMINDER_DEADLINE = "reminder_deadline", _("Reminder: a draft and the call's deadline")
    REMINDER_CLARIFICATION_DUE = "reminder_clarification_due", _("Reminder: an answer to the agency is due")
    REMINDER_REPORT_DUE = "reminder_report_due", _("Reminder: a report is due")
    CALL_OPENED = "call_opened", _("A call opened (to subscribers)")
    FORMATION_INVITED = "formation_invited", _("Invitation to join a consortium being formed")
    FORMATION_ESTABLISHED = "formation_established", _("Consortium established")


# The template of each kind, as portal.notifications names it.
TEMPLATES = {
    **{
        kind: f"applications/email/{kind.value}"
        for kind in (
            EmailKind.SUBMITTED,
            EmailKind.CLARIFICATION_REQUESTED,
            EmailKind.DECISION,
            EmailKind.GRANT_ENDED,
            EmailKind.REMINDER_DEADLINE,
            EmailKind.REMINDER_CLARIFICATION_DUE,
            EmailKind.REMINDER_REPORT_DUE,
        )
    },
    EmailKind.CALL_OPENED: "programmes/email/call_opened",
    EmailKind.FORMATION_INVITED: "consortia/email/formation_invited",
    EmailKind.FORMATION_ESTABLISHED: "consortia/email/formation_established",
}

_OF_AN_APPLICATION = ("reference", "title", "call", "programme", "agency")
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    **{kind: _OF_AN_APPLICATION for kind in TEMPLATES if TEMPLATES[kind].startswith("applications/")},
    EmailKind.CALL_OPENED: ("call", "programme", "agency"),
    EmailKind.FORMATION_INVITED: ("organisation", "formation", "agency"),
    EmailKind.FORMATION_ESTABLISHED: ("organisation", "consortium", "agency"),
}

# What the admin's preview fills the placeholders with.
PLACEHOLDER_EXAMPLES = {
    "reference": "COF-2026-0042",
    "title": _("Agri-food week in Lyon"),
    "call": _("Promotion projects 2026"),
    "programme": _("Co-financing of consortia promotion projects"),
    "agency": _("Your agency"),
    "organisation": "Conservas del Cantábrico S.L.",
    "formation": _("Marine renewable energy consortium"),
    "consortium": "Cantabria Offshore Export",
}

PARTS = ("subject", "opening", "closing")
_PLACEHOLDER = re.compile(r"\{(\w*)\}")


def placeholders_in(text: str) -> list[str]:
    return _PLACEHOLDER.findall(text or "")


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with each known `{name}` replaced by its value (a checked text names no other)."""
    return _PLACEHOLDER.sub(lambda match: str(values.get(match.group(1), match.group(0))), text)


def placeholder_values(context: dict) -> dict[str, str]:
    """The placeholders' values from an e-mail's context, in the active language."""
    values = {}
    application = context.get("application")
    call = context.get("call") or (application.call if application is not None else None)
    formation = context.get("formation")
    if application is not None:
        values.update(reference=application.reference or "", title=application.title)
    if call is not None:
        values.update(call=call.title, programme=call.programme.name, agency=call.programme.agency.name)
    if formation is not None:
        values.update(formation=formation.name, agency=formation.agency.name)
    organisation = context.get("organisation") or getattr(context.get("candidate"), "organisation", None)
    if organisation is not None:
        values["organisation"] = organisation.legal_name
    consortium = context.get("consortium")
    if consortium is not None:
        values["consortium"] = consortium.name
    return values


class EmailWording(TranslatedContent, ConstraintErrorsOnFields, models.Model):
    """An agency's subject, opening and closing of one kind of e-mail (see the module)."""

    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="wordings")
    kind = CleanCharField(_("e-mail"), max_length=40, choices=EmailKind.choices)
    subject = Translated(
        CleanCharField(
            _("subject"),
            max_length=200,
            blank=True,
            help_text=_("Replaces the portal's subject. Leave empty to keep it."),
        )
    )
    opening = Translated(
        CleanTextField(
            _("opening"),
            blank=True,
            help_text=_("Placed before the e-mail's facts, e.g. a greeting or the office that writes."),
        )
    )
    closing = Translated(
        CleanTextField(
            _("closing"),
            blank=True,
            help_text=_("Placed after the e-mail's facts, e.g. contact details, office hours or a signature."),
        )
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    constraint_error_fields = {"email_wording_once_per_kind": "kind"}

    class Meta:
        verbose_name = _("e-mail wording")
        verbose_name_plural = _("e-mail wordings")
        ordering = ["agency", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind"],
                name="email_wording_once_per_kind",
                violation_error_code="email_wording_once_per_kind",
                violation_error_message=_("The agency already has a wording of this e-mail: change that one."),
            )
        ]

    def __str__(self):
        return f"{self.agency} – {self.get_kind_display()}"

    @property
    def content_agency(self):
        return self.agency

    def clean(self):
        super().clean()
        allowed = PLACEHOLDERS.get(self.kind, ())
        errors = {}
        for part in PARTS:
            for language in LANGUAGES:
                column = to_attribute(part, language)
                text = getattr(self, column) or ""
                unknown = [name for name in placeholders_in(text) if name not in allowed]
                if unknown:
                    errors[column] = ValidationError(
                        _("Unknown placeholder %(unknown)s. This e-mail offers: %(allowed)s."),
                        code="unknown_placeholder",
                        params={
                            "unknown": ", ".join(f"{{{name}}}" for name in unknown),
                            "allowed": ", ".join(f"{{{name}}}" for name in allowed),
                        },
                    )
                elif "{" in _PLACEHOLDER.sub("", text) or "}" in _PLACEHOLDER.sub("", text):
                    errors[column] = ValidationError(
                        _("A brace that does not close a placeholder: write placeholders as {reference}."),
                        code="stray_brace",
                    )
        if errors:
            raise ValidationError(errors)

    def text(self, part: str, context: dict) -> str:
        """The part in the active language (with the agency's fallback), its placeholders filled in."""
        if part not in PARTS:
            raise ValueError(f"No such part of an e-mail wording: {part}")
        return fill(getattr(self, part), placeholder_values(context)).strip()


def wording_for(template: str, context: dict) -> dict:
    """The agency's wording for an e-mail about to be written, as extra context (empty if none).

    Hooked into `portal.notifications.notify` (programmes.apps): the agency is the one of the
    e-mail's application, call or formation. Read once per agency and kind within an
    `email_batch()` (reminders, announcements), afresh otherwise.
    """
    kind = template.rsplit("/", 1)[-1]
    if TEMPLATES.get(kind) != template:
        return {}
    agency_id = _agency_id(context)
    if agency_id is None:
        return {}
    memo = batch_memo()
    key = ("email_wording", agency_id, kind)
    if memo is not None and key in memo:
        wording = memo[key]
    else:
        wording = EmailWording.objects.filter(agency_id=agency_id, kind=kind).select_related("agency").first()
        if memo is not None:
            memo[key] = wording
    return {"agency_wording": wording} if wording is not None else {}


def _agency_id(context: dict):
    application = context.get("application")
    call = context.get("call") or (application.call if application is not None else None)
    if call is not None:
        return call.programme.agency_id
    formation = context.get("formation")
    if formation is not None:
        return formation.agency_id
    return None
