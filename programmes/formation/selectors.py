"""Reads for the formation of export consortia (seed 002), each with its related rows fetched once."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404

from consortia.selectors import organisations_of
from portal.money import to_cents
from programmes.models import Formation, FormationAttendance, FormationCandidate, FormationMeeting

OPEN_FORMATION = [Formation.Status.IDENTIFYING, Formation.Status.MEETING, Formation.Status.DECIDING]


def formation_invitations_of(user):
    """Invitations to decide on joining a consortium being formed, waiting for one of the user's organisations."""
    return (
        FormationCandidate.objects.filter(
            status=FormationCandidate.Status.INVITED,
            organisation__in=organisations_of(user),
            formation__status__in=OPEN_FORMATION,
        )
        .select_related("formation__agency", "organisation")
        .order_by("invited_at", "pk")
    )


def formation_candidacy_for(user, pk) -> FormationCandidate:
    """A candidacy of one of the user's organisations, once invited, with the formation's meetings; 404 otherwise."""
    queryset = (
        FormationCandidate.objects.filter(organisation__in=organisations_of(user))
        .exclude(status=FormationCandidate.Status.IDENTIFIED)
        .select_related("formation__agency", "formation__programme", "formation__consortium", "organisation")
        .annotate(
            joined_count=Count(
                "formation__candidates",
                filter=Q(formation__candidates__status=FormationCandidate.Status.JOINED),
                distinct=True,
            )
        )
        .prefetch_related(
            Prefetch("formation__meetings", queryset=FormationMeeting.objects.order_by("held_on", "pk")),
            Prefetch("attendances", queryset=FormationAttendance.objects.filter(attended=True)),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def seed_funding_committed(programme_id: int) -> Decimal:
    """Seed funding committed on a programme: that of its formations which established a consortium."""
    total = Formation.objects.filter(programme_id=programme_id, status=Formation.Status.ESTABLISHED).aggregate(
        total=Sum("seed_funding")
    )["total"]
    return to_cents(total or 0)


@dataclass(frozen=True)
class SeedFunding:
    """The seed funding of a programme's formations against its budget (None when no budget is set)."""

    budget: Decimal | None
    committed: Decimal
    planned: Decimal
    remaining: Decimal | None

    @property
    def over_planned(self) -> bool:
        """Whether the formations under way would not all fit in what is left."""
        return self.remaining is not None and self.planned > self.remaining


def formation_seed_funding(*, programme) -> SeedFunding:
    """Committed (established formations) and planned (formations under way) seed funding vs. the budget."""
    totals = Formation.objects.filter(programme=programme).aggregate(
        committed=Sum("seed_funding", filter=Q(status=Formation.Status.ESTABLISHED)),
        planned=Sum("seed_funding", filter=Q(status__in=OPEN_FORMATION)),
    )
    committed = to_cents(totals["committed"] or 0)
    budget = programme.annual_budget
    return SeedFunding(
        budget=budget,
        committed=committed,
        planned=to_cents(totals["planned"] or 0),
        remaining=None if budget is None else to_cents(budget - committed),
    )
