"""Writes of PIMEX coaching, and the check the operation's closing relies on.

Every write locks the row it is contested on: the session (its places), or the application
(its status, so a deliverable is never changed while the operation is being closed).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.models import (
    Application,
    PimexActionPlan,
    PimexAttendance,
    PimexPlannedAction,
    PimexSession,
    PimexSurvey,
    PimexSwot,
)
from portal.figures import counted_data_changed
from portal.refusals import Refused
from programmes.models import Programme

from .selectors import RUNNING, pimex_progress

__all__ = [
    "PimexRefused",
    "pimex_action_plan_save",
    "pimex_attendance_record",
    "pimex_completion_problems",
    "pimex_progress",
    "pimex_session_capacity_check",
    "pimex_survey_submit",
    "pimex_swot_save",
]

PLANNED_ACTION_FIELDS = ("description", "market", "starts_on", "ends_on", "budget")


class PimexRefused(Refused):
    """The change is refused; the message says why, in plain words."""


def pimex_completion_problems(*, application) -> list[str]:
    """Why the participant has not completed PIMEX yet: [] when every commitment is met.

    Checks the group sessions and individual tutorials attended against the call's
    commitments, the four parts of the SWOT analysis, the action plan (target markets and
    at least one action) and the satisfaction survey. Each reason is one translated, plain
    sentence, e.g. "2 of 3 group sessions attended". Applications of other programmes
    have nothing to complete here: [].
    """
    if application.call.programme.kind != Programme.Kind.PIMEX:
        return []
    return pimex_progress(application=application)["problems"]


def _running(application, what: str) -> Application:
    """The application, locked; refused unless its operation is running (approved)."""
    locked = (
        Application.objects.select_for_update(of=("self",)).select_related("call__programme").get(pk=application.pk)
    )
    if locked.call.programme.kind != Programme.Kind.PIMEX:
        raise PimexRefused(_("This operation is not part of a PIMEX programme."))
    if locked.status != RUNNING:
        raise PimexRefused(
            _("%(what)s can be written while the operation is running; this one is “%(status)s”.")
            % {"what": what, "status": locked.get_status_display()}
        )
    return locked


def pimex_session_capacity_check(*, session: PimexSession, registered: int) -> None:
    """Refuse more registered participants than the session has places."""
    if session.capacity is None:
        return  # a session form without its number of places: that field's own error says so
    if registered > session.capacity:
        raise PimexRefused(
            ngettext(
                "This session has %(capacity)d place; %(registered)d participants would be registered.",
                "This session has %(capacity)d places; %(registered)d participants would be registered.",
                session.capacity,
            )
            % {"capacity": session.capacity, "registered": registered}
        )


def pimex_attendance_record(*, session: PimexSession, application, attended: bool, by) -> PimexAttendance:
    """Register a participant at a session, or record whether they attended it.

    A new registration takes a place: the session row is locked, so two staff members
    recording at once cannot give away more places than it has.
    """
    with transaction.atomic():
        locked = PimexSession.objects.select_for_update().get(pk=session.pk)
        attendance = PimexAttendance.objects.filter(session=locked, application=application).first()
        if attendance is None:
            pimex_session_capacity_check(session=locked, registered=locked.attendances.count() + 1)
            attendance = PimexAttendance(session=locked, application=application)
        attendance.session = locked
        attendance.attended = attended
        attendance.recorded_by = by
        attendance.recorded_at = timezone.now()
        try:
            attendance.full_clean(validate_unique=False)
        except ValidationError as error:
            raise PimexRefused(" ".join(error.messages)) from error
        attendance.save()
        counted_data_changed()
    return attendance


def pimex_swot_save(*, application, by, strengths="", weaknesses="", opportunities="", threats="") -> PimexSwot:
    """Write the SWOT analysis. A part may stay empty while it is worked on; it is complete when none is."""
    with transaction.atomic():
        locked = _running(application, _("The SWOT analysis"))
        swot, _created = PimexSwot.objects.get_or_create(application=locked)
        swot.strengths = strengths.strip()
        swot.weaknesses = weaknesses.strip()
        swot.opportunities = opportunities.strip()
        swot.threats = threats.strip()
        swot.updated_by = by
        swot.save()
        counted_data_changed()
    return swot


def pimex_action_plan_save(*, application, by, target_markets="", objectives="", actions=()) -> PimexActionPlan:
    """Write the international action plan: its target markets, objectives and the list of actions.

    `actions` is the whole list, in order, as dicts with description, market, starts_on,
    ends_on and budget: it replaces the plan's actions (nothing else points at them).
    An action ending before it starts, or with a negative budget, is refused.
    """
    rows = [
        PimexPlannedAction(position=index, **{f: a[f] for f in PLANNED_ACTION_FIELDS})
        for index, a in enumerate(actions, 1)
    ]
    for row in rows:
        try:
            row.full_clean(exclude=["plan"])
        except ValidationError as error:
            raise PimexRefused(f"{row.description}: {' '.join(error.messages)}") from error
    with transaction.atomic():
        locked = _running(application, _("The international action plan"))
        plan, _created = PimexActionPlan.objects.get_or_create(application=locked)
        plan.target_markets = target_markets.strip()
        plan.objectives = objectives.strip()
        plan.updated_by = by
        plan.save()
        plan.actions.all().delete()
        for row in rows:
            row.plan = plan
        PimexPlannedAction.objects.bulk_create(rows)
        counted_data_changed()
    return plan


def pimex_survey_submit(*, application, by, score: int, comments: str = "") -> PimexSurvey:
    """Answer the satisfaction survey: once, after the group sessions and tutorials are done."""
    if not isinstance(score, int) or not 0 <= score <= 10:
        raise PimexRefused(_("Give a score from 0 (not satisfied at all) to 10 (fully satisfied)."))
    with transaction.atomic():
        locked = _running(application, _("The satisfaction survey"))
        if PimexSurvey.objects.filter(application=locked).exists():
            raise PimexRefused(_("The satisfaction survey has already been answered."))
        progress = pimex_progress(application=locked)
        if not progress["commitments_met"]:
            raise PimexRefused(progress["survey_refusal"])
        survey = PimexSurvey.objects.create(
            application=locked, score=score, comments=comments.strip(), submitted_by=by, submitted_at=timezone.now()
        )
        counted_data_changed()
    return survey
