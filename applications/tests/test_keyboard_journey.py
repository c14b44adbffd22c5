"""With the keyboard alone (Tab, Shift+Tab, Enter, Space, arrows), from signing up to a submitted
application, the focus always visible; and the focus follows the work when a part of the page is
redrawn: a budget line added or removed, a form refused, the panel's figures read out."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from applications.models import Application
from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from consortia.models import Organisation
from consortia.taxids import make_tax_id
from portal.tests.browser import focused, log_in, press_on, settled, tab_to, to_main, type_into
from portal.tests.factories import PASSWORD
from programmes.models import CallRule, CostCategory
from programmes.tests.factories import CallFactory, ProgrammeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_rate_limits"),
]


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


def test_a_new_applicant_signs_up_registers_the_company_and_submits_with_the_keyboard_alone(
    page, live_server, pimex_call
):
    page.goto("/en/accounts/signup/")
    to_main(page)
    type_into(page, "Email", "lucia@example.org")
    type_into(page, "Password", "plover-tangerine-42")
    type_into(page, "Password (again)", "plover-tangerine-24")
    tab_to(page, "Sign up", tag="button")
    page.keyboard.press("Enter")
    # Refused: the focus is on the summary of the errors, which is read out first, and its link
    # leads to the field in error.
    expect(page.locator("#error-summary")).to_be_focused()
    tab_to(page, "must type the same password", tag="a")
    page.keyboard.press("Enter")
    expect(page.locator("#id_password2")).to_be_focused()
    # A password is never sent back to the page: both are typed again, the address is kept.
    assert page.locator("#id_email").input_value() == "lucia@example.org"
    assert tab_to(page, "Password", tag="input", backwards=True)["id"] == "id_password1"
    page.keyboard.type("plover-tangerine-42")
    type_into(page, "Password (again)", "plover-tangerine-42")
    press_on(page, "Sign up", tag="button", then=r"/en/accounts/confirm-email/")
    link = re.search(r"https?://\S+/en/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)

    page.goto(link)
    to_main(page)
    press_on(page, "Confirm", tag="button", then=r"/en/my/")
    to_main(page)
    press_on(page, "Register an organisation", tag="a", then=r"/en/my/organisations/new/")

    # The organisation form: the lists chosen with the arrows or by typing, the region and the
    # activity by their names, the founding date typed part by part.
    to_main(page)
    tab_to(page, "Kind", tag="select")
    assert page.locator("#id_kind").input_value() == "company"
    type_into(page, "Legal name", "Quesos del Jerte SL")
    tab_to(page, "Country", tag="select")
    page.keyboard.type("Spain")
    assert page.locator("#id_country").input_value() == "ES"
    type_into(page, "Tax id", make_tax_id("ES", 4244))
    type_into(page, "Region", "Extremadura")
    type_into(page, "City", "Plasencia")
    type_into(page, "Main activity", "cheese")
    type_into(page, "Founded on", "04012015")  # the browser's own order: month, day, year
    for label, figure in (("Staff", "12"), ("Annual turnover", "1500000"), ("Balance sheet", "900000")):
        type_into(page, label, figure)
    press_on(page, "Register", tag="button", then=r"/en/my/organisations/\d+/")
    organisation = Organisation.objects.get()
    assert (organisation.region, organisation.nace_code, organisation.founded_on) == ("ES43", "10.51", date(2015, 4, 1))

    page.goto(pimex_call.get_absolute_url())
    to_main(page)
    press_on(page, "Apply", tag="a", then=r"/apply/")
    to_main(page)
    tab_to(page, "Project title", tag="input")
    page.keyboard.type("First steps")
    press_on(page, "Start", tag="button", then=r"/edit/project/")

    to_main(page)
    tab_to(page, "Project title", tag="input")
    page.keyboard.press("Control+A")
    page.keyboard.type("First steps in Germany")
    press_on(page, "Save and continue", tag="button", then=r"/edit/questions/")
    to_main(page)
    press_on(page, "Continue", tag="a", then=r"/edit/budget/")

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
    press_on(page, "Save and continue", tag="button", then=r"/edit/documents/")

    to_main(page)
    press_on(page, "Continue", tag="button", then=r"/edit/declarations/")
    to_main(page)
    tab_to(page, "true and complete", tag="input")
    page.keyboard.press("Space")
    tab_to(page, "three group training sessions", tag="input")
    page.keyboard.press("Space")
    press_on(page, "Save and continue", tag="button", then=r"/edit/review/")

    to_main(page)
    press_on(page, "Submit the application", tag="button", then=r"/en/my/applications/\d+/")
    assert page.locator(".status").inner_text() == "Submitted"
    application = Application.objects.get()
    assert application.reference == f"PMX-{pimex_call.year}-0001"
    assert [line.description for line in application.budget_lines.all()] == ["Fruit Logistica Berlin"]


def test_a_refused_login_puts_the_focus_on_the_errors_and_the_keyboard_goes_back_to_fix_them(
    page, live_server, applicant
):
    page.goto("/en/accounts/login/?next=/en/my/")
    to_main(page)
    type_into(page, "Email", applicant.email)
    type_into(page, "Password", "not the password")
    tab_to(page, "Log in", tag="button")
    page.keyboard.press("Enter")
    expect(page.locator("#error-summary")).to_be_focused()
    type_into(page, "Password", PASSWORD, clear=True)
    tab_to(page, "Email", tag="input", backwards=True)  # back, to check the address
    press_on(page, "Log in", tag="button", then=r"/en/my/")


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


def budget_page(page, applicant, call, company, *descriptions):
    """The applicant's draft to `call` with a line of 900.00 for each description, its budget step open."""
    application = ApplicationFactory(call=call, consortium=None, organisation=company)
    category = CostCategory.objects.get(programme=call.programme)
    for description in descriptions:
        BudgetLineFactory(application=application, category=category, description=description, amount=Decimal("900"))
    log_in(page, applicant.email)
    page.goto(f"/en/my/applications/{application.pk}/edit/budget/")
    return application


