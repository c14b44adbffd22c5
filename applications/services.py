"""Every write of the case file, importable from one place (the stable import point).

The writes live in the modules of their step; this module only names them. Modules inside
applications import from the step's module, never from here, so no circle can form.
- submission: create, submit, answer a clarification, the status log and references;
- renunciations: withdraw before a decision, renounce (whole or part) or revoke after it;
- budgets: a call's budget, a programme-year's lines, the agency's own spending;
- decisions: review, clarification request, approve, reserve, reject, close; decision_facts:
  the facts an approval freezes;
- reviews: conflicts of interest, scores, applying the ranking;
- post_award: acceptance, expenses, payments, closing the operation;
- beneficiary_reports: the interim and final reports;
- attachments: documents; answers: a draft's answers to its call's questions;
- formation_grants: establishing a consortium the agency formed, with its seed funding granted (seed 002);
- pimex.services: PIMEX coaching; reports: the reports built by the worker; reminders.
"""

from .answers import AnswersRefused, answers_save
from .attachments import attachment_add, attachment_remove
from .beneficiary_reports import (
    ReportRefused,
    call_reports_reschedule,
    project_report_save,
    project_report_submit,
    project_reports_schedule,
    report_row_add,
    report_row_remove,
)
from .budgets import (
    BudgetRefused,
    agency_spending_record,
    call_budget_set,
    programme_budget_delete,
    programme_budget_line_add,
    programme_budget_line_delete,
    programme_budget_line_set,
)
from .decision_facts import decision_facts_freeze
from .decisions import (
    DecisionRefused,
    application_approve,
    application_close,
    application_reject,
    application_reserve,
    clarification_request,
    review_start,
)
from .formation_grants import FormationGrantRefused, formation_establish
from .models import RetentionRefused
from .pimex.services import (
    PimexRefused,
    pimex_action_plan_save,
    pimex_attendance_record,
    pimex_session_capacity_check,
    pimex_survey_submit,
    pimex_swot_save,
)
from .post_award import (
    PostAwardRefused,
    expense_claim,
    expense_claim_with_invoice,
    expense_remove,
    expense_verify,
    grant_accept,
    operation_close,
    payment_record,
)
from .reminders import send_due_reminders
from .renunciations import GrantEnded, application_withdraw, grant_renounce, grant_revoke
from .reports import report_build, report_request, report_retry
from .review_summary import ReviewsMissing
from .reviews import ReviewRefused, ranking_apply, review_declare, review_score
from .submission import (
    SubmissionRefused,
    application_change_status,
    application_create,
    application_submit,
    clarification_answer,
    content_hash,
    reference_allocate,
    submitted_content,
)
from .workflow import EndingRefused, IllegalTransition

__all__ = [
    "AnswersRefused",
    "BudgetRefused",
    "DecisionRefused",
    "EndingRefused",
    "FormationGrantRefused",
    "GrantEnded",
    "IllegalTransition",
    "PimexRefused",
    "PostAwardRefused",
    "ReportRefused",
    "RetentionRefused",
    "ReviewRefused",
    "ReviewsMissing",
    "SubmissionRefused",
    "agency_spending_record",
    "answers_save",
    "application_approve",
    "application_change_status",
    "application_close",
    "application_create",
    "application_reject",
    "application_reserve",
    "application_submit",
    "application_withdraw",
    "attachment_add",
    "attachment_remove",
    "call_budget_set",
    "call_reports_reschedule",
    "clarification_answer",
    "clarification_request",
    "content_hash",
    "decision_facts_freeze",
    "expense_claim",
    "expense_claim_with_invoice",
    "expense_remove",
    "expense_verify",
    "formation_establish",
    "grant_accept",
    "grant_renounce",
    "grant_revoke",
    "operation_close",
    "payment_record",
    "pimex_action_plan_save",
    "pimex_attendance_record",
    "pimex_session_capacity_check",
    "pimex_survey_submit",
    "pimex_swot_save",
    "programme_budget_delete",
    "programme_budget_line_add",
    "programme_budget_line_delete",
    "programme_budget_line_set",
    "project_report_save",
    "project_report_submit",
    "project_reports_schedule",
    "ranking_apply",
    "reference_allocate",
    "report_build",
    "report_request",
    "report_retry",
    "report_row_add",
    "report_row_remove",
    "review_declare",
    "review_score",
    "review_start",
    "send_due_reminders",
    "submitted_content",
]
