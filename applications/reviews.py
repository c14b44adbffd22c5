"""Staff review of applications: conflict-of-interest declarations, scores, summaries and the ranking per call.

A reviewer first declares, for each application, that they have no conflict of
interest (or recuses); only then can they score it, criterion by criterion, on
the call's review criteria. The summary of an application's reviews says
whether it is ready for a decision; the ranking of a call orders its reviewed
applications by average weighted score and draws the cut-off line where the
call's budget runs out. `ranking_apply` turns the ranking into decisions
through `applications.decisions`, which keeps the budget lock.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.refusals import Refused
from programmes.models import Call, ReviewCriterion

from .budgets import programme_year_grants
from .decisions import application_approve, application_reserve, call_committed
from .models import Application, Review, Score, Status
from .review_summary import ReviewSummary, review_summary, review_weighted_total, reviews_prefetch

__all__ = [
    "REVIEWABLE",
    "RankingApplied",
    "RankingRow",
    "ReviewRefused",
    "ReviewSummary",
    "ranking",
    "ranking_apply",
    "review_declare",
    "review_score",
    "review_summary",
    "review_weighted_total",
    "reviews_prefetch",
]

# Applications whose reviews can still be declared and scored.
REVIEWABLE = (Status.UNDER_REVIEW, Status.CLARIFICATION_REQUESTED, Status.RESERVE)
# Applications that take part in the ranking of their call.
RANKED = (Status.UNDER_REVIEW, Status.RESERVE, Status.APPROVED)


class ReviewRefused(Refused):
    """The declaration or the scores cannot be recorded; the message says why."""


def _check_reviewable(application, reviewer) -> None:
    if not reviewer.is_superuser and getattr(reviewer, "agency_id", None) != application.call.programme.agency_id:
        raise ReviewRefused(_("You can review only the applications of your agency's calls."))
    if application.status not in REVIEWABLE:
        raise ReviewRefused(
            _("An application that is “%(status)s” cannot be reviewed.") % {"status": application.get_status_display()}
        )


def _locked(application_pk) -> Application:
    """The application under its row lock, as a decision takes it (the call's, then the application's):
    a decision under way is waited for, and the status is then read as it left it. A declaration or
    scores recorded after an approval read the reviews would change what the approval rested on."""
    return Application.objects.select_for_update(of=("self",)).select_related("call__programme").get(pk=application_pk)


@transaction.atomic
def review_declare(*, application, reviewer, has_conflict: bool, note: str = "") -> Review:
    """Record the reviewer's conflict-of-interest declaration on an application (one review per reviewer).

    Declaring no conflict opens the application to the reviewer for scoring.
    Declaring a conflict recuses the reviewer for good: the declaration cannot
    be turned back into "no conflict". A reviewer who finds a conflict after
    scoring may still recuse; their scores are then removed so they never count.
    """
    application = _locked(application.pk)
    _check_reviewable(application, reviewer)
    note = note.strip()
    review = Review.objects.select_for_update().filter(application=application, reviewer=reviewer).first()
    if review is None:
        return Review.objects.create(
            application=application, reviewer=reviewer, has_conflict=has_conflict, conflict_note=note
        )
    if review.has_conflict and not has_conflict:
        raise ReviewRefused(
            _("You declared a conflict of interest on this application: the declaration cannot be withdrawn.")
        )
    if has_conflict and not review.has_conflict:
        review.scores.all().delete()
        review.has_conflict = True
        review.conflict_note = note
        review.completed_at = None
        review.save(update_fields=["has_conflict", "conflict_note", "completed_at"])
    return review


@transaction.atomic
def review_score(*, review, scores: dict[int, tuple[int, str]], comment: str = "") -> Review:
    """Record a reviewer's scores: criterion pk -> (score, comment), every criterion of the call at once.

    Scores already given are updated. The review is complete when this returns.
    """
    application = _locked(Review.objects.values("application_id").get(pk=review.pk)["application_id"])
    review = Review.objects.select_for_update(of=("self",)).select_related("reviewer").get(pk=review.pk)
    review.application = application
    if review.has_conflict:
        raise ReviewRefused(_("You declared a conflict of interest on this application: you cannot score it."))
    _check_reviewable(application, review.reviewer)
    criteria = {c.pk: c for c in ReviewCriterion.objects.filter(call_id=review.application.call_id)}
    if not criteria:
        raise ReviewRefused(_("This call has no review criteria yet: a programme manager must add them first."))
    foreign = [pk for pk in scores if pk not in criteria]
    if foreign:
        raise ReviewRefused(_("Some of the scores are for criteria of another call."))
    missing = [c.name for pk, c in sorted(criteria.items(), key=lambda i: (i[1].position, i[0])) if pk not in scores]
    if missing:
        raise ReviewRefused(_("Score every criterion; missing: %(names)s.") % {"names": ", ".join(missing)})
    for pk, (score, _comment) in scores.items():
        criterion = criteria[pk]
        if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= criterion.max_score:
            raise ReviewRefused(
                _("The score of “%(name)s” must be a whole number from 0 to %(max)s.")
                % {"name": criterion.name, "max": criterion.max_score}
            )
    existing = {s.criterion_id: s for s in review.scores.all()}
    for pk, (score, text) in scores.items():
        row = existing.get(pk)
        if row is None:
            Score.objects.create(review=review, criterion_id=pk, score=score, comment=(text or "").strip())
        elif (row.score, row.comment) != (score, (text or "").strip()):
            row.score, row.comment = score, (text or "").strip()
            row.save(update_fields=["score", "comment"])
    review.comment = comment.strip()
    review.completed_at = timezone.now()
    review.save(update_fields=["comment", "completed_at"])
    return review


@dataclass
class RankingRow:
    """One application in the ranking of its call."""

    rank: int
    application: Application
    summary: ReviewSummary
    # What the application would get: the granted amount once approved, else the maximum grant.
    proposed: Decimal | None
    # Money committed on the call once this row (and every fundable row above it) is funded.
    running_total: Decimal
    # Funded or fundable within the call's budget.
    above_cut_off: bool
    # The cut-off line is drawn just above this row (the first one the budget cannot pay).
    first_below_line: bool = False
    # The viewer declared a conflict of interest on this application: its place and money are shown, nothing else.
    withheld: bool = False

    @property
    def approved(self) -> bool:
        return self.application.status == Status.APPROVED


def ranking(call) -> list[RankingRow]:
    """The call's reviewed applications, best average weighted score first, and the cut-off line.

    Applications under review, on the reserve list or approved, with at least one
    completed review, are ordered by average weighted score (highest first; ties
    by earliest submission). Money already committed on the call (approved and
    closed applications) counts first. Then, going down the list, each
    application's proposed amount is added; the cut-off line is drawn where the
    cumulative amount first exceeds the budget, and every row after the line is
    below it, even if its amount alone would still fit: the order of merit is
    never skipped. Rows that cannot be funded (a criterion below its threshold,
    no maximum grant) are below the cut-off and take no money. When the call
    draws from a programme-year budget, the line is also drawn where what is
    left of its grants line runs out (other calls of the year count first).

    Four queries whatever the number of applications, and one to three more for
    the programme-year's budget.
    """
    completed = Review.objects.filter(application=OuterRef("pk"), completed_at__isnull=False, has_conflict=False)
    applications = list(
        Application.objects.filter(call=call, status__in=RANKED)
        .filter(Exists(completed))
        .select_related("call", "consortium", "organisation")
        .prefetch_related(reviews_prefetch())
    )
    scored = [(application, review_summary(application)) for application in applications]
    scored.sort(
        key=lambda item: (
            -(item[1].average if item[1].average is not None else Decimal(-1)),
            item[0].submitted_at,
            item[0].pk,
        )
    )

    running = call_committed(call.pk)
    # The programme-year's grants line, when the call draws from one, is a second limit.
    envelope = programme_year_grants(call)
    envelope_left = envelope.remaining if envelope is not None else None
    crossed = False
    rows = []
    for rank, (application, summary) in enumerate(scored, start=1):
        first_below = False
        if application.status == Status.APPROVED:
            # Already inside the committed money counted first.
            proposed, above = application.granted_amount, True
        else:
            proposed = application.max_grant
            if proposed is None or summary.below_threshold:
                above = False
            elif (
                not crossed
                and running + proposed <= call.budget
                and (envelope_left is None or proposed <= envelope_left)
            ):
                running += proposed
                if envelope_left is not None:
                    envelope_left -= proposed
                above = True
            else:
                first_below = not crossed
                crossed = True
                running += proposed
                above = False
        rows.append(
            RankingRow(
                rank=rank,
                application=application,
                summary=summary,
                proposed=proposed,
                running_total=running,
                above_cut_off=above,
                first_below_line=first_below,
            )
        )
    return rows


class RankingApplied(tuple):
    """(approved, reserved) applications; `.refused` lists (application, refusal) of the decisions refused."""

    def __new__(cls, approved, reserved, refused):
        applied = super().__new__(cls, (approved, reserved))
        applied.refused = refused
        return applied


def ranking_apply(*, call, by) -> tuple[list, list]:
    """Turn the ranking into decisions: approve what fits above the cut-off, reserve what is below.

    Only rows that are ready (enough completed reviews, every criterion above
    its threshold) are decided; the others are left as they are. Each approval
    goes through `application_approve`, which locks the call's row and refuses
    anything above what is left of the budget, so the ranking can never
    over-commit the call. A refused decision is reported in `.refused` and the
    other rows go on. The call's row is locked for the whole run, so two staff
    members applying the ranking at once act one after the other.
    """
    approved, reserved, refused = [], [], []
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        for row in ranking(call):
            application = row.application
            if not row.summary.ready or row.approved:
                continue
            try:
                if row.above_cut_off:
                    approved.append(application_approve(application=application, by=by, amount=row.proposed))
                elif application.status == Status.UNDER_REVIEW:
                    reserved.append(application_reserve(application=application, by=by))
            except Refused as refusal:
                refused.append((application, refusal))
    return RankingApplied(approved, reserved, refused)
