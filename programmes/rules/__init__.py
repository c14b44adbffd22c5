"""The rules engine: eligibility and funding rules configured per call.

A call holds an ordered list of `programmes.CallRule` rows; each names a rule
(its code) and gives its parameters. `evaluate_application` checks an
application against them and works out the maximum grant, explaining each step.

Eligibility rules are checked once the grant is known (the de minimis rule needs
it); funding rules apply in the call's order, after the category caps that
decide the eligible costs.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .base import ELIGIBILITY, FUNDING, HOW_MUCH, WHO, Evaluation, Facts, Rule, RuleResult
from .eligibility import DECLARATIONS, NACE_SECTIONS, STAGES
from .engine import REGISTRY, evaluate_applicant, evaluate_application, gather_facts, rule_for, rules_record
from .words import RuleInWords, RulesInWords, rules_in_words

RULE_CHOICES = [(code, rule.label) for code, rule in REGISTRY.items()]


def validate_rule_parameters(row) -> None:
    """Raise a ValidationError by field when a configured rule's parameters are not usable."""
    rule = rule_for(row.code)
    if rule is None:
        raise ValidationError({"code": _("Unknown rule “%(code)s”.") % {"code": row.code}})
    errors = rule.validate(row)
    if row.category_id and row.call_id and row.category.programme_id != row.call.programme_id:
        errors["category"] = _("This cost category belongs to another programme.")
    if errors:
        raise ValidationError(errors)


def describe_rule(row) -> str:
    rule = rule_for(row.code)
    return str(rule.describe(row)) if rule else row.code


__all__ = [
    "DECLARATIONS",
    "ELIGIBILITY",
    "FUNDING",
    "HOW_MUCH",
    "NACE_SECTIONS",
    "REGISTRY",
    "RULE_CHOICES",
    "STAGES",
    "WHO",
    "Evaluation",
    "Facts",
    "Rule",
    "RuleInWords",
    "RuleResult",
    "RulesInWords",
    "describe_rule",
    "evaluate_applicant",
    "evaluate_application",
    "gather_facts",
    "rule_for",
    "rules_in_words",
    "rules_record",
    "validate_rule_parameters",
]
