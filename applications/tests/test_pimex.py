"""PIMEX coaching after the grant: commitments, deliverables, survey, completion, pages and admin."""

import threading
import time
from datetime import UTC
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.utils import IntegrityError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import (
    PimexActionPlan,
    PimexAttendance,
    PimexCallSettings,
    PimexPlannedAction,
    PimexSession,
    PimexSurvey,
    PimexSwot,
    PimexTutorial,
)
from applications.pimex import services
from applications.pimex.selectors import pimex_panel
from applications.pimex.services import (
    PimexRefused,
    pimex_action_plan_save,
    pimex_attendance_record,
    pimex_completion_problems,
    pimex_progress,
    pimex_survey_submit,
    pimex_swot_save,
)
from applications.tests.factories import ApplicationFactory
from applications.tests.pimex_factories import (
    SWOT,
    action,
    attend,
    commitments,
    deliverables,
    participant,
    pimex_call,
    session,
    tutorial,
)
from portal.roles import AGENCY_STAFF, PROGRAMME_MANAGER, ensure_groups
from programmes.tests.factories import CallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(agency):
    return pimex_call(agency=agency)


@pytest.fixture
def tomates(call):
    """The participant: an approved application, and Lucía who represents the company."""
    return participant(call, email="lucia@example.org", legal_name="Tomates Vegas Altas S.L.")


@pytest.fixture
def technician(staff):
    """The agency's staff member who records the coaching."""
    return staff


def url(name, application, **kwargs):
    return reverse(f"programmes:pimex_{name}", args=[application.pk], **kwargs)


# --- completion: every commitment on its own ----------------------------------------------------


def test_a_new_participant_has_every_commitment_still_to_meet(tomates):
    application, _lucia = tomates

    assert pimex_completion_problems(application=application) == [
        "0 of 3 group sessions attended",
        "0 of 3 individual tutorials attended",
        "The SWOT analysis has not been written",
        "The international action plan has not been written",
        "The satisfaction survey has not been answered",
    ]


def test_completion_is_accepted_when_every_commitment_is_met(tomates, technician):
    application, lucia = tomates
    commitments(application, by=technician)
    deliverables(application, lucia)

    assert pimex_completion_problems(application=application) == []
    assert pimex_progress(application=application)["complete"] is True


def _survey_without_checks(application, by):
    # The state being checked, whatever the path that led to it.
    PimexSurvey.objects.create(application=application, score=8, submitted_by=by)


BREAKS = {
    "one group session short": (
        lambda a, by: (commitments(a, sessions=2), deliverables(a, by, survey=False), _survey_without_checks(a, by)),
        "2 of 3 group sessions attended",
    ),
    "one tutorial short": (
        lambda a, by: (commitments(a, tutorials=2), deliverables(a, by, survey=False), _survey_without_checks(a, by)),
        "2 of 3 individual tutorials attended",
    ),
    "no SWOT analysis": (
        lambda a, by: (
            commitments(a),
            pimex_action_plan_save(application=a, by=by, target_markets="Qatar", actions=[action()]),
            pimex_survey_submit(application=a, by=by, score=9),
        ),
        "The SWOT analysis has not been written",
    ),
    "SWOT without threats": (
        lambda a, by: (
            commitments(a),
            deliverables(a, by),
            pimex_swot_save(application=a, by=by, **{**SWOT, "threats": "   "}),
        ),
        "The SWOT analysis is missing its threats",
    ),
    "SWOT without strengths": (
        lambda a, by: (
            commitments(a),
            deliverables(a, by),
            pimex_swot_save(application=a, by=by, **{**SWOT, "strengths": ""}),
        ),
        "The SWOT analysis is missing its strengths",
    ),
    "no action plan": (
        lambda a, by: (
            commitments(a),
            pimex_swot_save(application=a, by=by, **SWOT),
            pimex_survey_submit(application=a, by=by, score=9),
        ),
        "The international action plan has not been written",
    ),
    "a plan without actions": (
        lambda a, by: (
            commitments(a),
            deliverables(a, by),
            pimex_action_plan_save(application=a, by=by, target_markets="Qatar", actions=[]),
        ),
        "The international action plan has no planned action",
    ),
    "a plan without target markets": (
        lambda a, by: (
            commitments(a),
            deliverables(a, by),
            pimex_action_plan_save(application=a, by=by, target_markets=" ", actions=[action()]),
        ),
        "The international action plan names no target market",
    ),
    "no survey": (
        lambda a, by: (commitments(a), deliverables(a, by, survey=False)),
        "The satisfaction survey has not been answered",
    ),
}


