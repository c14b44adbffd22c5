"""With the keyboard alone (Tab, Shift+Tab, Enter, Space, arrows), from logging in to a submitted
application, the focus always visible; and the focus follows the work when a part of the page is
redrawn: a budget line added or removed, a form refused, the panel's figures read out."""

import re
from decimal import Decimal

import pytest

from applications.models import Application
from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from portal.tests.browser import log_in
from portal.tests.factories import PASSWORD
from programmes.models import CallRule, CostCategory
from programmes.tests.factories import CallFactory, ProgrammeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_rate_limits"),
]

# The element with the focus: its name as a screen reader would start to read it, and whether a
# sighted keyboard user sees where it is (an outline or a box-shadow drawn around it).
FOCUSED = """() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const shadow = !!style.boxShadow && style.boxShadow !== "none";
    const label = element.labels && element.labels.length ? element.labels[0].textContent : "";
    const name = element.getAttribute("aria-label") || label || element.textContent || element.value || "";
    return {
        tag: element.tagName.toLowerCase(), id: element.id, name: name.replace(/\\s+/g, " ").trim(),
        visible: outline || shadow, row: element.closest("tr.budget-line") ? [...document.querySelectorAll(
            "tr.budget-line")].indexOf(element.closest("tr.budget-line")) : -1,
    };
}"""


def focused(page) -> dict:
    info = page.evaluate(FOCUSED)
    assert info is not None, f"nothing has the focus on {page.url}"
    return info


