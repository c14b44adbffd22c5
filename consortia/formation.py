"""Forming an export consortium the agency's way (seed 002), and following it once established.

The pipeline: staff open a formation for a sector with its seed funding, identify
candidate companies (around 25), hold introductory meetings, then invite the
candidates to decide. Each company answers in the portal, once and for all. With
at least three companies joined, staff establish the consortium: the joined
companies become its founding members, a manager is appointed, and the seed
funding is committed on the programme's budget (under a lock on the programme
row, so that money is never over-committed whatever the number of staff at work).

After that: membership fees and their payments, and the consortium's international
bids; a won bid is a contract won, the programme's measure of success.

Every function here is the one way to do its step: the admin, the portal views,
the demo and the tests all call it. A step that cannot be done raises `Refused`
with a message for the user.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import refusals
from portal.money import format_eur, to_cents
from portal.regions import region_name
from programmes.models import Formation, FormationAttendance, FormationCandidate, FormationMeeting

from .models import (
    Consortium,
    ConsortiumBid,
    ConsortiumManager,
    FeePayment,
    Membership,
    MembershipFee,
    Organisation,
)
from .selectors import acts_for, people_acting_for, seed_funding_committed
from .services import NotAllowed

# A consortium offers a full service only with several firms; the programme's calls ask for 3 members.
MIN_FOUNDING_MEMBERS = 3

Status = Formation.Status
Candidate = FormationCandidate.Status

# Allowed moves of a formation; establishment happens only through `formation_establish`.
TRANSITIONS = {
    Status.IDENTIFYING: {Status.MEETING, Status.DECIDING, Status.ABANDONED},
    Status.MEETING: {Status.DECIDING, Status.ABANDONED},
    Status.DECIDING: {Status.ESTABLISHED, Status.ABANDONED},
    Status.ESTABLISHED: set(),
    Status.ABANDONED: set(),
}


class Refused(refusals.Refused):
    """The step cannot be done; the message says why, in words for the user (`field` or `errors`:
    next to which form fields, named as the model and the service's arguments name them)."""

    @classmethod
    def from_error(cls, error: ValidationError) -> "Refused":
        """The refusal of a model's validation, each message kept on its field."""
        return cls(_messages(error), errors=error.message_dict if hasattr(error, "error_dict") else {})


def agency_today(agency) -> date:
    """Today in the agency's time zone: dates of the formation are the agency's dates."""
    return timezone.localdate(timezone=agency.tzinfo)


def _today_for(by) -> date:
    """Today as the person recording sees it: their agency's date (the project's for a user without one)."""
    agency = getattr(by, "agency", None)
    return agency_today(agency) if agency is not None else timezone.localdate()


def _refuse_if_future(day: date, *, by, field: str, message: str) -> None:
    if day > _today_for(by):
        raise Refused(message, field=field)


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def _save(instance, by, **kwargs):
    # The audit history (django-simple-history) records who did it, also outside a request.
    instance._history_user = by
    instance.save(**kwargs)


def _locked_formation(formation) -> Formation:
    return Formation.objects.select_for_update(of=("self",)).select_related("agency", "programme").get(pk=formation.pk)


def _refuse_unless_open(formation: Formation) -> None:
    if not formation.is_open:
        raise Refused(
            _("The formation “%(formation)s” is %(status)s: it cannot change any more.")
            % {"formation": formation, "status": formation.get_status_display().lower()},
            field="formation",
        )


# --- the formation ------------------------------------------------------------------------------


@transaction.atomic
def formation_open(
    *, programme, sector: str, name: str, seed_funding, by, opened_on: date | None = None, coordinator=None, notes=""
) -> Formation:
    """Open a formation for a sector of the programme, with the seed funding it will need."""
    formation = Formation(
        programme=programme,
        sector=sector,
        name=name.strip(),
        seed_funding=to_cents(seed_funding),
        opened_on=opened_on or agency_today(programme.agency),
        coordinator=coordinator,
        notes=notes,
    )
    try:
        formation.full_clean()
    except ValidationError as error:
        raise Refused.from_error(error) from error
    _save(formation, by)
    return formation


@transaction.atomic
def formation_seed_funding_set(*, formation, amount, by) -> Formation:
    """Change the seed funding a formation under way plans; it is committed as it is when established."""
    formation = _locked_formation(formation)
    _refuse_unless_open(formation)
    formation.seed_funding = to_cents(amount)
    try:
        formation.full_clean()
    except ValidationError as error:
        raise Refused.from_error(error) from error
    _save(formation, by, update_fields=["seed_funding"])
    return formation


@transaction.atomic
def formation_move(*, formation, to_status: str, by) -> Formation:
    """Move a formation on (to meetings, to deciding) or abandon it; an illegal move is refused."""
    formation = _locked_formation(formation)
    if to_status == formation.status:
        return formation
    if to_status == Status.ESTABLISHED or to_status not in TRANSITIONS[formation.status]:
        raise Refused(
            _("A formation that is “%(from)s” cannot become “%(to)s”.")
            % {"from": formation.get_status_display(), "to": Status(to_status).label}
        )
    formation.status = to_status
    _save(formation, by, update_fields=["status"])
    return formation


@transaction.atomic
def formation_candidate_add(*, formation, organisation: Organisation, by, notes: str = "") -> FormationCandidate:
    """Record a company identified for the formation (the same company is recorded once)."""
    formation = _locked_formation(formation)
    _refuse_unless_open(formation)
    if organisation.kind != Organisation.Kind.COMPANY:
        raise Refused(
            _("%(organisation)s is not a company: only companies form an export consortium.")
            % {"organisation": organisation},
            field="organisation",
        )
    if organisation.region != formation.agency.region:
        raise Refused(
            _(
                "%(organisation)s has its registered office in %(region)s: the agency forms consortia of "
                "companies of %(agency_region)s."
            )
            % {
                "organisation": organisation,
                "region": region_name(organisation.region),
                "agency_region": region_name(formation.agency.region),
            },
            field="organisation",
        )
    candidate = FormationCandidate.objects.filter(formation=formation, organisation=organisation).first()
    if candidate is None:
        candidate = FormationCandidate(formation=formation, organisation=organisation, notes=notes)
        _save(candidate, by)
    return candidate


@transaction.atomic
def formation_meeting_record(
    *, formation, held_on: date, place: str, by, agenda: str = "", notes: str = "", attended=()
) -> FormationMeeting:
    """Record an introductory meeting and the candidates who came; the formation is then in its meetings."""
    formation = _locked_formation(formation)
    _refuse_unless_open(formation)
    attended = list(attended)
    if any(candidate.formation_id != formation.pk for candidate in attended):
        raise Refused(_("Only candidates of this formation can attend its meetings."))
    meeting = FormationMeeting(formation=formation, held_on=held_on, place=place.strip(), agenda=agenda, notes=notes)
    try:
        meeting.full_clean()
    except ValidationError as error:
        raise Refused.from_error(error) from error
    meeting.save()
    FormationAttendance.objects.bulk_create(
        FormationAttendance(meeting=meeting, candidate=candidate, attended=True) for candidate in attended
    )
    if formation.status == Status.IDENTIFYING:
        formation.status = Status.MEETING
        _save(formation, by, update_fields=["status"])
    return meeting


@transaction.atomic
def formation_invite(*, formation, by, candidates=None) -> list[FormationCandidate]:
    """Invite identified candidates (all of them by default) to decide whether to join.

    Their representatives get an e-mail and see the invitation on their portal page;
    the formation moves to "companies deciding". Returns the candidates invited now.
    """
    from portal.notifications import notify

    formation = _locked_formation(formation)
    _refuse_unless_open(formation)
    queryset = (
        FormationCandidate.objects.select_for_update(of=("self",))
        .filter(formation=formation, status=Candidate.IDENTIFIED)
        .select_related("organisation")
        .order_by("organisation__legal_name", "pk")
    )
    if candidates is not None:
        queryset = queryset.filter(pk__in=[candidate.pk for candidate in candidates])
    invited = list(queryset)
    now = timezone.now()
    for candidate in invited:
        candidate.status = Candidate.INVITED
        candidate.invited_at = now
        _save(candidate, by, update_fields=["status", "invited_at"])
        for representative in people_acting_for(candidate.organisation_id):
            notify(
                user=representative,
                template="consortia/email/formation_invited",
                context={"formation": formation, "candidate": candidate, "agency": formation.agency},
                key=f"formation-invited-{candidate.pk}-{representative.pk}",
            )
    if invited and formation.status in (Status.IDENTIFYING, Status.MEETING):
        formation.status = Status.DECIDING
        _save(formation, by, update_fields=["status"])
    return invited


def may_answer_for(user, candidate: FormationCandidate, formation: Formation) -> bool:
    """A representative of the company answers in the portal; staff of the formation's agency record
    the answer of a company that gave it at a meeting, by phone or by letter."""
    if acts_for(user, candidate.organisation):
        return True
    return bool(user.is_staff and (user.is_superuser or user.agency_id == formation.agency_id))


@transaction.atomic
def formation_candidate_answer(*, candidate, join: bool, by, reason: str = "") -> FormationCandidate:
    """The invited company joins or declines, with an optional reason (see `may_answer_for` for who answers).

    The answer is final. The same answer twice (a double click) changes nothing; a
    different one is refused. The formation row is locked first, so an answer and the
    establishment of the consortium never cross: an answer either counts or is refused.
    The formation's coordinator (else the agency's contact e-mail) is told.
    """
    from portal.notifications import notify

    formation = _locked_formation(candidate.formation)
    candidate = (
        FormationCandidate.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=candidate.pk, formation=formation)
    )
    if not may_answer_for(by, candidate, formation):
        raise NotAllowed
    answer = Candidate.JOINED if join else Candidate.DECLINED
    if candidate.status == answer:
        return candidate
    if candidate.status in (Candidate.JOINED, Candidate.DECLINED):
        raise Refused(
            _("%(organisation)s has already answered (%(answer)s): the answer is final.")
            % {"organisation": candidate.organisation, "answer": candidate.get_status_display().lower()}
        )
    if candidate.status != Candidate.INVITED:
        raise NotAllowed
    _refuse_unless_open(formation)
    candidate.status = answer
    candidate.reason = reason.strip()
    candidate.decided_at = timezone.now()
    candidate.decided_by = by
    _save(candidate, by, update_fields=["status", "reason", "decided_at", "decided_by"])

    context = {"formation": formation, "candidate": candidate, "joined": join}
    key = f"formation-answered-{candidate.pk}"
    coordinator = formation.coordinator
    if coordinator is not None and coordinator.is_active:
        if coordinator.pk != by.pk:  # staff recording an answer need not be told of it
            notify(user=coordinator, template="consortia/email/formation_answered", context=context, key=key)
    elif formation.agency.email:
        notify(email=formation.agency.email, template="consortia/email/formation_answered", context=context, key=key)
    return candidate


