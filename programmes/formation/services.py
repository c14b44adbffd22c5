"""Forming an export consortium the agency's way (seed 002).

The pipeline: staff open a formation for a sector with its seed funding and the
programme's seed-funding call it draws from, identify candidate companies (around
25), hold introductory meetings, then invite the candidates to decide. Each company
answers in the portal, once and for all. With at least three companies joined, a
programme manager establishes the consortium: the joined companies become its
founding members, a manager is appointed, and the seed funding is granted as an
application of the new consortium on the formation's call.

The establishment has one door, `applications.services.formation_establish`
(applications.formation_grants), because the grant is an application: it calls
`formation_consortium_create` here (the consortium and its members) and then
decides the grant through the call's budget, rules and de minimis ledger, all in
one transaction. Nothing else calls `formation_consortium_create`.

What follows (membership fees and their payments, the consortium's international
bids) belongs to the consortium: consortia.follow_up.

Every function here is the one way to do its step: the admin, the portal views,
the demo and the tests all call it. A step that cannot be done raises `Refused`
(consortia.follow_up's, so the formation and what follows it refuse alike) with a
message for the user.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consortia.follow_up import Refused, consortium_manager_appoint
from consortia.models import Consortium, Membership, Organisation
from consortia.selectors import acts_for, people_acting_for
from consortia.services import NotAllowed
from portal.figures import counted_data_changed
from portal.money import to_cents
from portal.notifications import email_batch, notify
from portal.regions import region_name
from programmes.models import Formation, FormationAttendance, FormationCandidate, FormationMeeting

# A consortium offers a full service only with several firms; the programme's calls ask for 3 members.
MIN_FOUNDING_MEMBERS = 3

Status = Formation.Status
Candidate = FormationCandidate.Status

# Allowed moves of a formation; establishment happens only through `formation_consortium_create`
# (called by the one door, applications.formation_grants.formation_establish).
TRANSITIONS = {
    Status.IDENTIFYING: {Status.MEETING, Status.DECIDING, Status.ABANDONED},
    Status.MEETING: {Status.DECIDING, Status.ABANDONED},
    Status.DECIDING: {Status.ESTABLISHED, Status.ABANDONED},
    Status.ESTABLISHED: set(),
    Status.ABANDONED: set(),
}


def agency_today(agency) -> date:
    """Today in the agency's time zone: dates of the formation are the agency's dates."""
    return agency.today()


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
    *,
    programme,
    sector: str,
    name: str,
    seed_funding,
    by,
    call=None,
    opened_on: date | None = None,
    coordinator=None,
    notes="",
) -> Formation:
    """Open a formation for a sector of the programme, with the seed funding it will need and the
    programme's call it will be granted on (which may be chosen later, before establishing)."""
    formation = Formation(
        programme=programme,
        call=call,
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
    """Change the seed funding a formation under way plans; it is granted as it is when established."""
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
@email_batch()
def formation_invite(*, formation, by, candidates=None) -> list[FormationCandidate]:
    """Invite identified candidates (all of them by default) to decide whether to join.

    Their representatives get an e-mail and see the invitation on their portal page;
    the formation moves to "companies deciding". Returns the candidates invited now.
    """
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
def formation_consortium_create(
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
    """The consortium of an establishment: the joined companies become its founding members.

    A step of the one door, `applications.formation_grants.formation_establish`, which grants the
    seed funding in the same transaction: call that, never this alone (it commits no money).
    Refused with fewer than MIN_FOUNDING_MEMBERS joined companies, with a lead that has not
    joined, or without the seed-funding call the grant is made on. The formation row is locked,
    so an answer and the establishment never cross. A manager is appointed when named.
    """
    # Lock order, everywhere: the call (taken by the door), formation, candidates.
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
    if formation.call_id is None:
        raise Refused(
            _("Choose on the formation's page the seed-funding call of the programme its seed funding is granted on."),
            field="call",
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
    counted_data_changed()
    return consortium
