"""Test data of PIMEX coaching: a PIMEX call, participants acting through representatives, sessions."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from applications.models import PimexSession, PimexTutorial
from applications.pimex.services import (
    pimex_action_plan_save,
    pimex_attendance_record,
    pimex_survey_submit,
    pimex_swot_save,
)
from applications.tests.factories import ApplicationFactory
from consortia.tests.factories import OrganisationFactory, representative
from programmes.models import Programme
from programmes.tests.factories import AgencyFactory, CallFactory, ProgrammeFactory

SWOT = {
    "strengths": "Own processing plant; IFS certified.",
    "weaknesses": "Nobody in the team speaks Arabic.",
    "opportunities": "Hotels in the Gulf buy Spanish tomato.",
    "threats": "Turkish competitors with lower prices.",
}


def action(description="Visit to Gulfood, Dubai", *, days=30, lasts=5, budget="1900.00", market="UAE"):
    today = timezone.localdate()
    return {
        "description": description,
        "market": market,
        "starts_on": today + timedelta(days=days),
        "ends_on": today + timedelta(days=days + lasts),
        "budget": Decimal(budget),
    }


def pimex_call(agency=None, **fields):
    agency = agency or AgencyFactory(name="Extremadura Avante", region="ES43", timezone="Europe/Madrid")
    programme = ProgrammeFactory(
        agency=agency, kind=Programme.Kind.PIMEX, applicant_type=Programme.ApplicantType.COMPANY, name="PIMEX"
    )
    return CallFactory(programme=programme, title="PIMEX 2026", reference_prefix="PMX", **fields)


_references = iter(range(1, 100_000))


def participant(call, *, email=None, status="approved", legal_name=None):
    """An approved application of a company to the call, and the person who represents the company."""
    number = next(_references)
    company = OrganisationFactory(legal_name=legal_name or f"Conservas {number} S.L.")
    application = ApplicationFactory(
        call=call,
        consortium=None,
        organisation=company,
        title="Processed tomato in the Gulf countries",
        status=status,
        submitted_at=None if status == "draft" else timezone.now() - timedelta(days=60),
        reference="" if status == "draft" else f"{call.reference_prefix}-2026-{number:04d}",
        granted_amount=Decimal("2500.00") if status in ("approved", "closed") else None,
    )
    return application, representative(company, email or f"rep{number}@example.org")


def session(call, *, days=-7, capacity=20, title=None, position=0):
    """A group session `days` from now (negative: it has taken place)."""
    return PimexSession.objects.create(
        call=call,
        title=title or f"Group session {days}",
        starts_at=timezone.now() + timedelta(days=days),
        place="Extremadura Avante, Mérida",
        capacity=capacity,
        position=position,
    )


def tutorial(application, *, days=-3, attended=True, topic="Export diagnosis", technician=None):
    return PimexTutorial.objects.create(
        application=application,
        scheduled_at=timezone.now() + timedelta(days=days),
        topic=topic,
        attended=attended,
        technician=technician,
    )


def attend(application, sessions, *, by=None, attended=True):
    for item in sessions:
        pimex_attendance_record(session=item, application=application, attended=attended, by=by)


def commitments(application, *, sessions=3, tutorials=3, by=None):
    """Record the sessions and tutorials attended (three and three: the programme's commitment)."""
    attend(application, [session(application.call, days=-30 + n, position=n) for n in range(sessions)], by=by)
    for n in range(tutorials):
        tutorial(application, days=-20 + n, topic=f"Tutorial {n + 1}")


def deliverables(application, by, *, survey=True):
    pimex_swot_save(application=application, by=by, **SWOT)
    pimex_action_plan_save(
        application=application, by=by, target_markets="United Arab Emirates, Qatar", actions=[action()]
    )
    if survey:
        pimex_survey_submit(application=application, by=by, score=8, comments="Useful tutorials.")
