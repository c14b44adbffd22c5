"""Evaluating an application against its call's rules, in a fixed number of queries."""

import hashlib
import json
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from consortia.models import Membership
from consortia.services import active_memberships, consortium_stage
from portal.money import format_eur, to_cents
from programmes.models import CallDocument, CallRule
from programmes.models.questions import asked_ids
from programmes.services import de_minimis_headrooms

from .answers import ANSWER_RULES
from .base import FUNDING, PARAMETERS, Evaluation, Facts, RuleResult, money
from .eligibility import ELIGIBILITY_RULES, REQUIRED_DOCUMENTS
from .funding import (
    FUNDING_RULES,
    CategoryCapRule,
    FundingRateRule,
    GrantCapRule,
    GrantRangeRule,
    PerCompanyCapRule,
    StageCapRule,
)

REGISTRY = {rule.code: rule for rule in ELIGIBILITY_RULES + ANSWER_RULES + FUNDING_RULES}
ANSWER_RULE_CODES = {rule.code for rule in ANSWER_RULES}


def rule_for(code: str):
    return REGISTRY.get(code)


def evaluation_date(application) -> date:
    """The day the rules are checked for: the submission day, or today, in the agency's zone."""
    zone = application.call.programme.agency.tzinfo
    moment = application.submitted_at or timezone.now()
    return timezone.localtime(moment, zone).date()


def _applicant_facts(call, *, consortium, organisation, on, application=None, **details) -> Facts:
    """Facts about the applicant (members on the day, kind, stage); `details` fill in the rest."""
    if consortium is not None:
        memberships = active_memberships(consortium, on=on)
        members = [membership.organisation for membership in memberships]
        applicant_kind, stage = "consortium", consortium_stage(consortium, on=on)
    else:
        memberships, members = [], [organisation]
        applicant_kind, stage = organisation.kind, None
    defaults = {
        "budget_lines": [],
        "documents": [],
        "attached_documents": set(),
        "declarations": set(),
        "other_applications": 0,
        "headroom": {},
    }
    return Facts(
        application=application,
        call=call,
        programme=call.programme,
        on=on,
        applicant_kind=applicant_kind,
        consortium=consortium,
        organisation=organisation,
        members=members,
        memberships=memberships,
        stage=stage,
        **{**defaults, **details},
    )


# What the rules read of an application: its relations (joined) and its rows (prefetched).
FACT_RELATIONS = ("call__programme__agency", "consortium", "organisation")
_OWNERSHIP_LINKS = ("holdings__owned", "holders__owner")


def fact_prefetches() -> list:
    """The lookups the rules read, for `prefetch_related_objects` (what is already fetched is not read again)."""
    return [
        "budget_lines__category",
        "attachments",
        # The call's documents, read with the application's rows (one query; a page that lists them
        # prefetched them already, and they are not read again).
        Prefetch("call__documents", queryset=CallDocument.objects.order_by("position", "pk")),
        # The call's rules in their order: the engine and the pages that read a rule (the form's
        # declarations) read the same rows, once.
        Prefetch("call__rules", queryset=CallRule.objects.select_related("category").order_by("position", "pk")),
        Prefetch(
            "consortium__memberships",
            queryset=Membership.objects.select_related("organisation").prefetch_related(
                *(f"organisation__{link}" for link in _OWNERSHIP_LINKS)
            ),
        ),
        *(f"organisation__{link}" for link in _OWNERSHIP_LINKS),
    ]


