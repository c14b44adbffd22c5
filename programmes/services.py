"""The de minimis ledger: headroom of a single undertaking, and the aid recorded when a grant is decided."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from consortia.services import active_memberships, single_undertaking_ids, years_after
from portal.money import to_cents
from portal.refusals import Refused

# The formation of export consortia (seed 002) has its own package; its writes are importable from here too.
# Establishing the consortium grants its seed funding as an application: its one door is
# applications.services.formation_establish, which calls formation_consortium_create (not exported here).
from .call_copy import call_copy as call_copy
from .formation.services import formation_candidate_add as formation_candidate_add
from .formation.services import formation_candidate_answer as formation_candidate_answer
from .formation.services import formation_invite as formation_invite
from .formation.services import formation_meeting_record as formation_meeting_record
from .formation.services import formation_move as formation_move
from .formation.services import formation_open as formation_open
from .formation.services import formation_seed_funding_set as formation_seed_funding_set
from .models import AidAward

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


def de_minimis_ceiling() -> Decimal:
    """The de minimis ceiling per single undertaking (settings.DE_MINIMIS_CEILING), in EUR."""
    return to_cents(Decimal(str(settings.DE_MINIMIS_CEILING)))


def de_minimis_window_start(on: date) -> date:
    """The day before the rolling period ending on `on` starts: aid on that day no longer counts.

    The period is settings.DE_MINIMIS_YEARS years (3, Regulation (EU) 2023/2831,
    Art. 3(2)): aid counts when awarded after this day and on or before `on`.
    """
    return years_after(on, -settings.DE_MINIMIS_YEARS)


def ledger_on(on: date):
    """The de minimis entries that count on `on`: awards in the rolling period, and the corrections of
    those awards recorded by `on` (a correction counts from its own date, in its award's period)."""
    return AidAward.objects.filter(
        Q(corrected_on__isnull=True) | Q(corrected_on__lte=on),
        legal_basis=AidAward.LegalBasis.DE_MINIMIS,
        awarded_on__gt=de_minimis_window_start(on),
        awarded_on__lte=on,
    )


def de_minimis_used(organisation, on: date | None = None) -> Decimal:
    """De minimis aid awarded to the organisation's single undertaking in the rolling period ending on `on`.

    One query for the sum, plus one for the ownership links unless `holdings` and
    `holders` are prefetched.
    """
    on = on or timezone.localdate()
    ids = single_undertaking_ids(organisation)
    if not ids:
        return ZERO
    total = ledger_on(on).filter(organisation_id__in=ids).aggregate(total=Sum("amount"))["total"]
    return to_cents(total or ZERO)


def de_minimis_headroom(organisation, on: date | None = None) -> Decimal:
    """How much more de minimis aid the organisation's single undertaking may receive on `on`.

    The ceiling minus the de minimis aid awarded to the organisation and the
    enterprises linked to it (over 50%, direct links) after the day `on` minus 3
    years and up to `on` included; never below 0.00. `on` defaults to today.
    """
    return max(de_minimis_ceiling() - de_minimis_used(organisation, on), ZERO)


def de_minimis_headrooms(organisations, on: date) -> dict[int, Decimal]:
    """The headroom of several organisations at once: organisation pk -> headroom, in one query.

    The same rule as `de_minimis_headroom`, for the rules engine; the organisations
    must come with `holdings` and `holders` prefetched.
    """
    undertakings = {organisation.pk: single_undertaking_ids(organisation) for organisation in organisations}
    every_id = set().union(*undertakings.values()) if undertakings else set()
    used = dict(
        ledger_on(on)
        .filter(organisation_id__in=every_id)
        .values("organisation_id")
        .annotate(total=Sum("amount"))
        .values_list("organisation_id", "total")
    )
    ceiling = de_minimis_ceiling()
    return {
        pk: max(ceiling - to_cents(sum((used.get(i, ZERO) for i in ids), ZERO)), ZERO)
        for pk, ids in undertakings.items()
    }


class AidSplitRefused(Refused):
    """The grant cannot be split between the undertakings that receive it; the message says why."""


def split_amount(*, amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split an amount in proportion to the weights, in cents, adding up exactly to the amount.

    Each part is rounded half-up to cents; the last part with a positive weight
    gets the remainder. A part is never more than what is left, so no part is
    negative even for amounts of a few cents split many ways.
    """
    amount = to_cents(amount)
    if amount < 0:
        raise ValueError("The amount to split cannot be negative.")
    if not weights:
        raise ValueError("There is nobody to split the amount between.")
    if any(weight < 0 for weight in weights):
        raise ValueError("A weight cannot be negative.")
    total = sum(weights, Decimal(0))
    if total <= 0:
        raise ValueError("The weights must add up to more than zero.")
    remainder_index = max(i for i, weight in enumerate(weights) if weight > 0)
    parts = [ZERO] * len(weights)
    left = amount
    for index, weight in enumerate(weights):
        if index == remainder_index:
            continue
        part = min(to_cents(amount * Decimal(weight) / total), left)
        parts[index] = part
        left -= part
    parts[remainder_index] = left
    return parts


def de_minimis_share(*, application, amount: Decimal, on: date) -> dict[int, Decimal]:
    """Who receives how much of a grant, for de minimis: organisation pk -> amount in EUR.

    An organisation's application: all of it. A consortium's: split between the
    members active on `on`, by the memberships' `share` when every one of them has
    one (they must add up to 100), equally otherwise; the parts add up exactly to
    the amount. Ordered by the members' legal names. Writes nothing.

    Raises AidSplitRefused when the shares do not add up to 100 or the consortium
    has no active member on that day.
    """
    if application.organisation_id is not None:
        return {application.organisation_id: to_cents(amount)}
    memberships = active_memberships(application.consortium, on)
    if not memberships:
        raise AidSplitRefused(
            _("The consortium has no active member on %(day)s.") % {"day": on.isoformat()}, code="no_member"
        )
    shares = [membership.share for membership in memberships]
    if all(share is not None for share in shares):
        total = sum(shares, Decimal(0))
        if total != HUNDRED:
            raise AidSplitRefused(
                _("The members' shares add up to %(total)s%%, not 100%%.") % {"total": total}, code="shares"
            )
        weights = shares
    else:
        weights = [Decimal(1)] * len(memberships)
    parts = split_amount(amount=amount, weights=weights)
    return {membership.organisation_id: part for membership, part in zip(memberships, parts, strict=True)}


def aid_awards_record(*, application, amount: Decimal, on: date) -> list[AidAward]:
    """Record in the ledger the aid of a decided grant: one row per undertaking receiving it.

    The legal basis is the programme's. A consortium's grant is split between its
    members active on `on` (see `de_minimis_share`). Idempotent: when the
    application's aid is already recorded, the existing rows are returned and
    nothing is written. The application row is locked, so two decisions at once
    cannot record it twice.
    """
    with transaction.atomic():
        # The application's own model: the ledger sits below applications and does not import it.
        type(application)._default_manager.select_for_update().filter(pk=application.pk).values_list("pk").first()
        existing = list(AidAward.objects.filter(application_id=application.pk, kind=AidAward.Kind.AWARD).order_by("pk"))
        if existing:
            return existing
        programme = application.call.programme
        shares = de_minimis_share(application=application, amount=amount, on=on)
        return AidAward.objects.bulk_create(
            [
                AidAward(
                    organisation_id=organisation_id,
                    programme=programme,
                    application=application,
                    amount=part,
                    awarded_on=on,
                    legal_basis=programme.legal_basis,
                )
                for organisation_id, part in shares.items()
            ]
        )


def aid_granted(application) -> dict[int, Decimal]:
    """What the ledger holds for an application now, per undertaking (awards plus corrections): pk -> EUR."""
    rows = (
        AidAward.objects.filter(application_id=application.pk)
        .values("organisation_id")
        .annotate(total=Sum("amount"))
        .order_by("organisation_id")
        .values_list("organisation_id", "total")
    )
    return {organisation_id: to_cents(total) for organisation_id, total in rows}


def aid_corrections_record(
    *, application, granted: Decimal, new_amount: Decimal, on: date, note: str = ""
) -> list[AidAward]:
    """Correct the ledger when a grant of `granted` becomes `new_amount` (0: renounced or revoked whole).

    Nothing is edited or deleted: each undertaking that received a share of the
    aid gets a correction row, dated `on`, bringing its aid down in proportion to
    the new amount; the corrections add up exactly (`split_amount`) to the change.
    Each correction names its undertaking's award and counts in the award's rolling
    period. The application row and its ledger rows are locked. Returns the rows
    written (none when the application has no aid recorded or nothing changes).
    """
    granted, new_amount = to_cents(granted), to_cents(new_amount)
    if new_amount < 0 or granted <= 0 or new_amount > granted:
        raise ValueError("A correction reduces a positive grant to an amount between zero and the grant.")
    with transaction.atomic():
        type(application)._default_manager.select_for_update().filter(pk=application.pk).values_list("pk").first()
        rows = list(AidAward.objects.select_for_update().filter(application_id=application.pk).order_by("pk"))
        awards = {row.organisation_id: row for row in rows if row.kind == AidAward.Kind.AWARD}
        held = {organisation_id: ZERO for organisation_id in awards}
        for row in rows:
            if row.organisation_id in held:
                held[row.organisation_id] += row.amount
        ids = [organisation_id for organisation_id, amount in held.items() if amount > 0]
        total = sum((held[i] for i in ids), ZERO)
        if not ids or total <= 0:
            return []
        # The aid still held goes down in proportion: its new total is to the new amount what it was to the grant.
        target = to_cents(total * new_amount / granted) if new_amount < granted else total
        kept = split_amount(amount=target, weights=[held[i] for i in ids]) if target > 0 else [ZERO] * len(ids)
        corrections = [
            AidAward(
                organisation_id=organisation_id,
                programme_id=awards[organisation_id].programme_id,
                application_id=application.pk,
                amount=part - held[organisation_id],
                awarded_on=awards[organisation_id].awarded_on,
                legal_basis=awards[organisation_id].legal_basis,
                kind=AidAward.Kind.CORRECTION,
                corrects=awards[organisation_id],
                corrected_on=on,
                note=note[:300],
            )
            for organisation_id, part in zip(ids, kept, strict=True)
            if part != held[organisation_id]
        ]
        return AidAward.objects.bulk_create(corrections)
