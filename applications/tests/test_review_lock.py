"""A review changed while its application is being approved waits for the approval, then is refused.

The approval read the reviews (its gate: completed reviews, the criteria's minimums) before it
records the grant. A reviewer who recused or scored again in between would leave an approval
resting on reviews that are no longer so: a conflicted reviewer's scores, or scores below a
minimum, with no override reason written. The reviews' services read the application under its
lock, as the approval takes it, and find it approved.

The approval here is the real one, held at its programme-year budget (whose row the test keeps
locked) after it read the reviews.
"""

from decimal import Decimal

import pytest

from applications.decisions import application_approve
from applications.models import Application, Review, Score
from applications.reviews import ReviewRefused, review_declare, review_score
from applications.tests.concurrency import InThread, rows_held, wait_until, waiting_on_locks
from applications.tests.test_budgets import GRANTS, envelope, under_review
from programmes.models import ProgrammeBudget
from programmes.tests.factories import CallFactory, ProgrammeFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

D = Decimal


def recuse(review):
    return review_declare(application=review.application, reviewer=review.reviewer, has_conflict=True)


def score_again(review):
    return review_score(review=review, scores={s.criterion_id: (0, "") for s in review.scores.all()})


@pytest.mark.parametrize("change", [recuse, score_again])
def test_a_review_changed_during_the_approval_waits_for_it_and_is_refused(agency, manager, change):
    programme = ProgrammeFactory(agency=agency)
    call = CallFactory(programme=programme, budget=D("50000.00"))
    envelope(programme, call.budget_year, ("Grants", GRANTS, "50000.00"))
    application = under_review(call, "5000.00")
    review = Review.objects.filter(application=application).select_related("application", "reviewer").first()
    scores = sorted(Score.objects.filter(review=review).values_list("criterion_id", "score"))
    assert scores and not review.has_conflict

    approval = InThread(lambda: application_approve(application=application, by=manager, amount=D("3000.00")))
    reviewing = InThread(lambda: change(review))
    try:
        with rows_held(ProgrammeBudget.objects.filter(programme=programme, year=call.budget_year)):
            approval.start()
            wait_until(lambda: waiting_on_locks() == 1, "the approval waiting for the programme-year budget")
            reviewing.start()
            wait_until(lambda: waiting_on_locks() == 2 or not reviewing.is_alive(), "the review to wait or finish")
            assert reviewing.is_alive(), "the review changed while the application was being approved"
    finally:
        for thread in (approval, reviewing):
            thread.join(60)
    assert not approval.is_alive() and not reviewing.is_alive()
    assert approval.error is None, approval.error
    assert isinstance(reviewing.error, ReviewRefused)
    assert "cannot be reviewed" in str(reviewing.error)

    assert Application.objects.get(pk=application.pk).status == "approved"
    review.refresh_from_db()
    assert not review.has_conflict
    assert sorted(Score.objects.filter(review=review).values_list("criterion_id", "score")) == scores
