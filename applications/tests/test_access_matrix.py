"""Access tested by enumeration: every admin view and every public URL with an object, as every kind of actor.

The cases are not written by hand. The admin walk reads `admin.site._registry` and each ModelAdmin's
URL patterns (the default views, the history pages, every custom view it adds through get_urls(), and
each list action); the public walk reads the URL resolver. A model, an admin view or a URL added
later is asked about by itself; a public URL whose object the matrix cannot fill fails until it is
described in ROUTES below.

Each case asks with GET and with POST, as each actor of applications/tests/world.py, about a
real object of agency A. What is expected comes from the world (whose agency the object is), the
role permissions (through the ModelAdmin's has_*_permission) and, for the public pages, who acts
for the applicant. Someone refused gets "not found", "forbidden" or the login page, never a 500, and
a POST of the form an allowed user is shown writes nothing when it comes from someone refused (a
fingerprint of every table before and after).
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import portal.urls  # noqa: F401  (the admin's URLs are built, so every ModelAdmin is registered)
from applications.admin_workflow import MOVES
from applications.tests.world import (
    ACTORS,
    ANONYMOUS,
    APPLICANT,
    MANAGER_A,
    MANAGER_B,
    MEMBER,
    OWNER,
    STAFF_A,
    STAFF_B,
    SUPERUSER,
    build_world,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

METHODS = ["GET", "POST"]
LOGGED_IN = set(ACTORS) - {ANONYMOUS}
EVERYONE = set(ACTORS)
ADMITTED = {STAFF_B, MANAGER_B, STAFF_A, MANAGER_A, SUPERUSER}

# Outcomes a response is sorted into.
SHOWN, REDIRECT, LOGIN, REFUSED, ERROR = "shown", "redirect", "login", "refused", "error"
ALLOWED = {SHOWN, REDIRECT}
DENIED = {LOGIN, REFUSED}

# Fixed in the admin's history and related choices on their own branch: these cases assert the
# correct behaviour and are expected to fail until then.

# --- the world, the clients, the fingerprint ------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction rolled back at its end; each case runs in a
    savepoint of it (pytest-django's own), so what an allowed POST writes is undone before the next."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def clients(world, django_db_blocker):
    with django_db_blocker.unblock():
        result = {}
        for actor, user in world.users.items():
            client = Client(raise_request_exception=False)
            if user is not None:
                client.force_login(user)
            result[actor] = client
        return result


def fingerprint() -> dict[str, int]:
    """Rows inserted, updated or deleted so far in this transaction, by table (PostgreSQL's own count).

    An UPDATE that leaves a row as it was counts too. Sessions aside: a message to the visitor may be
    kept there.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
            " WHERE relname <> 'django_session'"
        )
        return dict(cursor.fetchall())


def changed_tables(before, after) -> list[str]:
    return sorted(t for t in after if after[t] != before.get(t, 0))


# --- responses ------------------------------------------------------------------------------------


def outcome(response) -> str:
    status = response.status_code
    if status >= 500:
        return ERROR
    if status in (301, 302, 303):
        location = urlsplit(response["Location"]).path
        if location.endswith(("/accounts/login/", "/admin/login/")):
            return LOGIN
        if location == reverse("admin:index"):
            return REFUSED  # the admin's "does not exist or is not of your agency"
        return REDIRECT
    if status in (400, 401, 403, 404, 405):
        return REFUSED
    return SHOWN