@pytest.mark.parametrize("case", list(BREAKS))
def test_completion_is_refused_while_one_commitment_is_unmet(case, tomates):
    application, lucia = tomates
    build, reason = BREAKS[case]

    build(application, lucia)

    assert pimex_completion_problems(application=application) == [reason]


def test_an_absence_and_an_unrecorded_tutorial_do_not_count(tomates, technician):
    application, _lucia = tomates
    past = [session(application.call, days=-d) for d in (30, 20, 10)]
    attend(application, past[:2], by=technician)
    attend(application, past[2:], by=technician, attended=False)
    tutorial(application, days=-10, attended=True)
    tutorial(application, days=-5, attended=False)
    tutorial(application, days=-1, attended=None)

    progress = pimex_progress(application=application)

    assert (progress["sessions_attended"], progress["tutorials_attended"]) == (2, 1)
    assert [s["state"] for s in progress["sessions"]] == ["attended", "attended", "absent"]
    assert [t["state"] for t in progress["tutorials"]] == ["attended", "missed", "to_record"]


def test_the_call_sets_how_many_sessions_and_tutorials_are_required(tomates, technician):
    application, lucia = tomates
    PimexCallSettings.objects.create(call=application.call, group_sessions_required=2, tutorials_required=4)
    commitments(application, sessions=2, tutorials=3, by=technician)
    pimex_swot_save(application=application, by=lucia, **SWOT)

    assert pimex_completion_problems(application=application)[0] == "3 of 4 individual tutorials attended"


def test_the_application_page_gets_the_panel_of_pimex_participations_only(call):
    running, _lucia = participant(call)
    draft, _rep = participant(call, status="draft")
    elsewhere = ApplicationFactory(call=CallFactory(), status="approved", submitted_at="2026-03-01T10:00Z")

    assert pimex_panel(application=running)["sessions_required"] == 3
    assert pimex_panel(application=draft) is None
    assert pimex_panel(application=elsewhere) is None


def test_applications_of_other_programmes_have_nothing_to_complete():
    application = ApplicationFactory(call=CallFactory(), status="approved", submitted_at="2026-03-01T10:00Z")

    assert pimex_completion_problems(application=application) == []


# --- group sessions: places and attendance --------------------------------------------------------


def test_a_session_takes_no_more_participants_than_its_places(call, technician):
    small = session(call, days=-2, capacity=2)
    first, second, third = (participant(call)[0] for _ in range(3))
    attend(first, [small], by=technician)
    attend(second, [small], by=technician)

    with pytest.raises(PimexRefused, match=r"This session has 2 places; 3 participants would be registered\."):
        pimex_attendance_record(session=small, application=third, attended=True, by=technician)

    assert small.attendances.count() == 2
    # Recording a registered participant again takes no new place.
    pimex_attendance_record(session=small, application=first, attended=False, by=technician)
    assert small.attendances.filter(attended=True).count() == 1


