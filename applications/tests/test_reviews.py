"""Staff review: conflict-of-interest declarations, weighted scores, readiness, and the ranking of a call.

Until ApplicationAdmin mounts `review_urls`, this module also serves as the
URLconf of the page tests (`pytest.mark.urls`): the review page is mounted
under the application admin's path, in front of the portal's own URLs.
"""

import io
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from applications.decisions import application_approve, call_committed
from applications.models import Answer, Application, Attachment, Review, Score
from applications.review_admin import ReviewInline
from applications.reviews import (
    ReviewRefused,
    ranking,
    ranking_apply,
    review_declare,
    review_score,
    review_summary,
    reviews_prefetch,
)
from applications.services import application_change_status
from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from consortia.tests.factories import OrganisationFactory
from portal.roles import PROGRAMME_MANAGER
from programmes.models import ReviewCriterion
from programmes.tests.factories import CallFactory, ProgrammeFactory, QuestionChoiceFactory, QuestionFactory

pytestmark = pytest.mark.django_db

D = Decimal


# --- actors and data ---------------------------------------------------------------------------


@pytest.fixture
def call(agency):
    return CallFactory(
        programme=ProgrammeFactory(agency=agency),
        budget=D("50000.00"),
        reviews_required=2,
        divergence_threshold=D("20"),
    )


@pytest.fixture
def reviewer(staff):
    """The agency's staff member, who reviews."""
    return staff


@pytest.fixture
def second_reviewer(agency, staff_of):
    return staff_of(agency)


@pytest.fixture
def other_manager(other_agency, staff_of):
    """A Programme manager of another agency."""
    return staff_of(other_agency, PROGRAMME_MANAGER)


@pytest.fixture
def criteria(call):
    """The worked example's three criteria: weights 2, 1 and 1.5 on different scales."""
    return [
        ReviewCriterion.objects.create(call=call, position=1, name="Quality", weight=D("2"), max_score=10, min_score=5),
        ReviewCriterion.objects.create(call=call, position=2, name="Market", weight=D("1"), max_score=5),
        ReviewCriterion.objects.create(call=call, position=3, name="Impact", weight=D("1.5"), max_score=20),
    ]


def under_review(call, max_grant="20000.00", name="Conservas del Jerte SL", at=None):
    """An application under review whose rules allow `max_grant` (its budget) and whose snapshot says so."""
    application = ApplicationFactory(call=call, consortium=None, organisation=OrganisationFactory(legal_name=name))
    BudgetLineFactory(application=application, amount=D(max_grant), description="Stand at Anuga Cologne")
    application_change_status(application=application, to_status="submitted", at=at)
    application_change_status(application=application, to_status="under_review")
    Application.objects.filter(pk=application.pk).update(max_grant=D(max_grant))
    application.max_grant = D(max_grant)
    return application


def scored(application, reviewer, values, comment=""):
    """Declare no conflict and score the call's criteria (in order) with `values`."""
    review = review_declare(application=application, reviewer=reviewer, has_conflict=False)
    criteria = ReviewCriterion.objects.filter(call=application.call).order_by("position", "pk")
    return review_score(
        review=review, scores={c.pk: (v, "") for c, v in zip(criteria, values, strict=True)}, comment=comment
    )


def summary_of(application):
    return review_summary(
        Application.objects.select_related("call").prefetch_related(reviews_prefetch()).get(pk=application.pk)
    )


def review_url(application):
    return reverse("admin:applications_application_change", args=[application.pk]).replace("/change/", "/review/")


def ranking_url(call):
    return reverse("admin:programmes_call_ranking", args=[call.pk])


# --- declarations and scores -------------------------------------------------------------------