class _FormParser(HTMLParser):
    """The fields of each POST form of a page, as a browser would send them (files aside)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._select, self._textarea, self._options = [], None, None, None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "action": attrs.get("action") or "",
                "method": (attrs.get("method") or "get").lower(),
                "fields": [],
                "submit": None,
            }
            self.forms.append(self._form)
        if self._form is None or ("name" not in attrs and tag != "option"):
            if tag == "option" and self._select is not None:
                self._options.append((attrs.get("value", ""), "selected" in attrs))
            return
        name = attrs.get("name")
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._form["fields"].append((name, attrs.get("value", "on")))
            elif kind == "submit":
                if self._form["submit"] is None:
                    self._form["submit"] = (name, attrs.get("value", ""))
            elif kind not in ("file", "button", "image", "reset"):
                self._form["fields"].append((name, attrs.get("value", "")))
        elif tag == "button" and (attrs.get("type") or "submit") == "submit":
            if self._form["submit"] is None:
                self._form["submit"] = (name, attrs.get("value", ""))
        elif tag == "select":
            self._select, self._options = (name, "multiple" in attrs), []
        elif tag == "option" and self._select is not None:
            self._options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea":
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            if self._form is not None:
                self._form["fields"].extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if self._form is not None:
                self._form["fields"].append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None


def form_data(html: str, path: str) -> dict[str, list[str]]:
    """The page's main POST form (posted to the page itself), as the data a browser would send."""
    parser = _FormParser()
    parser.feed(html)
    own = [f for f in parser.forms if f["method"] == "post" and f["action"] in ("", path, "?")]
    if not own:
        return {}
    form = max(own, key=lambda f: len(f["fields"]))
    data: dict[str, list[str]] = {}
    for name, value in [*form["fields"], *([form["submit"]] if form["submit"] and form["submit"][0] else [])]:
        if name != "csrfmiddlewaretoken":
            data.setdefault(name, []).append(value)
    return data


_PAYLOADS: dict[tuple[str, str], dict] = {}


def payload_as(client, url) -> dict:
    """What `client` (an allowed actor) would post back to `url`: its form, read once per module."""
    key = (id(client), url)
    if key not in _PAYLOADS:
        response = client.get(url)
        html = "" if response.streaming else response.content.decode(errors="replace")
        _PAYLOADS[key] = form_data(html, urlsplit(url).path)
    return _PAYLOADS[key]


def ask(client, method, url, data=None):
    if method == "GET":
        return client.get(url)
    return client.post(url, data or {})


# --- the admin walk -------------------------------------------------------------------------------

DEFAULT_VIEWS = {"changelist", "add", "change", "delete", "history"}
# Values for the keyword arguments of the admin's custom views: a new keyword fails its case until
# it is named here. A list expands the case, one per value.
ADMIN_KWARGS = {
    "pk": lambda world, obj: obj.pk,
    "id": lambda world, obj: obj.pk,
    "candidate_pk": lambda world, obj: world.named["candidate"].pk,
}
ADMIN_KWARG_CHOICES = {"name": list(MOVES)}


@dataclass(frozen=True)
class AdminCase:
    label: str  # model label
    view: str  # changelist, add, change, delete, history, history_version, custom, action
    url_name: str = ""
    kwargs: tuple = ()  # fixed keyword values (from ADMIN_KWARG_CHOICES)
    action: str = ""
    unknown: tuple = field(default=())  # keyword arguments the matrix cannot fill

    @property
    def id(self):
        extra = self.url_name.rsplit("_", 1)[-1] if self.view == "custom" else ""
        extra += "".join(f"[{value}]" for _key, value in self.kwargs)
        extra += self.action
        return f"admin:{self.label}:{self.view}{':' + extra if extra else ''}"


def _pattern_kwargs(pattern: URLPattern) -> list[str]:
    return list(pattern.pattern.regex.groupindex)


def admin_cases() -> list[AdminCase]:
    cases = []
    for model, model_admin in admin.site._registry.items():
        label, info = model._meta.label, f"{model._meta.app_label}_{model._meta.model_name}"
        for pattern in model_admin.get_urls():
            if pattern.name is None:
                continue  # the old-style "<id>/" address: a redirect to the change page
            view = pattern.name.removeprefix(info + "_")
            if view in DEFAULT_VIEWS:
                cases.append(AdminCase(label, view, pattern.name))
            elif view == "simple_history":
                cases.append(AdminCase(label, "history_version", pattern.name))
            else:
                names = _pattern_kwargs(pattern)
                unknown = tuple(n for n in names if n not in ADMIN_KWARGS and n not in ADMIN_KWARG_CHOICES)
                choices = [n for n in names if n in ADMIN_KWARG_CHOICES]
                if not choices:
                    cases.append(AdminCase(label, "custom", pattern.name, unknown=unknown))
                for name in choices:
                    for value in ADMIN_KWARG_CHOICES[name]:
                        cases.append(AdminCase(label, "custom", pattern.name, ((name, value),), unknown=unknown))
        for _func, name, _description in model_admin._get_base_actions():
            cases.append(AdminCase(label, "action", f"{info}_changelist", action=name))
    return cases


