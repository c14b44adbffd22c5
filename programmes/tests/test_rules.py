"""The rules engine: each rule passing and failing with a message naming the facts,
the maximum grant and its explanation, boundaries, properties, and query counts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.models import Attachment
from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from consortia.models import Consortium
from consortia.tests.factories import ConsortiumFactory, MembershipFactory, OrganisationFactory
from portal.money import to_cents
from programmes.models import AidAward, CallDocument, CallRule
from programmes.rules import evaluate_application, validate_rule_parameters
from programmes.tests.factories import CallFactory, CostCategoryFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = date.today()


# --- builders ---------------------------------------------------------------------------


def call_with(*rules, **call_fields):
    """A call with the given rules: (code, {params}) pairs, in order."""
    call = CallFactory(**call_fields)
    for position, (code, params) in enumerate(rules, start=1):
        CallRule.objects.create(call=call, position=position, code=code, **params)
    return call


def consortium_of(count, *, region="ES43", established_on=None, has_joint_actions=False, **org_fields):
    consortium = ConsortiumFactory(
        established_on=established_on or TODAY - timedelta(days=100), has_joint_actions=has_joint_actions
    )
    for _ in range(count):
        MembershipFactory(
            consortium=consortium,
            organisation=OrganisationFactory(region=region, **org_fields),
            joined_on=consortium.established_on,
        )
    return consortium


def consortium_application(call, consortium=None, costs=(), **fields):
    application = ApplicationFactory(call=call, consortium=consortium or consortium_of(3), **fields)
    category = CostCategoryFactory(programme=call.programme)
    for amount in costs:
        BudgetLineFactory(application=application, category=category, amount=D(amount))
    return application


def company_application(call, costs=(), **org_fields):
    application = ApplicationFactory(call=call, consortium=None, organisation=OrganisationFactory(**org_fields))
    category = CostCategoryFactory(programme=call.programme)
    for amount in costs:
        BudgetLineFactory(application=application, category=category, amount=D(amount))
    return application


def result(evaluation, code):
    matches = [r for r in evaluation.results if r.code == code]
    assert matches, f"no result for {code}: {evaluation.results}"
    return matches[0]


# --- eligibility rules ------------------------------------------------------------------


def test_applicant_type_passes_for_a_consortium_and_fails_for_a_company():
    call = call_with(("applicant_type", {"choices": "consortium"}))

    ok = evaluate_application(consortium_application(call))
    wrong = evaluate_application(company_application(call))

    assert result(ok, "applicant_type").passed
    assert not result(wrong, "applicant_type").passed
    assert result(wrong, "applicant_type").message == "The applicant is a company; this call is for a consortium."
    assert not wrong.eligible and wrong.max_grant == 0


def test_min_members_counts_active_members_in_the_region_and_names_the_facts():
    call = call_with(("min_members", {"number": 3, "choices": "ES43"}))
    consortium = consortium_of(2)
    MembershipFactory(consortium=consortium, organisation=OrganisationFactory(region="ES13"))

    evaluation = evaluate_application(consortium_application(call, consortium))

    outcome = result(evaluation, "min_members")
    assert not outcome.passed
    assert outcome.message == (
        "2 active members have their registered office in Extremadura (ES43); at least 3 are required."
    )


def test_min_members_passes_with_three_and_ignores_invited_and_departed_members():
    call = call_with(("min_members", {"number": 3}))
    consortium = consortium_of(3)
    MembershipFactory(consortium=consortium, status="invited", joined_on=None)
    MembershipFactory(consortium=consortium, status="left", left_on=TODAY - timedelta(days=1))

    outcome = result(evaluate_application(consortium_application(call, consortium)), "min_members")

    assert outcome.passed
    assert "3 active members" in outcome.message


def test_min_members_counts_on_the_submission_date():
    call = call_with(("min_members", {"number": 3}))
    consortium = consortium_of(3)
    latecomer = consortium.memberships.first()
    latecomer.joined_on = TODAY + timedelta(days=5)
    latecomer.save()

    outcome = result(evaluate_application(consortium_application(call, consortium)), "min_members")

    assert not outcome.passed


def test_member_regions_names_the_member_outside_the_region():
    call = call_with(("member_regions", {"choices": "ES43"}))
    consortium = consortium_of(2)
    MembershipFactory(
        consortium=consortium, organisation=OrganisationFactory(region="ES13", legal_name="Anchoas de Santoña S.L.")
    )

    outcome = result(evaluate_application(consortium_application(call, consortium)), "member_regions")

    assert not outcome.passed
    assert outcome.message == "Registered office outside Extremadura (ES43): Anchoas de Santoña S.L. (Cantabria, ES13)."
    assert result(evaluate_application(consortium_application(call)), "member_regions").passed


def test_member_activity_refuses_a_trading_company():
    call = call_with(("member_activity", {"choices": "A,C,J,M"}))
    consortium = consortium_of(2, nace_code="10.51")
    MembershipFactory(
        consortium=consortium, organisation=OrganisationFactory(nace_code="46.33", legal_name="Distribuciones S.L.")
    )

    outcome = result(evaluate_application(consortium_application(call, consortium)), "member_activity")

    assert not outcome.passed
    assert "Distribuciones S.L. (46.33, wholesale and retail trade)" in outcome.message
    services = consortium_of(3, nace_code="71.12")
    assert result(evaluate_application(consortium_application(call, services)), "member_activity").passed


def test_sme_only_names_the_large_company_with_its_figures():
    call = call_with(("sme_only", {}))
    consortium = consortium_of(2)
    MembershipFactory(
        consortium=consortium,
        organisation=OrganisationFactory(
            legal_name="Gran Empresa S.A.", employees=D("250"), turnover=D("60000000"), balance_sheet=D("50000000")
        ),
    )

    outcome = result(evaluate_application(consortium_application(call, consortium)), "sme_only")

    assert not outcome.passed
    assert "Gran Empresa S.A. (250 staff, turnover 60,000,000.00, balance sheet 50,000,000.00)" in outcome.message
    assert result(evaluate_application(consortium_application(call)), "sme_only").passed


def test_sme_only_fails_when_figures_are_missing():
    call = call_with(("sme_only", {}))

    outcome = result(evaluate_application(company_application(call, employees=None)), "sme_only")

    assert not outcome.passed
    assert "figures are missing" in outcome.message


def test_consortium_sector_in_the_list():
    call = call_with(("consortium_sector", {"choices": "metal,agri_food,marine_renewable_energy"}))
    metal = consortium_of(3)
    metal.sector = Consortium.Sector.METAL
    metal.save()
    textile = consortium_of(3)
    textile.sector = Consortium.Sector.FASHION_TEXTILE
    textile.save()

    assert result(evaluate_application(consortium_application(call, metal)), "consortium_sector").passed
    outcome = result(evaluate_application(consortium_application(call, textile)), "consortium_sector")
    assert not outcome.passed
    assert outcome.message == (
        "The consortium's sector is Fashion and textile; this call covers Metal, Agri-food, Marine renewable energy."
    )


def test_consortium_stage_in_the_list():
    call = call_with(("consortium_stage", {"choices": "initiation,development"}))
    young = consortium_of(3)
    old = consortium_of(3, established_on=TODAY - timedelta(days=5 * 366), has_joint_actions=True)

    assert result(evaluate_application(consortium_application(call, young)), "consortium_stage").passed
    outcome = result(evaluate_application(consortium_application(call, old)), "consortium_stage")
    assert not outcome.passed
    assert "consolidated" in outcome.message


def test_one_per_call_counts_the_applicants_other_open_applications_in_the_call():
    call = call_with(("one_per_call", {}))
    consortium = consortium_of(3)
    first = consortium_application(call, consortium)
    consortium_application(call_with(("one_per_call", {})), consortium)  # another call does not count

    assert result(evaluate_application(first), "one_per_call").passed

    first.status = "withdrawn"
    first.save()
    second = consortium_application(call, consortium)

    assert result(evaluate_application(second), "one_per_call").passed
    # Seen from the withdrawn one, the applicant has another open application.
    outcome = result(evaluate_application(first), "one_per_call")
    assert not outcome.passed
    assert "already has another application in this call" in outcome.message


def test_declarations_must_be_accepted():
    call = call_with(("declarations", {"choices": "truthful,pimex_commitment"}))
    application = company_application(call)
    application.declarations = ["truthful"]
    application.save()

    outcome = result(evaluate_application(application), "declarations")

    assert not outcome.passed
    assert "three group training sessions and three individual tutorials" in outcome.message
    application.declarations = ["truthful", "pimex_commitment"]
    application.save()
    assert result(evaluate_application(application), "declarations").passed


def attached(application, document=None, kind="statutes"):
    return Attachment.objects.create(
        application=application,
        document=document,
        kind=document.kind if document else kind,
        file="x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )


def test_the_call_s_required_documents_must_be_attached_and_are_named_when_missing():
    call = call_with()
    statutes = CallDocument.objects.create(call=call, position=1, kind="statutes", name="Signed statutes")
    CallDocument.objects.create(call=call, position=2, kind="quote", required=False)
    application = consortium_application(call)

    outcome = result(evaluate_application(application), "attachments")
    assert not outcome.passed
    assert outcome.message == "Missing documents: Signed statutes."

    attached(application, kind="statutes")  # a file of that kind, not given for the document
    assert not result(evaluate_application(application), "attachments").passed

    attached(application, statutes)
    assert result(evaluate_application(application), "attachments").passed


def test_a_call_without_required_documents_has_no_documents_result():
    call = call_with(("sme_only", {}))
    CallDocument.objects.create(call=call, kind="quote", required=False)

    assert "attachments" not in [r.code for r in evaluate_application(consortium_application(call)).results]


def test_a_missing_document_without_a_name_is_named_by_its_kind():
    call = call_with()
    CallDocument.objects.create(call=call, kind="financial")

    outcome = result(evaluate_application(consortium_application(call)), "attachments")
    assert outcome.message == "Missing documents: Financial statements."


def test_attachments_is_no_longer_a_rule_to_configure():
    row = CallRule(call=CallFactory(), code="attachments", choices="statutes")

    with pytest.raises(ValidationError) as error:
        validate_rule_parameters(row)
    assert "code" in error.value.message_dict


def test_min_eligible_cost_at_the_boundary():
    call = call_with(("min_eligible_cost", {"amount": D("10000.00")}))

    assert result(evaluate_application(consortium_application(call, costs=["10000.00"])), "min_eligible_cost").passed
    outcome = result(evaluate_application(consortium_application(call, costs=["9999.99"])), "min_eligible_cost")
    assert not outcome.passed
    assert outcome.message == "Eligible costs are 9,999.99; at least 10,000.00 are required."


# --- de minimis -------------------------------------------------------------------------


def award(organisation, amount, on=TODAY - timedelta(days=30), basis="de_minimis"):
    return AidAward.objects.create(organisation=organisation, amount=D(amount), awarded_on=on, legal_basis=basis)


def test_de_minimis_passes_when_the_grant_uses_the_headroom_exactly():
    call = call_with(("de_minimis", {}))
    application = company_application(call, costs=["2500.00"])
    award(application.organisation, "297500.00")

    evaluation = evaluate_application(application)

    assert result(evaluation, "de_minimis").passed
    assert evaluation.max_grant == D("2500.00")


def test_de_minimis_fails_one_cent_past_the_headroom():
    call = call_with(("de_minimis", {}))
    application = company_application(call, costs=["2500.00"], legal_name="Cerezas del Jerte S.L.")
    award(application.organisation, "297500.01")

    outcome = result(evaluate_application(application), "de_minimis")

    assert not outcome.passed
    assert outcome.message == (
        "Cerezas del Jerte S.L.'s share is 2,500.00 but only 2,499.99 of its de minimis ceiling is left."
    )


def test_de_minimis_splits_a_consortium_grant_over_the_members():
    call = call_with(("de_minimis", {}))
    consortium = consortium_of(3)
    application = consortium_application(call, consortium, costs=["9000.00"])
    first = consortium.memberships.first().organisation
    award(first, "297000.00")  # 3,000.00 left: exactly its third of 9,000.00

    assert result(evaluate_application(application), "de_minimis").passed
    award(first, "0.01")
    assert not result(evaluate_application(application), "de_minimis").passed


def test_de_minimis_does_not_apply_to_a_block_exempted_programme():
    call = call_with(("de_minimis", {}), programme=ProgrammeFactory(legal_basis="gber"))
    application = company_application(call, costs=["2500.00"])
    award(application.organisation, "300000.00")

    assert result(evaluate_application(application), "de_minimis").passed


# --- funding rules ----------------------------------------------------------------------


def cofinancing_call():
    return call_with(
        ("funding_rate", {"rate": D("40")}),
        ("grant_range", {"amount": D("30000.00"), "limit": D("150000.00")}),
    )


def test_the_cofinancing_grant_is_explained_step_by_step():
    evaluation = evaluate_application(consortium_application(cofinancing_call(), costs=["200000.00", "50000.00"]))

    assert evaluation.eligible
    assert evaluation.max_grant == D("100000.00")
    assert evaluation.eligible_costs == D("250000.00")
    assert "40% of 250,000.00 = 100,000.00; within 30,000.00–150,000.00" in evaluation.explanation_text


def test_exactly_the_minimum_grant_is_eligible_and_a_cent_less_is_not():
    exact = evaluate_application(consortium_application(cofinancing_call(), costs=["75000.00"]))
    below = evaluate_application(consortium_application(cofinancing_call(), costs=["74999.98"]))

    assert exact.eligible and exact.max_grant == D("30000.00")
    assert not below.eligible and below.max_grant == 0
    assert below.computed_grant == D("29999.99")
    assert result(below, "grant_range").message == (
        "The grant would be 29,999.99, below the minimum of 30,000.00: the project is too small for this call"
    )


def test_above_the_maximum_the_grant_is_capped_not_refused():
    exact = evaluate_application(consortium_application(cofinancing_call(), costs=["375000.00"]))
    above = evaluate_application(consortium_application(cofinancing_call(), costs=["500000.00"]))

    assert exact.max_grant == D("150000.00")
    assert above.eligible and above.max_grant == D("150000.00")
    assert "200,000.00 capped at the maximum of 150,000.00" in above.explanation_text


def stage_call():
    return call_with(
        ("stage_cap", {"choices": "initiation", "amount": D("8000.00")}),
        ("stage_cap", {"choices": "development", "amount": D("5000.00")}),
        ("stage_cap", {"choices": "consolidated", "amount": D("3000.00")}),
    )


@pytest.mark.parametrize(
    ("age_days", "joint_actions", "expected"),
    [
        (100, False, "8000.00"),
        (400, True, "5000.00"),
        (5 * 366, True, "3000.00"),
        (5 * 366, False, "8000.00"),
    ],
)
def test_the_cap_follows_the_consortium_stage(age_days, joint_actions, expected):
    consortium = consortium_of(3, established_on=TODAY - timedelta(days=age_days), has_joint_actions=joint_actions)

    evaluation = evaluate_application(consortium_application(stage_call(), consortium, costs=["9000.00"]))

    assert evaluation.max_grant == D(expected)
    assert len(evaluation.results) == 1  # only the cap of the consortium's own stage applies


def test_the_stage_cap_at_exactly_one_year_is_the_development_cap():
    one_year_ago = (
        TODAY.replace(year=TODAY.year - 1)
        if not (TODAY.month == 2 and TODAY.day == 29)
        else date(TODAY.year - 1, 2, 28)
    )
    consortium = consortium_of(3, established_on=one_year_ago, has_joint_actions=True)

    evaluation = evaluate_application(consortium_application(stage_call(), consortium, costs=["9000.00"]))

    assert evaluation.max_grant == D("5000.00")
    assert "capped at 5,000.00 for a consortium in the development stage" in evaluation.explanation_text


def test_per_company_cap_is_2500_for_pimex():
    call = call_with(("per_company_cap", {"amount": D("2500.00")}))

    exact = evaluate_application(company_application(call, costs=["2500.00"]))
    above = evaluate_application(company_application(call, costs=["2500.01"]))

    assert exact.max_grant == D("2500.00")
    assert above.max_grant == D("2500.00")
    assert "2,500.01 capped at 2,500.00 per company" in above.explanation_text


def test_per_company_cap_multiplies_by_the_active_members():
    call = call_with(("per_company_cap", {"amount": D("2500.00")}))

    evaluation = evaluate_application(consortium_application(call, consortium_of(3), costs=["10000.00"]))

    assert evaluation.max_grant == D("7500.00")
    assert "(2,500.00 for each of 3 companies)" in evaluation.explanation_text


def test_grant_cap():
    call = call_with(("grant_cap", {"amount": D("700000.00")}))

    assert evaluate_application(consortium_application(call, costs=["800000.00"])).max_grant == D("700000.00")
    assert evaluate_application(consortium_application(call, costs=["295000.00"])).max_grant == D("295000.00")


def test_category_caps_limit_the_eligible_costs_by_amount_and_by_share():
    call = call_with(("funding_rate", {"rate": D("40")}))
    staff = CostCategoryFactory(programme=call.programme, name="Export staff")
    trips = CostCategoryFactory(programme=call.programme, name="Trips")
    CallRule.objects.create(call=call, position=0, code="category_cap", category=staff, rate=D("30"))
    CallRule.objects.create(call=call, position=0, code="category_cap", category=trips, amount=D("10000.00"))
    application = ApplicationFactory(call=call)
    BudgetLineFactory(application=application, category=staff, amount=D("100000.00"))
    BudgetLineFactory(application=application, category=trips, amount=D("100000.00"))

    evaluation = evaluate_application(application)

    # Staff: at most 30% of 200,000 = 60,000; trips at most 10,000.
    assert evaluation.eligible_costs == D("70000.00")
    assert evaluation.max_grant == D("28000.00")
    assert "Export staff: 100,000.00 requested, capped at 60,000.00" in evaluation.explanation_text
    assert "Trips: 100,000.00 requested, capped at 10,000.00" in evaluation.explanation_text


def test_rounding_is_half_up_to_cents_once():
    call = call_with(("funding_rate", {"rate": D("40")}))

    assert evaluate_application(consortium_application(call, costs=["0.05"])).max_grant == D("0.02")
    assert evaluate_application(consortium_application(call, costs=["1000.01"])).max_grant == D("400.00")
    assert evaluate_application(consortium_application(call, costs=["1000.04"])).max_grant == D("400.02")


def test_the_evaluation_names_the_rate_and_the_cap_that_applied():
    call = call_with(
        ("funding_rate", {"rate": D("50")}),
        ("per_company_cap", {"amount": D("2000.00")}),
        ("grant_cap", {"amount": D("9000.00")}),
    )

    capped = evaluate_application(consortium_application(call, consortium_of(3), costs=["20000.00"]))
    within = evaluate_application(consortium_application(call, consortium_of(3), costs=["8000.00"]))

    # 50% of 20,000 = 10,000, lowered to 6,000 by 2,000 for each of 3 companies; the 9,000 cap does not bite.
    assert (capped.applied_rate, capped.applied_cap, capped.max_grant) == (D("50"), D("6000.00"), D("6000.00"))
    assert (within.applied_rate, within.applied_cap, within.max_grant) == (D("50"), None, D("4000.00"))


def test_the_evaluation_records_the_rules_and_their_version():
    first = call_with(
        ("funding_rate", {"rate": D("40")}), ("grant_range", {"amount": D("30000"), "limit": D("150000")})
    )
    same = call_with(("funding_rate", {"rate": D("40")}), ("grant_range", {"amount": D("30000"), "limit": D("150000")}))
    other = call_with(
        ("funding_rate", {"rate": D("40")}), ("grant_range", {"amount": D("30000"), "limit": D("140000")})
    )

    evaluations = [evaluate_application(consortium_application(c, costs=["100000.00"])) for c in (first, same, other)]

    assert evaluations[0].rules == [
        {
            "code": "funding_rate",
            "number": None,
            "amount": None,
            "limit": None,
            "rate": "40.00",
            "choices": None,
            "category": None,
        },
        {
            "code": "grant_range",
            "number": None,
            "amount": "30000.00",
            "limit": "150000.00",
            "rate": None,
            "choices": None,
            "category": None,
        },
    ]
    assert evaluations[0].rules_version == evaluations[1].rules_version != evaluations[2].rules_version
    # The agency's day, not the server's.
    assert evaluations[0].evaluated_on == first.programme.agency.today() and evaluations[0].stage == "initiation"


def test_a_call_without_rules_funds_the_costs_and_says_so():
    evaluation = evaluate_application(consortium_application(CallFactory(), costs=["1200.00"]))

    assert evaluation.eligible
    assert evaluation.max_grant == D("1200.00")
    assert evaluation.results == []


# --- properties -------------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    costs=st.lists(st.decimals(min_value=0, max_value=400000, places=2), min_size=0, max_size=4),
    rate=st.decimals(min_value=0, max_value=100, places=2),
    cap=st.decimals(min_value=0, max_value=200000, places=2),
    low=st.decimals(min_value=0, max_value=50000, places=2),
    per_company=st.decimals(min_value=0, max_value=5000, places=2),
)
def test_the_maximum_grant_never_breaks_a_rule(costs, rate, cap, low, per_company):
    call = call_with(
        ("funding_rate", {"rate": rate}),
        ("grant_cap", {"amount": cap}),
        ("per_company_cap", {"amount": per_company}),
        ("grant_range", {"amount": low, "limit": max(low, cap)}),
    )
    application = consortium_application(call, consortium_of(2), costs=[str(c) for c in costs])

    evaluation = evaluate_application(application)

    total = sum(costs, D("0"))
    exact = total * rate / 100
    grant = evaluation.max_grant
    assert grant >= 0
    assert grant == grant.quantize(D("0.01"))
    assert grant <= cap
    assert grant <= per_company * 2
    assert grant <= to_cents(exact)
    assert grant - exact < D("0.01")  # rounding never creates a cent
    if evaluation.eligible:
        assert grant >= low
    else:
        assert grant == 0


# --- configuration ----------------------------------------------------------------------


def rule(call, code, **params):
    return CallRule(call=call, code=code, **params)


def test_parameters_are_checked_with_a_message_next_to_the_field():
    call = CallFactory()

    with pytest.raises(ValidationError) as missing:
        validate_rule_parameters(rule(call, "funding_rate"))
    with pytest.raises(ValidationError) as unused:
        validate_rule_parameters(rule(call, "sme_only", amount=D("5")))
    with pytest.raises(ValidationError) as unknown_region:
        validate_rule_parameters(rule(call, "member_regions", choices="ES43,XX99"))
    with pytest.raises(ValidationError) as unknown_rule:
        validate_rule_parameters(rule(call, "free_money"))

    assert missing.value.message_dict == {"rate": ["The rule “Co-financing rate” needs this value."]}
    assert unused.value.message_dict == {"amount": ["The rule “SMEs only” does not use this value: leave it empty."]}
    assert "Unknown values: XX99" in unknown_region.value.message_dict["choices"][0]
    assert "code" in unknown_rule.value.message_dict
    validate_rule_parameters(rule(call, "member_regions", choices="ES43, ES13"))


def test_a_cost_category_of_another_programme_is_refused():
    call = CallFactory()

    with pytest.raises(ValidationError) as error:
        validate_rule_parameters(rule(call, "category_cap", category=CostCategoryFactory(), amount=D("100")))

    assert "another programme" in error.value.message_dict["category"][0]


def test_the_database_refuses_a_negative_amount_or_a_rate_above_100():
    from django.db import IntegrityError, transaction

    call = CallFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CallRule.objects.create(call=call, code="grant_cap", amount=D("-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        CallRule.objects.create(call=call, code="funding_rate", rate=D("100.01"))


# --- queries ----------------------------------------------------------------------------


def full_call():
    call = call_with(
        ("applicant_type", {"choices": "consortium"}),
        ("min_members", {"number": 3, "choices": "ES43"}),
        ("member_regions", {"choices": "ES43"}),
        ("member_activity", {"choices": "C"}),
        ("sme_only", {}),
        ("one_per_call", {}),
        ("declarations", {"choices": "truthful"}),
        ("stage_cap", {"choices": "initiation", "amount": D("8000.00")}),
        ("de_minimis", {}),
    )
    CallDocument.objects.create(call=call, kind="statutes")
    return call


def evaluation_queries(members):
    consortium = consortium_of(members)
    for membership in consortium.memberships.all():
        award(membership.organisation, "1000.00")
        OrganisationFactory()  # unrelated rows must not matter
    application = consortium_application(full_call(), consortium, costs=["1000.00", "2000.00"])
    with CaptureQueriesContext(connection) as queries:
        evaluate_application(application)
    return len(queries)


def test_evaluating_takes_the_same_queries_whatever_the_number_of_members():
    assert evaluation_queries(3) == evaluation_queries(12)
