"""Eligibility rules: each says whether the application may be funded, and why (not)."""

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consortia.models import Consortium, SmeSize, Stage
from consortia.services import sme_figures, sme_size
from portal.regions import NUTS2, region_name
from programmes.services import AidSplitRefused, de_minimis_share

from .base import BUDGET, DECLARED, DOCUMENTS, HOW_MUCH, EligibilityRule, Facts, money, quantity

APPLICANT_TYPES = {
    "consortium": _("a consortium"),
    "company": _("a company"),
    "non_profit": _("a non-profit organisation"),
    "public_body": _("a public body"),
}

# Sizes and stages as written inside the rules' sentences (the vocabulary is consortia's).
SME_SIZES = {size.value: size.in_sentence for size in SmeSize}
STAGES = {stage.value: stage.in_sentence for stage in Stage}

NACE_SECTIONS = {
    "A": _("agriculture, forestry and fishing"),
    "B": _("mining and quarrying"),
    "C": _("manufacturing"),
    "D": _("energy supply"),
    "E": _("water supply and waste management"),
    "F": _("construction"),
    "G": _("wholesale and retail trade"),
    "H": _("transport and storage"),
    "I": _("accommodation and food services"),
    "J": _("information and communication"),
    "K": _("financial and insurance activities"),
    "L": _("real estate"),
    "M": _("professional, scientific and technical services"),
    "N": _("administrative and support services"),
    "O": _("public administration"),
    "P": _("education"),
    "Q": _("health and social work"),
    "R": _("arts, entertainment and recreation"),
    "S": _("other services"),
    "T": _("households as employers"),
    "U": _("extraterritorial organisations"),
}

# What an applicant may be asked to declare; the codes are configured on the call.
DECLARATIONS = {
    "truthful": _("The information in this application is true and complete."),
    "pimex_commitment": _(
        "The company commits to attend three group training sessions and three individual tutorials at its premises."
    ),
    "de_minimis": _("The applicant has declared all de minimis aid received in the last three years."),
    "collective_benefit": _("The action benefits SMEs collectively, not a single company."),
    "no_export_aid": _("The grant is not linked to exported quantities or to current export costs."),
}


def _regions(codes) -> str:
    return ", ".join(f"{region_name(c)} ({c})" for c in codes)


def _sectors():
    return dict(Consortium.Sector.choices)


def _names(organisations) -> str:
    return ", ".join(o.legal_name for o in organisations)


class ApplicantTypeRule(EligibilityRule):
    code = "applicant_type"
    label = _("Applicant type")
    required = ("choices",)
    allowed_choices = APPLICANT_TYPES

    def describe(self, row):
        kinds = " / ".join(str(APPLICANT_TYPES[c]) for c in row.choice_list)
        return _("The applicant is %(kinds)s.") % {"kinds": kinds}

    def check(self, row, facts: Facts):
        kinds = " / ".join(str(APPLICANT_TYPES[c]) for c in row.choice_list)
        actual = APPLICANT_TYPES.get(facts.applicant_kind, facts.applicant_kind)
        if facts.applicant_kind in row.choice_list:
            return self.result(True, _("The applicant is %(actual)s, as required.") % {"actual": actual})
        return self.result(
            False,
            _("The applicant is %(actual)s; this call is for %(kinds)s.") % {"actual": actual, "kinds": kinds},
        )