@transaction.atomic
def formation_establish(
    *,
    formation,
    name: str,
    established_on: date,
    statutes_reference: str,
    lead: Organisation,
    by,
    manager_name: str = "",
    manager_email: str = "",
    manager_phone: str = "",
) -> Consortium:
    """Establish the consortium: the joined companies become its founding members.

    Refused with fewer than MIN_FOUNDING_MEMBERS joined companies, with a lead that has
    not joined, or when the formation's seed funding would take the seed funding
    committed on the programme (its established formations) above the programme's
    budget. The programme row is locked while checking, so two establishments at
    once cannot together over-commit it. A manager is appointed when named.
    """
    from portal.notifications import notify

    # Lock order, everywhere: programme, formation, candidates.
    from programmes.models import Programme

    programme = Programme.objects.select_for_update().get(pk=formation.programme_id)
    formation = _locked_formation(formation)
    if formation.status == Status.ESTABLISHED:
        raise Refused(
            _("This formation has already established the consortium %(consortium)s.")
            % {"consortium": formation.consortium}
        )
    if formation.status != Status.DECIDING:
        raise Refused(
            _("The companies have not been asked to decide yet (the formation is “%(status)s”): invite them first.")
            % {"status": formation.get_status_display()}
        )
    joined = list(
        formation.candidates.filter(status=Candidate.JOINED)
        .select_related("organisation")
        .order_by("organisation__legal_name")
    )
    if len(joined) < MIN_FOUNDING_MEMBERS:
        raise Refused(
            _(
                "Only %(count)s companies have joined; a consortium needs at least %(minimum)s founding members, "
                "so that together they offer a full service and the consortium can apply to the programme's calls."
            )
            % {"count": len(joined), "minimum": MIN_FOUNDING_MEMBERS}
        )
    if lead.pk not in {candidate.organisation_id for candidate in joined}:
        raise Refused(
            _("%(organisation)s has not joined: the lead must be one of the founding members.")
            % {"organisation": lead},
            field="lead",
        )
    if not statutes_reference.strip():
        raise Refused(
            _("Say where the signed statutes are (notarial deed, registry entry)."), field="statutes_reference"
        )
    if established_on < formation.opened_on:
        raise Refused(
            _("The consortium cannot be established before the formation was opened."), field="established_on"
        )
    if established_on > agency_today(formation.agency):
        raise Refused(_("The establishment date cannot be in the future."), field="established_on")
    budget = programme.annual_budget
    if budget is None:
        raise Refused(_("The programme has no budget: set it before committing seed funding."))
    committed = seed_funding_committed(programme.pk)
    if committed + formation.seed_funding > budget:
        raise Refused(
            _(
                "The seed funding of %(amount)s would bring the seed funding committed on %(programme)s to "
                "%(total)s, above its budget of %(budget)s (%(left)s left)."
            )
            % {
                "amount": format_eur(formation.seed_funding),
                "programme": programme,
                "total": format_eur(committed + formation.seed_funding),
                "budget": format_eur(budget),
                "left": format_eur(max(budget - committed, Decimal("0"))),
            }
        )

    consortium = Consortium(
        name=name.strip(), sector=formation.sector, established_on=established_on, has_joint_actions=False, lead=lead
    )
    try:
        consortium.full_clean()
    except ValidationError as error:
        raise Refused.from_error(error) from error
    consortium.save()
    Membership.objects.bulk_create(
        Membership(
            consortium=consortium,
            organisation=candidate.organisation,
            status=Membership.Status.ACTIVE,
            joined_on=established_on,
        )
        for candidate in joined
    )
    formation.status = Status.ESTABLISHED
    formation.consortium = consortium
    formation.statutes_reference = statutes_reference.strip()
    _save(formation, by, update_fields=["status", "consortium", "statutes_reference"])
    if manager_name.strip():
        consortium_manager_appoint(
            consortium=consortium,
            full_name=manager_name,
            email=manager_email,
            phone=manager_phone,
            appointed_on=established_on,
            by=by,
        )
    for candidate in joined:
        for representative in people_acting_for(candidate.organisation_id):
            notify(
                user=representative,
                template="consortia/email/formation_established",
                context={"formation": formation, "consortium": consortium, "organisation": candidate.organisation},
                key=f"formation-established-{formation.pk}-{candidate.organisation_id}-{representative.pk}",
            )
    return consortium