def test_a_reviewer_who_declared_a_conflict_cannot_score(call, criteria, reviewer):
    application = under_review(call)
    review = review_declare(application=application, reviewer=reviewer, has_conflict=True, note="My cousin runs it")

    with pytest.raises(ReviewRefused, match="conflict of interest"):
        review_score(review=review, scores={c.pk: (1, "") for c in criteria})

    assert not Score.objects.exists()
    review.refresh_from_db()
    assert review.completed_at is None and review.conflict_note == "My cousin runs it"


def test_a_recusal_cannot_be_turned_back_into_no_conflict(call, reviewer):
    application = under_review(call)
    review_declare(application=application, reviewer=reviewer, has_conflict=True)

    with pytest.raises(ReviewRefused, match="cannot be withdrawn"):
        review_declare(application=application, reviewer=reviewer, has_conflict=False)

    assert Review.objects.get().has_conflict


def test_a_reviewer_declares_no_conflict_then_scores(call, criteria, reviewer):
    application = under_review(call)

    review = review_declare(application=application, reviewer=reviewer, has_conflict=False)
    review = review_score(
        review=review,
        scores={criteria[0].pk: (8, "Solid plan"), criteria[1].pk: (3, ""), criteria[2].pk: (10, "")},
        comment="Fundable",
    )

    assert review.completed_at is not None and review.comment == "Fundable"
    assert Review.objects.count() == 1
    assert sorted(review.scores.values_list("criterion__name_en", "score", "comment")) == [
        ("Impact", 10, ""),
        ("Market", 3, ""),
        ("Quality", 8, "Solid plan"),
    ]


def test_scoring_again_updates_the_scores(call, criteria, reviewer):
    application = under_review(call)
    review = scored(application, reviewer, [8, 3, 10])

    scored(application, reviewer, [9, 3, 10])

    assert Review.objects.count() == 1 and review.scores.count() == 3
    assert review.scores.get(criterion=criteria[0]).score == 9


@pytest.mark.parametrize("value", [11, -1])
def test_a_score_outside_zero_to_the_maximum_is_refused(call, criteria, reviewer, value):
    review = review_declare(application=under_review(call), reviewer=reviewer, has_conflict=False)

    with pytest.raises(ReviewRefused, match="“Quality” must be a whole number from 0 to 10"):
        review_score(
            review=review, scores={criteria[0].pk: (value, ""), criteria[1].pk: (3, ""), criteria[2].pk: (1, "")}
        )

    assert not Score.objects.exists()


def test_every_criterion_of_the_call_and_only_those_are_scored(call, criteria, reviewer):
    review = review_declare(application=under_review(call), reviewer=reviewer, has_conflict=False)
    other = ReviewCriterion.objects.create(call=CallFactory(programme=call.programme), name="Other call's")

    with pytest.raises(ReviewRefused, match="missing: Impact"):
        review_score(review=review, scores={criteria[0].pk: (5, ""), criteria[1].pk: (3, "")})
    with pytest.raises(ReviewRefused, match="another call"):
        review_score(review=review, scores={**{c.pk: (1, "") for c in criteria}, other.pk: (1, "")})

    assert not Score.objects.exists()


def test_staff_of_another_agency_cannot_review(call, other_manager):
    with pytest.raises(ReviewRefused, match="your agency"):
        review_declare(application=under_review(call), reviewer=other_manager, has_conflict=False)


# --- summary -----------------------------------------------------------------------------------


def test_weighted_totals_on_the_worked_example(call, criteria, reviewer, second_reviewer):
    application = under_review(call)
    # (8/10×2 + 3/5×1 + 10/20×1.5) / 4.5 × 100 = 2.95 / 4.5 × 100 = 65.555… -> 65.56
    scored(application, reviewer, [8, 3, 10])
    # (6/10×2 + 5/5×1 + 20/20×1.5) / 4.5 × 100 = 3.7 / 4.5 × 100 = 82.222… -> 82.22
    scored(application, second_reviewer, [6, 5, 20])

    summary = summary_of(application)

    assert summary.totals == [D("65.56"), D("82.22")]
    assert summary.average == D("73.89")
    assert (summary.completed, summary.required) == (2, 2)
    assert summary.diverges is False  # 16.66 points apart, the threshold is 20
    assert summary.below_threshold == []
    assert summary.ready is True