def hold_the_next_save(page) -> list:
    """Hold the budget's next save on its way to the server until the test lets it go (as on a slow
    connection); the saves after it go through."""
    held = []

    def hold(route):
        if route.request.method == "POST" and not held:
            held.append(route)
        else:
            route.fallback()

    page.route("**/edit/budget/", hold)
    return held


def let_go(page, held) -> None:
    """Let the held save go on, and wait until the server's answer has replaced the form."""
    page.evaluate("document.getElementById('budget-form').dataset.replaced = 'not yet'")
    with saving(page):
        held[0].continue_()
    page.wait_for_function("() => !document.getElementById('budget-form').dataset.replaced")


def test_what_is_typed_while_a_line_is_being_saved_is_kept_and_saved_next(
    page, live_server, applicant, pimex_call, company
):
    application = budget_page(page, applicant, pimex_call, company, "Fair stand")
    held = hold_the_next_save(page)
    row = page.locator("tr.budget-line").first
    row.get_by_label("Amount").fill("1200")
    row.get_by_label("Amount").dispatch_event("change")
    page.wait_for_function("() => document.querySelector('#budget-form.htmx-request')")
    # The save of 1,200 is on its way; the person goes back to the description and types at its start.
    page.keyboard.press("Shift+Tab")
    assert focused(page)["name"].startswith("Description")
    page.keyboard.press("Home")
    page.keyboard.type("Anuga ")

    # The save of what was typed meanwhile goes by itself.
    resaving = page.expect_response(lambda r: "/edit/budget/" in r.url and "Anuga" in (r.request.post_data or ""))
    with resaving:
        let_go(page, held)
        # The server's form came back with only what it was sent: what was typed since is still
        # there, with the focus and the caret where they were.
        assert row.get_by_label("Description").input_value() == "Anuga Fair stand"
        info = focused(page)
        assert info["name"].startswith("Description") and info["row"] == 0
        page.keyboard.type("Cologne ")
    settled(page)
    assert row.get_by_label("Description").input_value() == "Anuga Cologne Fair stand"
    line = application.budget_lines.get()
    assert line.amount == Decimal("1200.00")
    assert line.description in ("Anuga Fair stand", "Anuga Cologne Fair stand")  # as far as it had got


def test_a_new_line_typed_into_while_another_is_removed_keeps_its_text_and_the_focus(
    page, live_server, applicant, pimex_call, company
):
    application = budget_page(page, applicant, pimex_call, company, "Brochures", "Fair stand")
    page.locator("#add-line").click()
    page.locator("tr.budget-line").nth(2).wait_for()
    settled(page)
    held = hold_the_next_save(page)

    # "Brochures" removed; while that save is on its way, the new line's description is typed.
    page.locator("tr.budget-line").first.get_by_label("Remove").check()
    page.wait_for_function("() => document.querySelector('#budget-form.htmx-request')")
    page.locator("tr.budget-line").nth(2).get_by_label("Description").click()
    page.keyboard.type("Samples")
    let_go(page, held)
    settled(page)

    # The first line is gone; the new line (now the second) kept its text and the focus, and the
    # line between was not touched.
    rows = page.locator("tr.budget-line")
    assert rows.count() == 2
    assert rows.nth(0).get_by_label("Description").input_value() == "Fair stand"
    assert rows.nth(1).get_by_label("Description").input_value() == "Samples"
    info = focused(page)
    assert info["name"].startswith("Description") and info["row"] == 1
    assert list(application.budget_lines.values_list("description", flat=True)) == ["Fair stand"]


def test_add_a_line_pressed_while_a_save_is_on_its_way_adds_the_line_once_it_is_back(
    page, live_server, applicant, pimex_call, company
):
    application = budget_page(page, applicant, pimex_call, company, "Fair stand")
    held = hold_the_next_save(page)
    row = page.locator("tr.budget-line").first
    row.get_by_label("Amount").fill("1200")
    row.get_by_label("Amount").press("Tab")  # leaves the field: the save goes, and is held
    page.wait_for_function("() => document.querySelector('#budget-form.htmx-request')")
    page.locator("#add-line").focus()
    page.keyboard.press("Enter")

    with page.expect_response(lambda r: "/edit/budget/" in r.url and "add_line" in (r.request.post_data or "")):
        let_go(page, held)
    page.locator("tr.budget-line").nth(1).wait_for()
    settled(page)

    # The line is added, the focus on its first field, and the amount typed before is saved.
    info = focused(page)
    assert (info["tag"], info["row"]) == ("select", 1)
    assert application.budget_lines.get().amount == Decimal("1200.00")


def test_a_double_click_on_add_a_line_adds_one_line(page, live_server, applicant, pimex_call, company):
    budget_page(page, applicant, pimex_call, company, "Fair stand")

    page.locator("#add-line").dblclick()
    page.locator("tr.budget-line").nth(1).wait_for()
    page.wait_for_timeout(600)  # longer than a save waits after a change: a second one would be on its way
    settled(page)

    assert page.locator("tr.budget-line").count() == 2
