"""What is offered: agencies, programmes, calls and their rules, the de minimis ledger, reports and
subscriptions, the documents a call asks for, the agency's wording of its e-mails; and the formation
of export consortia (seed 002).

A package whose modules are re-exported here, so `programmes.models.X` is the one import point
(the migrations also name `validate_timezone` and `_private_storage` here).
"""

from .budgets import AgencySpending, ProgrammeBudget, ProgrammeBudgetLine
from .documents import CallDocument, CallDocumentsFrozen, parse_formats
from .emails import EmailKind, EmailWording
from .formation import Formation, FormationAttendance, FormationCandidate, FormationMeeting
from .frozen import call_form_frozen
from .programme import (
    TIMEZONE_CHOICES,
    Agency,
    AidAward,
    Call,
    CallOpeningNotice,
    CallQuerySet,
    CallRule,
    CostCategory,
    DocumentKind,
    Programme,
    ProgrammeSubscription,
    Report,
    ReviewCriterion,
    _private_storage,
    validate_timezone,
)
from .questions import FROZEN_MESSAGE, FormSection, Question, QuestionChoice

__all__ = [
    "FROZEN_MESSAGE",
    "TIMEZONE_CHOICES",
    "Agency",
    "AgencySpending",
    "AidAward",
    "Call",
    "CallDocument",
    "CallDocumentsFrozen",
    "CallOpeningNotice",
    "CallQuerySet",
    "CallRule",
    "CostCategory",
    "DocumentKind",
    "EmailKind",
    "EmailWording",
    "FormSection",
    "Formation",
    "FormationAttendance",
    "FormationCandidate",
    "FormationMeeting",
    "Programme",
    "ProgrammeBudget",
    "ProgrammeBudgetLine",
    "ProgrammeSubscription",
    "Question",
    "QuestionChoice",
    "Report",
    "ReviewCriterion",
    "_private_storage",
    "call_form_frozen",
    "parse_formats",
    "validate_timezone",
]
