"""What the rules engine tells an applicant filling in the form: the part of the application that
meets each rule, the money above a cap that will not be funded, the potential grant, and budget
lines left out. None of it changes the verdict."""

from decimal import Decimal

import pytest

from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from programmes.models import CallRule
from programmes.rules import evaluate_application
from programmes.rules.base import APPLICANT, BUDGET, DECLARED
from programmes.tests.factories import CostCategoryFactory
from programmes.tests.test_rules import (
    call_with,
    cofinancing_call,
    company_application,
    consortium_application,
    consortium_of,
    result,
    stage_call,
)

pytestmark = pytest.mark.django_db

D = Decimal


def test_a_cost_above_its_category_cap_says_what_will_not_be_funded():
    call = call_with(("funding_rate", {"rate": D("100")}))
    fairs = CostCategoryFactory(programme=call.programme, name="Trade fairs")
    CallRule.objects.create(call=call, position=0, code="category_cap", category=fairs, amount=D("8000.00"))
    application = ApplicationFactory(call=call)
    BudgetLineFactory(application=application, category=fairs, amount=D("10000.00"))

    evaluation = evaluate_application(application)

    cap = result(evaluation, "category_cap")
    assert cap.passed and evaluation.eligible  # a warning, not a failure
    assert cap.unfunded == D("2000.00")
    assert cap.warning == (
        "Trade fairs: 10,000.00\xa0€ asked, the cap is 8,000.00\xa0€: 2,000.00\xa0€ will not be funded."
    )
    assert evaluation.warnings == [cap]
    assert evaluation.max_grant == D("8000.00")


def test_a_cost_within_its_cap_gives_no_warning():
    call = call_with(("funding_rate", {"rate": D("100")}))
    fairs = CostCategoryFactory(programme=call.programme, name="Trade fairs")
    CallRule.objects.create(call=call, position=0, code="category_cap", category=fairs, amount=D("8000.00"))
    application = ApplicationFactory(call=call)
    BudgetLineFactory(application=application, category=fairs, amount=D("8000.00"))

    evaluation = evaluate_application(application)

    assert evaluation.warnings == []
    assert result(evaluation, "category_cap").unfunded == 0


def test_a_grant_above_the_stage_cap_says_what_will_not_be_funded_and_why():
    evaluation = evaluate_application(consortium_application(stage_call(), costs=["9700.00"]))

    assert evaluation.eligible and evaluation.max_grant == D("8000.00")
    [warning] = evaluation.warnings
    assert warning.unfunded == D("1700.00")
    assert warning.warning == (
        "Grant: 9,700.00\xa0€ worked out, the maximum for a consortium in the initiation stage is 8,000.00\xa0€: "
        "1,700.00\xa0€ will not be funded."
    )


def test_the_grant_range_maximum_and_the_cap_per_company_warn_too():
    above = evaluate_application(consortium_application(cofinancing_call(), costs=["500000.00"]))
    pimex = evaluate_application(
        company_application(call_with(("per_company_cap", {"amount": D("2500.00")})), costs=["3100.00"])
    )

    assert [w.warning for w in above.warnings] == [
        "Grant: 200,000.00\xa0€ worked out, the call's maximum grant is 150,000.00\xa0€: "
        "50,000.00\xa0€ will not be funded."
    ]
    assert [w.warning for w in pimex.warnings] == [
        "Grant: 3,100.00\xa0€ worked out, the maximum per company is 2,500.00\xa0€: 600.00\xa0€ will not be funded."
    ]


def test_the_potential_grant_is_the_budgets_grant_while_a_requirement_is_missing():
    call = call_with(
        ("declarations", {"choices": "truthful"}),
        ("per_company_cap", {"amount": D("2500.00")}),
    )
    application = company_application(call, costs=["2000.00"])

    missing = evaluate_application(application)
    application.declarations = ["truthful"]
    application.save()
    accepted = evaluate_application(application)

    # The verdict is unchanged: not eligible, no maximum grant; the potential grant is what it would be.
    assert not missing.eligible and missing.max_grant == 0
    assert missing.potential_grant == D("2000.00")
    assert accepted.eligible and accepted.max_grant == accepted.potential_grant == D("2000.00")


def test_each_result_names_the_part_of_the_application_that_meets_it():
    call = call_with(
        ("applicant_type", {"choices": "company"}),
        ("declarations", {"choices": "truthful"}),
        ("min_eligible_cost", {"amount": D("5000.00")}),
        ("funding_rate", {"rate": D("50")}),
    )

    evaluation = evaluate_application(company_application(call, costs=["1000.00"]))

    assert [(r.code, r.part) for r in evaluation.results] == [
        ("applicant_type", APPLICANT),
        ("declarations", DECLARED),
        ("min_eligible_cost", BUDGET),
        ("funding_rate", BUDGET),
    ]


def test_lines_left_out_are_not_counted_and_the_verdict_without_them_is_unchanged():
    call = call_with(("funding_rate", {"rate": D("50")}))
    application = consortium_application(call, consortium_of(3), costs=["1000.00", "3000.00"])
    stale = application.budget_lines.get(amount=D("3000.00"))

    everything = evaluate_application(application)
    without = evaluate_application(application, leave_out={stale.pk})

    assert everything.eligible_costs == D("4000.00") and everything.counted_lines == 2
    assert without.eligible_costs == D("1000.00") and without.max_grant == D("500.00")
    assert (without.counted_lines, without.left_out_lines) == (1, 1)
    assert [r.passed for r in without.results] == [r.passed for r in everything.results]
