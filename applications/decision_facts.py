"""The facts a decision rests on, frozen on the application when it is approved.

The grant is worked out from facts that change afterwards: a consortium ticks its joint actions,
grows older, takes in members; a company grows out of its SME size; a manager edits the call's
rules. Read again later, they would tell another story than the one decided. So approval writes
down what the rules engine used — the consortium's stage, the company's SME size, the funding
rate and the cap that applied, the call's rules (with a short hash, their version) and each
result — and everything after the decision (the payable amount, the decision block on the
application's pages) reads those, never today's data.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from consortia.services import sme_size
from programmes.rules import evaluate_application

from .models import Application

FROZEN_FIELDS = ["decided_stage", "decided_size", "decided_rate", "decided_cap", "decision_rules"]


def decision_facts(*, application: Application, evaluation) -> dict:
    """The frozen facts of a decision taken on `evaluation` (programmes.rules.evaluate_application)."""
    organisation = application.organisation
    is_company = organisation is not None and organisation.kind == "company"
    return {
        "decided_stage": evaluation.stage or "",
        "decided_size": sme_size(organisation) if is_company else "",
        "decided_rate": evaluation.applied_rate,
        "decided_cap": evaluation.applied_cap,
        "decision_rules": {
            "version": evaluation.rules_version,
            "rules": evaluation.rules,
            "results": [{"code": r.code, "passed": r.passed, "message": str(r.message)} for r in evaluation.results],
            "eligible_costs": str(evaluation.eligible_costs),
            "max_grant": str(evaluation.max_grant),
            "evaluated_on": evaluation.evaluated_on.isoformat() if evaluation.evaluated_on else None,
        },
    }


def decision_facts_freeze(*, application: Application, evaluation, backfilled: bool = False) -> Application:
    """Write the decision's facts on the application (inside the decision's transaction).

    `backfilled` marks facts written after the decision from the rules as they were then
    (migration applications 0018), so a reader knows they are a reconstruction.
    """
    facts = decision_facts(application=application, evaluation=evaluation)
    if backfilled:
        facts["decision_rules"]["backfilled"] = True
    for name, value in facts.items():
        setattr(application, name, value)
    application.save(update_fields=FROZEN_FIELDS)
    return application


@dataclass
class DecisionRecord:
    """The frozen facts, ready to show: labels translated, the day parsed."""

    stage: str
    size: str
    rate: Decimal | None
    cap: Decimal | None
    version: str
    evaluated_on: date | None
    backfilled: bool


def decision_record(application: Application) -> DecisionRecord | None:
    """What the decision rested on, as frozen at approval; None before any decision froze it."""
    rules = application.decision_rules or {}
    if not rules:
        return None
    evaluated_on = rules.get("evaluated_on")
    return DecisionRecord(
        stage=application.get_decided_stage_display() if application.decided_stage else "",
        size=application.get_decided_size_display() if application.decided_size else "",
        rate=application.decided_rate,
        cap=application.decided_cap,
        version=rules.get("version", ""),
        evaluated_on=date.fromisoformat(evaluated_on) if evaluated_on else None,
        backfilled=bool(rules.get("backfilled")),
    )


def decision_facts_backfill(**kwargs) -> int:
    """Applications approved or closed before the decision's facts were kept get them from the rules now.

    The best record of those facts is the rules engine run again, on the submission day, with the
    call's rules and the applicant's data as they are now; the record says it is a reconstruction
    (`decision_rules["backfilled"]`). Run after every `migrate` (post_migrate, applications/apps.py),
    once the schema is complete, so today's models and engine can read it whatever migrations came
    after the facts' columns; nothing to do costs one query. Returns how many were filled.
    """
    historical = kwargs.get("apps")
    if historical is not None:
        # After a migration that left the schema short of the latest (back to an older state, or
        # one app at a time), today's models cannot read it: the next complete migrate fills them.
        try:
            Historical = historical.get_model("applications", "Application")
        except LookupError:
            return 0
        if "decision_rules" not in {field.name for field in Historical._meta.get_fields()}:
            return 0
        using = kwargs.get("using", "default")
        if not Historical.objects.using(using).filter(status__in=["approved", "closed"], decision_rules={}).exists():
            return 0
        executor = MigrationExecutor(connections[using])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return 0
    filled = 0
    undecided = Application.objects.filter(status__in=["approved", "closed"], decision_rules={})
    for application in undecided.select_related("organisation").order_by("pk"):
        decision_facts_freeze(application=application, evaluation=evaluate_application(application), backfilled=True)
        filled += 1
    return filled