# --- the consortium's manager, fees and bids ----------------------------------------------------


@transaction.atomic
def consortium_manager_appoint(
    *, consortium, full_name: str, email: str, appointed_on: date, by, phone: str = ""
) -> ConsortiumManager:
    """Appoint the consortium's manager; the current one's term ends on the new appointment."""
    consortium = Consortium.objects.select_for_update().get(pk=consortium.pk)
    current = ConsortiumManager.objects.filter(consortium=consortium, ended_on__isnull=True).first()
    if current is not None:
        if appointed_on < current.appointed_on:
            raise Refused(
                _("%(manager)s was appointed on %(date)s: a new manager is appointed on that day or later.")
                % {"manager": current, "date": current.appointed_on.isoformat()},
                field="appointed_on",
            )
        current.ended_on = appointed_on
        current.save(update_fields=["ended_on"])
    manager = ConsortiumManager(
        consortium=consortium,
        full_name=full_name.strip(),
        email=email.strip().lower(),
        phone=phone.strip(),
        appointed_on=appointed_on,
    )
    try:
        manager.full_clean()
    except ValidationError as error:
        raise Refused.from_error(error) from error
    manager.save()
    return manager


@transaction.atomic
def membership_fee_set(*, consortium, period: str, amount, due_on: date, by) -> MembershipFee:
    """Set the fee each member pays for a period (once per period); the amount is not changed afterwards.

    Refused for a second fee of the same period (the consortium row is locked, so two clerks
    setting it at once cannot both succeed) and for a fee falling due before the consortium
    was established, which no member would owe.
    """
    consortium = Consortium.objects.select_for_update().get(pk=consortium.pk)
    if due_on < consortium.established_on:
        raise Refused(
            _("%(consortium)s was established on %(date)s: a fee due before then is owed by no member.")
            % {"consortium": consortium, "date": consortium.established_on.isoformat()},
            field="due_on",
        )
    fee = MembershipFee(consortium=consortium, period=period.strip(), amount=to_cents(amount), due_on=due_on)
    try:
        fee.full_clean()
    except ValidationError as error:
        raise Refused.from_error(error) from error
    fee.save()
    return fee


