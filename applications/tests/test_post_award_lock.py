"""An expense claimed while its operation's row is locked waits for it holding nothing else.

The admin's page of an application saves it, then its reports, under the application's lock; a
claim locked the report first, then the application: a claim and a save of that page at once could
each wait for the other (a deadlock, one of them ending in an error). A claim, its removal and its
check now lock the application first.
"""

import pytest

from applications.models import Application, Expense, ProjectReport
from applications.post_award import grant_accept
from applications.tests.concurrency import InThread, lockable_now, rows_held, wait_until, waiting_on_locks
from applications.tests.test_post_award import approved, call_of, claim, final

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_an_expense_claimed_while_the_operation_is_locked_waits_holding_no_report(company, applicant, staff):
    application = approved(call_of(), company, staff)
    grant_accept(application=application, by=applicant)
    report = final(application)
    claiming = InThread(lambda: claim(application, applicant, "1000.00"))

    try:
        with rows_held(Application.objects.filter(pk=application.pk)):  # the admin's page saving it
            claiming.start()
            wait_until(lambda: waiting_on_locks() == 1 or not claiming.is_alive(), "the claim to wait")
            assert claiming.is_alive()
            assert lockable_now(ProjectReport.objects.filter(pk=report.pk)), (
                "the claim holds the report while it waits for the operation"
            )
    finally:
        claiming.join(60)

    assert claiming.error is None, claiming.error
    assert Expense.objects.filter(report=report).count() == 1
