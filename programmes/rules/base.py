"""The building blocks of the rules engine: facts, results, evaluation, the Rule base class."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from portal.money import to_cents

ELIGIBILITY = "eligibility"
FUNDING = "funding"

# How the public pages group the rules: who can apply, and how much they may get.
WHO = "who"
HOW_MUCH = "how_much"

# The part of an application that can meet a rule (`Rule.part`): a rule about the applicant itself
# (its kind, members, size...) is met or not whatever is filled in; the others are met by filling in
# the answers, the budget, the documents or the declarations. The application form's guidance
# (applications.guidance) tells "still to do" from "not met" by it.
APPLICANT = "applicant"
ANSWERS = "answers"
BUDGET = "budget"
DOCUMENTS = "documents"
DECLARED = "declarations"

# The parameter columns of programmes.CallRule.
PARAMETERS = ("number", "amount", "limit", "rate", "choices", "category")


def money(value) -> str:
    """An amount for a message: 250,000.00 (grouped in the active language, no sign)."""
    return number_format(to_cents(value), decimal_pos=2, force_grouping=True)


def quantity(value) -> str:
    """A number without trailing zeros: 40, 12.5 (never 4E+1)."""
    text = format(Decimal(value).normalize(), "f")
    return number_format(Decimal(text), decimal_pos=None)


percent = quantity


@dataclass
class Facts:
    """What the rules look at, gathered once per evaluation (engine.gather_facts)."""

    application: object
    call: object
    programme: object
    on: date
    applicant_kind: str  # "consortium" or the organisation's kind
    consortium: object | None
    organisation: object | None
    members: list  # organisations counted: active members on `on`, or the organisation itself
    memberships: list  # the active Membership rows (consortium applicants)
    stage: str | None
    budget_lines: list
    documents: list  # the call's documents (programmes.CallDocument), in order
    attached_documents: set[int]  # the documents (pk) a file of the application answers
    declarations: set[str]
    other_applications: int
    headroom: dict[int, Decimal]  # de minimis headroom per member organisation pk
    # The answers to the call's questions, by question code: (question, answer); read only for a
    # call whose rules look at answers (programmes.rules.answers).
    answers: dict | None = None
    # The questions not asked of this applicant (their condition does not hold), by code.
    not_asked: dict | None = None
    # Filled in by the engine as it goes: costs after category caps, grant after funding rules.
    eligible_costs: Decimal = Decimal("0.00")
    computed_grant: Decimal = Decimal("0.00")

    @property
    def requested_costs(self) -> Decimal:
        return sum((line.amount for line in self.budget_lines), Decimal("0.00"))


@dataclass
class RuleResult:
    """The outcome of one rule: its code, whether it passed, and why (translated)."""

    code: str
    passed: bool
    message: str
    kind: str = ELIGIBILITY
    label: str = ""
    # The part of the application that can meet the rule (APPLICANT, ANSWERS, BUDGET...).
    part: str = APPLICANT
    # For a cap that lowered the amount: the part that will not be funded, and the sentence saying
    # why ("Trade fairs: 10,000.00 € asked, the cap is 8,000.00 €: 2,000.00 € will not be funded.").
    # A warning, not a failure: the rule passed.
    unfunded: Decimal = Decimal("0.00")
    warning: str = ""

    def __str__(self):
        return f"[{'pass' if self.passed else 'fail'}] {self.code}: {self.message}"


@dataclass
class Evaluation:
    """The contract's evaluation of an application.

    `eligible`: every rule passed. `results`: one per configured rule, in the
    call's order. `max_grant`: the most that may be granted (0.00 when not
    eligible). `explanation`: the steps that led to the grant.

    What a decision freezes (applications.decisions): `evaluated_on`, the day of
    the facts; `stage`, the consortium's stage on that day (None for other
    applicants); `applied_rate`, the co-financing rate the funding rules applied
    (None when no rate rule: the grant may reach 100% of the eligible costs);
    `applied_cap`, the cap that actually limited the grant (None when none did);
    `rules`, the call's rules' parameters, and `rules_version`, a short hash of them.
    """

    eligible: bool
    results: list[RuleResult]
    max_grant: Decimal
    eligible_costs: Decimal = Decimal("0.00")
    computed_grant: Decimal = Decimal("0.00")
    explanation: list[str] = field(default_factory=list)
    evaluated_on: date | None = None
    stage: str | None = None
    applied_rate: Decimal | None = None
    applied_cap: Decimal | None = None
    rules: list[dict] = field(default_factory=list)
    rules_version: str = ""
    # The budget lines counted, and those left out (`evaluate_application(leave_out=...)`).
    counted_lines: int = 0
    left_out_lines: int = 0

    @property
    def failures(self) -> list[RuleResult]:
        return [r for r in self.results if not r.passed]

    @property
    def potential_grant(self) -> Decimal:
        """The grant the budget would get if every requirement still missing were met.

        The funding rules' result (eligible costs, rate, caps), whatever the eligibility: the
        maximum grant once eligible, the figure an applicant sees while filling in the application.
        """
        return self.computed_grant

    @property
    def warnings(self) -> list[RuleResult]:
        """The caps that lowered the costs or the grant: what will not be funded, and why."""
        return [r for r in self.results if r.warning]

    @property
    def explanation_text(self) -> str:
        return "; ".join(str(step) for step in self.explanation)


class Rule:
    """A kind of rule. Subclasses set `code`, `label`, `kind` and the parameters they use.

    `required` and `optional` name CallRule columns; every other parameter
    column must stay empty, so a manager never configures a value that is ignored.
    """

    code: str = ""
    label = ""
    kind = ELIGIBILITY
    group = WHO  # where the public pages list it (WHO or HOW_MUCH)
    part = APPLICANT  # the part of the application that can meet it
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    # For rules with `choices`: the allowed values (None: any).
    allowed_choices: dict[str, str] | None = None

    def validate(self, row) -> dict[str, str]:
        """Errors by parameter name; empty when the parameters are usable."""
        errors = {}
        for name in PARAMETERS:
            value = getattr(row, name if name != "category" else "category_id")
            empty = value in (None, "")
            if name in self.required and empty:
                errors[name] = _("The rule “%(rule)s” needs this value.") % {"rule": self.label}
            elif name not in self.required and name not in self.optional and not empty:
                errors[name] = _("The rule “%(rule)s” does not use this value: leave it empty.") % {"rule": self.label}
        if "choices" not in errors and self.allowed_choices is not None and row.choices:
            unknown = [c for c in row.choice_list if c not in self.allowed_choices]
            if unknown:
                errors["choices"] = _("Unknown values: %(unknown)s. Allowed: %(allowed)s.") % {
                    "unknown": ", ".join(unknown),
                    "allowed": ", ".join(self.allowed_choices),
                }
        errors.update(self.extra_validation(row))
        return errors

    def extra_validation(self, row) -> dict[str, str]:
        return {}

    def describe(self, row) -> str:
        """The rule in plain words for applicants, e.g. “At least 3 active members”."""
        return str(self.label)

    def result(self, passed: bool, message) -> RuleResult:
        return RuleResult(
            code=self.code, passed=passed, message=str(message), kind=self.kind, label=str(self.label), part=self.part
        )


class EligibilityRule(Rule):
    kind = ELIGIBILITY
    group = WHO

    def check(self, row, facts: Facts) -> RuleResult:
        raise NotImplementedError


class FundingRule(Rule):
    kind = FUNDING
    group = HOW_MUCH
    part = BUDGET

    def apply(self, row, facts: Facts, grant: Decimal, eligible_costs: Decimal) -> tuple[Decimal, RuleResult]:
        """The grant after this rule, and the result that explains the step."""
        raise NotImplementedError