def test_attendance_is_recorded_only_for_participants_of_the_sessions_call(call, technician):
    elsewhere = participant(pimex_call(agency=call.programme.agency))[0]
    draft = participant(call, status="draft")[0]
    past = session(call, days=-1)

    for application in (elsewhere, draft):
        with pytest.raises(PimexRefused):
            pimex_attendance_record(session=past, application=application, attended=True, by=technician)
    with pytest.raises(PimexRefused, match="once the session has started"):
        pimex_attendance_record(session=session(call, days=5), application=participant(call)[0], attended=True, by=None)
    assert not PimexAttendance.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_filling_the_last_place_at_once_register_one_participant(monkeypatch):
    # Each recording pauses between counting the places and writing its row: without the
    # lock on the session both would find the place free.
    check = services.pimex_session_capacity_check

    def slow_check(**kwargs):
        check(**kwargs)
        time.sleep(0.3)

    monkeypatch.setattr(services, "pimex_session_capacity_check", slow_check)
    call = pimex_call()
    last_place = session(call, days=-1, capacity=1)
    applications = [participant(call)[0] for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def record(application):
        try:
            barrier.wait()
            pimex_attendance_record(session=last_place, application=application, attended=True, by=None)
            outcomes.append("registered")
        except PimexRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "registered"]
    assert PimexAttendance.objects.filter(session=last_place).count() == 1


# --- the SWOT analysis and the action plan ----------------------------------------------------------


def test_the_swot_can_be_saved_unfinished_and_the_page_says_what_is_missing(client, tomates):
    application, lucia = tomates
    client.force_login(lucia)

    response = client.post(url("swot", application), {**SWOT, "threats": ""}, follow=True)

    assert PimexSwot.objects.get(application=application).missing_parts == ["threats"]
    html = response.content.decode()
    assert "The SWOT analysis is saved." in html
    assert "Still to write: threats" in html


def test_a_planned_action_ending_before_it_starts_is_refused_next_to_the_field(client, tomates):
    application, lucia = tomates
    client.force_login(lucia)
    data = {
        "target_markets": "United Arab Emirates",
        "objectives": "Two distributors",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-description": "Tasting in Doha",
        "actions-0-market": "Qatar",
        "actions-0-starts_on": "2027-03-10",
        "actions-0-ends_on": "2027-03-01",
        "actions-0-budget": "700.00",
    }

    response = client.post(url("action_plan", application), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<div class="invalid-feedback d-block" id="id_actions-0-ends_on-error">'
        "The action must end on or after the day it starts.</div>" in html
    )
    assert 'aria-describedby="id_actions-0-ends_on-error"' in html
    assert 'value="Tasting in Doha"' in html and 'value="United Arab Emirates"' in html
    assert not PimexActionPlan.objects.exists()


def test_a_negative_budget_is_refused_next_to_the_field(client, tomates):
    application, lucia = tomates
    client.force_login(lucia)

    response = client.post(
        url("action_plan", application),
        {
            "target_markets": "Qatar",
            "actions-TOTAL_FORMS": "1",
            "actions-INITIAL_FORMS": "0",
            "actions-0-description": "Samples",
            "actions-0-market": "Qatar",
            "actions-0-starts_on": "2027-03-01",
            "actions-0-ends_on": "2027-03-10",
            "actions-0-budget": "-5",
        },
    )

    assert 'id="id_actions-0-budget-error">Enter an amount of zero or more.</div>' in response.content.decode()
    assert not PimexPlannedAction.objects.exists()


def test_the_plan_is_written_changed_and_an_action_removed(client, tomates):
    application, lucia = tomates
    client.force_login(lucia)
    pimex_action_plan_save(
        application=application,
        by=lucia,
        target_markets="Qatar",
        actions=[action("Gulfood visit"), action("Samples to Riyadh", budget="600.00")],
    )
    page = client.get(url("action_plan", application)).content.decode()
    assert 'value="Gulfood visit"' in page and 'value="Samples to Riyadh"' in page

    client.post(
        url("action_plan", application),
        {
            "target_markets": "Qatar, Saudi Arabia",
            "objectives": "",
            "actions-TOTAL_FORMS": "3",
            "actions-INITIAL_FORMS": "2",
            "actions-0-description": "Gulfood visit",
            "actions-0-market": "United Arab Emirates",
            "actions-0-starts_on": "2027-02-17",
            "actions-0-ends_on": "2027-02-21",
            "actions-0-budget": "1900.00",
            "actions-1-description": "Samples to Riyadh",
            "actions-1-market": "Saudi Arabia",
            "actions-1-starts_on": "2027-03-01",
            "actions-1-ends_on": "2027-03-31",
            "actions-1-budget": "600.00",
            "actions-1-DELETE": "on",
            "actions-2-description": "Catalogue in Arabic",
            "actions-2-market": "Gulf countries",
            "actions-2-starts_on": "2027-01-10",
            "actions-2-ends_on": "2027-01-31",
            "actions-2-budget": "450.50",
        },
    )

    plan = PimexActionPlan.objects.get(application=application)
    assert plan.target_markets == "Qatar, Saudi Arabia"
    assert list(plan.actions.values_list("description", "market", "budget")) == [
        ("Gulfood visit", "United Arab Emirates", Decimal("1900.00")),
        ("Catalogue in Arabic", "Gulf countries", Decimal("450.50")),
    ]
    assert pimex_progress(application=application)["planned_budget"] == Decimal("2350.50")