def test_reviews_further_apart_than_the_threshold_are_flagged(call, criteria, reviewer, second_reviewer):
    call.divergence_threshold = D("15")
    call.save(update_fields=["divergence_threshold"])
    application = under_review(call)
    scored(application, reviewer, [8, 3, 10])
    scored(application, second_reviewer, [6, 5, 20])

    assert summary_of(application).diverges is True


def test_ready_only_once_the_required_reviews_are_completed(call, criteria, reviewer, second_reviewer, manager):
    application = under_review(call)
    review_declare(application=application, reviewer=manager, has_conflict=True, note="Former client")
    scored(application, reviewer, [8, 3, 10])

    after_one = summary_of(application)
    review_declare(application=application, reviewer=second_reviewer, has_conflict=False)
    declared_only = summary_of(application)
    scored(application, second_reviewer, [7, 3, 10])
    after_two = summary_of(application)

    assert (after_one.completed, after_one.recused, after_one.ready) == (1, 1, False)
    assert (declared_only.completed, declared_only.ready) == (1, False)
    assert (after_two.completed, after_two.ready) == (2, True)


def test_an_average_below_a_criterions_threshold_blocks_readiness(call, criteria, reviewer, second_reviewer):
    application = under_review(call)
    scored(application, reviewer, [4, 5, 20])
    scored(application, second_reviewer, [5, 5, 20])  # Quality averages 4.5, its threshold is 5

    summary = summary_of(application)

    assert [c.name for c in summary.below_threshold] == ["Quality"]
    assert summary.completed == 2 and summary.ready is False


def test_the_summary_reads_prefetched_data_without_queries(call, criteria, reviewer, second_reviewer):
    application = under_review(call)
    scored(application, reviewer, [8, 3, 10])
    scored(application, second_reviewer, [6, 5, 20])
    loaded = Application.objects.select_related("call").prefetch_related(reviews_prefetch()).get(pk=application.pk)

    with CaptureQueriesContext(connection) as queries:
        review_summary(loaded)

    assert len(queries) == 0


# --- ranking -----------------------------------------------------------------------------------


@pytest.fixture
def one_criterion(call):
    """One criterion out of 10: a review's weighted total is its score × 10."""
    return ReviewCriterion.objects.create(call=call, position=1, name="Overall", max_score=10)


def reviewed(call, reviewers, score, max_grant, name, at=None):
    application = under_review(call, max_grant=max_grant, name=name, at=at)
    for reviewer in reviewers:
        scored(application, reviewer, [score])
    return application


def test_the_ranking_orders_by_average_score_and_draws_the_line_where_the_budget_runs_out(
    call, one_criterion, reviewer, second_reviewer
):
    both = [reviewer, second_reviewer]
    fourth = reviewed(call, both, 6, "5000.00", "Fourth")
    second = reviewed(call, both, 8, "20000.00", "Second")
    first = reviewed(call, both, 9, "20000.00", "First")
    third = reviewed(call, both, 7, "15000.00", "Third")
    under_review(call, name="Not reviewed yet")

    rows = ranking(call)

    assert [r.application for r in rows] == [first, second, third, fourth]
    assert [r.summary.average for r in rows] == [D("90.00"), D("80.00"), D("70.00"), D("60.00")]
    assert [r.running_total for r in rows] == [D("20000.00"), D("40000.00"), D("55000.00"), D("60000.00")]
    # 20,000 + 20,000 fit in 50,000; the third's 15,000 crosses the budget: the line is drawn above it.
    # The fourth's 5,000 would still fit alone, but it is after the line: the order of merit is kept.
    assert [r.above_cut_off for r in rows] == [True, True, False, False]
    assert [r.first_below_line for r in rows] == [False, False, True, False]


