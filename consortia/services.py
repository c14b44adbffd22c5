"""Business rules on organisations and consortia.

The first part reads (SME size, consortium stage, single undertaking): each
function works on prefetched data without extra queries when the caller has
prefetched what its docstring names. The second part writes: registering an
organisation, representatives, consortia, invitations and memberships. A write of
what the dashboard counts (organisations, their ownership links, consortia and
memberships; not representatives) says so with `counted_data_changed()`.
"""

import secrets
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from portal.figures import counted_data_changed
from portal.money import to_cents
from portal.notifications import notify
from portal.refusals import Refused

# What follows a consortium's formation (its manager, fees and bids) has its own module; its writes
# are importable from here too.
from .evidence import EvidenceRefused as EvidenceRefused
from .evidence import can_record_joint_action as can_record_joint_action
from .evidence import consortium_joint_action_check as consortium_joint_action_check
from .evidence import consortium_joint_action_clear as consortium_joint_action_clear
from .evidence import consortium_joint_action_record as consortium_joint_action_record
from .evidence import joint_action_clean
from .follow_up import bid_decide as bid_decide
from .follow_up import bid_members_check as bid_members_check
from .follow_up import bid_submit as bid_submit
from .follow_up import consortium_manager_appoint as consortium_manager_appoint
from .follow_up import fee_payment_record as fee_payment_record
from .follow_up import membership_fee_set as membership_fee_set
from .models import Consortium, Invitation, Membership, Organisation, OwnershipLink, Representation, SmeSize
from .selectors import acts_for, people_acting_for
from .stages import Stage as Stage  # Stage, years_after and age_in_years stay importable from here
from .stages import age_in_years as age_in_years
from .stages import stage_of
from .stages import years_after as years_after

ZERO = Decimal("0")
# The first joint action of a consortium created by a caller that only said it had one.
DECLARED_WITHOUT_DATE = "Declared when the consortium was created, without a date"
HUNDRED = Decimal("100")

# Recommendation 2003/361/EC, Annex, Title I.
PARTNER_THRESHOLD = Decimal("25")  # 25% or more: partner enterprise (figures added pro rata)
LINKED_THRESHOLD = Decimal("50")  # more than 50%: linked enterprise (figures added in full)

# (size, staff strictly below, turnover at most, balance sheet at most), smallest first.
SME_CEILINGS = [
    (SmeSize.MICRO.value, Decimal("10"), Decimal("2000000"), Decimal("2000000")),
    (SmeSize.SMALL.value, Decimal("50"), Decimal("10000000"), Decimal("10000000")),
    (SmeSize.MEDIUM.value, Decimal("250"), Decimal("50000000"), Decimal("43000000")),
]

SME_SIZES = tuple(SmeSize.values)


# --- SME size ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RelatedEnterprise:
    """An enterprise whose figures count towards another's SME size.

    `role` is "partner" (25% to 50%, figures added pro rata) or "linked" (over 50%,
    added in full); `holds` is True when this enterprise is the one holding the share.
    The figures are those added, i.e. already multiplied by the share for a partner.
    """

    organisation: Organisation
    share: Decimal
    role: str
    holds: bool
    staff: Decimal
    turnover: Decimal
    balance_sheet: Decimal


@dataclass
class SmeFigures:
    """The figures an SME size is judged on: the enterprise's own plus its partners' and linked ones'."""

    staff: Decimal
    turnover: Decimal
    balance_sheet: Decimal
    related: list[RelatedEnterprise] = field(default_factory=list)

    @property
    def partners(self) -> list[RelatedEnterprise]:
        return [r for r in self.related if r.role == "partner"]

    @property
    def linked(self) -> list[RelatedEnterprise]:
        return [r for r in self.related if r.role == "linked"]


def _is_prefetched(instance, name: str) -> bool:
    return name in getattr(instance, "_prefetched_objects_cache", {})


def ownership_links(organisation: Organisation) -> list[tuple[OwnershipLink, Organisation, bool]]:
    """The direct ownership links of an organisation, as (link, other enterprise, other holds the share).

    No query when `holdings__owned` and `holders__owner` are prefetched; otherwise
    one query per direction, each joined to the other enterprise.
    """
    if organisation.pk is None:
        return []
    if _is_prefetched(organisation, "holdings"):
        holdings = organisation.holdings.all()
    else:
        holdings = organisation.holdings.select_related("owned")
    if _is_prefetched(organisation, "holders"):
        holders = organisation.holders.all()
    else:
        holders = organisation.holders.select_related("owner")
    links = [(link, link.owned, False) for link in holdings]
    links += [(link, link.owner, True) for link in holders]
    return links