def test_the_database_refuses_an_action_ending_before_it_starts(tomates):
    application, _lucia = tomates
    plan = PimexActionPlan.objects.create(application=application, target_markets="Qatar")

    with pytest.raises(IntegrityError):
        PimexPlannedAction.objects.create(
            plan=plan, description="x", market="Qatar", budget=1, **{"starts_on": "2027-03-10", "ends_on": "2027-03-01"}
        )


def test_a_closed_operation_keeps_its_deliverables_read_only(client, tomates):
    application, lucia = tomates
    pimex_swot_save(application=application, by=lucia, **SWOT)
    application.status = "closed"
    application.save(update_fields=["status"])
    client.force_login(lucia)

    page = client.get(url("swot", application)).content.decode()
    response = client.post(url("swot", application), {**SWOT, "threats": "changed"}, follow=True)

    assert 'id="swot-form"' not in page
    assert SWOT["threats"] in page
    assert "can only be read" in response.content.decode()
    assert PimexSwot.objects.get(application=application).threats == SWOT["threats"]
    with pytest.raises(PimexRefused, match="“Closed”"):
        pimex_swot_save(application=application, by=lucia, **SWOT)


# --- the satisfaction survey ------------------------------------------------------------------------


def test_the_survey_is_refused_before_the_sessions_and_tutorials_are_done(client, tomates, technician):
    application, lucia = tomates
    commitments(application, sessions=2, tutorials=1, by=technician)
    client.force_login(lucia)

    page = client.get(url("survey", application)).content.decode()
    response = client.post(url("survey", application), {"score": "9", "comments": "Great"})

    reason = (
        "The satisfaction survey opens once the group sessions and individual tutorials are done. "
        "Still to do: 2 of 3 group sessions attended; 1 of 3 individual tutorials attended."
    )
    assert reason in page and 'id="survey-form"' not in page
    assert reason in response.content.decode()
    assert not PimexSurvey.objects.exists()
    with pytest.raises(PimexRefused, match="Still to do: 2 of 3 group sessions attended"):
        pimex_survey_submit(application=application, by=lucia, score=9)


@pytest.mark.parametrize(("score", "message"), [("11", "10 is the highest"), ("-1", "0 is the lowest")])
def test_a_score_outside_0_to_10_is_refused_next_to_the_field_and_comments_are_kept(
    client, tomates, technician, score, message
):
    application, lucia = tomates
    commitments(application, by=technician)
    client.force_login(lucia)

    response = client.post(url("survey", application), {"score": score, "comments": "The tutorials were useful"})

    html = response.content.decode()
    assert response.status_code == 200
    assert f"<strong>Give a score from 0 to 10: {message}.</strong></p>" in html.split('id="div_id_score"')[1]
    assert "The tutorials were useful</textarea>" in html
    assert not PimexSurvey.objects.exists()


def test_the_database_refuses_a_score_above_10(tomates):
    application, lucia = tomates

    with pytest.raises(IntegrityError):
        PimexSurvey.objects.create(application=application, score=11, submitted_by=lucia)