def test_equal_scores_rank_the_earlier_submission_first(call, one_criterion, reviewer):
    from datetime import timedelta

    from django.utils import timezone

    later = reviewed(call, [reviewer], 8, "1000.00", "Later", at=timezone.now() - timedelta(days=1))
    earlier = reviewed(call, [reviewer], 8, "1000.00", "Earlier", at=timezone.now() - timedelta(days=2))

    assert [r.application for r in ranking(call)] == [earlier, later]


def test_money_already_approved_counts_first(call, one_criterion, reviewer, manager):
    approved = reviewed(call, [reviewer], 5, "30000.00", "Approved earlier")
    # One review of the two the call requires: the manager approved it anyway, with a reason.
    application_approve(
        application=approved, by=manager, amount=D("30000.00"), override_reason="The fair's stand had to be booked."
    )
    best = reviewed(call, [reviewer], 9, "20000.00", "Best")
    next_one = reviewed(call, [reviewer], 8, "5000.00", "Next")

    rows = ranking(call)

    assert [r.application for r in rows] == [best, next_one, approved]
    assert [r.proposed for r in rows] == [D("20000.00"), D("5000.00"), D("30000.00")]
    assert [r.above_cut_off for r in rows] == [True, False, True]
    assert rows[1].first_below_line


def test_the_ranking_takes_a_fixed_number_of_queries(call, one_criterion, reviewer, second_reviewer):
    def count():
        with CaptureQueriesContext(connection) as queries:
            rows = ranking(call)
            for row in rows:
                str(row.application.applicant_name), row.summary.ready, row.proposed
        return len(rows), len(queries)

    for index in range(3):
        reviewed(call, [reviewer, second_reviewer], 5 + index % 5, "1000.00", f"Company {index}")
    three = count()
    for index in range(3, 15):
        reviewed(call, [reviewer, second_reviewer], 5 + index % 5, "1000.00", f"Company {index}")
    fifteen = count()

    # Applications with their applicants, their reviews, the reviews' scores with criteria, the committed money,
    # the programme-year's budget (with what is left of its grants line).
    assert three == (3, 5)
    assert fifteen == (15, 5)


def test_applying_the_ranking_approves_above_the_line_and_reserves_below(
    call, one_criterion, reviewer, second_reviewer, manager
):
    both = [reviewer, second_reviewer]
    first = reviewed(call, both, 9, "20000.00", "First")
    second = reviewed(call, both, 8, "20000.00", "Second")
    third = reviewed(call, both, 7, "15000.00", "Third")
    fourth = reviewed(call, both, 6, "5000.00", "Fourth")
    waiting = reviewed(call, [reviewer], 10, "5000.00", "Waiting for its second review")

    approved, reserved = outcome = ranking_apply(call=call, by=manager)

    assert approved == [first, second]
    assert reserved == [third, fourth]
    assert outcome.refused == []
    statuses = dict(Application.objects.values_list("organisation__legal_name", "status"))
    assert statuses == {
        "First": "approved",
        "Second": "approved",
        "Third": "reserve",
        "Fourth": "reserve",
        "Waiting for its second review": "under_review",
    }
    first.refresh_from_db()
    assert first.granted_amount == D("20000.00")
    assert call_committed(call.pk) == D("40000.00") <= call.budget
    # Applying again changes nothing.
    assert ranking_apply(call=call, by=manager) == ([], [])
    waiting.refresh_from_db()
    assert waiting.status == "under_review"


def test_applying_the_ranking_never_over_commits_the_budget(call, one_criterion, reviewer, manager):
    # Money granted outside the ranking (no review, a manager's reason) is committed first.
    outside = under_review(call, max_grant="25000.00", name="Granted outside the ranking")
    application_approve(application=outside, by=manager, amount=D("25000.00"), override_reason="Urgent: fair deadline.")
    call.reviews_required = 1
    call.save(update_fields=["reviews_required"])
    first = reviewed(call, [reviewer], 9, "20000.00", "First")
    second = reviewed(call, [reviewer], 8, "20000.00", "Second")

    approved, reserved = ranking_apply(call=call, by=manager)

    assert approved == [first] and reserved == [second]
    assert call_committed(call.pk) == D("45000.00") <= call.budget


