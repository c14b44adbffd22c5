"""A PIMEX participant follows the coaching in a real browser: progress, SWOT, action plan, survey."""

import re

import pytest
from allauth.account.models import EmailAddress

from applications.pimex.services import pimex_attendance_record, pimex_completion_problems
from applications.tests.pimex_factories import attend, participant, pimex_call, session, tutorial
from portal.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_action(page, index, *, action, market, starts, ends, budget):
    row = page.locator("tr.planned-action").nth(index)
    row.get_by_label("Action", exact=True).fill(action)
    row.get_by_label("Market", exact=True).fill(market)
    row.get_by_label("Starts on").fill(starts)
    row.get_by_label("Ends on").fill(ends)
    row.get_by_label("Budget (EUR)").fill(budget)


def test_a_participant_follows_the_coaching_writes_the_deliverables_and_answers_the_survey(page, live_server):
    call = pimex_call()
    application, lucia = participant(call, email="lucia@example.org", legal_name="Tomates Vegas Altas S.L.")
    EmailAddress.objects.create(user=lucia, email=lucia.email, verified=True, primary=True)
    sessions = [session(call, days=d, position=n, title=f"Session {n + 1}") for n, d in enumerate((-30, -20, -2))]
    attend(application, sessions[:2])
    tutorial(application, days=-25, topic="Export diagnosis")
    tutorial(application, days=-15, topic="SWOT with the export team")
    last_tutorial = tutorial(application, days=-1, topic="Action plan for the Gulf", attended=None)

    log_in(page, "lucia@example.org")
    page.goto(f"/en/pimex/applications/{application.pk}/")
    summary = page.locator("table.pimex-summary")
    assert "2 of 3 group sessions attended" in summary.inner_text()
    assert "2 of 3 individual tutorials attended" in summary.inner_text()
    assert page.locator("tr.pimex-session-not_registered").count() == 1
    assert "Opens once the group sessions and individual tutorials are done" in summary.inner_text()

    # The SWOT analysis, first unfinished, then complete.
    page.get_by_role("link", name="Write the SWOT analysis").click()
    page.get_by_label("Strengths").fill("Own processing plant; IFS certified.")
    page.get_by_label("Weaknesses").fill("Nobody in the team speaks Arabic.")
    page.get_by_label("Opportunities").fill("Hotels in the Gulf buy Spanish tomato.")
    page.get_by_role("button", name="Save the SWOT analysis").click()
    page.wait_for_url(re.compile(rf"/en/pimex/applications/{application.pk}/$"))
    assert "Still to write: threats" in page.locator("#pimex-swot-summary").inner_text()
    page.get_by_role("link", name="Edit the SWOT analysis").click()
    assert page.get_by_label("Strengths").input_value() == "Own processing plant; IFS certified."
    page.get_by_label("Threats").fill("Turkish competitors with lower prices.")
    page.get_by_role("button", name="Save the SWOT analysis").click()
    page.wait_for_url(re.compile(rf"/en/pimex/applications/{application.pk}/$"))
    assert "Complete" in page.locator("#pimex-swot-summary").inner_text()

    # The action plan: a wrong end date is pointed out next to the field, then two actions.
    page.get_by_role("link", name="Write the action plan").click()
    page.get_by_label("Target markets").fill("United Arab Emirates, Qatar")
    fill_action(
        page, 0, action="Visit to Gulfood", market="United Arab Emirates", starts="2027-02-21", ends="2027-02-17",
        budget="1900",
    )  # fmt: skip
    page.get_by_role("button", name="Save and add another action").click()
    error = page.locator("#id_actions-0-ends_on-error")
    assert error.inner_text() == "The action must end on or after the day it starts."
    assert page.get_by_label("Target markets").input_value() == "United Arab Emirates, Qatar"
    page.locator("tr.planned-action").nth(0).get_by_label("Ends on").fill("2027-02-25")
    page.get_by_role("button", name="Save and add another action").click()
    page.wait_for_url(re.compile(rf"/en/pimex/applications/{application.pk}/action-plan/$"))
    fill_action(
        page, 1, action="Samples to Doha", market="Qatar", starts="2027-03-01", ends="2027-03-31", budget="600.50"
    )
    page.get_by_role("button", name="Save the action plan").click()
    page.wait_for_url(re.compile(rf"/en/pimex/applications/{application.pk}/$"))
    plan = page.locator("#pimex-plan-summary").inner_text()
    assert "2 planned actions" in plan and "2,500.50" in plan

    # The survey waits for the last session and tutorial.
    page.goto(f"/en/pimex/applications/{application.pk}/survey/")
    assert "Still to do: 2 of 3 group sessions attended; 2 of 3 individual tutorials attended." in (
        page.locator("#survey-not-open").inner_text()
    )
    assert page.locator("#survey-form").count() == 0
    pimex_attendance_record(session=sessions[2], application=application, attended=True, by=None)
    last_tutorial.attended = True
    last_tutorial.save()

    page.goto(f"/en/pimex/applications/{application.pk}/")
    assert "3 of 3 group sessions attended" in page.locator("#pimex-sessions-summary").inner_text()
    assert "3 of 3 individual tutorials attended" in page.locator("#pimex-tutorials-summary").inner_text()
    page.get_by_role("link", name="Answer the survey").click()
    page.get_by_label("How satisfied are you with PIMEX").fill("8")
    page.get_by_label("Comments").fill("The tutorials at our plant were the most useful part.")
    page.get_by_role("button", name="Send my answer").click()
    page.wait_for_url(re.compile(rf"/en/pimex/applications/{application.pk}/$"))

    assert "Answered: 8 out of 10" in page.locator("#pimex-survey-summary").inner_text()
    assert page.locator("#pimex-complete").is_visible()
    assert pimex_completion_problems(application=application) == []