def test_the_survey_is_answered_once(client, tomates, technician):
    application, lucia = tomates
    commitments(application, by=technician)
    client.force_login(lucia)

    client.post(url("survey", application), {"score": "8", "comments": "Good"})
    again = client.post(url("survey", application), {"score": "2", "comments": "Changed my mind"})

    survey = PimexSurvey.objects.get(application=application)
    assert (survey.score, survey.comments, survey.submitted_by) == (8, "Good", lucia)
    assert "8 out of 10" in again.content.decode()
    with pytest.raises(PimexRefused, match="already been answered"):
        pimex_survey_submit(application=application, by=lucia, score=3)


# --- the participant's page ---------------------------------------------------------------------------


def test_the_progress_shown_equals_the_recorded_attendance(client, tomates, technician):
    application, lucia = tomates
    call = application.call
    sessions = [session(call, days=d, position=n) for n, d in enumerate((-30, -20, -10, 12))]
    attend(application, sessions[:2], by=technician)
    attend(application, sessions[2:], by=technician, attended=False)
    tutorial(application, days=-5, attended=True)
    tutorial(application, days=4, attended=None)
    client.force_login(lucia)

    html = client.get(url("progress", application)).content.decode()

    recorded = PimexAttendance.objects.filter(application=application, attended=True).count()
    assert recorded == 2
    assert f"{recorded} of 3 group sessions attended" in html
    assert "1 of 3 individual tutorials attended" in html
    assert all(f"pimex-session-{state}" in html for state in ("attended", "absent", "registered"))
    assert html.count('class="pimex-session pimex-session-attended"') == 2
    assert "Opens once the group sessions and individual tutorials are done" in html


def test_the_sessions_are_shown_in_the_agencys_time_zone(client, tomates):
    application, lucia = tomates
    when = session(application.call, days=-3)
    when.starts_at = when.starts_at.replace(month=1, day=15, hour=9, minute=0, second=0, microsecond=0, year=2026)
    when.save()
    client.force_login(lucia)

    html = client.get(url("progress", application)).content.decode()

    # 09:00 UTC is 10:00 in Madrid in winter.
    assert "Jan. 15, 2026, 10 a.m." in html


def test_the_progress_page_issues_the_same_queries_for_3_or_30_rows(
    client, tomates, technician, django_assert_num_queries
):
    application, lucia = tomates

    def grow(count):
        have = PimexSession.objects.filter(call=application.call).count()
        attend(application, [session(application.call, days=-40 + n, position=n) for n in range(have, count)])
        for n in range(PimexTutorial.objects.filter(application=application).count(), count):
            tutorial(application, days=-40 + n, topic=f"Tutorial {n}", technician=technician)
        pimex_action_plan_save(
            application=application,
            by=lucia,
            target_markets="Qatar",
            actions=[action(f"Action {n}") for n in range(count)],
        )

    pimex_swot_save(application=application, by=lucia, **SWOT)
    grow(3)
    client.force_login(lucia)
    with CaptureQueriesContext(connection) as three:
        assert client.get(url("progress", application)).status_code == 200
    grow(30)

    with django_assert_num_queries(len(three)):
        html = client.get(url("progress", application)).content.decode()
    assert "30 of 3 group sessions attended" in html and "30 planned actions" in html


# --- who may see the pages ----------------------------------------------------------------------------


def all_urls(application):
    return [url(name, application) for name in ("progress", "swot", "action_plan", "survey")]


def test_outsiders_get_404_on_every_pimex_page(client, call, tomates, outsider):
    application, _lucia = tomates
    _other_application, other_company_rep = participant(call, email="rival@example.org")

    for someone in (other_company_rep, outsider):
        client.force_login(someone)
        for address in all_urls(application):
            assert client.get(address).status_code == 404, (someone, address)
            assert client.post(address, {"score": "10", **SWOT}).status_code == 404, (someone, address)
    assert not PimexSwot.objects.exists() and not PimexSurvey.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, tomates):
    application, _lucia = tomates

    for address in all_urls(application):
        response = client.get(address)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], address


