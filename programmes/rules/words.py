"""A call's rules in words for the public pages, grouped and labelled by where they come from.

Every sentence comes from the rule's own `describe` (in the active language, amounts in its
number format), so what applicants read is what the engine checks. The rules the programme
published ("programme") are listed apart from the ones the agency configured where the
programme is silent ("agency"), which carry the agency's note: a configured value is never
presented as the programme's rule.
"""

from dataclasses import dataclass, field

from programmes.models import CallRule

from .base import WHO
from .engine import rule_for


@dataclass(frozen=True)
class RuleInWords:
    text: str
    note: str
    basis: str
    group: str  # WHO or HOW_MUCH


@dataclass
class RulesInWords:
    """The rules of one call: the programme's, then the agency's configuration, each by group."""

    who: list[RuleInWords] = field(default_factory=list)
    how_much: list[RuleInWords] = field(default_factory=list)
    configured_who: list[RuleInWords] = field(default_factory=list)
    configured_how_much: list[RuleInWords] = field(default_factory=list)

    @property
    def configured(self) -> list[RuleInWords]:
        return self.configured_who + self.configured_how_much

    def __bool__(self) -> bool:
        return bool(self.who or self.how_much or self.configured)


def rules_in_words(rows) -> RulesInWords:
    """The rows of one call (in the call's order, with their cost category fetched) in words.

    Reads nothing from the database itself: pass the prefetched rows, so a page listing many
    calls keeps its number of queries. A row whose rule the engine does not know is left out.
    """
    words = RulesInWords()
    for row in rows:
        rule = rule_for(row.code)
        if rule is None:
            continue
        described = RuleInWords(text=str(rule.describe(row)), note=row.note, basis=row.basis, group=rule.group)
        if row.basis == CallRule.Basis.PROGRAMME:
            target = words.who if rule.group == WHO else words.how_much
        else:
            target = words.configured_who if rule.group == WHO else words.configured_how_much
        target.append(described)
    return words
