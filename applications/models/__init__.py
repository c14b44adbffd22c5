"""The case file's models: applications and what hangs from them, the reports, expenses and payments
after the award, and PIMEX coaching.

A package whose modules are re-exported here, so `applications.models.X` is the one import
point (the migrations also name `private_storage` and `attachment_path` here).
"""

from .answers import Answer
from .application import (
    Application,
    ApplicationQuerySet,
    Attachment,
    BudgetLine,
    ReminderSent,
    RetentionRefused,
    Review,
    Score,
    Status,
    StatusChange,
    attachment_path,
    check_deletable,
    deletable,
    private_storage,
)
from .pimex import (
    PIMEX_DEFAULT_GROUP_SESSIONS,
    PIMEX_DEFAULT_TUTORIALS,
    PimexActionPlan,
    PimexAttendance,
    PimexCallSettings,
    PimexParticipant,
    PimexPlannedAction,
    PimexSession,
    PimexSurvey,
    PimexSwot,
    PimexTutorial,
)
from .post_award import ActionType, ContractWon, Expense, Payment, ProjectReport, ReportActivity

__all__ = [
    "PIMEX_DEFAULT_GROUP_SESSIONS",
    "PIMEX_DEFAULT_TUTORIALS",
    "ActionType",
    "Answer",
    "Application",
    "ApplicationQuerySet",
    "Attachment",
    "BudgetLine",
    "ContractWon",
    "Expense",
    "Payment",
    "PimexActionPlan",
    "PimexAttendance",
    "PimexCallSettings",
    "PimexParticipant",
    "PimexPlannedAction",
    "PimexSession",
    "PimexSurvey",
    "PimexSwot",
    "PimexTutorial",
    "ProjectReport",
    "ReminderSent",
    "ReportActivity",
    "RetentionRefused",
    "Review",
    "Score",
    "Status",
    "StatusChange",
    "attachment_path",
    "check_deletable",
    "deletable",
    "private_storage",
]
