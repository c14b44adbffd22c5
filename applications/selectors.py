"""Every read of the case file, importable from one place (the stable import point).

The reads live beside the writes they serve; this module only names them. Modules inside
applications import from those modules, never from here, so no circle can form.
- queries: which applications, reports and documents a user may see or edit;
- budgets: money committed, paid and remaining on a call and on a programme-year's lines;
- decisions: the next one on the reserve list; decision_facts: the facts a decision rested on,
  as frozen at approval;
- reviews: review summaries and the ranking;
- formation_grants: the seed-funding call's one pool as the formations see it, a formation's grant;
- post_award: accepted costs, what is payable and paid, what is missing to close;
- renunciations: who acts on an application (agency or beneficiary), what a renunciation would keep;
- pimex.selectors: a participant's PIMEX progress.
The dashboard, indicators, reports and open data keep their selectors in their sub-packages.
"""

from .budgets import (
    COMMITTED,
    budget_line_figures,
    call_committed,
    call_remaining,
    line_committed,
    programme_budget_committed,
    programme_year_committed,
    programme_year_grants,
    programme_year_paid,
)
from .decision_facts import decision_record
from .decisions import next_reserve
from .formation_grants import SeedFunding, formation_grant_of, formation_seed_funding
from .pimex.selectors import participation_for, pimex_commitments, pimex_panel, pimex_progress
from .post_award import accepted_costs, completion_problems, paid_amount, payable_amount, retention_date
from .queries import (
    DRAFT_ROWS,
    NEXT_STEPS,
    application_for,
    applications_of,
    attachment_for,
    budget_lines_with_claims,
    document_checklist,
    project_report_for,
)
from .renunciations import actor_for, renunciation_check
from .review_summary import conflicted_applications, may_override, review_problems
from .reviews import ranking, review_summary, review_weighted_total, reviews_prefetch

__all__ = [
    "COMMITTED",
    "DRAFT_ROWS",
    "NEXT_STEPS",
    "SeedFunding",
    "accepted_costs",
    "actor_for",
    "application_for",
    "applications_of",
    "attachment_for",
    "budget_line_figures",
    "budget_lines_with_claims",
    "call_committed",
    "call_remaining",
    "completion_problems",
    "conflicted_applications",
    "decision_record",
    "document_checklist",
    "formation_grant_of",
    "formation_seed_funding",
    "line_committed",
    "may_override",
    "next_reserve",
    "paid_amount",
    "participation_for",
    "payable_amount",
    "pimex_commitments",
    "pimex_panel",
    "pimex_progress",
    "programme_budget_committed",
    "programme_year_committed",
    "programme_year_grants",
    "programme_year_paid",
    "project_report_for",
    "ranking",
    "renunciation_check",
    "retention_date",
    "review_problems",
    "review_summary",
    "review_weighted_total",
    "reviews_prefetch",
]