@transaction.atomic
def fee_payment_record(*, fee, organisation: Organisation, amount, paid_on: date, by) -> FeePayment:
    """Record a member's payment of a fee.

    Refused for an organisation that was not a member when the fee fell due, for more
    than the fee, for a payment dated in the future, and for a second payment of the same
    fee by the same member (the fee row is locked, so two clerks recording it at once
    cannot both succeed). A payment is not changed afterwards.
    """
    fee = MembershipFee.objects.select_for_update().select_related("consortium").get(pk=fee.pk)
    existing = FeePayment.objects.filter(fee=fee, organisation=organisation).first()
    if existing is not None:
        raise Refused(
            _("%(organisation)s has already paid the fee for %(period)s (%(amount)s on %(date)s).")
            % {
                "organisation": organisation,
                "period": fee.period,
                "amount": format_eur(existing.amount),
                "date": existing.paid_on.isoformat(),
            },
            field="organisation",
        )
    _refuse_if_future(paid_on, by=by, field="paid_on", message=_("A payment cannot be dated in the future."))
    payment = FeePayment(fee=fee, organisation=organisation, amount=to_cents(amount), paid_on=paid_on, recorded_by=by)
    try:
        payment.full_clean()
    except ValidationError as error:
        raise Refused.from_error(error) from error
    _save(payment, by)
    return payment