def test_a_refused_decision_is_reported_and_the_other_rows_go_on(call, one_criterion, reviewer, manager):
    call.reviews_required = 1
    call.save(update_fields=["reviews_required"])
    stale = reviewed(call, [reviewer], 9, "10000.00", "Stale snapshot")
    # The snapshot says 20,000 but the rules now allow only the 10,000 of its budget.
    Application.objects.filter(pk=stale.pk).update(max_grant=D("20000.00"))
    good = reviewed(call, [reviewer], 8, "10000.00", "Good")

    approved, reserved = outcome = ranking_apply(call=call, by=manager)

    assert approved == [good] and reserved == []
    assert [(a, "above the maximum grant" in str(refusal)) for a, refusal in outcome.refused] == [(stale, True)]
    stale.refresh_from_db()
    assert stale.status == "under_review"


# --- admin pages -------------------------------------------------------------------------------


def attach(application, name="Statutes of Conservas del Jerte.pdf"):
    return Attachment.objects.create(
        application=application,
        kind=Attachment.Kind.STATUTES,
        file=ContentFile(b"%PDF-1.4", name="statutes.pdf"),
        original_name=name,
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
    )


def test_before_declaring_the_reviewer_sees_only_the_declaration(client, call, criteria, reviewer):
    application = under_review(call)
    attach(application)
    client.force_login(reviewer)

    html = client.get(review_url(application)).content.decode()

    assert "Declaration of conflict of interest" in html
    assert "Conservas del Jerte SL" not in html
    assert "Stand at Anuga Cologne" not in html
    assert "Statutes of Conservas del Jerte.pdf" not in html


def test_a_reviewer_with_a_conflict_does_not_see_the_applicant(client, call, criteria, reviewer):
    application = under_review(call)
    attach(application)
    client.force_login(reviewer)

    response = client.post(review_url(application), {"has_conflict": "yes", "note": "Former employer"}, follow=True)
    # From then on the application is not shown to them: back to the list, and its review page is "not found".
    html = response.content.decode()
    again = client.get(review_url(application))

    assert response.redirect_chain[-1][0] == reverse("admin:applications_application_changelist")
    assert Review.objects.get(reviewer=reviewer).has_conflict
    assert "You recused yourself: this application is no longer shown to you." in html
    assert again.status_code == 302 and again["Location"] == reverse("admin:index")
    assert "Conservas del Jerte SL" not in html
    assert "Stand at Anuga Cologne" not in html
    assert "Statutes of Conservas del Jerte.pdf" not in html
    assert 'name="score_' not in html


def test_a_reviewer_declares_no_conflict_sees_the_application_and_scores_it(client, call, criteria, reviewer):
    application = under_review(call)
    attach(application)
    client.force_login(reviewer)

    client.post(review_url(application), {"has_conflict": "no"})
    html = client.get(review_url(application)).content.decode()
    assert "Conservas del Jerte SL" in html
    assert "Stand at Anuga Cologne" in html
    assert "Statutes of Conservas del Jerte.pdf" in html
    assert f'name="score_{criteria[0].pk}"' in html

    response = client.post(
        review_url(application),
        {
            f"score_{criteria[0].pk}": "8",
            f"comment_{criteria[0].pk}": "Clear plan",
            f"score_{criteria[1].pk}": "3",
            f"score_{criteria[2].pk}": "10",
            "comment": "Fundable",
        },
    )

    assert response.status_code == 302
    review = Review.objects.get(reviewer=reviewer)
    assert review.completed_at is not None
    assert review.scores.get(criterion=criteria[0]).comment == "Clear plan"
    assert "65.56" in client.get(review_url(application)).content.decode()