ADMIN_CASES = admin_cases()


def _request_as(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def admin_url(case: AdminCase, world) -> str:
    obj = world.objects[case.label]
    if case.unknown:
        pytest.fail(f"{case.id}: the matrix cannot fill {case.unknown}: add them to ADMIN_KWARGS")
    if case.view in ("changelist", "add", "action"):
        return reverse(f"admin:{case.url_name}")
    if case.view == "history_version":
        version = obj.history.order_by("-history_id").first()
        return reverse(f"admin:{case.url_name}", args=[obj.pk, version.history_id])
    if case.view == "custom":
        pattern = next(p for p in admin.site._registry[type(obj)].get_urls() if p.name == case.url_name)
        kwargs = {name: ADMIN_KWARGS[name](world, obj) for name in _pattern_kwargs(pattern) if name in ADMIN_KWARGS}
        kwargs.update(dict(case.kwargs))
        return reverse(f"admin:{case.url_name}", kwargs=kwargs)
    return reverse(f"admin:{case.url_name}", args=[obj.pk])


def admin_expected(case: AdminCase, actor: str, method: str, world) -> tuple[set, bool]:
    """(outcomes accepted, whether the request may write) for this actor."""
    user = world.users[actor]
    if user is None or not user.is_staff:
        return {LOGIN}, False
    obj = world.objects[case.label]
    model_admin = admin.site._registry[type(obj)]
    request = _request_as(user)
    agency = world.agency_of(obj)
    same = user.is_superuser or agency is None or agency == user.agency_id
    if case.view == "changelist":
        allowed = model_admin.has_view_or_change_permission(request)
    elif case.view == "add":
        allowed = model_admin.has_add_permission(request)
    elif case.view == "delete":
        allowed = same and model_admin.has_delete_permission(request, obj)
    elif case.view == "action":
        actions = model_admin.get_actions(request) if model_admin.has_view_or_change_permission(request) else {}
        allowed = same and case.action in actions
        # Refused, the list comes back with "no action selected": what counts is no write, no export.
        return ALLOWED | DENIED, allowed
    else:  # change, history, history_version, custom views
        allowed = same and model_admin.has_view_or_change_permission(request, obj)
    if case.view == "history_version" and method == "POST":
        # History is read-only: reverting is disabled for everyone, superusers included.
        return (ALLOWED | {REFUSED}) if allowed else DENIED, False
    if method == "POST" and allowed:
        return ALLOWED | {REFUSED}, True  # a form with an error is allowed too
    return (ALLOWED if allowed else DENIED), allowed


# Visitors who are not staff never pass the admin's own gate: each case asks them one after the
# other in one test (the message names every one refused wrongly), which keeps the matrix fast.
OUTSIDERS = "outsiders"
OUTSIDER_ACTORS = [ANONYMOUS, APPLICANT, MEMBER, OWNER]
ADMIN_ACTORS = [OUTSIDERS, STAFF_B, MANAGER_B, STAFF_A, MANAGER_A, SUPERUSER]


def _admin_methods(case):
    # A list's POST is one of its actions: each is a case of its own.
    return {"action": ["POST"], "changelist": ["GET"]}.get(case.view, METHODS)


def _admin_params():
    params = []
    for case in ADMIN_CASES:
        for actor in ADMIN_ACTORS:
            for method in _admin_methods(case):
                params.append(pytest.param(case, actor, method, id=f"{case.id}-{actor}-{method}"))
    return params


def admin_problems(case, actor, method, world, clients) -> list[str]:
    """What is wrong with the answer of this admin view to this actor; nothing when all is right."""
    url = admin_url(case, world)
    obj = world.objects[case.label]
    user = world.users[actor]
    expected, may_write = admin_expected(case, actor, method, world)
    where = f"{case.id} as {actor} ({method} {url})"
    data = None
    if method == "POST":
        if case.view == "action":
            data = {"action": case.action, "_selected_action": [obj.pk], "index": 0, "post": "yes"}
        elif case.view == "delete":
            data = {"post": "yes"}
        else:
            data = payload_as(clients[SUPERUSER], url)
    before = fingerprint() if method == "POST" and not may_write else None

    response = ask(clients[actor], method, url, data)

    got = outcome(response)
    if got == ERROR:
        return [f"{where} answered {response.status_code}"]
    problems = []
    if got not in expected:
        problems.append(f"{where}: {got} ({response.status_code}), expected {sorted(expected)}")
    if before is not None:
        changed = changed_tables(before, fingerprint())
        if changed:
            problems.append(f"{where} wrote to {changed}")
    other_agency = user is not None and not user.is_superuser and world.agency_of(obj) not in (None, user.agency_id)
    if case.view == "changelist" and got == SHOWN and other_agency:
        change_url = reverse(f"admin:{case.url_name.removesuffix('changelist')}change", args=[obj.pk])
        if change_url in response.content.decode():
            problems.append(f"{where} lists agency A's {obj}")
    if response.get("Content-Disposition", "").startswith("attachment") and other_agency:
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if str(obj).encode() in content:
            problems.append(f"{where} exported agency A's {obj}")
    return problems


def test_the_world_has_an_object_of_agency_a_for_every_registered_model(world):
    missing = sorted(model._meta.label for model in admin.site._registry if model._meta.label not in world.objects)
    assert not missing, f"Add an object of these models to applications/tests/world.py: {missing}"
    for label, obj in world.objects.items():
        assert world.agency_of(obj) in (None, world.agency_a.pk), label


@pytest.mark.parametrize(("case", "actor", "method"), _admin_params())
def test_admin_view(case, actor, method, world, clients):
    actors = OUTSIDER_ACTORS if actor == OUTSIDERS else [actor]
    problems = [problem for one in actors for problem in admin_problems(case, one, method, world, clients)]
    assert not problems, "\n".join(problems)


# --- the public walk ------------------------------------------------------------------------------


@dataclass
class Route:
    """A public URL filled with agency A's objects, and who may use it.

    kwargs: the URL's keyword arguments from the world. get/post: the actors for whom the page is
    shown or acts; everyone else is refused. tolerated: actors refused by a redirect elsewhere
    (the page sends them back to what they may see), which must write nothing. data: what is posted
    when the page is not a form (require_POST views); None: the form an allowed actor is shown.
    query: a query string added to the URL (filters pointing at agency A's objects).
    """

    kwargs: object
    get: set
    post: set
    tolerated: set = field(default_factory=set)
    data: dict | None = None
    query: object = None
    # Text of agency A that must not appear in a page shown to someone of another agency.
    secret: object = None


def _email_key(world):
    address, _ = EmailAddress.objects.get_or_create(
        user=world.users[APPLICANT], email="applicant@example.org", defaults={"verified": False, "primary": True}
    )
    return EmailConfirmationHMAC(address).key


APPLICANT_SIDE = {OWNER, MEMBER}
ROUTES = {
    # Public pages: everyone reads them.
    "programmes:programme": Route(lambda w: {"slug": w.named["programme"].slug}, EVERYONE, EVERYONE),
    "programmes:call": Route(
        lambda w: {"programme_slug": w.named["programme"].slug, "slug": w.named["call"].slug}, EVERYONE, EVERYONE
    ),
    "programmes:subscribe": Route(lambda w: {"slug": w.named["programme"].slug}, set(), LOGGED_IN, data={}),
    "applications:apply": Route(lambda w: {"call_pk": w.named["call"].pk}, LOGGED_IN, LOGGED_IN),
    # The dashboard's tables: admitted staff, each seeing only their agency, whatever the filters ask.
    "programmes:dashboard_table": Route(
        lambda w: {"name": "budget", "format": "json"},
        ADMITTED,
        ADMITTED,
        query=lambda w: {"programme": w.named["programme"].pk, "call": w.named["call"].pk},
        secret=lambda w: w.named["call"].title,
    ),
    # Retrying a report from the dashboard: only who requested it (a manager of agency A).
    "programmes:dashboard_report_retry": Route(lambda w: {"pk": w.named["report"].pk}, set(), {MANAGER_A}, data={}),
    # The applicant's side: the lead's representative acts, members of the consortium read.
    "applications:detail": Route(lambda w: {"pk": w.named["under_review"].pk}, APPLICANT_SIDE, APPLICANT_SIDE),
    "applications:edit": Route(lambda w: {"pk": w.named["draft"].pk, "step": "project"}, {OWNER}, {OWNER}),
    "applications:submit": Route(lambda w: {"pk": w.named["draft"].pk}, set(), {OWNER}, data={}),
    "applications:withdraw": Route(lambda w: {"pk": w.named["submitted"].pk}, set(), {OWNER}, data={"reason": "x"}),
    # Renouncing the grant: the beneficiary's representatives (the lead's), never the other members.
    "applications:renounce": Route(lambda w: {"pk": w.named["approved"].pk}, {OWNER}, {OWNER}),
    "applications:clarify": Route(
        lambda w: {"pk": w.named["clarification"].pk}, set(), {OWNER}, data={"text": "Here is the answer."}
    ),
    "applications:receipt": Route(lambda w: {"pk": w.named["submitted"].pk}, APPLICANT_SIDE, APPLICANT_SIDE),
    "applications:report": Route(
        lambda w: {"pk": w.named["approved"].pk, "kind": "interim"},
        APPLICANT_SIDE,
        {OWNER},
        tolerated=set(),
        data={"action": "save", "narrative": "Changed by someone else", "jobs_created": "3"},
    ),
    "applications:accept": Route(
        lambda w: {"pk": w.named["approved"].pk}, set(), {OWNER}, data={"conditions": "accepted"}
    ),
    "applications:attachment_delete": Route(
        lambda w: {"pk": w.named["draft"].pk, "attachment_pk": w.named["document"].pk}, set(), {OWNER}, data={}
    ),
    # Documents: the applicant's side, and the agency's staff admitted to the administration.
    "applications:attachment": Route(
        lambda w: {"pk": w.named["document"].pk},
        {OWNER, MEMBER, STAFF_A, MANAGER_A, SUPERUSER},
        {OWNER, MEMBER, STAFF_A, MANAGER_A, SUPERUSER},
    ),
    "consortia:organisation": Route(lambda w: {"pk": w.named["lead"].pk}, {OWNER}, {OWNER}),
    "consortia:organisation_edit": Route(lambda w: {"pk": w.named["lead"].pk}, {OWNER}, {OWNER}),
    "consortia:ownership_link_add": Route(lambda w: {"pk": w.named["lead"].pk}, {OWNER}, {OWNER}),
    "consortia:representation_answer": Route(
        lambda w: {"pk": w.named["representation_request"].pk, "answer": "accept"}, set(), {OWNER}, data={}
    ),
    "consortia:consortium": Route(lambda w: {"pk": w.named["consortium"].pk}, APPLICANT_SIDE, APPLICANT_SIDE),
    "consortia:consortium_invite": Route(
        lambda w: {"pk": w.named["consortium"].pk},
        {OWNER},
        {OWNER},
        tolerated={MEMBER},
        data={"email": "intruder@example.org"},
    ),
    # The consortium's first joint promotion action: recorded by those acting for its lead.
    "consortia:consortium_joint_action": Route(
        lambda w: {"pk": w.named["consortium"].pk},
        {OWNER},
        {OWNER},
        tolerated={MEMBER},
        data={"first_joint_action_on": "2025-05-01", "first_joint_action": "Joint stand at a fair"},
    ),
    "consortia:membership_leave": Route(lambda w: {"pk": w.named["member_membership"].pk}, set(), {MEMBER}, data={}),
    "consortia:membership_answer": Route(
        lambda w: {"pk": w.named["invited_membership"].pk, "answer": "accept"}, set(), {MEMBER}, data={}
    ),
    # An invitation's token is its credential: whoever holds it may join with an organisation they represent.
    "consortia:invitation": Route(lambda w: {"token": w.named["invitation"].token}, LOGGED_IN, LOGGED_IN),
    "consortia:formation_candidacy": Route(lambda w: {"pk": w.named["candidacy"].pk}, {OWNER}, {OWNER}),
    # PIMEX: the participant's representatives.
    "programmes:pimex_progress": Route(lambda w: {"pk": w.named["pimex"].pk}, {OWNER}, {OWNER}),
    "programmes:pimex_swot": Route(lambda w: {"pk": w.named["pimex"].pk}, {OWNER}, {OWNER}),
    "programmes:pimex_action_plan": Route(lambda w: {"pk": w.named["pimex"].pk}, {OWNER}, {OWNER}),
    "programmes:pimex_survey": Route(lambda w: {"pk": w.named["pimex"].pk}, {OWNER}, {OWNER}),
    # Account e-mails: the key in the link is the credential, whoever follows it.
    "account_confirm_email": Route(lambda w: {"key": _email_key(w)}, EVERYONE, EVERYONE),
    "account_reset_password_from_key": Route(
        lambda w: {
            "uidb36": user_pk_to_url_str(w.users[OWNER]),
            "key": default_token_generator.make_token(w.users[OWNER]),
        },
        EVERYONE,
        EVERYONE,
    ),
}


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, inner)
        elif pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def public_routes_with_objects() -> list[str]:
    """Every named URL outside the admin whose address carries an id, a token, a slug or another argument."""
    names = []
    for name, pattern in _walk(get_resolver().url_patterns):
        if name.startswith("admin:"):
            continue
        if pattern.pattern.regex.groupindex and name not in names:
            names.append(name)
    return names