def _strongest_links(organisation: Organisation) -> list[tuple[Organisation, Decimal, bool]]:
    """One entry per other enterprise, with the greater share where both hold shares of each other.

    Recommendation 2003/361/EC, Annex, Art. 6(2): for cross-holdings the greater
    percentage applies.
    """
    strongest: dict[int, tuple[Organisation, Decimal, bool]] = {}
    for link, other, other_holds in ownership_links(organisation):
        current = strongest.get(other.pk)
        if current is None or link.share > current[1]:
            strongest[other.pk] = (other, link.share, other_holds)
    return sorted(strongest.values(), key=lambda entry: (entry[0].legal_name, entry[0].pk))


def _figure(value) -> Decimal:
    return ZERO if value is None else Decimal(value)


def sme_figures(organisation: Organisation) -> SmeFigures:
    """Staff, turnover and balance sheet of an enterprise for its SME size (2003/361/EC).

    Its own figures plus, for each direct ownership link either way: in full for a
    linked enterprise (share over 50%), pro rata for a partner (25% to 50%); below 25%
    nothing. Missing figures count as 0. Money added pro rata is rounded to cents;
    staff is kept exact so rounding never moves an enterprise across a threshold.
    Only direct links are followed (one level).
    """
    staff = _figure(organisation.employees)
    turnover = _figure(organisation.turnover)
    balance_sheet = _figure(organisation.balance_sheet)
    related = []
    for other, share, other_holds in _strongest_links(organisation):
        if share > LINKED_THRESHOLD:
            role, ratio = "linked", Decimal(1)
        elif share >= PARTNER_THRESHOLD:
            role, ratio = "partner", share / HUNDRED
        else:
            continue
        entry = RelatedEnterprise(
            organisation=other,
            share=share,
            role=role,
            holds=other_holds,
            staff=_figure(other.employees) * ratio,
            turnover=to_cents(_figure(other.turnover) * ratio),
            balance_sheet=to_cents(_figure(other.balance_sheet) * ratio),
        )
        related.append(entry)
        staff += entry.staff
        turnover += entry.turnover
        balance_sheet += entry.balance_sheet
    return SmeFigures(staff=staff, turnover=to_cents(turnover), balance_sheet=to_cents(balance_sheet), related=related)


def size_for_figures(*, staff: Decimal, turnover: Decimal, balance_sheet: Decimal) -> str:
    """micro, small, medium or large for these figures (2003/361/EC, Annex, Art. 2).

    Each class needs staff below its ceiling and either turnover or balance sheet
    total within its ceiling.
    """
    for size, staff_below, turnover_max, balance_max in SME_CEILINGS:
        if staff < staff_below and (turnover <= turnover_max or balance_sheet <= balance_max):
            return size
    return SmeSize.LARGE.value


def sme_size(organisation: Organisation) -> str:
    """The SME size of an organisation: "micro", "small", "medium" or "large".

    Counts partner and linked enterprises (see `sme_figures`). No extra query when
    the caller prefetched `holdings__owned` and `holders__owner`.
    """
    figures = sme_figures(organisation)
    return size_for_figures(staff=figures.staff, turnover=figures.turnover, balance_sheet=figures.balance_sheet)


def single_undertaking_ids(organisation: Organisation) -> set[int]:
    """The organisation's pk and those of the enterprises linked to it (over 50%, either way).

    Regulation (EU) 2023/2831, Art. 2(2): linked enterprises form one single
    undertaking for the de minimis ceiling. Only direct links are followed. No query
    when `holdings` and `holders` are prefetched; otherwise one.
    """
    if organisation.pk is None:
        return set()
    ids = {organisation.pk}
    if _is_prefetched(organisation, "holdings") and _is_prefetched(organisation, "holders"):
        links = [*organisation.holdings.all(), *organisation.holders.all()]
        pairs = [(link.owner_id, link.owned_id) for link in links if link.share > LINKED_THRESHOLD]
    else:
        pairs = OwnershipLink.objects.filter(
            Q(owner=organisation) | Q(owned=organisation), share__gt=LINKED_THRESHOLD
        ).values_list("owner_id", "owned_id")
    for owner_id, owned_id in pairs:
        ids.update((owner_id, owned_id))
    return ids


# --- Consortia ----------------------------------------------------------------------------------


def consortium_stage(consortium: Consortium, on: date | None = None) -> str:
    """The stage of a consortium on a day: "initiation", "development" or "consolidated".

    Initiation while its members have carried out no joint promotion action (the
    first one recorded is dated after `on`, or none is recorded), or in its first
    year; development from the 1st anniversary of its establishment up to and
    including the 3rd; consolidated from the day after the 3rd anniversary.
    `on` defaults to today in the portal's time zone. The same rule, in SQL:
    `Consortium.objects.with_stage(on)` (see consortia.stages).
    """
    return stage_of(
        established_on=consortium.established_on,
        first_joint_action_on=consortium.first_joint_action_on,
        on=on or timezone.localdate(),
    )


