"""The bulk approval takes the calls of its applications first, so a single approval meanwhile can
never wait for it while it waits for that approval.

Each approval locks its call, then the programme-year's budget. The bulk approval used to approve
the applications one after the other in one transaction: having approved in one call, it held the
year's budget while waiting for the next call, which a colleague approving there held while
waiting for the budget: a deadlock, and one of the two pages ended in an error.
"""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import Application
from applications.tests.concurrency import InThread, lockable_now, rows_held, wait_until, waiting_on_locks
from applications.tests.test_budgets import GRANTS, envelope, under_review
from programmes.models import Call, CallRule, ProgrammeBudget
from programmes.tests.factories import CallFactory, ProgrammeFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

D = Decimal


def test_the_bulk_approval_waiting_for_a_call_holds_no_budget(agency, manager):
    programme = ProgrammeFactory(agency=agency)
    calls = [CallFactory(programme=programme, budget=D("50000.00")) for _ in range(2)]
    assert calls[0].budget_year == calls[1].budget_year
    envelope(programme, calls[0].budget_year, ("Grants", GRANTS, "100000.00"))
    applications = []
    for call in calls:
        CallRule.objects.create(call=call, code="grant_cap", amount=D("4000.00"))
        applications.append(under_review(call, "5000.00"))
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(max_grant=D("4000.00"))
    first, second = applications  # the list shows the last submitted first: the bulk takes `second` first
    staff = Client()
    staff.force_login(manager)
    bulk = InThread(
        lambda: staff.post(
            reverse("admin:applications_application_changelist"),
            {"action": "approve_at_maximum", "_selected_action": [first.pk, second.pk]},
        )
    )

    try:
        with rows_held(Call.objects.filter(pk=first.call_id)):  # a colleague deciding in the first call
            bulk.start()
            wait_until(lambda: waiting_on_locks() == 1 or not bulk.is_alive(), "the bulk approval to wait")
            assert bulk.is_alive()
            assert lockable_now(ProgrammeBudget.objects.filter(programme=programme)), (
                "the bulk approval holds the year's budget while it waits for a call"
            )
    finally:
        bulk.join(60)

    assert bulk.error is None and bulk.result.status_code == 302
    assert set(Application.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {
        "approved"
    }