def test_the_pages_exist_only_for_pimex_participations(client, call):
    draft, lucia = participant(call, status="draft")
    other_programme = ApplicationFactory(
        call=CallFactory(),
        consortium=None,
        organisation=draft.organisation,
        status="approved",
        submitted_at=draft.created_at,
    )
    client.force_login(lucia)

    for application in (draft, other_programme):
        for address in all_urls(application):
            assert client.get(address).status_code == 404, address


def test_the_participants_representative_sees_the_pages(client, tomates):
    application, lucia = tomates
    client.force_login(lucia)

    for address in all_urls(application):
        assert client.get(address).status_code == 200, address


# --- the administration ---------------------------------------------------------------------------------


@pytest.fixture
def two_agencies(agency, other_agency):
    ours = pimex_call(agency=agency)
    theirs = pimex_call(agency=other_agency)
    data = {}
    for key, call in (("ours", ours), ("theirs", theirs)):
        application, _rep = participant(call, legal_name=f"Company of {key}")
        item = session(call, days=-2, title=f"Session of {key}")
        attend(application, [item])
        tutorial(application, topic=f"Tutorial of {key}")
        data[key] = {"call": call, "application": application, "session": item}
    return data


def test_staff_of_another_agency_do_not_see_the_sessions_attendance_or_participants(client, two_agencies, staff):
    client.force_login(staff)
    theirs = two_agencies["theirs"]

    sessions = client.get(reverse("admin:applications_pimexsession_changelist")).content.decode()
    participants = client.get(reverse("admin:applications_pimexparticipant_changelist")).content.decode()
    session_page = client.get(reverse("admin:applications_pimexsession_change", args=[theirs["session"].pk]))
    participant_page = client.get(
        reverse("admin:applications_pimexparticipant_change", args=[theirs["application"].pk])
    )

    assert "Session of ours" in sessions and "Session of theirs" not in sessions
    assert "Company of ours" in participants and "Company of theirs" not in participants
    for response in (session_page, participant_page):
        assert response.status_code == 302 and response["Location"].endswith("/admin/")
    own = client.get(reverse("admin:applications_pimexsession_change", args=[two_agencies["ours"]["session"].pk]))
    assert "Company of ours" in own.content.decode() and "Company of theirs" not in own.content.decode()


def _attendance_post(session, rows, **session_fields):
    data = {
        "title": session.title,
        "call": session.call_id,
        "starts_at_0": "2026-03-02",
        "starts_at_1": "10:00:00",
        "place": session.place,
        "capacity": session.capacity,
        "position": 0,
        "attendances-TOTAL_FORMS": len(rows),
        "attendances-INITIAL_FORMS": sum(1 for pk, *_ in rows if pk),
        "attendances-MIN_NUM_FORMS": 0,
        "attendances-MAX_NUM_FORMS": 1000,
        **session_fields,
    }
    for index, (pk, application, attended) in enumerate(rows):
        data[f"attendances-{index}-id"] = pk or ""
        data[f"attendances-{index}-session"] = session.pk
        data[f"attendances-{index}-application"] = application.pk
        if attended:
            data[f"attendances-{index}-attended"] = "on"
    return data


def test_staff_record_attendance_in_the_admin_but_not_beyond_the_places(client, call, technician):
    full = session(call, days=-1, capacity=2, title="Export pricing")
    applications = [participant(call)[0] for _ in range(3)]
    client.force_login(technician)
    address = reverse("admin:applications_pimexsession_change", args=[full.pk])

    refused = client.post(address, _attendance_post(full, [(None, a, True) for a in applications]))
    accepted = client.post(address, _attendance_post(full, [(None, a, True) for a in applications[:2]]))

    assert refused.status_code == 200
    assert "This session has 2 places; 3 participants would be registered." in refused.content.decode()
    assert accepted.status_code == 302
    rows = PimexAttendance.objects.filter(session=full)
    assert sorted(rows.values_list("application_id", flat=True)) == sorted(a.pk for a in applications[:2])
    assert {(r.attended, r.recorded_by) for r in rows} == {(True, technician)}


