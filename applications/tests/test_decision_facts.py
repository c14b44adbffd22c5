"""A frozen decision: approval keeps the facts and rules it used; later changes leave them and the payment alone."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.decisions import application_approve
from applications.post_award import expense_verify, payable_amount
from applications.services import application_change_status
from applications.tests.factories import ApplicationFactory, BudgetLineFactory, reviews_complete
from applications.tests.test_post_award import approved, call_of, submitted_with
from consortia.services import consortium_joint_action_record
from consortia.tests.factories import MembershipFactory, OrganisationFactory
from programmes.models import CallRule
from programmes.rules import evaluate_application
from programmes.tests.factories import CallFactory, ProgrammeFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

D = Decimal


# --- one source: the call's rate is the rate that is paid ---------------------------------------


def test_a_grant_at_the_calls_rate_is_paid_in_full_on_the_accepted_costs(company, applicant, staff):
    # The programme used to say 40% while the call's rule said 50%: the engine granted 5,000 on
    # 10,000 of costs and the payment paid 4,000 on the same costs. Now both read the call's rule.
    call = call_of(rate=D("50.00"))
    application = approved(call, company, staff, lines=("6000.00", "4000.00"), granted="5000.00")
    assert application.max_grant == D("5000.00")
    for expense in submitted_with(application, applicant, "6000.00", "4000.00"):
        expense_verify(expense=expense, accepted=True, by=staff)

    assert payable_amount(application) == D("5000.00")


def test_changing_the_calls_rules_after_the_decision_changes_neither_the_payment_nor_the_facts(
    company, applicant, staff
):
    call = call_of(rate=D("50.00"))
    application = approved(call, company, staff, lines=("6000.00", "4000.00"), granted="5000.00")
    frozen = (application.decided_rate, application.decided_cap, dict(application.decision_rules))
    for expense in submitted_with(application, applicant, "6000.00", "4000.00"):
        expense_verify(expense=expense, accepted=True, by=staff)

    CallRule.objects.filter(call=call, code="funding_rate").update(rate=D("40.00"))
    CallRule.objects.create(call=call, position=2, code="grant_cap", amount=D("1000.00"))
    application.refresh_from_db()

    assert evaluate_application(application).max_grant == D("1000.00")  # today's rules would say otherwise
    assert payable_amount(application) == D("5000.00")
    assert (application.decided_rate, application.decided_cap, application.decision_rules) == frozen
    assert application.decided_rate == D("50.00")


def test_without_a_rate_rule_the_accepted_costs_count_in_full_up_to_the_grant(company, applicant, staff):
    application = approved(call_of(), company, staff, lines=("6000.00", "4000.00"), granted="7000.00")
    for expense in submitted_with(application, applicant, "6000.00", "3000.00"):
        expense_verify(expense=expense, accepted=True, by=staff)

    assert application.decided_rate is None
    assert payable_amount(application) == D("7000.00")


# --- the frozen facts ---------------------------------------------------------------------------


def export_call(programme):
    """Seed 000's caps by stage: 8,000 in initiation, 5,000 in development, 3,000 consolidated."""
    call = CallFactory(programme=programme)
    for position, (stage, amount) in enumerate(
        [("initiation", "8000.00"), ("development", "5000.00"), ("consolidated", "3000.00")], start=1
    ):
        CallRule.objects.create(call=call, position=position, code="stage_cap", choices=stage, amount=D(amount))
    return call


def approved_consortium(call, consortium, staff, *, costs="10000.00", granted="8000.00"):
    application = ApplicationFactory(call=call, consortium=consortium)
    BudgetLineFactory(application=application, amount=D(costs))
    application_change_status(application=application, to_status="submitted", at=call.opens_at + timedelta(days=1))
    application_change_status(application=application, to_status="under_review")
    reviews_complete(application)
    return application_approve(application=application, by=staff, amount=D(granted))


