"""On a phone (375 px wide), every applicant page fits the screen: nothing makes the reader scroll
sideways (WCAG 1.4.10, reflow). Wide tables scroll inside their own box instead."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from applications.models import Application
from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from portal.tests.browser import assert_accessible, log_in
from programmes.tests.factories import CallFactory, CostCategoryFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_rate_limits"),
]

PHONE = {"width": 375, "height": 812}
STEPS = ["project", "questions", "budget", "documents", "declarations", "review"]


def too_wide(page) -> str:
    """What sticks out of a 375 px screen, or "" when the page fits."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            if (document.documentElement.scrollWidth <= width) return "";
            const wide = [...document.querySelectorAll("body *")].filter((element) => {
                const box = element.getBoundingClientRect();
                return box.right > width + 1 && !element.closest(".table-responsive *");
            });
            return `${document.documentElement.scrollWidth}px wide: ` + wide.slice(-5).map(
                (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + "." + [...e.classList].join(".")
            ).join(", ");
        }"""
    )


def test_every_applicant_page_fits_a_375_px_screen(new_page, live_server, applicant, consortium, call):
    category = CostCategoryFactory(programme=call.programme, code="promotion", name="Specific promotion actions")
    draft = ApplicationFactory(
        call=call, consortium=consortium, title="Internationalisierungsberatungsdienstleistungen in Frankfurt"
    )
    BudgetLineFactory(
        application=draft, category=category, description="Messestandbaugenehmigungsverfahren", amount=Decimal("6500")
    )
    submitted = ApplicationFactory(
        call=CallFactory(programme=call.programme, title="Export Consortiums 2025"),
        consortium=consortium,
        title="A second project",
        status=Application.Status.SUBMITTED,
        submitted_at=datetime(2026, 3, 1, 10, tzinfo=UTC),
        reference="EXP-2026-0007",
    )
    page = new_page(viewport=PHONE, locale="en-GB")
    log_in(page, applicant.email)
    pages = ["/{}/my/", f"/{{}}/my/applications/{submitted.pk}/", f"/{{}}/my/applications/{draft.pk}/"]
    pages += [f"/{{}}/my/applications/{draft.pk}/edit/{step}/" for step in STEPS]
    problems = []
    for language in ("en", "es", "pt"):
        for url in pages:
            page.goto(url.format(language))
            assert page.evaluate("document.documentElement.clientWidth") == 375
            if problem := too_wide(page):
                problems.append(f"{page.url}: {problem}")
    # The budget step with a line just added.
    page.goto(f"/en/my/applications/{draft.pk}/edit/budget/")
    page.get_by_role("button", name="Add a line").click()
    page.locator("tr.budget-line").nth(1).wait_for()
    if problem := too_wide(page):
        problems.append(f"{page.url} (a line added): {problem}")
    assert not problems, "\n".join(problems)

    # The portal's list of applications scrolls in its own box, which the keyboard can enter.
    page.goto("/en/my/")
    box = page.get_by_role("region", name="My applications").locator(".table-responsive")
    expect(box).to_have_attribute("role", "region")
    expect(box).to_have_attribute("tabindex", "0")
    expect(box).to_have_attribute("aria-labelledby", "my-applications")  # named as its section
    box.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")
    assert_accessible(page)