def bid_members_check(*, consortium, members, on: date) -> None:
    """Raise ValidationError unless every member involved was a member of the consortium on that day."""
    members = list(members)
    if not members:
        raise ValidationError(_("Name the members involved in the bid."), code="no_members")
    active = {
        membership.organisation_id
        for membership in Membership.objects.filter(consortium=consortium, organisation__in=members)
        if membership.is_active_on(on)
    }
    outsiders = sorted(str(organisation) for organisation in members if organisation.pk not in active)
    if outsiders:
        raise ValidationError(
            _("Not members of %(consortium)s on %(date)s: %(names)s.")
            % {"consortium": consortium, "date": on.isoformat(), "names": ", ".join(outsiders)},
            code="not_members",
        )


@transaction.atomic
def bid_submit(
    *, consortium, title: str, country: str, submitted_on: date, value, members, by, client: str = ""
) -> ConsortiumBid:
    """Record a bid the consortium submitted abroad, with the members involved; its value is not changed afterwards.

    Refused for a bid dated in the future, and for members involved who were not members
    of the consortium on the day it was submitted.
    """
    _refuse_if_future(submitted_on, by=by, field="submitted_on", message=_("A bid cannot be dated in the future."))
    members = list(members)
    bid = ConsortiumBid(
        consortium=consortium,
        title=title.strip(),
        client=client.strip(),
        country=country,
        submitted_on=submitted_on,
        value=to_cents(value),
    )
    try:
        bid.full_clean()
    except ValidationError as error:
        raise Refused.from_error(error) from error
    try:
        bid_members_check(consortium=consortium, members=members, on=submitted_on)
    except ValidationError as error:
        raise Refused(_messages(error), field="members") from error
    _save(bid, by)
    bid.members.set(members)
    return bid


@transaction.atomic
def bid_decide(*, bid, won: bool, decided_on: date, by) -> ConsortiumBid:
    """The client's decision: a won bid is a contract won. Final; the same decision twice changes nothing."""
    bid = ConsortiumBid.objects.select_for_update().get(pk=bid.pk)
    outcome = ConsortiumBid.Status.WON if won else ConsortiumBid.Status.LOST
    if bid.status == outcome:
        return bid
    if bid.status != ConsortiumBid.Status.SUBMITTED:
        raise Refused(_("This bid is already %(status)s.") % {"status": bid.get_status_display().lower()})
    _refuse_if_future(
        decided_on, by=by, field="decided_on", message=_("The client's decision cannot be dated in the future.")
    )
    bid.status = outcome
    bid.decided_on = decided_on
    try:
        bid.full_clean()
    except ValidationError as error:
        raise Refused.from_error(error) from error
    _save(bid, by, update_fields=["status", "decided_on"])
    return bid
