"""Reads of PIMEX coaching: who may see a participation, and a participant's progress in at most five queries."""

from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from applications.models import (
    PIMEX_DEFAULT_GROUP_SESSIONS,
    PIMEX_DEFAULT_TUTORIALS,
    Application,
    PimexAttendance,
    PimexPlannedAction,
    PimexSession,
    PimexTutorial,
    Status,
)
from applications.queries import _editable_filter, _visible_filter
from portal.money import to_cents
from programmes.models import Programme

# Participants are approved applications; a closed operation stays visible, read-only.
PARTICIPATING = (Status.APPROVED, Status.CLOSED)
# The deliverables are written, and the survey answered, while the operation runs.
RUNNING = Status.APPROVED

SWOT_PART_LABELS = {
    "strengths": _("strengths"),
    "weaknesses": _("weaknesses"),
    "opportunities": _("opportunities"),
    "threats": _("threats"),
}
# One whole sentence per part, so each language can word it its own way.
SWOT_PART_MISSING = {
    "strengths": _("The SWOT analysis is missing its strengths"),
    "weaknesses": _("The SWOT analysis is missing its weaknesses"),
    "opportunities": _("The SWOT analysis is missing its opportunities"),
    "threats": _("The SWOT analysis is missing its threats"),
}

SESSION_STATES = {
    "attended": _("Attended"),
    "absent": _("Absent"),
    "registered": _("Registered"),
    "upcoming": _("Not registered yet"),
    "not_registered": _("Not registered"),
}
TUTORIAL_STATES = {
    "attended": _("Attended"),
    "missed": _("Did not take place"),
    "scheduled": _("Scheduled"),
    "to_record": _("To be recorded by the technician"),
}


def participation_for(user, pk, *, editable=False) -> Application:
    """A PIMEX participation (approved or closed application) the user acts for; 404 for anything else.

    The same rule as the application pages: the company's representatives (editable=True:
    those who may change it). Anyone else, and any application that is not a PIMEX
    participation, gets "not found".
    """
    allowed = Application.objects.filter(_editable_filter(user) if editable else _visible_filter(user)).values("pk")
    queryset = Application.objects.filter(
        pk__in=allowed, call__programme__kind=Programme.Kind.PIMEX, status__in=PARTICIPATING
    ).select_related("call__programme__agency", "organisation", "consortium")
    return get_object_or_404(queryset, pk=pk)


