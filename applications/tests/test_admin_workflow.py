"""The workflow in the admin: buttons for the allowed moves, forms with guards, list actions, scoping."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import StatusChange
from applications.services import application_change_status
from applications.tests.factories import ApplicationFactory, BudgetLineFactory, reviews_complete
from consortia.tests.factories import OrganisationFactory
from portal.tests.factories import UserFactory
from programmes.models import AidAward, CallRule
from programmes.tests.factories import AgencyFactory, CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def submitted(agency, *, costs="5000.00", budget="50000.00", status="submitted", reviewed=True):
    """A submitted application (or under review: with the call's reviews completed, unless not `reviewed`)."""
    call = CallFactory(programme=ProgrammeFactory(agency=agency), budget=D(budget))
    CallRule.objects.create(call=call, code="grant_cap", amount=D("4000.00"))
    application = ApplicationFactory(call=call, consortium=None, organisation=OrganisationFactory())
    BudgetLineFactory(application=application, amount=D(costs))
    application_change_status(application=application, to_status="submitted")
    application.max_grant = D("4000.00")
    application.save()
    if status == "under_review":
        application_change_status(application=application, to_status="under_review")
        if reviewed:
            reviews_complete(application)
    return application


def move_url(application, name):
    return reverse("admin:applications_application_move", args=[application.pk, name])


def test_the_change_page_offers_only_the_allowed_moves(staff_client, agency):
    application = submitted(agency)

    html = staff_client.get(reverse("admin:applications_application_change", args=[application.pk])).content.decode()

    assert move_url(application, "review") in html
    assert move_url(application, "withdraw") in html
    assert move_url(application, "approve") not in html


def test_staff_approve_with_an_amount_and_see_the_remaining_budget(staff_client, agency):
    application = submitted(agency, status="under_review")

    page = staff_client.get(move_url(application, "approve")).content.decode()
    assert "50,000.00\xa0€" in page and 'value="4,000.00"' in page
    response = staff_client.post(move_url(application, "approve"), {"amount": "3500.00", "note": "Fits the plan"})

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.status == "approved" and application.granted_amount == D("3500.00")
    assert AidAward.objects.filter(application=application).exists()


def test_an_amount_above_the_maximum_grant_is_refused_on_the_page(staff_client, agency):
    application = submitted(agency, status="under_review")

    response = staff_client.post(move_url(application, "approve"), {"amount": "4000.01"})

    application.refresh_from_db()
    assert response.status_code == 200
    assert "above the maximum grant" in response.content.decode()
    assert application.status == "under_review"


def test_a_rejection_needs_a_reason(staff_client, agency):
    application = submitted(agency, status="under_review")

    response = staff_client.post(move_url(application, "reject"), {"note": ""})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    staff_client.post(move_url(application, "reject"), {"note": "Not a new market"})
    application.refresh_from_db()
    assert application.status == "rejected"


def test_a_clarification_request_sets_the_due_date(staff_client, agency):
    application = submitted(agency, status="under_review")
    due = timezone.localdate() + timezone.timedelta(days=7)

    staff_client.post(move_url(application, "clarify"), {"note": "Send the quote", "due_on": due.isoformat()})

    application.refresh_from_db()
    assert application.status == "clarification_requested" and application.clarification_due_on == due


def test_an_illegal_move_is_refused_with_a_message(staff_client, agency):
    application = submitted(agency)

    response = staff_client.post(move_url(application, "approve"), {"amount": "100"}, follow=True)

    application.refresh_from_db()
    assert application.status == "submitted"
    assert "cannot become" in response.content.decode()
    assert not StatusChange.objects.filter(application=application, to_status="approved").exists()


def test_list_actions_start_the_review_of_many_applications(staff_client, agency):
    first, second = submitted(agency), submitted(agency)

    staff_client.post(
        reverse("admin:applications_application_changelist"),
        {"action": "start_review", "_selected_action": [first.pk, second.pk]},
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == "under_review"


def test_another_agencys_application_cannot_be_moved(staff_client):
    theirs = submitted(AgencyFactory(), status="under_review")

    response = staff_client.post(move_url(theirs, "approve"), {"amount": "100"})

    theirs.refresh_from_db()
    assert response.status_code == 302 and response["Location"].endswith("/admin/")
    assert theirs.status == "under_review"
    staff_client.post(
        reverse("admin:applications_application_changelist"),
        {"action": "approve_at_maximum", "_selected_action": [theirs.pk]},
    )
    theirs.refresh_from_db()
    assert theirs.status == "under_review"


def test_the_application_list_takes_the_same_queries_for_10_and_200_rows(staff_client, agency):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call = CallFactory(programme=ProgrammeFactory(agency=agency))

    def add(count):
        for _ in range(count):
            BudgetLineFactory(application=ApplicationFactory(call=call))

    add(10)
    with CaptureQueriesContext(connection) as ten:
        staff_client.get(reverse("admin:applications_application_changelist"), {"all": ""})
    add(190)
    with CaptureQueriesContext(connection) as two_hundred:
        response = staff_client.get(reverse("admin:applications_application_changelist"), {"all": ""})

    assert response.status_code == 200
    assert len(two_hundred) == len(ten)


def test_the_submitted_content_is_read_only_for_staff(client, agency, superuser):
    client.force_login(superuser)
    application = submitted(agency)

    html = client.get(reverse("admin:applications_application_change", args=[application.pk])).content.decode()

    assert 'name="title"' not in html
    assert 'name="budget_lines-0-amount"' not in html


def test_the_stage_filter_follows_the_anniversary_rule_on_a_leap_day(staff_client, agency):
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    import time_machine
    from django.conf import settings

    from consortia.tests.factories import ConsortiumFactory

    call = CallFactory(programme=ProgrammeFactory(agency=agency))
    ApplicationFactory(
        call=call,
        title="Leap-day consortium",
        consortium=ConsortiumFactory(established_on=date(2024, 2, 29), has_joint_actions=True),
    )
    url = reverse("admin:applications_application_changelist")

    # 28 February 2025 is the first anniversary of 29 February 2024: development, not initiation.
    with time_machine.travel(datetime(2025, 2, 28, 12, tzinfo=ZoneInfo(settings.TIME_ZONE)), tick=False):
        development = staff_client.get(url, {"stage": "development"}).content.decode()
        initiation = staff_client.get(url, {"stage": "initiation"}).content.decode()
    with time_machine.travel(datetime(2025, 2, 27, 12, tzinfo=ZoneInfo(settings.TIME_ZONE)), tick=False):
        day_before = staff_client.get(url, {"stage": "initiation"}).content.decode()

    assert "Leap-day consortium" in development and ">Development</td>" in development
    assert "Leap-day consortium" not in initiation
    assert "Leap-day consortium" in day_before and ">Initiation</td>" in day_before


def test_the_list_filters_by_consortium_stage_and_region(staff_client, agency):
    from datetime import timedelta

    from consortia.tests.factories import ConsortiumFactory

    call = CallFactory(programme=ProgrammeFactory(agency=agency))
    today = timezone.localdate()
    young = ApplicationFactory(call=call, title="Young", consortium=ConsortiumFactory(established_on=today))
    ApplicationFactory(
        call=call,
        title="Old",
        consortium=ConsortiumFactory(established_on=today - timedelta(days=5 * 366), has_joint_actions=True),
    )
    cantabrian = ApplicationFactory(
        call=call, title="Cantabrian", consortium=None, organisation=OrganisationFactory(region="ES13")
    )
    url = reverse("admin:applications_application_changelist")

    initiation = staff_client.get(url, {"stage": "initiation"}).content.decode()
    consolidated = staff_client.get(url, {"stage": "consolidated"}).content.decode()
    cantabria = staff_client.get(url, {"region": "ES13"}).content.decode()

    assert young.title in initiation and ">Old<" not in initiation
    assert ">Old<" in consolidated and ">Young<" not in consolidated
    assert cantabrian.title in cantabria and ">Young<" not in cantabria


def test_the_history_of_money_and_status_is_kept_and_scoped(staff_client, agency):
    application = submitted(agency, status="under_review")
    staff_client.post(move_url(application, "approve"), {"amount": "3500.00"})
    url = reverse("admin:applications_application_history", args=[application.pk])

    html = staff_client.get(url).content.decode()

    assert application.history.filter(status="approved", granted_amount=D("3500.00")).exists()
    assert "javier@agency.example" in html
    theirs = submitted(AgencyFactory())
    response = staff_client.get(reverse("admin:applications_application_history", args=[theirs.pk]))
    assert response.status_code == 302 and response["Location"].endswith("/admin/")


def test_staff_download_their_agencys_documents_only(client, agency, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications.attachments import attachment_add

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    ours = attachment_add(
        application=submitted(agency), uploaded_file=SimpleUploadedFile("a.pdf", pdf), kind="quote", by=None
    )
    theirs = attachment_add(
        application=submitted(AgencyFactory()), uploaded_file=SimpleUploadedFile("b.pdf", pdf), kind="quote", by=None
    )
    client.force_login(staff)

    page = client.get(reverse("admin:applications_application_change", args=[ours.application_id]))
    assert reverse("applications:attachment", args=[ours.pk]) in page.content.decode()
    assert b"".join(client.get(reverse("applications:attachment", args=[ours.pk])).streaming_content) == pdf
    assert client.get(reverse("applications:attachment", args=[theirs.pk])).status_code == 404


def test_staff_without_the_second_factor_cannot_download_from_the_public_site(client, agency, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications.attachments import attachment_add

    settings.ADMIN_REQUIRE_TWO_FACTOR = True
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    ours = attachment_add(
        application=submitted(agency), uploaded_file=SimpleUploadedFile("a.pdf", pdf), kind="quote", by=None
    )
    client.force_login(UserFactory(email="javier@agency.example", is_staff=True, agency=agency))

    assert client.get(reverse("applications:attachment", args=[ours.pk])).status_code == 404


def test_the_list_shows_the_average_score_with_the_same_queries_for_few_or_many(staff_client, agency, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from applications.reviews import review_declare, review_score
    from programmes.models import ReviewCriterion

    call = CallFactory(programme=ProgrammeFactory(agency=agency), reviews_required=1)
    criterion = ReviewCriterion.objects.create(call=call, name="Market", max_score=10)
    reviewer = staff

    def add(count):
        for _ in range(count):
            application = ApplicationFactory(call=call, consortium=None, organisation=OrganisationFactory())
            application_change_status(application=application, to_status="submitted")
            application_change_status(application=application, to_status="under_review")
            review = review_declare(application=application, reviewer=reviewer, has_conflict=False)
            review_score(review=review, scores={criterion.pk: (8, "")})

    add(2)
    url = reverse("admin:applications_application_changelist")
    with CaptureQueriesContext(connection) as few:
        html = staff_client.get(url).content.decode()
    add(8)
    with CaptureQueriesContext(connection) as many:
        staff_client.get(url)

    assert "80.00 (1/1)" in html
    assert len(many) == len(few)


def test_a_decided_grant_is_listed_and_filtered_in_the_stage_it_was_decided_in(staff_client, agency):
    # The list, its filter and the dashboards read the same rule: the stage frozen at the decision.
    from datetime import timedelta

    from consortia.tests.factories import ConsortiumFactory

    call = CallFactory(programme=ProgrammeFactory(agency=agency))
    old = ConsortiumFactory(established_on=timezone.localdate() - timedelta(days=5 * 366), has_joint_actions=True)
    ApplicationFactory(
        call=call,
        title="Decided young",
        consortium=old,
        status="approved",
        submitted_at=timezone.now(),
        reference="EC-2026-0001",
        decided_stage="initiation",
    )
    url = reverse("admin:applications_application_changelist")

    initiation = staff_client.get(url, {"stage": "initiation"}).content.decode()
    consolidated = staff_client.get(url, {"stage": "consolidated"}).content.decode()

    assert "Decided young" in initiation and ">Initiation</td>" in initiation
    assert "Decided young" not in consolidated
