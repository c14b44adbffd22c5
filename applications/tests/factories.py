from decimal import Decimal

import factory

from applications.models import Application, BudgetLine, Review
from applications.reviews import review_declare, review_score
from consortia.tests.factories import ConsortiumFactory
from portal.models import User
from portal.tests.factories import StaffFactory
from programmes.models import ReviewCriterion
from programmes.tests.factories import CallFactory, CostCategoryFactory


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft application of a consortium (pass organisation=..., consortium=None for a company)."""

    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    consortium = factory.SubFactory(ConsortiumFactory)
    organisation = None
    title = factory.Sequence(lambda n: f"Promotion project {n}")
    status = Application.Status.DRAFT


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    application = factory.SubFactory(ApplicationFactory)
    category = factory.LazyAttribute(lambda o: CostCategoryFactory(programme=o.application.call.programme))
    description = "Trade fair stand"
    amount = Decimal("2500.00")


def reviews_complete(application, *, score: int | None = None, reviewers=()) -> list[Review]:
    """Complete the reviews the application's call requires before an approval (its `reviews_required`).

    The application must be open to review (under review, clarification, reserve). A call with no
    review criteria is given one. Each review scores every criterion at its maximum, or at `score`;
    reviewers are `reviewers`, then new staff of the call's agency for the rest.
    """
    call = application.call
    criteria = list(ReviewCriterion.objects.filter(call=call))
    if not criteria:
        criteria = [ReviewCriterion.objects.create(call=call, name="Quality of the plan", weight=1, max_score=10)]
    reviewers = list(reviewers)
    agency = call.programme.agency
    while len(reviewers) < call.reviews_required:
        # The agency's reviewers 1, 2...: the same people review every application of its calls.
        email = f"reviewer{len(reviewers) + 1}@agency-{agency.pk}.example"
        reviewers.append(User.objects.filter(email=email).first() or StaffFactory(agency=agency, email=email))
    done = []
    for reviewer in reviewers:
        review = review_declare(application=application, reviewer=reviewer, has_conflict=False)
        scores = {c.pk: (c.max_score if score is None else score, "") for c in criteria}
        done.append(review_score(review=review, scores=scores))
    return done
