"""A call taken from submitted applications to a ranked, decided, notified list, through the admin pages."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from applications.models import Application
from applications.services import application_change_status
from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from consortia.services import organisation_register
from consortia.tests.factories import OrganisationFactory
from portal.tests.factories import UserFactory
from programmes.models import ReviewCriterion
from programmes.tests.factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

D = Decimal


def test_a_call_goes_from_submitted_to_ranked_decided_and_notified(
    client, django_capture_on_commit_callbacks, agency, staff_of, manager
):
    call = CallFactory(programme=ProgrammeFactory(agency=agency), budget=D("10000.00"), reviews_required=2)
    market = ReviewCriterion.objects.create(call=call, name="Market", weight=D("1"), max_score=10)
    applications = []
    for index, (score, costs) in enumerate([(9, "6000.00"), (7, "4000.00"), (5, "3000.00")]):
        applicant = UserFactory(email=f"applicant{index}@example.org")
        organisation = organisation_register(user=applicant, organisation=OrganisationFactory.build())
        application = ApplicationFactory(
            call=call, consortium=None, organisation=organisation, title=f"Project {score}"
        )
        BudgetLineFactory(application=application, amount=D(costs))
        application_change_status(application=application, to_status="submitted")
        application.max_grant = D(costs)
        application.save()
        applications.append((application, score))
    reviewers = [staff_of(agency, email="ana@agency.example"), staff_of(agency, email="luis@agency.example")]

    # Staff start the review of the whole call from the list.
    client.force_login(reviewers[0])
    client.post(
        reverse("admin:applications_application_changelist"),
        {"action": "start_review", "_selected_action": [a.pk for a, _ in applications]},
    )
    # Two reviewers declare no conflict, then score.
    for reviewer in reviewers:
        client.force_login(reviewer)
        for application, score in applications:
            url = reverse("admin:applications_application_review", args=[application.pk])
            client.post(url, {"has_conflict": "no", "note": ""})
            client.post(url, {f"score_{market.pk}": str(score), f"comment_{market.pk}": "", "comment": ""})

    # The manager applies the ranking: 6,000 + 4,000 fit the 10,000 budget, 3,000 goes to reserve.
    client.force_login(manager)
    ranking_url = reverse("admin:programmes_call_ranking", args=[call.pk])
    page = client.get(ranking_url).content.decode()
    assert "Project 9" in page and "Project 5" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ranking_url)

    statuses = dict(Application.objects.filter(call=call).values_list("title", "status"))
    assert statuses == {"Project 9": "approved", "Project 7": "approved", "Project 5": "reserve"}
    granted = sum(Application.objects.filter(call=call, status="approved").values_list("granted_amount", flat=True))
    assert granted == D("10000.00")
    subjects = sorted(message.subject for message in mail.outbox)
    assert sum("grant approved" in s for s in subjects) == 2
    assert sum("reserve list" in s for s in subjects) == 1