def tab_to(page, name: str, *, tag: str | None = None, backwards: bool = False, limit: int = 60) -> dict:
    """Press Tab (Shift+Tab backwards) until the control named `name` has the focus; every control
    passed on the way shows where the focus is."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        info = focused(page)
        assert info["visible"], f"the focus is not visible on <{info['tag']}> {info['name']!r} ({page.url})"
        if name.lower() in info["name"].lower() and (tag is None or info["tag"] == tag):
            return info
    raise AssertionError(f"{name!r} was not reached with the keyboard on {page.url}")


def to_main(page) -> None:
    """The first Tab reaches the skip link; Enter on it starts the next Tab inside the main content.

    After a form sent from a page reached through the skip link, the next page's address keeps its
    "#main" (a redirect keeps the fragment): the browser starts the Tab order in the main content."""
    if page.evaluate("location.hash") == "#main":
        return
    page.keyboard.press("Tab")
    info = focused(page)
    assert info["name"] == "Skip to main content" and info["visible"]
    page.keyboard.press("Enter")


def settled(page) -> None:
    """Wait until htmx has sent, swapped and settled what it was doing."""
    page.wait_for_timeout(50)
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def saving(page):
    return page.expect_response(lambda r: "/edit/budget/" in r.url and r.request.method == "POST")


@pytest.fixture
def pimex_call(agency):
    programme = ProgrammeFactory(agency=agency, name="PIMEX", kind="pimex", applicant_type="company")
    CostCategory.objects.create(programme=programme, code="promotion", name="Promotion actions")
    call = CallFactory(programme=programme, title="PIMEX 2026", reference_prefix="PMX")
    CallRule.objects.create(call=call, position=1, code="declarations", choices="truthful,pimex_commitment")
    CallRule.objects.create(call=call, position=2, code="per_company_cap", amount=Decimal("2500.00"))
    return call


def test_an_applicant_logs_in_and_submits_with_the_keyboard_alone(page, live_server, applicant, pimex_call):
    page.goto("/en/accounts/login/?next=/en/my/")
    to_main(page)
    tab_to(page, "Email", tag="input")
    page.keyboard.type(applicant.email)
    tab_to(page, "Password", tag="input")
    page.keyboard.type("not the password")
    tab_to(page, "Log in", tag="button")
    page.keyboard.press("Enter")
    # Refused: the focus is on the summary of the errors, which is read out first.
    page.locator("#error-summary").wait_for()
    assert focused(page)["id"] == "error-summary"
    tab_to(page, "Password", tag="input")
    page.keyboard.press("Control+A")
    page.keyboard.type(PASSWORD)
    tab_to(page, "Email", tag="input", backwards=True)  # back, to check the address
    tab_to(page, "Log in", tag="button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/en/my/(#main)?$"))

    page.goto(pimex_call.get_absolute_url())
    to_main(page)
    tab_to(page, "Apply", tag="a")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/apply/(#main)?$"))
    to_main(page)
    tab_to(page, "Project title", tag="input")
    page.keyboard.type("First steps")
    tab_to(page, "Start", tag="button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/edit/project/(#main)?$"))

    to_main(page)
    tab_to(page, "Project title", tag="input")
    page.keyboard.press("Control+A")
    page.keyboard.type("First steps in Germany")
    tab_to(page, "Save and continue", tag="button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/edit/questions/(#main)?$"))
    to_main(page)
    tab_to(page, "Continue", tag="a")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/edit/budget/(#main)?$"))

    to_main(page)
    tab_to(page, "Add a line", tag="button")
    page.keyboard.press("Enter")
    page.locator("tr.budget-line").first.wait_for()
    settled(page)
    # The focus moved to the new line's first field: the person goes on typing there.
    info = focused(page)
    assert (info["tag"], info["row"], info["visible"]) == ("select", 0, True)
    with saving(page):
        page.keyboard.press("ArrowDown")  # the first cost category
    settled(page)
    tab_to(page, "Description", tag="input")
    page.keyboard.type("Fruit Logistica Berlin")
    with saving(page):
        tab_to(page, "Amount", tag="input")
    settled(page)
    assert focused(page)["name"].startswith("Amount")
    page.keyboard.type("2200")
    with saving(page):
        page.keyboard.press("Tab")
    settled(page)
    tab_to(page, "Save and continue", tag="button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/edit/documents/(#main)?$"))

    to_main(page)
    tab_to(page, "Continue", tag="button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/edit/declarations/(#main)?$"))
    to_main(page)
    tab_to(page, "true and complete", tag="input")
    page.keyboard.press("Space")
    tab_to(page, "three group training sessions", tag="input")
    page.keyboard.press("Space")
    tab_to(page, "Save and continue", tag="button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/edit/review/(#main)?$"))

    to_main(page)
    tab_to(page, "Submit the application", tag="button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/en/my/applications/\d+/(#main)?$"))
    assert page.locator(".status").inner_text() == "Submitted"
    application = Application.objects.get()
    assert application.reference == f"PMX-{pimex_call.year}-0001"
    assert [line.description for line in application.budget_lines.all()] == ["Fruit Logistica Berlin"]


def test_focus_follows_the_budget_lines_added_and_removed(page, live_server, applicant, pimex_call, company):
    application = ApplicationFactory(call=pimex_call, consortium=None, organisation=company)
    category = CostCategory.objects.get(programme=pimex_call.programme)
    for description in ("Fruit Logistica Berlin", "Anuga Cologne"):
        BudgetLineFactory(application=application, category=category, description=description, amount=Decimal("900"))
    log_in(page, applicant.email)
    page.goto(f"/en/my/applications/{application.pk}/edit/budget/")

    page.locator("#add-line").focus()
    page.keyboard.press("Enter")
    page.locator("tr.budget-line").nth(2).wait_for()
    settled(page)
    info = focused(page)
    assert (info["tag"], info["row"], info["visible"]) == ("select", 2, True)
    # The screen reader is told the panel's figures changed.
    page.wait_for_function("() => document.getElementById('live-status').textContent.includes('grant')")
    assert page.locator("#live-status").get_attribute("role") == "status"

    # The second line removed: the focus goes to the line before it.
    remove = page.locator("tr.budget-line").nth(1).get_by_label("Remove")
    remove.focus()
    with saving(page):
        page.keyboard.press("Space")
    settled(page)
    assert page.locator("tr.budget-line").filter(has=page.locator("input[value='Anuga Cologne']")).count() == 0
    info = focused(page)
    assert (info["row"], info["visible"]) == (0, True)

    # The only saved line removed: the focus goes to the "Add a line" button.
    page.goto(f"/en/my/applications/{application.pk}/edit/budget/")
    remove = page.locator("tr.budget-line").first.get_by_label("Remove")
    remove.focus()
    with saving(page):
        page.keyboard.press("Space")
    settled(page)
    assert page.locator("tr.budget-line").count() == 0
    assert focused(page)["id"] == "add-line"