def test_staff_cannot_change_the_session_itself_managers_can(client, call, technician, manager):
    item = session(call, days=-1, title="Export pricing")
    address = reverse("admin:applications_pimexsession_change", args=[item.pk])
    client.force_login(technician)

    client.post(address, _attendance_post(item, [], title="Renamed by staff"))
    item.refresh_from_db()
    assert item.title == "Export pricing"

    client.force_login(manager)
    response = client.post(address, _attendance_post(item, [], title="Renamed by the manager"))
    item.refresh_from_db()
    assert response.status_code == 302 and item.title == "Renamed by the manager"


def test_a_manager_sets_up_a_session_in_the_agencys_time(client, call, manager):
    client.force_login(manager)

    response = client.post(
        reverse("admin:applications_pimexsession_add"),
        {
            "call": call.pk,
            "title": "Strategic planning",
            "starts_at_0": "2027-01-20",
            "starts_at_1": "10:00:00",
            "place": "Mérida",
            "capacity": "30",
            "position": "1",
            "attendances-TOTAL_FORMS": "0",
            "attendances-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    created = PimexSession.objects.get(title="Strategic planning")
    # 10:00 in Madrid in winter is 09:00 UTC.
    assert created.starts_at.astimezone(UTC).strftime("%H:%M") == "09:00"


def test_a_session_sent_without_its_places_is_refused_next_to_the_field(client, call, manager):
    client.force_login(manager)

    response = client.post(
        reverse("admin:applications_pimexsession_add"),
        {
            "call": call.pk,
            "title": "Strategic planning",
            "starts_at_0": "2027-01-20",
            "starts_at_1": "10:00:00",
            "place": "Mérida",
            "capacity": "",
            "position": "1",
            "attendances-TOTAL_FORMS": "0",
            "attendances-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "capacity" in response.context["adminform"].form.errors
    assert not PimexSession.objects.filter(title="Strategic planning").exists()


def test_the_participant_page_shows_staff_what_is_still_to_do(client, tomates, technician):
    application, lucia = tomates
    commitments(application, sessions=2, by=technician)
    pimex_swot_save(application=application, by=lucia, **{**SWOT, "threats": ""})
    client.force_login(technician)

    listing = client.get(reverse("admin:applications_pimexparticipant_changelist")).content.decode()
    page = client.get(reverse("admin:applications_pimexparticipant_change", args=[application.pk])).content.decode()

    assert "2 / 3" in listing and "3 / 3" in listing
    assert "<li>2 of 3 group sessions attended</li>" in page
    assert "<li>The SWOT analysis is missing its threats</li>" in page
    assert "Tutorial 1" in page


def test_the_roles_carry_the_pimex_permissions():
    staff, manager = ensure_groups()[AGENCY_STAFF], ensure_groups()[PROGRAMME_MANAGER]
    codes = lambda group: set(group.permissions.values_list("codename", flat=True))  # noqa: E731

    assert {"change_pimexattendance", "add_pimextutorial", "change_pimexswot", "view_pimexsession"} <= codes(staff)
    assert not {"change_pimexsession", "add_pimexsession", "change_pimexcallsettings"} & codes(staff)
    assert {"add_pimexsession", "change_pimexsession", "change_pimexcallsettings"} <= codes(manager)


# --- the demo -------------------------------------------------------------------------------------------


def test_the_demo_has_pimex_sessions_and_a_participant_halfway_through():
    call_command("seed_demo", verbosity=0)
    counts = [PimexSession.objects.count(), PimexAttendance.objects.count(), PimexTutorial.objects.count()]
    call_command("seed_demo", verbosity=0)

    assert [PimexSession.objects.count(), PimexAttendance.objects.count(), PimexTutorial.objects.count()] == counts
    application = PimexSwot.objects.get().application
    assert application.organisation.legal_name == "Tomates Vegas Altas S.L."
    assert pimex_completion_problems(application=application) == [
        "2 of 3 group sessions attended",
        "2 of 3 individual tutorials attended",
        "The SWOT analysis is missing its threats",
        "The satisfaction survey has not been answered",
    ]
