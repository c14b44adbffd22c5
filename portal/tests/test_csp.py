"""The Content-Security-Policy: on every page the portal serves, and kept by the pages themselves.

The header test walks the URL resolver over the demo's data, so a view added later is
checked by itself; the browser tests show that the policy bites and that the portal's
pages (the admin's included) run under it without a single violation.
"""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from applications.models import Application, Attachment
from consortia.models import Consortium, Invitation, Membership, Organisation, Representation
from portal.models import User
from portal.testing import _record_csp_violations
from programmes.models import Call, FormationCandidate, Programme, Report

# The policy, directive by directive (the header lists them in no fixed order).
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def directives(header):
    if header is None:
        return None
    return dict(part.split(" ", 1) for part in header.split("; "))


@pytest.fixture
def demo():
    call_command("seed_demo", verbosity=0)


def _patterns(resolver=None, prefix="", namespace=""):
    """Every URL pattern with a name: (qualified name, pattern)."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, prefix + str(entry.pattern), inner)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


def _first_pk(model):
    return model.objects.order_by("pk").values_list("pk", flat=True).first()


def _public_arguments(name):
    """Arguments of a real object of the demo for each public URL name with parameters."""
    application = Application.objects.exclude(status="draft").order_by("pk").first()
    pimex = Application.objects.filter(call__programme__kind="pimex", status="approved").order_by("pk").first()
    call = Call.objects.select_related("programme").order_by("pk").first()
    membership = Membership.objects.order_by("pk").first()
    attachment = Attachment.objects.order_by("pk").first()
    arguments = {
        "programmes:programme": {"slug": Programme.objects.order_by("pk").first().slug},
        "programmes:subscribe": {"slug": Programme.objects.order_by("pk").first().slug},
        "programmes:call": {"programme_slug": call.programme.slug, "slug": call.slug},
        "programmes:dashboard_table": {"name": "budget", "format": "csv"},
        # Retrying a report is a POST; the page opened by GET answers 405, under the policy too.
        "programmes:dashboard_report_retry": {"pk": 1},
        "consortia:representation_answer": {"pk": _first_pk(Representation), "answer": "accept"},
        "consortia:membership_answer": {"pk": membership.pk, "answer": "accept"},
        "consortia:invitation": {"token": Invitation.objects.order_by("pk").values_list("token", flat=True).first()},
        "consortia:formation_candidacy": {"pk": _first_pk(FormationCandidate)},
        "consortia:membership_leave": {"pk": membership.pk},
        "consortia:consortium": {"pk": _first_pk(Consortium)},
        "consortia:consortium_invite": {"pk": _first_pk(Consortium)},
        "consortia:consortium_joint_action": {"pk": _first_pk(Consortium)},
        "consortia:organisation": {"pk": _first_pk(Organisation)},
        "consortia:organisation_edit": {"pk": _first_pk(Organisation)},
        "consortia:ownership_link_add": {"pk": _first_pk(Organisation)},
        "applications:apply": {"call_pk": call.pk},
        "applications:edit": {"pk": application.pk, "step": "project"},
        "applications:report": {"pk": pimex.pk, "kind": "final"},
        "applications:attachment_delete": {"pk": attachment.application_id, "attachment_pk": attachment.pk},
        "applications:attachment": {"pk": attachment.pk},
        "account_confirm_email": {"key": "not-a-key"},
        "account_reset_password_from_key": {"uidb36": "0", "key": "not-a-key"},
    }
    if name in arguments:
        return arguments[name]
    if name.startswith("programmes:pimex_"):
        return {"pk": pimex.pk}
    if name.startswith("applications:"):
        return {"pk": application.pk}
    raise AssertionError(f"{name} takes arguments: say which demo object it shows in _public_arguments")


def _admin_arguments(name, pattern):
    """Arguments of a real object for an admin URL, the model found from the URL's name."""
    models = {f"admin:{m._meta.app_label}_{m._meta.model_name}_": m for m in admin.site._registry}
    model = next((m for prefix, m in models.items() if name.startswith(prefix)), None)
    if name == "admin:app_list":
        return [], {"app_label": "applications"}
    if model is None:
        return None  # the site's own views: view_on_site (a redirect) needs a content type
    pk = _first_pk(model)
    if pk is None:
        return None
    if name.endswith("_simple_history"):
        version = model.history.filter(pk=pk).order_by("history_id").values_list("history_id", flat=True).first()
        return ([str(pk), str(version)], {}) if version else None
    kwargs = {key: str(pk) for key in pattern.pattern.regex.groupindex}
    return [], kwargs