def _one(instance, name):
    """A reverse one-to-one fetched with select_related, or None when there is no row."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


def pimex_commitments(call) -> tuple[int, int]:
    """(group sessions, tutorials) the call asks each participant to attend; 3 and 3 by default."""
    settings = _one(call, "pimex_settings")
    if settings is None:
        return PIMEX_DEFAULT_GROUP_SESSIONS, PIMEX_DEFAULT_TUTORIALS
    return settings.group_sessions_required, settings.tutorials_required


def _sessions_problem(attended: int, required: int) -> str:
    return ngettext(
        "%(attended)d of %(required)d group session attended",
        "%(attended)d of %(required)d group sessions attended",
        required,
    ) % {"attended": attended, "required": required}


def _tutorials_problem(attended: int, required: int) -> str:
    return ngettext(
        "%(attended)d of %(required)d individual tutorial attended",
        "%(attended)d of %(required)d individual tutorials attended",
        required,
    ) % {"attended": attended, "required": required}


def completion_problems(
    *, sessions_attended, sessions_required, tutorials_attended, tutorials_required, swot, plan, action_count, survey
) -> list[str]:
    """What still stands between a participant and a completed programme, in plain words.

    A pure function of what was recorded, shared by the progress page, the completion
    check and the admin list.
    """
    problems = []
    if sessions_attended < sessions_required:
        problems.append(_sessions_problem(sessions_attended, sessions_required))
    if tutorials_attended < tutorials_required:
        problems.append(_tutorials_problem(tutorials_attended, tutorials_required))
    if swot is None:
        problems.append(str(_("The SWOT analysis has not been written")))
    else:
        problems += [str(SWOT_PART_MISSING[part]) for part in swot.missing_parts]
    if plan is None:
        problems.append(str(_("The international action plan has not been written")))
    else:
        if not plan.target_markets.strip():
            problems.append(str(_("The international action plan names no target market")))
        if not action_count:
            problems.append(str(_("The international action plan has no planned action")))
    if survey is None:
        problems.append(str(_("The satisfaction survey has not been answered")))
    return problems


def pimex_progress(*, application) -> dict:
    """Everything the participant's page shows, in at most five queries whatever the number of rows.

    Keys: `sessions` (each {"session", "attendance", "state", "state_label"}),
    `sessions_required`, `sessions_attended`, `tutorials` (each {"tutorial", "state",
    "state_label"}), `tutorials_required`, `tutorials_attended`, `commitments_met`,
    `swot`, `swot_missing` (labels of the empty parts), `swot_complete`, `plan`, `actions`,
    `planned_budget` (Decimal), `plan_complete`, `survey`, `survey_open`, `survey_refusal`
    (why it is not open yet, or ""), `running`, `problems` (as pimex_completion_problems),
    `complete`, `zone` (the agency's time zone name, for showing dates).
    """
    row = Application.objects.select_related(
        "call__programme__agency", "call__pimex_settings", "pimex_swot", "pimex_action_plan", "pimex_survey"
    ).get(pk=application.pk)
    call = row.call
    now = timezone.now()
    sessions_required, tutorials_required = pimex_commitments(call)

    records = {a.session_id: a for a in PimexAttendance.objects.filter(application=row, session__call_id=call.pk)}
    sessions = []
    for session in PimexSession.objects.filter(call_id=call.pk).order_by("position", "starts_at", "pk"):
        attendance = records.get(session.pk)
        started = session.starts_at <= now
        if attendance is None:
            state = "not_registered" if started else "upcoming"
        elif attendance.attended:
            state = "attended"
        else:
            state = "absent" if started else "registered"
        sessions.append(
            {"session": session, "attendance": attendance, "state": state, "state_label": SESSION_STATES[state]}
        )
    sessions_attended = sum(1 for a in records.values() if a.attended)

    tutorials = []
    for tutorial in PimexTutorial.objects.filter(application=row).select_related("technician"):
        if tutorial.attended is True:
            state = "attended"
        elif tutorial.attended is False:
            state = "missed"
        else:
            state = "scheduled" if tutorial.scheduled_at > now else "to_record"
        tutorials.append({"tutorial": tutorial, "state": state, "state_label": TUTORIAL_STATES[state]})
    tutorials_attended = sum(1 for t in tutorials if t["state"] == "attended")

    swot = _one(row, "pimex_swot")
    plan = _one(row, "pimex_action_plan")
    survey = _one(row, "pimex_survey")
    actions = list(PimexPlannedAction.objects.filter(plan__application=row)) if plan else []
    problems = completion_problems(
        sessions_attended=sessions_attended,
        sessions_required=sessions_required,
        tutorials_attended=tutorials_attended,
        tutorials_required=tutorials_required,
        swot=swot,
        plan=plan,
        action_count=len(actions),
        survey=survey,
    )
    commitments = [
        p
        for met, p in (
            (sessions_attended >= sessions_required, _sessions_problem(sessions_attended, sessions_required)),
            (tutorials_attended >= tutorials_required, _tutorials_problem(tutorials_attended, tutorials_required)),
        )
        if not met
    ]
    running = row.status == RUNNING
    return {
        "sessions": sessions,
        "sessions_required": sessions_required,
        "sessions_attended": sessions_attended,
        "tutorials": tutorials,
        "tutorials_required": tutorials_required,
        "tutorials_attended": tutorials_attended,
        "commitments_met": not commitments,
        "swot": swot,
        "swot_missing": [SWOT_PART_LABELS[part] for part in swot.missing_parts] if swot else [],
        "swot_complete": swot is not None and not swot.missing_parts,
        "plan": plan,
        "actions": actions,
        "planned_budget": to_cents(sum((a.budget for a in actions), 0)),
        "plan_complete": plan is not None and bool(plan.target_markets.strip()) and bool(actions),
        "survey": survey,
        "survey_open": running and survey is None and not commitments,
        "survey_refusal": survey_refusal(commitments) if commitments else "",
        "running": running,
        "problems": problems,
        "complete": not problems,
        "zone": call.programme.agency.timezone,
    }


def pimex_panel(*, application) -> dict | None:
    """pimex_progress for a PIMEX participation (approved or closed), else None: what the application page includes."""
    if application.status not in PARTICIPATING or application.call.programme.kind != Programme.Kind.PIMEX:
        return None
    return pimex_progress(application=application)


def survey_refusal(commitments: list[str]) -> str:
    """Why the survey is not open yet: the commitments still unmet, in plain words."""
    return _(
        "The satisfaction survey opens once the group sessions and individual tutorials are done. Still to do: "
        "%(missing)s."
    ) % {"missing": "; ".join(commitments)}
