"""Funding rules: together they give the maximum grant, one explained step each."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from portal.money import format_eur, to_cents

from .base import Facts, FundingRule, money, percent
from .eligibility import STAGES


class CategoryCapRule(FundingRule):
    """Caps the eligible costs of one cost category: an amount, a share of all costs, or both.

    Applied before every other funding rule: it decides the eligible costs.
    """

    code = "category_cap"
    label = _("Cap on a cost category")
    required = ("category",)
    optional = ("amount", "rate")

    def extra_validation(self, row):
        if row.amount is None and row.rate is None:
            return {"amount": _("Give an amount, a rate (share of the total costs), or both.")}
        return {}

    def cap(self, row, requested_total: Decimal) -> Decimal | None:
        caps = []
        if row.amount is not None:
            caps.append(row.amount)
        if row.rate is not None:
            caps.append(to_cents(requested_total * row.rate / 100))
        return min(caps) if caps else None

    def describe(self, row):
        parts = []
        if row.amount is not None:
            parts.append(_("%(amount)s EUR") % {"amount": money(row.amount)})
        if row.rate is not None:
            parts.append(_("%(rate)s%% of the total costs") % {"rate": percent(row.rate)})
        return _("%(category)s: at most %(caps)s.") % {
            "category": row.category.name if row.category_id else "",
            "caps": _(" and at most ").join(str(p) for p in parts),
        }


class FundingRateRule(FundingRule):
    code = "funding_rate"
    label = _("Co-financing rate")
    required = ("rate",)

    def describe(self, row):
        return _("The grant covers %(rate)s%% of the eligible costs.") % {"rate": percent(row.rate)}

    def apply(self, row, facts: Facts, grant, eligible_costs):
        new = to_cents(grant * row.rate / 100)
        step = _("%(rate)s%% of %(base)s = %(grant)s") % {
            "rate": percent(row.rate),
            "base": money(grant),
            "grant": money(new),
        }
        return new, self.result(True, step)


class _CapMixin:
    def cap_reason(self, row, facts: Facts, cap: Decimal) -> str:
        """Why the grant stops at `cap`, for the warning on what will not be funded."""
        return _("the cap is %(cap)s") % {"cap": format_eur(cap)}

    def _cap(self, cap: Decimal, grant: Decimal, capped_message, within_message, params):
        if grant > cap:
            return cap, self.result(True, capped_message % {"cap": money(cap), "grant": money(grant), **params})
        return grant, self.result(True, within_message % {"cap": money(cap), "grant": money(grant), **params})


class GrantCapRule(_CapMixin, FundingRule):
    code = "grant_cap"
    label = _("Maximum grant")
    required = ("amount",)

    def describe(self, row):
        return _("At most %(amount)s EUR per application.") % {"amount": money(row.amount)}

    def cap_reason(self, row, facts, cap):
        return _("the maximum per application is %(cap)s") % {"cap": format_eur(cap)}

    def apply(self, row, facts, grant, eligible_costs):
        return self._cap(
            row.amount,
            grant,
            _("%(grant)s capped at the maximum of %(cap)s"),
            _("%(grant)s is within the maximum of %(cap)s"),
            {},
        )


class StageCapRule(_CapMixin, FundingRule):
    code = "stage_cap"
    label = _("Cap by consortium stage")
    required = ("choices", "amount")
    allowed_choices = STAGES

    def describe(self, row):
        return _("At most %(amount)s EUR for a consortium in %(stages)s.") % {
            "amount": money(row.amount),
            "stages": ", ".join(str(STAGES[c]) for c in row.choice_list),
        }

    def applies(self, row, facts) -> bool:
        return facts.stage in row.choice_list

    def cap_reason(self, row, facts, cap):
        return _("the maximum for a consortium in the %(stage)s stage is %(cap)s") % {
            "stage": STAGES.get(facts.stage, facts.stage),
            "cap": format_eur(cap),
        }

    def apply(self, row, facts, grant, eligible_costs):
        stage = STAGES.get(facts.stage, facts.stage)
        return self._cap(
            row.amount,
            grant,
            _("%(grant)s capped at %(cap)s for a consortium in the %(stage)s stage"),
            _("%(grant)s is within the %(cap)s for a consortium in the %(stage)s stage"),
            {"stage": stage},
        )


class PerCompanyCapRule(_CapMixin, FundingRule):
    code = "per_company_cap"
    label = _("Cap per company")
    required = ("amount",)

    def describe(self, row):
        return _("At most %(amount)s EUR per participating company.") % {"amount": money(row.amount)}

    def cap_reason(self, row, facts, cap):
        count = max(len(facts.members), 1)
        if count == 1:
            return _("the maximum per company is %(cap)s") % {"cap": format_eur(cap)}
        return _("the maximum is %(cap)s (%(per)s for each of %(count)s companies)") % {
            "cap": format_eur(cap),
            "per": format_eur(row.amount),
            "count": count,
        }

    def apply(self, row, facts, grant, eligible_costs):
        count = max(len(facts.members), 1)
        cap = to_cents(row.amount * count)
        if count == 1:
            return self._cap(
                cap,
                grant,
                _("%(grant)s capped at %(cap)s per company"),
                _("%(grant)s is within %(cap)s per company"),
                {},
            )
        return self._cap(
            cap,
            grant,
            _("%(grant)s capped at %(cap)s (%(per)s for each of %(count)s companies)"),
            _("%(grant)s is within %(cap)s (%(per)s for each of %(count)s companies)"),
            {"per": money(row.amount), "count": count},
        )


class GrantRangeRule(FundingRule):
    """Below the minimum the application is not eligible; above the maximum it is capped."""

    code = "grant_range"
    label = _("Minimum and maximum grant")
    optional = ("amount", "limit")

    def extra_validation(self, row):
        if row.amount is None and row.limit is None:
            return {"amount": _("Give the minimum grant, the maximum (upper limit), or both.")}
        return {}

    def cap_reason(self, row, facts, cap):
        return _("the call's maximum grant is %(cap)s") % {"cap": format_eur(cap)}

    def describe(self, row):
        if row.amount is not None and row.limit is not None:
            return _("A grant from %(min)s to %(max)s EUR.") % {"min": money(row.amount), "max": money(row.limit)}
        if row.amount is not None:
            return _("A grant of at least %(min)s EUR.") % {"min": money(row.amount)}
        return _("A grant of at most %(max)s EUR.") % {"max": money(row.limit)}

    def apply(self, row, facts, grant, eligible_costs):
        low, high = row.amount, row.limit
        bounds = "–".join(money(v) for v in (low, high) if v is not None)
        if high is not None and grant > high:
            return high, self.result(
                True, _("%(grant)s capped at the maximum of %(max)s") % {"grant": money(grant), "max": money(high)}
            )
        if low is not None and grant < low:
            return grant, self.result(
                False,
                _("The grant would be %(grant)s, below the minimum of %(min)s: the project is too small for this call")
                % {"grant": money(grant), "min": money(low)},
            )
        return grant, self.result(True, _("within %(bounds)s") % {"bounds": bounds})


FUNDING_RULES = [
    CategoryCapRule(),
    FundingRateRule(),
    GrantCapRule(),
    StageCapRule(),
    PerCompanyCapRule(),
    GrantRangeRule(),
]
