"""Journeys through the public pages in a real browser."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from programmes.tests.factories import CallFactory, CostCategoryFactory, ProgrammeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pimex_call(agency):
    programme = ProgrammeFactory(
        agency=agency,
        name="PIMEX",
        slug="pimex",
        kind="pimex",
        applicant_type="company",
        who_can_apply="SMEs with their registered office in Extremadura.",
    )
    CostCategoryFactory(programme=programme, name="Promotion actions")
    return CallFactory(
        programme=programme, title="PIMEX 2026", slug="2026", closes_at=timezone.now() + timedelta(days=9)
    )


def test_a_visitor_switches_to_spanish_and_opens_a_call(page, pimex_call, live_server):
    page.goto("/en/")
    assert page.get_by_role("heading", level=1).inner_text() == "Open calls for SME internationalisation"

    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change").click()

    page.wait_for_url(re.compile(r"/es/$"))
    assert page.locator("html").get_attribute("lang") == "es"
    assert "Convocatorias abiertas" in page.get_by_role("heading", level=1).inner_text()

    page.get_by_role("link", name="PIMEX 2026").click()

    page.wait_for_url(re.compile(r"/es/programmes/pimex/calls/2026/$"))
    deadline = page.locator(".deadline").first
    # The deadline is in the agency's zone (Madrid), not the browser's (New York).
    assert "(Europe/Madrid)" in deadline.inner_text()
    assert "SMEs with their registered office in Extremadura." in page.content()


def test_the_skip_link_is_the_first_stop_for_keyboard_users(page, pimex_call):
    page.goto("/en/")

    page.keyboard.press("Tab")

    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


def test_the_home_page_fits_a_phone_screen(new_page, pimex_call):
    page = new_page(viewport={"width": 375, "height": 740})
    page.goto("/en/")

    scroll_width = page.evaluate("document.documentElement.scrollWidth")

    assert scroll_width <= 375