def active_memberships(consortium: Consortium, on: date | None = None) -> list[Membership]:
    """The memberships of a consortium active on a day, one per organisation.

    Ordered by the organisation's legal name then pk. No query when
    `memberships__organisation` is prefetched; otherwise one.
    """
    on = on or timezone.localdate()
    if _is_prefetched(consortium, "memberships"):
        memberships = consortium.memberships.all()
    else:
        memberships = consortium.memberships.select_related("organisation")
    by_organisation: dict[int, Membership] = {}
    for membership in memberships:
        if membership.is_active_on(on):
            by_organisation.setdefault(membership.organisation_id, membership)
    return sorted(by_organisation.values(), key=lambda m: (m.organisation.legal_name, m.organisation_id))


def active_members(consortium: Consortium, on: date | None = None) -> list[Organisation]:
    """The organisations that are members of a consortium on a day (default today).

    No query when `memberships__organisation` is prefetched; otherwise one.
    """
    return [membership.organisation for membership in active_memberships(consortium, on)]


# --- writes: organisations, representatives, consortia, memberships -------------------------


class NotAllowed(Refused):
    """The user may not do this (views turn it into a 404 or a message)."""

    default_message = gettext_lazy("You may not do this.")


@transaction.atomic
def organisation_register(*, user, organisation: Organisation) -> Organisation:
    """Save a new organisation; the user who registers it becomes its first representative."""
    organisation.full_clean()
    organisation.save()
    Representation.objects.create(
        user=user, organisation=organisation, status=Representation.Status.ACTIVE, decided_at=timezone.now()
    )
    counted_data_changed()
    return organisation


@transaction.atomic
def organisation_update(*, by, organisation: Organisation) -> Organisation:
    """Save the changed profile of an organisation (its size figures, region, activity...), as the
    profile form validated it."""
    organisation.save()
    counted_data_changed()
    return organisation


@transaction.atomic
def ownership_link_record(*, by, owner: Organisation, owned: Organisation, share: Decimal) -> OwnershipLink:
    """Record the share one enterprise holds in another (or change it): the SME size counts it."""
    link, _created = OwnershipLink.objects.update_or_create(owner=owner, owned=owned, defaults={"share": share})
    counted_data_changed()
    return link


@transaction.atomic
def representation_request(*, user, organisation: Organisation, note: str = "") -> Representation:
    """Ask to act for an existing organisation; a representative decides."""
    existing = Representation.objects.filter(
        user=user, organisation=organisation, status__in=[Representation.Status.REQUESTED, Representation.Status.ACTIVE]
    ).first()
    if existing:
        return existing
    representation = Representation.objects.create(user=user, organisation=organisation, note=note)

    for representative in people_acting_for(organisation):
        notify(
            user=representative,
            template="consortia/email/representation_requested",
            context={"requester": user, "organisation": organisation, "note": note},
        )
    return representation


@transaction.atomic
def representation_decide(*, by, representation: Representation, accept: bool) -> Representation:
    """An active representative (or agency staff) accepts or declines a request."""
    representation = Representation.objects.select_for_update().get(pk=representation.pk)
    if not (by.is_staff or acts_for(by, representation.organisation)):
        raise NotAllowed
    if representation.status != Representation.Status.REQUESTED:
        return representation
    representation.status = Representation.Status.ACTIVE if accept else Representation.Status.DECLINED
    representation.decided_by = by
    representation.decided_at = timezone.now()
    representation.save(update_fields=["status", "decided_by", "decided_at"])
    return representation


@transaction.atomic
def consortium_create(
    *,
    user,
    lead: Organisation,
    consortium: Consortium,
    first_joint_action_on: date | None = None,
    first_joint_action: str = "",
) -> Consortium:
    """Create a consortium led by one of the user's organisations, which becomes its first member.

    `first_joint_action_on` and `first_joint_action`: the members' first joint promotion action, when
    they have had one (the evidence of the stage, see consortia.evidence); both or neither. A caller
    that still says only `consortium.has_joint_actions=True` (no date) gets an action dated on the
    establishment date, as the consortia of before the evidence got theirs (migration 0007).
    """
    if not acts_for(user, lead):
        raise NotAllowed
    if first_joint_action_on is None and not first_joint_action and consortium.has_joint_actions:
        first_joint_action_on = consortium.first_joint_action_on or consortium.established_on
        first_joint_action = consortium.first_joint_action or DECLARED_WITHOUT_DATE
    consortium.has_joint_actions = False
    consortium.first_joint_action_on, consortium.first_joint_action = None, ""
    consortium.first_joint_action_checked_by = consortium.first_joint_action_checked_at = None
    if first_joint_action_on is not None or first_joint_action:
        on, description = joint_action_clean(on=first_joint_action_on, description=first_joint_action)
        consortium.has_joint_actions = True
        consortium.first_joint_action_on, consortium.first_joint_action = on, description
        consortium.first_joint_action_recorded_by = user
    consortium.lead = lead
    consortium.full_clean()
    consortium.save()
    Membership.objects.create(
        consortium=consortium,
        organisation=lead,
        status=Membership.Status.ACTIVE,
        joined_on=timezone.localdate(),
    )
    counted_data_changed()
    return consortium