def gather_facts(application, *, fresh: bool = True) -> tuple[Facts, list]:
    """Everything the rules read, fetched once. Returns the facts and the call's rules.

    `fresh` (the default) reads the application again with what the rules need. A caller that
    holds the row locked and loaded it with `FACT_RELATIONS` passes `fresh=False`: the rows are
    then prefetched onto its instance (what it prefetched already is used as it is), so what it
    reads afterwards (the submitted content) comes from the same reads.
    """
    # The application's own model (the engine sits below applications and does not import it).
    applications = type(application)._default_manager
    if fresh:
        application = (
            applications.select_related(*FACT_RELATIONS).prefetch_related(*fact_prefetches()).get(pk=application.pk)
        )
    else:
        prefetch_related_objects([application], *fact_prefetches())
    call = application.call
    on = evaluation_date(application)
    consortium = application.consortium
    organisation = application.organisation
    applicant_filter = {"consortium": consortium} if consortium is not None else {"organisation": organisation}
    facts = _applicant_facts(
        call,
        consortium=consortium,
        organisation=organisation,
        on=on,
        application=application,
        budget_lines=list(application.budget_lines.all()),
        documents=list(call.documents.all()),
        attached_documents={a.document_id for a in application.attachments.all() if a.document_id is not None},
        declarations=set(application.declarations or []),
        other_applications=applications.filter(call=call, **applicant_filter)
        .exclude(pk=application.pk)
        .exclude(status="withdrawn")
        .count(),
    )
    facts.headroom = de_minimis_headrooms(facts.members, on)
    rows = list(call.rules.all())
    if any(row.code in ANSWER_RULE_CODES for row in rows):
        # Only a call whose rules look at answers reads them (the answers may be prefetched already).
        questions = {question.pk: question for question in call.questions.with_can_ask()}
        by_question = {answer.question_id: answer for answer in application.answers.all()}
        # A question the form cannot ask (a choice with no choices: `with_can_ask`) is not asked either.
        asked = asked_ids([question for question in questions.values() if question.can_ask], by_question)
        # A question not asked (its condition does not hold) is left out: a rule about it does not apply.
        facts.answers = {
            question.code: (question, by_question.get(question.pk))
            for question in questions.values()
            if question.pk in asked
        }
        facts.not_asked = {question.code: question for question in questions.values() if question.pk not in asked}
    return facts, rows


def _eligible_costs(facts: Facts, rows) -> tuple[Decimal, list[str], list[tuple[object, RuleResult]]]:
    """Requested costs, with each category cap applied; the steps that explain them."""
    requested = facts.requested_costs
    by_category: dict[int, Decimal] = {}
    for line in facts.budget_lines:
        by_category[line.category_id] = by_category.get(line.category_id, Decimal("0.00")) + line.amount
    steps = [
        ngettext(
            "Eligible costs requested: %(total)s in %(count)s budget line",
            "Eligible costs requested: %(total)s in %(count)s budget lines",
            len(facts.budget_lines),
        )
        % {"total": money(requested), "count": len(facts.budget_lines)}
    ]
    results = []
    eligible = requested
    for row in rows:
        rule = REGISTRY.get(row.code)
        if not isinstance(rule, CategoryCapRule):
            continue
        cap = rule.cap(row, requested)
        asked = by_category.get(row.category_id, Decimal("0.00"))
        if asked <= cap:
            message = _("%(category)s: %(asked)s, within the cap of %(cap)s") % {
                "category": row.category.name,
                "asked": money(asked),
                "cap": money(cap),
            }
            results.append((row, rule.result(True, message)))
            continue
        eligible -= asked - cap
        message = _("%(category)s: %(asked)s requested, capped at %(cap)s") % {
            "category": row.category.name,
            "asked": money(asked),
            "cap": money(cap),
        }
        steps.append(message)
        result = rule.result(True, message)
        # Not a failure: the costs above the cap are simply not funded, and the applicant is told so.
        result.unfunded = to_cents(asked - cap)
        result.warning = _("%(category)s: %(asked)s asked, the cap is %(cap)s: %(over)s will not be funded.") % {
            "category": row.category.name,
            "asked": format_eur(asked),
            "cap": format_eur(cap),
            "over": format_eur(result.unfunded),
        }
        results.append((row, result))
    if eligible != requested:
        steps.append(_("Eligible costs: %(total)s") % {"total": money(eligible)})
    return to_cents(eligible), steps, results


# Funding rules whose result is a ceiling: when one lowers the grant, it is the cap that applied.
CAP_RULES = (GrantCapRule, StageCapRule, PerCompanyCapRule, GrantRangeRule)


def _parameter(row, name):
    if name == "category":
        return row.category.code if row.category_id else None
    value = getattr(row, name)
    if value in (None, ""):
        return None
    return str(value) if isinstance(value, Decimal) else value


def rules_record(rows) -> tuple[str, list[dict]]:
    """The call's rules as plain data (in the call's order) and a short hash of them, their version.

    Two calls with the same rules in the same order have the same version; any
    change of a code or a parameter gives another one.
    """
    rules = [{"code": row.code, **{name: _parameter(row, name) for name in PARAMETERS}} for row in rows]
    digest = hashlib.sha256(json.dumps(rules, sort_keys=True).encode()).hexdigest()
    return digest[:12], rules


