"""Reads for the formation of export consortia (seed 002), each with its related rows fetched once."""

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from consortia.selectors import organisations_of
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


def formations_under_way(call_id: int):
    """Formations still under way that will draw their seed funding from a call (planned, not yet granted).

    What is granted is read from the call's applications, one level up (applications.formation_grants)."""
    return Formation.objects.filter(call_id=call_id, status__in=OPEN_FORMATION)
