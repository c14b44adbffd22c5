"""Where an application's reviews stand, and the gate they set on its approval.

`review_summary` says whether an application is ready for a decision: the call's number of
completed reviews (a reviewer who declared a conflict of interest never completes one, and
is never counted) and no criterion whose average is below its minimum. `review_gate` is the
check `applications.decisions.application_approve` makes before approving: an application
that is not ready is refused with what its reviews lack, unless a programme manager (or a
superuser) of the call's agency approves against the reviews with a written reason, which
is kept with the decision and in its history. `conflicted_applications` names the
applications a user declared a conflict on: the admin shows them nothing of those
(`portal.scoping.withhold`, registered in `ApplicationsConfig.ready`).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.refusals import Refused
from portal.roles import is_programme_manager
from programmes.models import ReviewCriterion

from .models import Review, Score

HUNDRED = Decimal(100)
POINT = Decimal("0.01")
# The form field (and the service's argument) that carries a manager's reason to decide against the reviews.
OVERRIDE_FIELD = "override_reason"


class ReviewsMissing(Refused):
    """The application cannot be approved on its reviews (and no manager's reason overrides them)."""


def _points(value: Decimal) -> Decimal:
    return value.quantize(POINT, rounding=ROUND_HALF_UP)


def review_weighted_total(review) -> Decimal | None:
    """A review's weighted total on a 0–100 scale: sum(score / max × weight) / sum(weight) × 100.

    Counted over the criteria the review scored; None when it scored none.
    Reads `review.scores.all()` and each score's criterion (prefetch them for lists).
    """
    scores = list(review.scores.all())
    weights = sum((s.criterion.weight for s in scores), Decimal(0))
    if not scores or not weights:
        return None
    points = sum((Decimal(s.score) * s.criterion.weight / s.criterion.max_score for s in scores), Decimal(0))
    return _points(points / weights * HUNDRED)


@dataclass
class ReviewSummary:
    """Where an application's reviews stand."""

    completed: int
    required: int
    # The weighted total (0–100) of each completed review, in the order of the reviews.
    totals: list[Decimal] = field(default_factory=list)
    average: Decimal | None = None
    diverges: bool = False
    # The criteria whose average score is below their minimum threshold.
    below_threshold: list[ReviewCriterion] = field(default_factory=list)
    ready: bool = False
    recused: int = 0
    # The average score of each criterion scored in the completed reviews, by criterion pk.
    averages: dict[int, Decimal] = field(default_factory=dict)


def review_summary(application, reviews=None) -> ReviewSummary:
    """Summarise an application's reviews from `application.reviews` (or `reviews`) and their scores.

    Only completed reviews count (a recused reviewer never completes one). The
    application is ready for a decision when it has the call's required number
    of completed reviews and no criterion's average score is below its threshold.
    Issues no query when `call` is selected and `reviews__scores__criterion` prefetched.
    """
    call = application.call
    reviews = list(application.reviews.all()) if reviews is None else reviews
    completed = [r for r in reviews if r.completed_at is not None and not r.has_conflict]
    totals = [t for t in (review_weighted_total(r) for r in completed) if t is not None]
    average = _points(sum(totals, Decimal(0)) / len(totals)) if totals else None
    diverges = bool(totals) and max(totals) - min(totals) > call.divergence_threshold

    by_criterion: dict[int, tuple[ReviewCriterion, list[int]]] = {}
    for review in completed:
        for score in review.scores.all():
            by_criterion.setdefault(score.criterion_id, (score.criterion, []))[1].append(score.score)
    averages = {pk: Decimal(sum(values)) / len(values) for pk, (_criterion, values) in by_criterion.items()}
    below = [criterion for criterion, _values in by_criterion.values() if averages[criterion.pk] < criterion.min_score]
    below.sort(key=lambda c: (c.position, c.pk))
    return ReviewSummary(
        completed=len(completed),
        required=call.reviews_required,
        totals=totals,
        average=average,
        diverges=diverges,
        below_threshold=below,
        ready=len(completed) >= call.reviews_required and not below,
        recused=sum(1 for r in reviews if r.has_conflict),
        averages=averages,
    )


def reviews_prefetch() -> Prefetch:
    """The prefetch `review_summary` reads: each review's scores with their criteria."""
    return Prefetch(
        "reviews",
        queryset=Review.objects.order_by("declared_at", "pk").prefetch_related(
            Prefetch("scores", queryset=Score.objects.select_related("criterion"))
        ),
    )


def review_problems(summary: ReviewSummary) -> list[str]:
    """What an application's reviews lack before a decision, one sentence each; empty when ready."""
    problems = []
    if summary.completed < summary.required:
        needed = ngettext(
            "%(required)s completed review is needed", "%(required)s completed reviews are needed", summary.required
        ) % {"required": summary.required}
        done = ngettext("%(done)s is done", "%(done)s are done", summary.completed) % {"done": summary.completed}
        problems.append(_("%(needed)s, %(done)s.") % {"needed": needed, "done": done})
    for criterion in summary.below_threshold:
        problems.append(
            _("Criterion “%(name)s” averages %(average)s, below its minimum of %(minimum)s.")
            % {
                "name": criterion.name,
                "average": number_format(summary.averages[criterion.pk], decimal_pos=1),
                "minimum": criterion.min_score,
            }
        )
    return problems


def conflict_check(*, application, by) -> None:
    """Refuse a decision by someone who declared a conflict of interest on the application."""
    if (
        by is not None
        and by.pk
        and Review.objects.filter(application_id=application.pk, reviewer_id=by.pk, has_conflict=True).exists()
    ):
        raise ReviewsMissing(
            _("You declared a conflict of interest on this application: another member of the agency must decide it."),
            code="conflicted_decider",
        )


def review_gate(*, application, by, override_reason: str = "") -> tuple[str, str]:
    """Check that the application may be approved on its reviews: (the override reason that holds, what is lacking).

    Ready on its reviews: ("", "") (a reason given anyway is not needed, and not kept). Not ready:
    refused with what the reviews lack, unless `by` is a programme manager of the call's agency
    (or a superuser) and gives a reason, which is returned to be kept with the decision. A blank
    reason, or a reason from someone else, is refused on the reason's field.
    Reads the application's reviews (two queries; the application's call is expected selected).
    """
    conflict_check(application=application, by=by)
    reason = (override_reason or "").strip()
    summary = review_summary(application, reviews=_reviews_of(application))
    problems = review_problems(summary)
    if not problems:
        return "", ""
    lacking = " ".join(problems)
    if not may_override(by, application):
        if reason:
            raise ReviewsMissing(
                _("Only a programme manager of the agency can approve against the reviews: %(problems)s")
                % {"problems": lacking},
                field=OVERRIDE_FIELD,
                code="override_not_allowed",
            )
        raise ReviewsMissing(
            _("The reviews do not allow this approval yet: %(problems)s") % {"problems": lacking},
            field=OVERRIDE_FIELD,
            code="reviews_missing",
        )
    if not reason:
        # A manager: the same refusal, and how to approve anyway.
        raise ReviewsMissing(
            _("The reviews do not allow this approval yet: %(problems)s Write the reason to approve against them.")
            % {"problems": lacking},
            field=OVERRIDE_FIELD,
            code="override_blank",
        )
    return reason, lacking


def may_override(user, application) -> bool:
    """A programme manager of the call's agency, or a superuser, may approve against the reviews."""
    if user is None or not getattr(user, "is_staff", False):
        return False
    if user.is_superuser:
        return True
    return user.agency_id == application.call.programme.agency_id and is_programme_manager(user)


def override_note(note: str, override_reason: str, lacking: str = "") -> str:
    """The approval's history note: the decision's note, then that it went against the reviews, and why."""
    if not override_reason:
        return note
    said = _("Approved against the reviews (%(lacking)s) by a programme manager. Reason: %(reason)s") % {
        "lacking": lacking.rstrip("."),
        "reason": override_reason,
    }
    return f"{note}\n{said}" if note else said


def _reviews_of(application) -> list[Review]:
    return list(
        Review.objects.filter(application_id=application.pk)
        .order_by("declared_at", "pk")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
    )


def conflicted_applications(user) -> QuerySet:
    """The ids of the applications `user` declared a conflict of interest on (what the admin withholds)."""
    return Review.objects.filter(reviewer_id=user.pk, has_conflict=True).values("application_id")
