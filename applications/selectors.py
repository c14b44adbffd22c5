"""Every read of the case file, importable from one place (the stable import point).

The reads live beside the writes they serve; this module only names them. Modules inside
applications import from those modules, never from here, so no circle can form.
- queries: which applications, reports and documents a user may see or edit;
- decisions: money committed and remaining on a call, the next one on the reserve list;
- reviews: review summaries and the ranking;
- post_award: accepted costs, what is payable and paid, what is missing to close;
- pimex.selectors: a participant's PIMEX progress.
The dashboard, indicators, reports and open data keep their selectors in their sub-packages.
"""

from .decisions import COMMITTED, call_committed, call_remaining, next_reserve
from .pimex.selectors import participation_for, pimex_commitments, pimex_panel, pimex_progress
from .post_award import accepted_costs, completion_problems, paid_amount, payable_amount, retention_date
from .queries import (
    NEXT_STEPS,
    application_for,
    applications_of,
    attachment_for,
    budget_lines_with_claims,
    project_report_for,
)
from .review_summary import conflicted_applications, may_override, review_problems
from .reviews import ranking, review_summary, review_weighted_total, reviews_prefetch

__all__ = [
    "COMMITTED",
    "NEXT_STEPS",
    "accepted_costs",
    "application_for",
    "applications_of",
    "attachment_for",
    "budget_lines_with_claims",
    "call_committed",
    "call_remaining",
    "completion_problems",
    "conflicted_applications",
    "may_override",
    "next_reserve",
    "paid_amount",
    "participation_for",
    "payable_amount",
    "pimex_commitments",
    "pimex_panel",
    "pimex_progress",
    "project_report_for",
    "ranking",
    "retention_date",
    "review_problems",
    "review_summary",
    "review_weighted_total",
    "reviews_prefetch",
]
