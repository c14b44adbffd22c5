"""Decisions follow the reviews: approval needs the call's completed reviews and criteria minimums,
unless a programme manager approves against them with a written reason, kept in the history and
the exports."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from applications.decisions import application_approve, application_reject, application_reserve
from applications.exports import application_headers, application_rows
from applications.models import Application, StatusChange
from applications.reports import report_build, report_request
from applications.review_summary import ReviewsMissing
from applications.reviews import ranking_apply, review_declare, review_score
from applications.services import application_change_status
from applications.tests.factories import ApplicationFactory, BudgetLineFactory, reviews_complete
from consortia.tests.factories import OrganisationFactory
from portal.roles import PROGRAMME_MANAGER
from programmes.models import AidAward, ReviewCriterion
from programmes.tests.factories import CallFactory, ProgrammeFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

D = Decimal
REASON = "The stand at Foodex must be paid this week; the second reviewer is on leave."


@pytest.fixture
def call(agency):
    return CallFactory(programme=ProgrammeFactory(agency=agency), budget=D("50000.00"), reviews_required=2, year=2026)


@pytest.fixture
def quality(call):
    return ReviewCriterion.objects.create(call=call, position=1, name="Quality", max_score=10, min_score=5)


@pytest.fixture
def market(call):
    return ReviewCriterion.objects.create(call=call, position=2, name="Market", max_score=10, min_score=0)


@pytest.fixture
def reviewers(agency, staff_of):
    return [staff_of(agency), staff_of(agency)]


def under_review(call, name="Conservas del Jerte SL"):
    application = ApplicationFactory(call=call, consortium=None, organisation=OrganisationFactory(legal_name=name))
    BudgetLineFactory(application=application, amount=D("5000.00"))
    application_change_status(application=application, to_status="submitted")
    application_change_status(application=application, to_status="under_review")
    Application.objects.filter(pk=application.pk).update(max_grant=D("5000.00"))
    application.refresh_from_db()
    return application


def scored(application, reviewer, **scores):
    review = review_declare(application=application, reviewer=reviewer, has_conflict=False)
    criteria = {c.name.lower(): c for c in ReviewCriterion.objects.filter(call=application.call)}
    return review_score(review=review, scores={criteria[name].pk: (value, "") for name, value in scores.items()})


def refused(application, by, **kwargs) -> ReviewsMissing:
    with pytest.raises(ReviewsMissing) as caught:
        application_approve(application=application, by=by, amount=D("4000.00"), **kwargs)
    application.refresh_from_db()
    assert application.status == "under_review" and application.granted_amount is None
    assert not AidAward.objects.filter(application=application).exists()
    return caught.value


# --- the gate ------------------------------------------------------------------------------------


def test_an_application_without_reviews_cannot_be_approved(call, quality, manager):
    refusal = refused(under_review(call), manager)

    assert "2 completed reviews are needed, 0 are done." in refusal.message
    assert refusal.field == "override_reason"


def test_one_review_of_the_two_required_is_not_enough(call, quality, market, reviewers, manager):
    application = under_review(call)
    scored(application, reviewers[0], quality=9, market=9)

    assert "2 completed reviews are needed, 1 is done." in refused(application, manager).message


def test_a_recused_reviewer_is_never_counted(call, quality, market, reviewers, staff_of, agency, manager):
    application = under_review(call)
    scored(application, reviewers[0], quality=9, market=9)
    review_declare(application=application, reviewer=reviewers[1], has_conflict=True, note="My cousin runs it")
    # A reviewer who scored, then found a conflict and recused: the scores are gone, the review never counts.
    third = staff_of(agency)
    scored(application, third, quality=9, market=9)
    review_declare(application=application, reviewer=third, has_conflict=True, note="Found out later")

    assert "2 completed reviews are needed, 1 is done." in refused(application, manager).message


def test_a_criterion_averaging_below_its_minimum_stops_the_approval(call, quality, market, reviewers, manager):
    application = under_review(call)
    scored(application, reviewers[0], quality=4, market=9)
    scored(application, reviewers[1], quality=4, market=9)

    message = refused(application, manager).message

    assert "Criterion “Quality” averages 4.0, below its minimum of 5." in message
    assert "Market" not in message and "completed reviews are needed" not in message


def test_with_the_reviews_it_needs_the_application_is_approved(call, quality, market, reviewers, staff):
    application = under_review(call)
    scored(application, reviewers[0], quality=6, market=2)
    scored(application, reviewers[1], quality=4, market=3)  # Quality averages 5.0: at its minimum

    application_approve(application=application, by=staff, amount=D("4000.00"), note="Good project")

    application.refresh_from_db()
    assert application.status == "approved" and application.decision_override_reason == ""
    change = StatusChange.objects.get(application=application, to_status="approved")
    assert change.note == "Good project"


def test_someone_who_declared_a_conflict_cannot_decide_the_application(call, quality, market, reviewers, manager):
    application = under_review(call)
    scored(application, reviewers[0], quality=9, market=9)
    scored(application, reviewers[1], quality=9, market=9)
    review_declare(application=application, reviewer=manager, has_conflict=True, note="I advise this company")

    refusal = refused(application, manager, override_reason=REASON)
    assert refusal.code == "conflicted_decider" and "conflict of interest" in refusal.message
    with pytest.raises(ReviewsMissing):
        application_reject(application=application, by=manager, reason="Weak market study")
    with pytest.raises(ReviewsMissing):
        application_reserve(application=application, by=manager)
    application.refresh_from_db()
    assert application.status == "under_review"
    # The ranking applied by the conflicted manager leaves it undecided and says why.
    applied = ranking_apply(call=call, by=manager)
    application.refresh_from_db()
    assert application.status == "under_review"
    assert [(a.pk, r.code) for a, r in applied.refused] == [(application.pk, "conflicted_decider")]
    # Another member of the agency decides it.
    application_approve(application=application, by=reviewers[0], amount=D("4000.00"))
    application.refresh_from_db()
    assert application.status == "approved"


# --- the manager's override ----------------------------------------------------------------------


def test_a_programme_manager_approves_against_the_reviews_with_a_reason_kept_in_the_history(
    call, quality, reviewers, manager
):
    application = under_review(call)
    scored(application, reviewers[0], quality=9)

    application_approve(
        application=application, by=manager, amount=D("4000.00"), note="Good project", override_reason=f"  {REASON} "
    )

    application.refresh_from_db()
    assert application.status == "approved" and application.granted_amount == D("4000.00")
    assert application.decision_override_reason == REASON
    change = StatusChange.objects.get(application=application, to_status="approved")
    assert change.changed_by == manager
    assert change.note.startswith("Good project\n")
    assert "Approved against the reviews (2 completed reviews are needed, 1 is done) by a programme manager" in (
        change.note
    )
    assert change.note.endswith(f"Reason: {REASON}")


def test_a_superuser_may_override_too(call, quality, superuser):
    application = under_review(call)

    application_approve(application=application, by=superuser, amount=D("4000.00"), override_reason=REASON)

    application.refresh_from_db()
    assert application.status == "approved" and application.decision_override_reason == REASON


def test_a_technician_cannot_approve_against_the_reviews(call, quality, staff):
    refusal = refused(under_review(call), staff, override_reason=REASON)

    assert "Only a programme manager of the agency can approve against the reviews" in refusal.message
    assert refusal.field == "override_reason"


def test_a_manager_of_another_agency_cannot_override(call, quality, other_agency, staff_of):
    refusal = refused(under_review(call), staff_of(other_agency, PROGRAMME_MANAGER), override_reason=REASON)

    assert refusal.code == "override_not_allowed"


def test_a_blank_reason_is_refused_on_the_reason_field(call, quality, manager):
    refusal = refused(under_review(call), manager, override_reason="   \n ")

    assert "2 completed reviews are needed, 0 are done. Write the reason to approve against them." in refusal.message
    assert refusal.field == "override_reason"


def test_a_reason_given_when_the_reviews_allow_the_approval_is_not_kept(call, quality, manager):
    application = under_review(call)
    reviews_complete(application)

    application_approve(application=application, by=manager, amount=D("4000.00"), override_reason=REASON)

    application.refresh_from_db()
    assert application.decision_override_reason == ""
    assert REASON not in StatusChange.objects.get(application=application, to_status="approved").note


# --- the ranking decides only what its reviews allow --------------------------------------------


def test_applying_the_ranking_approves_only_the_ready_applications(call, quality, reviewers, manager):
    ready = under_review(call, "Ready SL")
    scored(ready, reviewers[0], quality=8)
    scored(ready, reviewers[1], quality=8)
    half = under_review(call, "Half reviewed SL")
    scored(half, reviewers[0], quality=10)
    below = under_review(call, "Clearly below SL")
    scored(below, reviewers[0], quality=2)
    scored(below, reviewers[1], quality=3)

    approved, _reserved = outcome = ranking_apply(call=call, by=manager)

    assert approved == [ready]
    assert outcome.refused == []
    statuses = dict(Application.objects.values_list("organisation__legal_name", "status"))
    assert statuses["Half reviewed SL"] == statuses["Clearly below SL"] == "under_review"
    assert not StatusChange.objects.filter(note__contains="against the reviews").exists()


# --- the reason in the exports and reports -------------------------------------------------------


def test_the_exports_and_the_operations_report_show_the_reason(call, quality, manager, agency):
    overridden = under_review(call, "Overridden SL")
    application_approve(application=overridden, by=manager, amount=D("4000.00"), override_reason=REASON)
    reviewed = under_review(call, "Reviewed SL")
    reviews_complete(reviewed)
    application_approve(application=reviewed, by=manager, amount=D("4000.00"))

    column = application_headers().index("Approved against the reviews: reason")
    rows = {row[0]: row for row in application_rows(Application.objects.filter(call=call))}
    assert rows[Application.objects.get(pk=overridden.pk).reference][column] == REASON
    assert rows[Application.objects.get(pk=reviewed.pk).reference][column] == ""

    report = report_request(kind="operations_list", format="csv", parameters={}, by=manager, agency=agency)
    report = report_build(report.pk)
    with report.file.open("rb") as handle:
        table = list(csv.reader(io.StringIO(handle.read().decode("utf-8-sig"))))
    header, *lines = table
    assert header[-1] == "Approved against the reviews: reason"
    assert sorted(line[-1] for line in lines) == ["", REASON]


def test_the_published_list_of_operations_never_shows_the_reason(call, quality, manager, client):
    application_approve(application=under_review(call), by=manager, amount=D("4000.00"), override_reason=REASON)

    page = client.get("/en/open-data/operations/?format=csv")

    assert page.status_code == 200
    content = b"".join(page.streaming_content) if page.streaming else page.content
    assert Application.objects.get(status="approved").reference.encode() in content
    assert REASON.encode() not in content and b"against the reviews" not in content


# --- the admin's approval page -------------------------------------------------------------------


def move_url(application):
    return reverse("admin:applications_application_move", args=[application.pk, "approve"])


def test_the_approval_page_says_what_the_reviews_lack_and_asks_a_manager_for_the_reason(client, call, quality, manager):
    application = under_review(call)
    client.force_login(manager)

    page = client.get(move_url(application))

    assert "2 completed reviews are needed, 0 are done." in page.text
    assert 'name="override_reason"' in page.text
    response = client.post(move_url(application), {"amount": "4000.00", "override_reason": "  "})
    assert response.status_code == 200
    form = response.context["form"]
    assert "Write the reason to approve against them." in str(form.errors["override_reason"])
    assert not form.non_field_errors()
    response = client.post(move_url(application), {"amount": "4000.00", "override_reason": REASON})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved" and application.decision_override_reason == REASON
    change_page = client.get(reverse("admin:applications_application_change", args=[application.pk]))
    assert REASON in change_page.text and "reason for deciding against the reviews" in change_page.text.lower()


def test_a_technician_sees_no_reason_field_and_cannot_force_one(client, call, quality, staff):
    application = under_review(call)
    client.force_login(staff)

    page = client.get(move_url(application))
    assert "2 completed reviews are needed, 0 are done." in page.text
    assert 'name="override_reason"' not in page.text
    response = client.post(move_url(application), {"amount": "4000.00", "override_reason": REASON})

    assert response.status_code == 200
    assert "The reviews do not allow this approval yet" in str(response.context["form"].non_field_errors())
    application.refresh_from_db()
    assert application.status == "under_review"


def test_a_ready_application_shows_no_reason_field(client, call, quality, manager):
    application = under_review(call)
    reviews_complete(application)
    client.force_login(manager)

    page = client.get(move_url(application))

    assert 'name="override_reason"' not in page.text and "completed reviews are needed" not in page.text


def test_the_bulk_approval_refuses_an_application_its_reviews_do_not_allow(client, call, quality, manager):
    waiting, ready = under_review(call, "Waiting SL"), under_review(call, "Ready SL")
    reviews_complete(ready)
    Application.objects.filter(pk__in=[waiting.pk, ready.pk]).update(max_grant=D("4000.00"))
    client.force_login(manager)

    response = client.post(
        reverse("admin:applications_application_changelist"),
        {"action": "approve_at_maximum", "_selected_action": [waiting.pk, ready.pk]},
        follow=True,
    )

    statuses = dict(Application.objects.values_list("organisation__legal_name", "status"))
    assert statuses == {"Waiting SL": "under_review", "Ready SL": "approved"}
    assert "2 completed reviews are needed, 0 are done." in response.text
