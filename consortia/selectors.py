"""Reads for the applicant side: what a user may see, fetched once, 404 for anything else."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404

from portal.models import User
from portal.money import to_cents

from .models import (
    Consortium,
    ConsortiumBid,
    ConsortiumManager,
    FeePayment,
    Invitation,
    Membership,
    MembershipFee,
    Organisation,
    Representation,
)

ACTIVE = Representation.Status.ACTIVE


# --- who acts for an organisation -------------------------------------------------------------
# One rule, read by every door (pages, services, notifications, reminders): a person acts for an
# organisation through an active representation, and only while their account is active. A
# deactivated user is neither told nor allowed anything on the organisation's behalf.


def acting_representations():
    """The representations through which someone acts for an organisation now."""
    return Representation.objects.filter(status=ACTIVE, user__is_active=True)


def people_acting_for(organisation):
    """The users who act for an organisation (an Organisation or its pk), in the order they joined the portal."""
    acting = acting_representations().filter(organisation=organisation).values("user_id")
    return User.objects.filter(pk__in=acting).order_by("pk")


def people_acting_for_each(organisation_ids) -> dict[int, list[User]]:
    """The users who act for each of these organisations, by organisation pk. One query."""
    people: dict[int, list[User]] = {}
    representations = (
        acting_representations()
        .filter(organisation_id__in=organisation_ids)
        .select_related("user")
        .order_by("organisation_id", "user_id")
    )
    for representation in representations:
        people.setdefault(representation.organisation_id, []).append(representation.user)
    return people


def acts_for(user, organisation) -> bool:
    """Whether the user acts for the organisation (an Organisation or its pk)."""
    return acting_representations().filter(user=user, organisation=organisation).exists()


def organisation_ids_of(user):
    """The pks of the organisations the user acts for, as a subquery (read through the representations' user index)."""
    return acting_representations().filter(user=user).order_by().values("organisation_id")


def organisations_of(user):
    """The organisations the user acts for (none for a deactivated user)."""
    return Organisation.objects.filter(pk__in=organisation_ids_of(user))


def organisation_for(user, pk) -> Organisation:
    """One of the user's organisations, with its representatives (`acting`: those who act for it now)
    and links; 404 for anyone else's."""
    queryset = organisations_of(user).prefetch_related(
        Prefetch("representations", queryset=Representation.objects.select_related("user").order_by("created_at")),
        Prefetch(
            "representations",
            queryset=acting_representations().select_related("user").order_by("created_at"),
            to_attr="acting",
        ),
        "holdings__owned",
        "holders__owner",
        Prefetch("memberships", queryset=Membership.objects.select_related("consortium")),
    )
    return get_object_or_404(queryset, pk=pk)


def consortium_ids_of(user, *, statuses=(Membership.Status.INVITED, Membership.Status.ACTIVE)):
    """The pks of the consortia one of the user's organisations leads, or is a member of with one of
    these statuses, as a subquery.

    A union of two reads, each through an index (consortia by lead, memberships by organisation):
    one condition across both relations (lead OR membership) makes PostgreSQL read every
    membership, however few the user has.
    """
    represented = organisation_ids_of(user)
    led = Consortium.objects.filter(lead__in=represented).order_by().values("pk")
    member_of = (
        Membership.objects.filter(organisation__in=represented, status__in=list(statuses))
        .order_by()
        .values("consortium_id")
    )
    return led.union(member_of)


def consortia_of(user):
    """Consortia the user's organisations lead or belong to (invited or active)."""
    return Consortium.objects.filter(pk__in=consortium_ids_of(user)).select_related("lead")


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


# --- What follows a consortium's formation (seed 002): contracts won, fees --------------------------


@dataclass(frozen=True)
class ContractsWon:
    """International orders and contracts won by consortia: how many and their total value (EUR)."""

    count: int
    total_value: Decimal


def consortia_of_agency(agency_id):
    """Consortia an agency follows: formed by one of its formations, or applicants to one of its calls."""
    return Consortium.objects.filter(
        Q(formation__agency_id=agency_id) | Q(applications__call__programme__agency_id=agency_id)
    ).values("pk")


def consortium_contracts_won(*, agency_id=None, year=None) -> ContractsWon:
    """Count and total value of the bids consortia won, for one agency's consortia and one year (of the
    client's decision) when given. One query."""
    bids = ConsortiumBid.objects.filter(status=ConsortiumBid.Status.WON)
    if agency_id is not None:
        bids = bids.filter(consortium__in=consortia_of_agency(agency_id))
    if year is not None:
        bids = bids.filter(decided_on__year=year)
    totals = bids.aggregate(count=Count("pk"), total=Sum("value"))
    return ContractsWon(count=totals["count"], total_value=to_cents(totals["total"] or 0))


@dataclass(frozen=True)
class FeeLine:
    """One fee a member owes: what it paid of it and what is left."""

    fee: MembershipFee
    paid: Decimal
    paid_on: date | None

    @property
    def outstanding(self) -> Decimal:
        return to_cents(self.fee.amount - self.paid)


@dataclass(frozen=True)
class MemberFees:
    organisation: Organisation
    lines: list[FeeLine]

    @property
    def owed(self) -> Decimal:
        return to_cents(sum((line.fee.amount for line in self.lines), Decimal("0")))

    @property
    def paid(self) -> Decimal:
        return to_cents(sum((line.paid for line in self.lines), Decimal("0")))

    @property
    def outstanding(self) -> Decimal:
        return to_cents(self.owed - self.paid)


def consortium_fees_outstanding(*, consortium, organisation_ids=None) -> list[MemberFees]:
    """Per member (or only the given organisations): the fees it owes, paid and outstanding.

    A member owes the fees falling due while it is a member. Two queries (fees and
    payments), plus one for the memberships unless `memberships__organisation` is prefetched.
    """
    fees = list(consortium.fees.order_by("due_on", "pk"))
    payments = FeePayment.objects.filter(fee__consortium=consortium)
    if organisation_ids is not None:
        payments = payments.filter(organisation_id__in=organisation_ids)
    paid = {(payment.fee_id, payment.organisation_id): payment for payment in payments}
    if "memberships" in getattr(consortium, "_prefetched_objects_cache", {}):
        memberships = consortium.memberships.all()
    else:
        memberships = consortium.memberships.select_related("organisation")
    by_organisation: dict[int, list[Membership]] = {}
    organisations: dict[int, Organisation] = {}
    for membership in memberships:
        if organisation_ids is not None and membership.organisation_id not in organisation_ids:
            continue
        by_organisation.setdefault(membership.organisation_id, []).append(membership)
        organisations[membership.organisation_id] = membership.organisation
    rows = []
    for organisation_id, member_rows in by_organisation.items():
        lines = []
        for fee in fees:
            if not any(membership.is_active_on(fee.due_on) for membership in member_rows):
                continue
            payment = paid.get((fee.pk, organisation_id))
            lines.append(
                FeeLine(
                    fee=fee,
                    paid=payment.amount if payment else Decimal("0.00"),
                    paid_on=payment.paid_on if payment else None,
                )
            )
        if lines:
            rows.append(MemberFees(organisation=organisations[organisation_id], lines=lines))
    return sorted(rows, key=lambda row: (row.organisation.legal_name, row.organisation.pk))


@dataclass(frozen=True)
class ConsortiumFollowUp:
    """What the consortium's page shows of its life after establishment."""

    manager: ConsortiumManager | None
    fees: list[MemberFees]
    fees_of_all_members: bool
    contracts: list[ConsortiumBid]
    contracts_total: Decimal


def consortium_follow_up(*, consortium, user) -> ConsortiumFollowUp:
    """The manager, the fees of the viewer's organisations (of every member for the lead's representatives)
    and the contracts won, with the members involved. A constant number of queries."""
    viewer_ids = set(organisations_of(user).values_list("pk", flat=True))
    all_members = consortium.lead_id in viewer_ids
    contracts = list(
        consortium.bids.filter(status=ConsortiumBid.Status.WON)
        .prefetch_related(Prefetch("members", queryset=Organisation.objects.order_by("legal_name")))
        .order_by("-decided_on", "pk")
    )
    return ConsortiumFollowUp(
        manager=consortium.managers.filter(ended_on__isnull=True).first(),
        fees=consortium_fees_outstanding(consortium=consortium, organisation_ids=None if all_members else viewer_ids),
        fees_of_all_members=all_members,
        contracts=contracts,
        contracts_total=to_cents(sum((bid.value for bid in contracts), Decimal("0"))),
    )