class MinMembersRule(EligibilityRule):
    code = "min_members"
    label = _("Minimum number of members")
    required = ("number",)
    optional = ("choices",)
    allowed_choices = {code: code for code in NUTS2} | {"*": "*"}

    def extra_validation(self, row):
        if row.number is not None and row.number < 1:
            return {"number": _("At least one member is needed.")}
        return {}

    def describe(self, row):
        if row.choice_list:
            return ngettext(
                "At least %(n)s active member with its registered office in %(regions)s.",
                "At least %(n)s active members with their registered office in %(regions)s.",
                row.number,
            ) % {"n": row.number, "regions": _regions(row.choice_list)}
        return ngettext("At least %(n)s active member.", "At least %(n)s active members.", row.number) % {
            "n": row.number
        }

    def check(self, row, facts: Facts):
        members = facts.members
        if row.choice_list:
            counted = [m for m in members if m.region in row.choice_list]
            where = _regions(row.choice_list)
            message = ngettext(
                "%(count)s active member has its registered office in %(regions)s; at least %(n)s are required.",
                "%(count)s active members have their registered office in %(regions)s; at least %(n)s are required.",
                len(counted),
            ) % {"count": len(counted), "regions": where, "n": row.number}
        else:
            counted = members
            message = ngettext(
                "The consortium has %(count)s active member on %(date)s; at least %(n)s are required.",
                "The consortium has %(count)s active members on %(date)s; at least %(n)s are required.",
                len(counted),
            ) % {"count": len(counted), "date": date_format(facts.on, "SHORT_DATE_FORMAT"), "n": row.number}
        return self.result(len(counted) >= row.number, message)


class MemberRegionsRule(EligibilityRule):
    code = "member_regions"
    label = _("Registered office in the region")
    required = ("choices",)
    allowed_choices = {code: code for code in NUTS2}

    def describe(self, row):
        return _("Every member has its registered office in %(regions)s.") % {"regions": _regions(row.choice_list)}

    def check(self, row, facts: Facts):
        outside = [m for m in facts.members if m.region not in row.choice_list]
        where = _regions(row.choice_list)
        if not facts.members:
            return self.result(False, _("There is no active member to check."))
        if outside:
            details = "; ".join(f"{m.legal_name} ({region_name(m.region)}, {m.region})" for m in outside)
            return self.result(
                False,
                _("Registered office outside %(regions)s: %(details)s.") % {"regions": where, "details": details},
            )
        return self.result(
            True,
            ngettext(
                "The %(count)s member has its registered office in %(regions)s.",
                "All %(count)s members have their registered office in %(regions)s.",
                len(facts.members),
            )
            % {"count": len(facts.members), "regions": where},
        )


class MemberActivityRule(EligibilityRule):
    code = "member_activity"
    label = _("Activity (NACE sections)")
    required = ("choices",)
    allowed_choices = NACE_SECTIONS

    def _sections(self, row):
        return "; ".join(f"{c} {NACE_SECTIONS[c]}" for c in row.choice_list)

    def describe(self, row):
        return _("Every member's main activity is in NACE sections %(sections)s.") % {"sections": self._sections(row)}

    def check(self, row, facts: Facts):
        wrong = [m for m in facts.members if m.nace_section not in row.choice_list]
        if not facts.members:
            return self.result(False, _("There is no active member to check."))
        if wrong:
            no_code = _("no NACE code")
            details = "; ".join(
                "{name} ({code}{section})".format(
                    name=m.legal_name,
                    code=m.nace_code or no_code,
                    section=f", {NACE_SECTIONS[m.nace_section]}" if m.nace_section else "",
                )
                for m in wrong
            )
            return self.result(
                False,
                _("Activity outside NACE sections %(sections)s: %(details)s.")
                % {"sections": ", ".join(row.choice_list), "details": details},
            )
        return self.result(
            True,
            _("Every member's main activity is in NACE sections %(sections)s.")
            % {"sections": ", ".join(row.choice_list)},
        )


