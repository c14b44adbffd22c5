"""Reads for the applicant side: what a user may see, fetched once, 404 for anything else."""

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from .models import Consortium, Invitation, Membership, Organisation, Representation

ACTIVE = Representation.Status.ACTIVE


def organisations_of(user):
    """The organisations the user represents."""
    return Organisation.objects.filter(representations__user=user, representations__status=ACTIVE).distinct()


def organisation_for(user, pk) -> Organisation:
    """One of the user's organisations, with its representatives and links; 404 for anyone else's."""
    queryset = organisations_of(user).prefetch_related(
        Prefetch("representations", queryset=Representation.objects.select_related("user").order_by("created_at")),
        "holdings__owned",
        "holders__owner",
        Prefetch("memberships", queryset=Membership.objects.select_related("consortium")),
    )
    return get_object_or_404(queryset, pk=pk)


def consortia_of(user):
    """Consortia the user's organisations lead or belong to (invited or active)."""
    represented = organisations_of(user).values("pk")
    return (
        Consortium.objects.filter(
            Q(lead__in=represented)
            | Q(memberships__organisation__in=represented, memberships__status__in=["invited", "active"])
        )
        .distinct()
        .select_related("lead")
    )


def consortium_for(user, pk) -> Consortium:
    """A consortium of the user's, with its memberships; 404 for anyone else's."""
    queryset = consortia_of(user).prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("organisation")
            .prefetch_related("organisation__holdings__owned", "organisation__holders__owner")
            .order_by("organisation__legal_name"),
        )
    )
    return get_object_or_404(queryset, pk=pk)


def membership_for_representative(user, pk) -> Membership:
    """A membership of one of the user's organisations (to answer an invitation or leave)."""
    return get_object_or_404(
        Membership.objects.select_related("consortium", "organisation"), pk=pk, organisation__in=organisations_of(user)
    )


def pending_invitations(user):
    return Membership.objects.filter(
        status=Membership.Status.INVITED, organisation__in=organisations_of(user)
    ).select_related("consortium", "organisation")


def pending_requests(user):
    """Requests of other people to act for the user's organisations."""
    return Representation.objects.filter(
        status=Representation.Status.REQUESTED, organisation__in=organisations_of(user)
    ).select_related("user", "organisation")


def representation_request_for(user, pk) -> Representation:
    return get_object_or_404(pending_requests(user), pk=pk)


def invitation_by_token(token) -> Invitation:
    return get_object_or_404(Invitation.objects.select_related("consortium"), token=token, used_at__isnull=True)