PUBLIC_ROUTES = public_routes_with_objects()


def test_every_public_url_with_an_object_is_in_the_matrix():
    unknown = sorted(set(PUBLIC_ROUTES) - set(ROUTES))
    assert not unknown, f"URLs the access matrix cannot fill: describe them in ROUTES: {unknown}"
    assert not set(ROUTES) - set(PUBLIC_ROUTES), "ROUTES names URLs that no longer exist"


def _public_params():
    return [
        pytest.param(name, actor, method, id=f"{name}-{actor}-{method}")
        for name in PUBLIC_ROUTES
        for actor in ACTORS
        for method in METHODS
    ]


@pytest.mark.parametrize(("name", "actor", "method"), _public_params())
def test_public_url(name, actor, method, world, clients):
    route = ROUTES.get(name)
    if route is None:
        pytest.fail(f"{name}: the access matrix cannot fill this URL: describe it in ROUTES")
    url = reverse(name, kwargs=route.kwargs(world))
    if route.query:
        url += "?" + urlencode(route.query(world))
    allowed = actor in (route.get if method == "GET" else route.post)
    data = None
    if method == "POST":
        data = route.data
        if data is None:
            helper = next((a for a in ACTORS if a in route.get), None)
            data = payload_as(clients[helper], url) if helper else {}
    before = fingerprint() if method == "POST" and not allowed else None

    response = ask(clients[actor], method, url, data)

    got = outcome(response)
    assert got != ERROR, f"{name} as {actor} ({method} {url}) answered {response.status_code}"
    if allowed:
        # A POST may be refused by its form or its rules, or end on the login page (a key used up).
        accepted = ALLOWED if method == "GET" else ALLOWED | DENIED
    else:
        accepted = DENIED | ({REDIRECT} if actor in route.tolerated else set())
    assert got in accepted, f"{name} as {actor} ({method} {url}): {got} ({response.status_code})"
    if before is not None:
        changed = changed_tables(before, fingerprint())
        assert not changed, f"{name} as {actor} ({method} {url}) wrote to {changed}"
    user = world.users[actor]
    other_agency = user is not None and not user.is_superuser and user.agency_id != world.agency_a.pk
    if route.secret and got == SHOWN and other_agency:
        content = b"".join(response.streaming_content) if response.streaming else response.content
        secret = route.secret(world)
        assert secret.encode() not in content, f"{name} as {actor} shows agency A's {secret!r}"
