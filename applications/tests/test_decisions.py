"""Staff decisions: moves along the workflow, money never over-committed, ledger and notifications."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone

from applications.decisions import (
    DecisionRefused,
    application_approve,
    application_reject,
    application_reserve,
    call_committed,
    call_remaining,
    clarification_request,
    next_reserve,
    review_start,
)
from applications.models import Application, StatusChange
from applications.services import application_change_status
from applications.tests.factories import ApplicationFactory, BudgetLineFactory, reviews_complete
from applications.workflow import IllegalTransition
from consortia.models import Representation
from consortia.tests.factories import OrganisationFactory
from portal.models import User
from programmes.models import AidAward, CallRule
from programmes.tests.factories import CallFactory

pytestmark = pytest.mark.django_db

D = Decimal


def under_review(call, costs="5000.00", reviewed=True, **fields):
    """An application under review; `reviewed`: with the reviews its call requires, completed."""
    application = ApplicationFactory(call=call, consortium=None, organisation=OrganisationFactory(), **fields)
    BudgetLineFactory(application=application, amount=D(costs))
    application_change_status(application=application, to_status="submitted")
    application_change_status(application=application, to_status="under_review")
    if reviewed:
        reviews_complete(application)
    return application


def test_approving_commits_the_money_and_records_the_aid(staff):
    call = CallFactory(budget=D("10000.00"))
    application = under_review(call)

    application_approve(application=application, by=staff, amount=D("4000.00"), note="Good project")

    application.refresh_from_db()
    assert application.status == "approved" and application.granted_amount == D("4000.00")
    assert call_committed(call.pk) == D("4000.00")
    assert call_remaining(call) == D("6000.00")
    assert AidAward.objects.get(application=application).amount == D("4000.00")
    change = StatusChange.objects.filter(application=application).last()
    assert (change.to_status, change.changed_by, change.note) == ("approved", staff, "Good project")


def test_an_amount_above_the_maximum_grant_is_refused(staff):
    call = CallFactory(budget=D("100000.00"))
    CallRule.objects.create(call=call, code="grant_cap", amount=D("3000.00"))
    application = under_review(call)

    with pytest.raises(DecisionRefused, match=r"above the maximum grant of 3000\.00"):
        application_approve(application=application, by=staff, amount=D("3000.01"))

    application.refresh_from_db()
    assert application.status == "under_review"
    assert not AidAward.objects.exists()


def test_an_amount_above_the_remaining_budget_is_refused(staff):
    call = CallFactory(budget=D("6000.00"))
    application_approve(application=under_review(call), by=staff, amount=D("5000.00"))

    with pytest.raises(DecisionRefused, match=r"left of the call's budget \(1000.00\)"):
        application_approve(application=under_review(call), by=staff, amount=D("1000.01"))


@pytest.mark.parametrize("amount", [D("0"), D("-5")])
def test_a_zero_or_negative_amount_is_refused(staff, amount):
    with pytest.raises(DecisionRefused, match="above zero"):
        application_approve(application=under_review(CallFactory()), by=staff, amount=amount)


def test_an_ineligible_application_cannot_be_approved(staff):
    call = CallFactory()
    CallRule.objects.create(call=call, code="min_eligible_cost", amount=D("10000.00"))
    application = under_review(call, costs="5000.00")

    with pytest.raises(DecisionRefused, match="does not meet the call's rules"):
        application_approve(application=application, by=staff, amount=D("100.00"))


def test_illegal_transitions_are_refused(staff):
    call = CallFactory()
    draft = ApplicationFactory(call=call)
    rejected = under_review(call)
    application_reject(application=rejected, by=staff, reason="Out of scope")

    with pytest.raises(DecisionRefused):
        application_approve(application=draft, by=staff, amount=D("10"))
    with pytest.raises(IllegalTransition):
        review_start(application=rejected, by=staff)
    with pytest.raises(IllegalTransition):
        application_reserve(application=draft, by=staff)


def test_a_rejection_needs_a_reason_and_tells_the_applicant(
    staff, applicant, company, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(call=CallFactory(), consortium=None, organisation=company)
    application_change_status(application=application, to_status="submitted")
    application_change_status(application=application, to_status="under_review")

    with pytest.raises(DecisionRefused):
        application_reject(application=application, by=staff, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        application_reject(application=application, by=staff, reason="The market is not new for the company.")

    assert mail.outbox[-1].to == ["lucia@example.org"]
    assert "not approved" in mail.outbox[-1].subject
    assert "The market is not new for the company." in mail.outbox[-1].body


def test_a_deactivated_representative_is_not_told_of_the_decision(
    staff, applicant, company, django_capture_on_commit_callbacks
):
    gone = User.objects.create_user("gone@example.org", is_active=False)
    Representation.objects.create(user=gone, organisation=company, status=Representation.Status.ACTIVE)
    application = ApplicationFactory(call=CallFactory(), consortium=None, organisation=company)
    application_change_status(application=application, to_status="submitted")
    application_change_status(application=application, to_status="under_review")

    with django_capture_on_commit_callbacks(execute=True):
        application_reject(application=application, by=staff, reason="The market is not new for the company.")

    assert [message.to for message in mail.outbox] == [[applicant.email]]


def test_a_clarification_request_has_a_message_and_a_due_date(
    staff, applicant, company, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(call=CallFactory(), consortium=None, organisation=company)
    application_change_status(application=application, to_status="submitted")
    application_change_status(application=application, to_status="under_review")
    due = timezone.localdate() + timedelta(days=10)

    with pytest.raises(DecisionRefused):
        clarification_request(application=application, by=staff, message="Send the quote", due_on=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        clarification_request(application=application, by=staff, message="Send the quote", due_on=due)

    application.refresh_from_db()
    assert application.status == "clarification_requested" and application.clarification_due_on == due
    assert "Send the quote" in mail.outbox[-1].body


def test_when_money_is_freed_the_next_reserve_application_is_proposed(staff):
    call = CallFactory(budget=D("8000.00"))
    approved = under_review(call)
    application_approve(application=approved, by=staff, amount=D("5000.00"))
    first, second = under_review(call, costs="4000.00"), under_review(call, costs="2000.00")
    for application in (first, second):
        application.max_grant = application.budget_lines.first().amount
        application.save()
        application_reserve(application=application, by=staff)

    # 3,000 left: the first reserve (4,000) does not fit, the second (2,000) does.
    assert next_reserve(call) == second
    application_change_status(application=Application.objects.get(pk=approved.pk), to_status="withdrawn")
    assert next_reserve(call) == first


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_staff_approving_at_once_never_over_commit_the_call(staff):
    call = CallFactory(budget=D("50000.00"))
    applications = [under_review(call, costs="5000.00") for _ in range(20)]
    outcomes = []
    barrier = threading.Barrier(20)

    def approve(application):
        try:
            barrier.wait()
            application_approve(application=application, by=staff, amount=D("5000.00"))
            outcomes.append("approved")
        except DecisionRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("approved") == 10
    assert outcomes.count("refused") == 10
    assert call_committed(call.pk) == D("50000.00")
    assert Application.objects.filter(call=call, status="approved").count() == 10


def test_a_consortium_without_active_members_cannot_be_granted(staff):
    call = CallFactory()
    application = ApplicationFactory(call=call)  # a consortium with no member
    BudgetLineFactory(application=application, amount=D("1000.00"))
    application_change_status(application=application, to_status="submitted")
    application_change_status(application=application, to_status="under_review")
    reviews_complete(application)

    with pytest.raises(DecisionRefused, match="de minimis ledger"):
        application_approve(application=application, by=staff, amount=D("1000.00"))

    application.refresh_from_db()
    assert application.status == "under_review" and application.granted_amount is None
