"""In a real browser: a company invited by the agency logs in, sees the invitation and joins the consortium."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from consortia.services import organisation_register
from consortia.tests.factories import OrganisationFactory
from portal.models import User
from programmes.formation import services
from programmes.models import FormationCandidate
from programmes.tests.factories import AgencyFactory, ProgrammeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "plover-tangerine-42"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def representative_of(legal_name, email):
    person = User.objects.create_user(email, password=PASSWORD)
    person.emailaddress_set.create(email=email, verified=True, primary=True)
    organisation = organisation_register(
        user=person, organisation=OrganisationFactory.build(legal_name=legal_name, region="ES13")
    )
    return person, organisation


def test_an_invited_company_logs_in_sees_the_invitation_and_joins(page, live_server):
    # Staff-side steps, through the same services the admin calls.
    sodercan = AgencyFactory(name="SODERCAN", short_name="SODERCAN", slug="sodercan", region="ES13")
    programme = ProgrammeFactory(agency=sodercan, name="Export consortia of Cantabria")
    technician = User.objects.create_user("tecnica@sodercan.example", is_staff=True, agency=sodercan)
    formation = services.formation_open(
        programme=programme,
        sector="marine_renewable_energy",
        name="Cantabrian offshore wind services",
        seed_funding=Decimal("180000"),
        opened_on=timezone.localdate() - timedelta(days=60),
        coordinator=technician,
        by=technician,
    )
    _, organisation = representative_of("Offshore Cantábrico S.L.", "offshore@example.org")
    candidate = services.formation_candidate_add(formation=formation, organisation=organisation, by=technician)
    services.formation_meeting_record(
        formation=formation,
        held_on=timezone.localdate() - timedelta(days=20),
        place="SODERCAN, Santander",
        attended=[candidate],
        by=technician,
    )
    services.formation_invite(formation=formation, by=technician)

    page.goto("/en/accounts/login/")
    page.get_by_label("Email").fill("offshore@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/en/my/$"))

    invitation = page.locator("li.formation-invitation")
    assert "SODERCAN invites Offshore Cantábrico S.L. to join an export consortium in marine renewable energy" in (
        invitation.inner_text()
    )
    invitation.get_by_role("link", name="Decide").click()
    page.wait_for_url(re.compile(r"/en/my/formations/candidacies/\d+/$"))
    assert "SODERCAN, Santander" in page.get_by_role("main").inner_text()

    page.get_by_label("Join the consortium").check()
    page.get_by_label("Reason (optional)").fill("We need partners for full-service offers.")
    page.get_by_role("button", name="Send the decision").click()

    page.locator("#messages").get_by_text("Offshore Cantábrico S.L. has joined.").wait_for()
    expect(page.locator(".formation-answer")).to_contain_text("Joined on")
    candidate = FormationCandidate.objects.get(pk=candidate.pk)
    assert candidate.status == "joined"
    assert candidate.reason == "We need partners for full-service offers."

    page.goto("/en/my/")
    assert page.locator("li.formation-invitation").count() == 0