def evaluate_application(application, *, fresh: bool = True, leave_out=frozenset()) -> Evaluation:
    """Check an application against its call's rules and work out the maximum grant.

    Every result says why, naming the facts. The maximum grant is 0.00 when the
    application is not eligible; `computed_grant` keeps what the funding rules gave.
    `fresh=False`: see `gather_facts` (the caller loaded and locked the application).
    `leave_out`: ids of budget lines not to count, for a page whose form refused their new
    values (the stored ones are out of date); the submission and staff never pass it.
    """
    facts, rows = gather_facts(application, fresh=fresh)
    counted = [line for line in facts.budget_lines if line.pk not in leave_out]
    left_out = len(facts.budget_lines) - len(counted)
    facts.budget_lines = counted
    by_row: dict[int, RuleResult] = {}

    eligible_costs, steps, cap_results = _eligible_costs(facts, rows)
    for row, result in cap_results:
        by_row[row.pk] = result
    facts.eligible_costs = eligible_costs

    grant = eligible_costs
    rate, cap = None, None
    for row in rows:
        rule = REGISTRY.get(row.code)
        if rule is None or rule.kind != FUNDING or isinstance(rule, CategoryCapRule):
            continue
        if isinstance(rule, StageCapRule) and not rule.applies(row, facts):
            continue
        before = grant
        grant, result = rule.apply(row, facts, grant, eligible_costs)
        grant = to_cents(grant)
        if isinstance(rule, FundingRateRule):
            rate = row.rate if rate is None else to_cents(rate * row.rate / 100)
        elif isinstance(rule, CAP_RULES) and grant < before:
            cap = grant
            result.unfunded = before - grant
            result.warning = _("Grant: %(grant)s worked out, %(reason)s: %(over)s will not be funded.") % {
                "grant": format_eur(before),
                "reason": rule.cap_reason(row, facts, grant),
                "over": format_eur(before - grant),
            }
        by_row[row.pk] = result
        if result.passed or isinstance(rule, GrantRangeRule):
            steps.append(result.message)
    facts.computed_grant = grant

    for row in rows:
        rule = REGISTRY.get(row.code)
        if rule is None:
            by_row[row.pk] = RuleResult(
                code=row.code, passed=False, message=_("Unknown rule “%(code)s”.") % {"code": row.code}
            )
        elif rule.kind != FUNDING:
            by_row[row.pk] = rule.check(row, facts)

    results = [by_row[row.pk] for row in rows if row.pk in by_row]
    # The call's required documents, after the configured rules.
    if (documents := REQUIRED_DOCUMENTS.check_documents(facts)) is not None:
        results.append(documents)
    eligible = all(r.passed for r in results)
    steps.append(
        _("Maximum grant: %(grant)s") % {"grant": money(grant)}
        if eligible
        else _("Not eligible: no grant (the rules would give %(grant)s)") % {"grant": money(grant)}
    )
    version, parameters = rules_record(rows)
    return Evaluation(
        eligible=eligible,
        results=results,
        max_grant=grant if eligible else Decimal("0.00"),
        eligible_costs=eligible_costs,
        computed_grant=grant,
        explanation=steps,
        evaluated_on=facts.on,
        stage=facts.stage,
        applied_rate=rate,
        applied_cap=cap,
        rules=parameters,
        rules_version=version,
        counted_lines=len(counted),
        left_out_lines=left_out,
    )


# Rules that look only at the applicant, so they can be checked before any application exists.
APPLICANT_RULES = {
    "applicant_type",
    "min_members",
    "member_regions",
    "member_activity",
    "sme_only",
    "consortium_sector",
    "consortium_stage",
    "one_per_call",
}


def evaluate_applicant(call, *, consortium=None, organisation=None, applied_call_ids=frozenset(), on=None):
    """Whether a consortium or an organisation may apply to a call, before it writes anything.

    Checks only the rules about the applicant (members, regions, activity, size,
    sector, stage, one application per call). `consortium` must come with
    `memberships__organisation` and the organisations' ownership links
    prefetched, `call` with its `rules`; `applied_call_ids` are the calls the
    applicant already has an open application in. No query of its own.
    """
    on = on or timezone.localdate()
    facts = _applicant_facts(
        call,
        consortium=consortium,
        organisation=organisation,
        on=on,
        other_applications=1 if call.pk in applied_call_ids else 0,
    )
    results = [
        REGISTRY[row.code].check(row, facts)
        for row in call.rules.all()
        if row.code in APPLICANT_RULES and row.code in REGISTRY
    ]
    return Evaluation(eligible=all(r.passed for r in results), results=results, max_grant=Decimal("0.00"))
