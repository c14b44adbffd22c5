"""What a person does in the browser tests, whatever the page: log in through the login page, move
and type with the keyboard alone, and the page's accessibility as axe-core checks it."""

import re

import pytest
from django.conf import settings

from portal.tests.factories import PASSWORD


def log_in(page, email, next_url="/en/my/", password=PASSWORD):
    """Log in through the login page and wait for `next_url` (the person's own page by default)."""
    page.goto(f"/en/accounts/login/?next={next_url}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


# With the keyboard alone.
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
    """What has the focus (see FOCUSED); fails if nothing has."""
    info = page.evaluate(FOCUSED)
    assert info is not None, f"nothing has the focus on {page.url}"
    return info


def tab_to(page, name: str, *, tag: str | None = None, backwards: bool = False, limit: int = 60) -> dict:
    """Press Tab (Shift+Tab backwards) until the control named `name` has the focus; every control
    passed on the way shows where the focus is."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        info = page.evaluate(FOCUSED)
        assert info is not None, f"the focus left the page before reaching {name!r} ({page.url})"
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


def press_on(page, name: str, *, tag: str, then: str) -> None:
    """Tab to the control named `name`, press Enter, and wait for the page whose address ends as the
    pattern `then` says (the "#main" of the skip link may follow)."""
    tab_to(page, name, tag=tag)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(then + r"(#main)?$"))


def type_into(page, name: str, text: str, *, tag: str = "input", clear: bool = False) -> dict:
    """Tab to the field named `name` and type `text` there (over what it held, with `clear`)."""
    info = tab_to(page, name, tag=tag)
    if clear:
        page.keyboard.press("Control+A")
    page.keyboard.type(text)
    return info


# axe-core (package.json, installed by `make browser-deps`) checks a page against WCAG 2.1 A and AA.
AXE_SCRIPT = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _axe_source() -> str:
    if not AXE_SCRIPT.exists():
        pytest.fail(f"axe-core is not installed ({AXE_SCRIPT}): run `make browser-deps`", pytrace=False)
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page, *, exclude: tuple[str, ...] = ()) -> list[dict]:
    """The WCAG 2.1 A and AA violations axe-core finds on the page as it is now.

    The portal's Content-Security-Policy refuses inline scripts, so axe is not added as a <script>
    tag (which the policy would block and the test would report): Playwright evaluates its source
    from outside the page, which the policy does not govern. Its stylesheet preload is off: it
    copies imported stylesheets into <style> elements, which the policy refuses too (so the one rule
    that reads stylesheets, css-orientation-lock, is left unchecked).
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    context = {"exclude": [[selector] for selector in exclude]} if exclude else "document"
    results = page.evaluate(
        """async ([context, tags]) => {
            const target = context === "document" ? document : context;
            const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"], preload: false};
            const results = await window.axe.run(target, options);
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
            }));
        }""",
        [context, WCAG_21_AA],
    )
    return results


def axe_report(page, *, exclude: tuple[str, ...] = ()) -> str:
    """Each WCAG 2.1 AA violation on the page (rule, help, elements), or "" when axe-core finds none."""
    violations = axe_violations(page, exclude=exclude)
    if not violations:
        return ""
    lines = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            summary = (node["summary"] or "").replace("\n", "\n        ")
            lines.append(f"    {node['target']}\n        {summary}")
    return "\n".join(lines)


def assert_accessible(page, *, exclude: tuple[str, ...] = ()) -> None:
    """Fail with each violation's rule, help and elements if the page breaks WCAG 2.1 AA (axe-core)."""
    report = axe_report(page, exclude=exclude)
    if report:
        pytest.fail(report, pytrace=False)


class AccessibilityAudit:
    """Checks page after page with axe-core and fails once, at the end, listing every page's violations."""

    def __init__(self, page):
        self.page = page
        self.reports: list[str] = []
        self.checked: list[str] = []

    def check(self) -> None:
        """Check the page as it is now (after an action, a swap)."""
        self.checked.append(self.page.url)
        report = axe_report(self.page)
        if report:
            self.reports.append(report)

    def visit(self, url: str) -> None:
        """Go to `url`, see that it answers, and check it."""
        response = self.page.goto(url)
        assert response is not None and response.ok, f"{url} answered {response and response.status}"
        self.check()

    def assert_clean(self) -> None:
        if self.reports:
            pytest.fail("\n\n".join(self.reports), pytrace=False)