class SmeOnlyRule(EligibilityRule):
    code = "sme_only"
    label = _("SMEs only")

    def describe(self, row):
        return _("Every member is a micro, small or medium-sized enterprise (Recommendation 2003/361/EC).")

    def check(self, row, facts: Facts):
        if not facts.members:
            return self.result(False, _("There is no active member to check."))
        missing = [m for m in facts.members if m.employees is None or (m.turnover is None and m.balance_sheet is None)]
        if missing:
            return self.result(
                False,
                _("Staff, turnover or balance sheet figures are missing for: %(names)s.") % {"names": _names(missing)},
            )
        large = []
        for member in facts.members:
            if sme_size(member) == SmeSize.LARGE:
                figures = sme_figures(member)
                large.append(
                    _("%(name)s (%(staff)s staff, turnover %(turnover)s, balance sheet %(balance)s)")
                    % {
                        "name": member.legal_name,
                        "staff": quantity(figures.staff),
                        "turnover": money(figures.turnover),
                        "balance": money(figures.balance_sheet),
                    }
                )
        if large:
            return self.result(
                False,
                _(
                    "Not an SME: %(details)s. An SME has fewer than 250 staff and a turnover up to 50 million "
                    "or a balance sheet up to 43 million, partner and linked enterprises included."
                )
                % {"details": "; ".join(str(x) for x in large)},
            )
        sizes = ", ".join(f"{m.legal_name}: {SME_SIZES[sme_size(m)]}" for m in facts.members)
        return self.result(True, _("Every member is an SME (%(sizes)s).") % {"sizes": sizes})


class ConsortiumSectorRule(EligibilityRule):
    code = "consortium_sector"
    label = _("Consortium sector")
    required = ("choices",)

    @property
    def allowed_choices(self):
        return _sectors()

    def describe(self, row):
        sectors = _sectors()
        return _("The consortium works in: %(sectors)s.") % {
            "sectors": ", ".join(str(sectors[c]) for c in row.choice_list)
        }

    def check(self, row, facts: Facts):
        sectors = _sectors()
        wanted = ", ".join(str(sectors[c]) for c in row.choice_list)
        if facts.consortium is None:
            return self.result(False, _("Only a consortium can apply to this call."))
        actual = sectors.get(facts.consortium.sector, facts.consortium.sector)
        if facts.consortium.sector in row.choice_list:
            return self.result(True, _("The consortium's sector, %(sector)s, is covered.") % {"sector": actual})
        return self.result(
            False,
            _("The consortium's sector is %(sector)s; this call covers %(sectors)s.")
            % {"sector": actual, "sectors": wanted},
        )


class ConsortiumStageRule(EligibilityRule):
    code = "consortium_stage"
    label = _("Consortium stage")
    required = ("choices",)
    allowed_choices = STAGES

    def describe(self, row):
        return _("The consortium is in the stage: %(stages)s.") % {
            "stages": ", ".join(str(STAGES[c]) for c in row.choice_list)
        }

    def check(self, row, facts: Facts):
        if facts.consortium is None:
            return self.result(False, _("Only a consortium can apply to this call."))
        stages = ", ".join(str(STAGES[c]) for c in row.choice_list)
        if facts.stage in row.choice_list:
            return self.result(True, _("The consortium is in the %(stage)s stage.") % {"stage": STAGES[facts.stage]})
        return self.result(
            False,
            _("The consortium is in the %(stage)s stage; this call is for: %(stages)s.")
            % {"stage": STAGES[facts.stage], "stages": stages},
        )


class OnePerCallRule(EligibilityRule):
    code = "one_per_call"
    label = _("One application per applicant")

    def describe(self, row):
        return _("One application per applicant in this call.")

    def check(self, row, facts: Facts):
        if facts.other_applications:
            return self.result(
                False,
                _("The applicant already has another application in this call (withdraw it to apply again)."),
            )
        return self.result(True, _("This is the applicant's only application in this call."))


class DeclarationsRule(EligibilityRule):
    code = "declarations"
    label = _("Declarations")
    part = DECLARED
    required = ("choices",)
    allowed_choices = DECLARATIONS

    def describe(self, row):
        return _("The applicant accepts: %(declarations)s") % {
            "declarations": " ".join(str(DECLARATIONS[c]) for c in row.choice_list)
        }

    def check(self, row, facts: Facts):
        missing = [c for c in row.choice_list if c not in facts.declarations]
        if missing:
            return self.result(
                False,
                _("Declaration not accepted: %(missing)s")
                % {"missing": " ".join(str(DECLARATIONS[c]) for c in missing)},
            )
        return self.result(True, _("All required declarations are accepted."))