def test_approval_freezes_the_stage_the_cap_and_the_rules_the_engine_used(programme, consortium, member, staff):
    call = export_call(programme)
    application = approved_consortium(call, consortium, staff)
    application.refresh_from_db()

    # Established in March 2024, no joint action yet: initiation, capped at 8,000.
    assert application.decided_stage == "initiation"
    assert application.decided_cap == D("8000.00")
    assert application.decided_rate is None
    assert application.decided_size == ""  # a consortium: its members' sizes are not one figure
    rules = application.decision_rules
    assert len(rules["version"]) == 12
    assert [(r["code"], r["choices"], r["amount"]) for r in rules["rules"]] == [
        ("stage_cap", "initiation", "8000.00"),
        ("stage_cap", "development", "5000.00"),
        ("stage_cap", "consolidated", "3000.00"),
    ]
    assert rules["results"] == [
        {
            "code": "stage_cap",
            "passed": True,
            "message": "10,000.00 capped at 8,000.00 for a consortium in the initiation stage",
        }
    ]
    assert (rules["eligible_costs"], rules["max_grant"]) == ("10000.00", "8000.00")
    assert rules["evaluated_on"] == (call.opens_at + timedelta(days=1)).astimezone(call.tzinfo).date().isoformat()


def test_the_frozen_facts_read_back_after_the_consortium_changes(programme, consortium, member, staff):
    call = export_call(programme)
    application = approved_consortium(call, consortium, staff)

    # After the decision, a joint action dated before the application is recorded, and the founding date corrected.
    consortium_joint_action_record(
        by=staff, consortium=consortium, on=call.opens_at.date() - timedelta(days=30), description="Joint stand"
    )
    consortium.refresh_from_db()
    consortium.established_on = date(2019, 1, 15)
    consortium.save()
    for _new in range(3):
        MembershipFactory(consortium=consortium, joined_on=date(2026, 11, 1))
    application.refresh_from_db()

    now = evaluate_application(application)
    assert (now.stage, now.max_grant) == ("consolidated", D("3000.00"))  # today's facts tell another story
    assert application.decided_stage == "initiation"
    assert application.decided_cap == D("8000.00")
    assert application.granted_amount == D("8000.00")


def test_a_company_keeps_the_sme_size_it_had_at_the_decision(company, staff):
    application = approved(call_of(rate=D("50.00")), company, staff, granted="5000.00")
    assert application.decided_size == "small"  # 12 staff, 1.5M turnover

    company.employees = D("300.00")
    company.turnover = D("80000000.00")
    company.save()
    application.refresh_from_db()

    assert application.decided_size == "small"


def test_the_rules_version_changes_with_the_rules_only(company, staff):
    first = approved(call_of(rate=D("50.00")), company, staff, granted="5000.00")
    same = approved(call_of(rate=D("50.00")), OrganisationFactory(), staff, granted="5000.00")
    other = approved(call_of(rate=D("40.00")), OrganisationFactory(), staff, granted="4000.00")

    assert first.decision_rules["version"] == same.decision_rules["version"]
    assert first.decision_rules["version"] != other.decision_rules["version"]


# --- shown on the application -------------------------------------------------------------------


def test_staff_read_the_decision_block_on_the_admin_change_page(client, programme, consortium, member, staff):
    call = export_call(programme)
    application = approved_consortium(call, consortium, staff)
    consortium_joint_action_record(
        by=staff, consortium=consortium, on=timezone.localdate() - timedelta(days=10), description="Joint stand"
    )

    client.force_login(staff)
    html = client.get(reverse("admin:applications_application_change", args=[application.pk])).content.decode()

    assert "facts the decision rested on" in html.lower()
    block = html[html.index('<dl class="row decision-facts') :]
    assert "Initiation" in block
    assert "8,000.00\xa0€" in block
    assert application.decision_rules["version"] in block
    assert "No rate: up to 100% of the eligible costs" in block


def test_the_applicant_reads_what_the_decision_rested_on(client, company, applicant, staff):
    application = approved(call_of(rate=D("50.00")), company, staff, granted="5000.00")

    client.force_login(applicant)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()

    assert "What the decision rested on" in html
    assert "50% of the eligible costs" in html
    assert "Small" in html[html.index("decided-size") :]
    assert application.decision_rules["version"] in html


def test_a_draft_shows_no_decision(client, company, applicant):
    application = ApplicationFactory(
        call=CallFactory(programme=ProgrammeFactory()), consortium=None, organisation=company
    )

    client.force_login(applicant)
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()

    assert "What the decision rested on" not in html
