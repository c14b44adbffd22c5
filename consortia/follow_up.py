"""What follows a consortium's formation (seed 002): its manager, the members' fees and their
payments, and the consortium's international bids; a won bid is a contract won, the programme's
measure of success.

Every function here is the one way to do its step: the admin, the demo and the tests all call it.
A step that cannot be done raises `Refused` with a message for the user; the formation's services
(programmes.formation.services) raise the same class.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import refusals
from portal.figures import counted_data_changed
from portal.money import format_eur, to_cents

from .models import Consortium, ConsortiumBid, ConsortiumManager, FeePayment, Membership, MembershipFee, Organisation


class Refused(refusals.Refused):
    """The step cannot be done; the message says why, in words for the user (`field` or `errors`:
    next to which form fields, named as the model and the service's arguments name them)."""

    @classmethod
    def from_error(cls, error: ValidationError) -> "Refused":
        """The refusal of a model's validation, each message kept on its field."""
        return cls(_messages(error), errors=error.message_dict if hasattr(error, "error_dict") else {})


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def _save(instance, by, **kwargs):
    # The audit history (django-simple-history) records who did it, also outside a request.
    instance._history_user = by
    instance.save(**kwargs)


def _today_for(by) -> date:
    """Today as the person recording sees it: their agency's date (the project's for a user without one)."""
    agency = getattr(by, "agency", None)
    return timezone.localdate(timezone=agency.tzinfo) if agency is not None else timezone.localdate()


def _refuse_if_future(day: date, *, by, field: str, message: str) -> None:
    if day > _today_for(by):
        raise Refused(message, field=field)


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
    fee = MembershipFee.objects.select_for_update(of=("self",)).select_related("consortium").get(pk=fee.pk)
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
    counted_data_changed()
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
    counted_data_changed()
    return bid