class RequiredDocumentsRule(EligibilityRule):
    """The call's required documents are attached: read from the call's documents, not configured as a rule.

    A call's documents have one home, programmes.CallDocument (kind, name, formats, size, required);
    this rule is how the engine reads them, so it is not in the registry of configurable rules
    (the code "attachments" is the one the rule had when the documents were its parameters).
    """

    code = "attachments"
    label = _("Required documents")
    part = DOCUMENTS

    def describe_documents(self, documents) -> str:
        return _("Attach: %(documents)s.") % {"documents": ", ".join(d.title for d in documents if d.required)}

    def check_documents(self, facts: Facts):
        """The result for the call's required documents, or None when it requires none."""
        required = [document for document in facts.documents if document.required]
        if not required:
            return None
        missing = [document.title for document in required if document.pk not in facts.attached_documents]
        if missing:
            return self.result(False, _("Missing documents: %(documents)s.") % {"documents": ", ".join(missing)})
        return self.result(True, _("All required documents are attached."))


REQUIRED_DOCUMENTS = RequiredDocumentsRule()


class MinEligibleCostRule(EligibilityRule):
    code = "min_eligible_cost"
    label = _("Minimum eligible cost")
    group = HOW_MUCH
    part = BUDGET
    required = ("amount",)

    def describe(self, row):
        return _("Eligible costs of at least %(amount)s EUR.") % {"amount": money(row.amount)}

    def check(self, row, facts: Facts):
        costs = facts.eligible_costs
        if costs >= row.amount:
            return self.result(
                True,
                _("Eligible costs are %(costs)s, at least %(amount)s.")
                % {"costs": money(costs), "amount": money(row.amount)},
            )
        return self.result(
            False,
            _("Eligible costs are %(costs)s; at least %(amount)s are required.")
            % {"costs": money(costs), "amount": money(row.amount)},
        )


class DeMinimisRule(EligibilityRule):
    """Checked after the funding rules: each undertaking's share of the grant must fit."""

    code = "de_minimis"
    label = _("De minimis ceiling")
    group = HOW_MUCH

    def describe(self, row):
        return _(
            "The grant fits each company's de minimis headroom: at most 300,000 EUR of de minimis aid over any "
            "three years."
        )

    def check(self, row, facts: Facts):
        grant = facts.computed_grant
        if facts.programme.legal_basis != "de_minimis":
            return self.result(True, _("This programme's aid is not de minimis aid."))
        if not facts.members:
            return self.result(False, _("There is no active member to check."))
        try:
            # The same split the ledger records when the grant is decided.
            shares = de_minimis_share(application=facts.application, amount=grant, on=facts.on)
        except AidSplitRefused:
            return self.result(
                False,
                _("The members' shares of joint grants do not add up to 100%: correct them or leave them all empty."),
            )
        over = []
        for member in facts.members:
            share = shares[member.pk]
            headroom = facts.headroom[member.pk]
            if share > headroom:
                over.append(
                    _("%(name)s's share is %(share)s but only %(headroom)s of its de minimis ceiling is left")
                    % {"name": member.legal_name, "share": money(share), "headroom": money(headroom)}
                )
        if over:
            return self.result(False, "; ".join(str(x) for x in over) + ".")
        lowest = min(facts.headroom[m.pk] for m in facts.members)
        return self.result(
            True,
            _("Each share of the grant fits the de minimis headroom (the lowest headroom left is %(lowest)s).")
            % {"lowest": money(lowest)},
        )


ELIGIBILITY_RULES = [
    ApplicantTypeRule(),
    MinMembersRule(),
    MemberRegionsRule(),
    MemberActivityRule(),
    SmeOnlyRule(),
    ConsortiumSectorRule(),
    ConsortiumStageRule(),
    OnePerCallRule(),
    DeclarationsRule(),
    MinEligibleCostRule(),
    DeMinimisRule(),
]