def can_manage_consortium(user, consortium: Consortium) -> bool:
    return consortium.lead_id is not None and acts_for(user, consortium.lead_id)


@transaction.atomic
def membership_invite(*, by, consortium: Consortium, organisation: Organisation | None = None, email: str = ""):
    """Invite an organisation: a registered one by its tax id (an invited membership), or anyone by e-mail.

    Returns the Membership (registered organisation) or the Invitation (e-mail).
    """

    if not can_manage_consortium(by, consortium):
        raise NotAllowed
    if organisation is not None:
        membership = Membership.objects.filter(
            consortium=consortium, organisation=organisation, status__in=["invited", "active"]
        ).first()
        if membership is None:
            membership = Membership.objects.create(
                consortium=consortium, organisation=organisation, status=Membership.Status.INVITED
            )
            counted_data_changed()
            for representative in people_acting_for(organisation):
                notify(
                    user=representative,
                    template="consortia/email/membership_invited",
                    context={"consortium": consortium, "organisation": organisation, "invited_by": by},
                )
        return membership
    invitation = Invitation.objects.create(
        consortium=consortium, email=email.strip().lower(), token=secrets.token_urlsafe(32), invited_by=by
    )
    notify(
        email=invitation.email,
        template="consortia/email/invitation",
        context={
            "consortium": consortium,
            "invitation": invitation,
            "invited_by": by,
            "invitation_url": settings.PORTAL_BASE_URL
            + reverse("consortia:invitation", kwargs={"token": invitation.token}),
        },
    )
    return invitation


@transaction.atomic
def invitation_accept(*, user, invitation: Invitation, organisation: Organisation) -> Membership:
    """The invited person joins with one of the organisations they represent."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.used_at is not None or not acts_for(user, organisation):
        raise NotAllowed
    membership = Membership.objects.filter(
        consortium=invitation.consortium, organisation=organisation, status__in=["invited", "active"]
    ).first() or Membership(consortium=invitation.consortium, organisation=organisation)
    membership.status = Membership.Status.ACTIVE
    membership.joined_on = membership.joined_on or timezone.localdate()
    membership.save()
    counted_data_changed()
    invitation.membership = membership
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["membership", "used_at"])
    return membership


@transaction.atomic
def membership_answer(*, by, membership: Membership, accept: bool) -> Membership:
    """The invited organisation's representative accepts (the membership counts from today) or declines."""
    membership = (
        Membership.objects.select_for_update(of=("self", "organisation", "consortium"))
        .select_related("organisation", "consortium")
        .get(pk=membership.pk)
    )
    if not acts_for(by, membership.organisation):
        raise NotAllowed
    if membership.status != Membership.Status.INVITED:
        return membership
    if accept:
        membership.status = Membership.Status.ACTIVE
        membership.joined_on = timezone.localdate()
    else:
        membership.status = Membership.Status.DECLINED
    membership.save(update_fields=["status", "joined_on"])
    counted_data_changed()

    lead = membership.consortium.lead
    if lead is not None:
        for representative in people_acting_for(lead):
            notify(
                user=representative,
                template="consortia/email/membership_answered",
                context={"membership": membership, "accepted": accept},
            )
    return membership


@transaction.atomic
def membership_leave(*, by, membership: Membership) -> Membership:
    """An active member leaves; it stops counting from today."""
    membership = (
        Membership.objects.select_for_update(of=("self", "organisation"))
        .select_related("organisation")
        .get(pk=membership.pk)
    )
    if not acts_for(by, membership.organisation):
        raise NotAllowed
    if membership.status != Membership.Status.ACTIVE:
        return membership
    membership.status = Membership.Status.LEFT
    membership.left_on = max(timezone.localdate(), membership.joined_on)
    membership.save(update_fields=["status", "left_on"])
    counted_data_changed()
    return membership