def _urls():
    for name, pattern in _patterns():
        regex = pattern.pattern.regex
        if name.startswith("admin:"):
            arguments = _admin_arguments(name, pattern) if regex.groups else ([], {})
            if arguments is None:
                continue
            args, kwargs = arguments
            yield name, reverse(name, args=args, kwargs=kwargs)
        elif regex.groups:
            yield name, reverse(name, kwargs=_public_arguments(name))
        else:
            yield name, reverse(name)
    yield "open data (CSV)", reverse("programmes:open_operations") + "?format=csv"
    yield "open data (JSON)", reverse("programmes:open_operations") + "?format=json"
    yield "not found", "/en/no-such-page/"


def _client(email):
    # A view that fails still answers with the policy; failures are the access tests' business.
    client = Client(raise_request_exception=False)
    if email:
        client.force_login(User.objects.get(email=email))
    return client


@pytest.mark.postgres
@pytest.mark.django_db
def test_every_page_carries_the_policy(demo):
    actors = {
        email: _client(email)
        for email in (None, "applicant@demo.example", "beneficiary@demo.example", "admin@demo.example")
    }
    kinds = set()
    missing = []

    for name, url in _urls():
        for email, client in actors.items():
            response = client.get(url)
            kinds.add(response.get("Content-Type", "").split(";")[0])
            if directives(response.get("Content-Security-Policy")) != POLICY:
                missing.append((name, url, email, response.status_code, response.get("Content-Security-Policy")))

    assert missing == []
    # The walk reached every kind of answer the portal gives, not only HTML pages.
    assert {"text/html", "application/json", "text/csv"} <= kinds


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_browser_refuses_inline_scripts_and_styles_and_the_watch_reports_them(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    violations = []
    _record_csp_violations(context, violations)
    page = context.new_page()
    page.goto("/en/")

    # As an injected <script> or attribute would be: inline, in the page.
    page.evaluate(
        "const script = document.createElement('script');"
        "script.textContent = 'window.injected = true;';"
        "document.head.append(script);"
    )
    page.evaluate("document.body.setAttribute('style', 'background: red')")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    injected = page.evaluate("window.injected")
    page.wait_for_timeout(200)  # the violation events reach Python
    context.close()

    assert injected is None
    assert background != "rgb(255, 0, 0)"
    assert any("script-src" in violation for violation in violations)
    assert any("style-src" in violation for violation in violations)


def _session_cookie(live_server, email):
    client = Client()
    client.force_login(User.objects.get(email=email))
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


@pytest.mark.browser
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_every_page_runs_under_the_policy_without_a_violation(demo, new_page, live_server):
    # Every URL of the walk, as the demo's superuser (the admin: every model's list, form,
    # history and version page, the ranking; the dashboard; two-factor set-up with its QR
    # code) and as its beneficiary (the applicant's pages). A violation fails the test
    # through the new_page fixture.
    urls = list(_urls())
    for email in ("admin@demo.example", "beneficiary@demo.example"):
        page = new_page()
        page.context.add_cookies([_session_cookie(live_server, email)])
        for _, url in urls:
            # Files (receipts, documents, CSV, reports) and POST-only views are not pages.
            answer = page.request.get(url)
            if answer.status == 405 or "text/html" not in answer.headers.get("content-type", ""):
                continue
            page.goto(url, wait_until="load")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_report_s_progress_bar_is_as_wide_as_its_progress_also_after_a_refresh(page, live_server, superuser):
    # The width came from a style attribute; the policy refuses those, so portal.js sets it,
    # on the first load and on every refresh htmx swaps in.
    report = Report.objects.create(
        kind=Report.Kind.ANNUAL_PROGRAMME,
        format=Report.Format.PDF,
        requested_by=superuser,
        status="running",
        progress=40,
    )
    page.context.add_cookies([_session_cookie(live_server, superuser.email)])
    # A function, not an expression: Playwright evaluates expressions with eval, which the policy refuses.
    near = """(expected) => {
        const bar = document.querySelector("#dashboard-reports .progress-bar");
        const share = bar.getBoundingClientRect().width / bar.parentElement.getBoundingClientRect().width;
        return Math.abs(share - expected) < 0.02;
    }"""

    page.goto("/en/dashboard/")
    page.wait_for_function(near, arg=0.4)
    Report.objects.filter(pk=report.pk).update(progress=80)

    page.wait_for_function(near, arg=0.8)