def test_a_score_above_the_maximum_is_refused_next_to_the_field(client, call, criteria, reviewer):
    application = under_review(call)
    review_declare(application=application, reviewer=reviewer, has_conflict=False)
    client.force_login(reviewer)

    response = client.post(
        review_url(application),
        {
            f"score_{criteria[0].pk}": "11",
            f"score_{criteria[1].pk}": "3",
            f"score_{criteria[2].pk}": "10",
            "comment": "Kept",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 10." in html
    assert "Kept</textarea>" in html
    assert not Score.objects.exists()


def test_another_agencys_staff_are_sent_back_to_the_admin_index(client, call, criteria, other_manager):
    application = under_review(call)
    client.force_login(other_manager)

    for url in (review_url(application), ranking_url(call)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("admin:index"), url

    response = client.post(review_url(application), {"has_conflict": "no"})
    assert response.status_code == 302 and not Review.objects.exists()
    response = client.post(ranking_url(call))
    assert response.status_code == 302


def test_the_ranking_page_shows_the_line_the_money_and_applies_the_ranking(
    client, call, one_criterion, reviewer, second_reviewer, manager
):
    both = [reviewer, second_reviewer]
    reviewed(call, both, 9, "20000.00", "First")
    reviewed(call, both, 8, "20000.00", "Second")
    reviewed(call, both, 7, "15000.00", "Third")
    client.force_login(manager)

    html = client.get(ranking_url(call)).content.decode()

    assert "50,000.00\xa0€" in html
    assert html.index("Second") < html.index('id="cut-off"') < html.index("Third")
    assert "Apply the ranking" in html

    response = client.post(ranking_url(call), follow=True)

    html = response.content.decode()
    assert "approved: 20,000.00\xa0€" in html
    assert "put on the reserve list" in html
    assert 'id="committed">40,000.00\xa0€' in html
    assert 'id="remaining">10,000.00\xa0€' in html


def test_staff_see_the_ranking_but_cannot_apply_it(client, call, one_criterion, reviewer):
    reviewed(call, [reviewer], 9, "20000.00", "First")
    client.force_login(reviewer)

    assert "Apply the ranking" not in client.get(ranking_url(call)).content.decode()
    assert client.post(ranking_url(call)).status_code == 403
    assert not Application.objects.filter(status="approved").exists()


def test_the_ranking_page_proposes_the_next_reserve_when_money_is_free(client, call, one_criterion, reviewer, manager):
    call.reviews_required = 1
    call.save(update_fields=["reviews_required"])
    reviewed(call, [reviewer], 9, "40000.00", "First")
    reviewed(call, [reviewer], 8, "20000.00", "On the reserve")
    ranking_apply(call=call, by=manager)
    client.force_login(manager)

    html = client.get(ranking_url(call)).content.decode()

    assert 'id="next-reserve"' not in html  # 10,000 free: the reserve's 20,000 does not fit
    call.budget = D("60000.00")
    call.save(update_fields=["budget"])
    html = client.get(ranking_url(call)).content.decode()
    assert 'id="next-reserve"' in html


def test_the_ranking_page_takes_a_fixed_number_of_queries(client, call, one_criterion, reviewer, manager):
    client.force_login(manager)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(ranking_url(call)).status_code == 200
        return len(queries)

    for index in range(3):
        reviewed(call, [reviewer], 5 + index % 5, "1000.00", f"Company {index}")
    three = count()
    for index in range(3, 15):
        reviewed(call, [reviewer], 5 + index % 5, "1000.00", f"Company {index}")

    assert count() == three


def test_the_call_page_shows_the_money_and_links_to_the_ranking(client, call, manager):
    client.force_login(manager)

    html = client.get(reverse("admin:programmes_call_change", args=[call.pk])).content.decode()

    assert ranking_url(call) in html
    assert "Committed (approved grants)" in html
    assert "50,000.00\xa0€" in html


def test_the_reviews_inline_shows_each_reviews_weighted_total(call, criteria, reviewer, second_reviewer):
    application = under_review(call)
    scored(application, reviewer, [8, 3, 10])
    review_declare(application=application, reviewer=second_reviewer, has_conflict=True)
    inline = ReviewInline(Application, admin.site)

    totals = {r.reviewer: inline.weighted_total(r) for r in Review.objects.filter(application=application)}

    assert totals == {reviewer: "65.56", second_reviewer: "—"}


@pytest.fixture
def asked(call):
    """The call's own questions: a choice among activities, a number, a long text."""
    activity = QuestionFactory(call=call, code="activity", kind="single_choice", label_en="Activity", position=1)
    QuestionChoiceFactory(question=activity, code="fair", label_en="Trade fair", label_es="Feria", position=1)
    QuestionChoiceFactory(question=activity, code="mission", label_en="Trade mission", position=2)
    smes = QuestionFactory(
        call=call, code="smes", kind="number", label_en="SMEs in the group", label_es="Pymes", position=2
    )
    plan = QuestionFactory(call=call, code="plan", kind="long_text", label_en="Plan", position=3)
    return activity, smes, plan


def test_the_ranking_shows_the_answers_in_the_readers_language_but_not_to_a_reviewer_in_conflict(
    client, call, one_criterion, asked, reviewer, second_reviewer, manager
):
    activity, smes, plan = asked
    first = reviewed(call, [second_reviewer], 9, "20000.00", "First")
    Answer.objects.create(application=first, question=activity, codes=["fair"])
    Answer.objects.create(application=first, question=smes, number=D("12"))
    Answer.objects.create(application=first, question=plan, text="Stands in Lyon and Milan. " * 10)
    second = reviewed(call, [second_reviewer], 7, "5000.00", "Second")
    Answer.objects.create(application=second, question=activity, codes=["mission"])
    review_declare(application=second, reviewer=reviewer, has_conflict=True, note="My cousin")

    client.force_login(manager)
    with translation.override("es"):
        html = client.get(ranking_url(call)).content.decode()
    table = html[html.index('<table class="ranking">') :]
    header = table[: table.index("</thead>")]
    assert header.index(">Activity<") < header.index(">Pymes<") < header.index(">Plan<")
    first_row = html[html.index(f'data-application="{first.pk}"') :].split("</tr>")[0]
    assert ">Feria<" in first_row and ">12<" in first_row
    assert "Stands in Lyon and Milan. Stands" in first_row and "…" in first_row  # a long text is cut, whole on hover
    second_row = html[html.index(f'data-application="{second.pk}"') :].split("</tr>")[0]
    assert ">Trade mission<" in second_row  # no Spanish label: the agency's language, then English

    # The reviewer in conflict sees the second row's place and money, not its answers.
    client.force_login(reviewer)
    html = client.get(ranking_url(call)).content.decode()
    assert "Trade mission" not in html and f'data-application="{second.pk}"' not in html
    assert ">Trade fair<" in html


def test_the_ranking_list_report_has_a_column_per_question(call, agency, one_criterion, asked, reviewer):
    from applications.tests.test_reports import built

    activity, smes, _plan = asked
    first = reviewed(call, [reviewer], 9, "20000.00", "First")
    Answer.objects.create(application=first, question=activity, codes=["fair"])
    Answer.objects.create(application=first, question=smes, number=D("12"))

    report = built("ranking_list", "xlsx", {"call_id": call.pk}, agency)

    with report.file.open("rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    rows = list(sheet.values)
    assert rows[0][10:] == ("Activity (activity)", "SMEs in the group (smes)", "Plan (plan)")
    assert rows[1][1] == first.reference and rows[1][10:12] == ("Trade fair", 12)
