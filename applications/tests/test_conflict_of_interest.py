"""A reviewer who declared a conflict of interest on an application sees nothing of it in the admin.

Tested by enumeration, on the world of the access matrix (applications/tests/world.py): a programme
manager of agency A declared a conflict on A's approved operation (with its reports, expenses,
payments, aid, reviews) and on A's PIMEX participation (with its coaching records). The walk reads
`admin.site._registry`: for every registered model, each row is sorted by the applications it
reaches through its foreign keys (followed on the objects here, not through the code under test).
Then, as the conflicted manager and as A's other manager (the control, same role, no conflict):

- every list leaves out the conflicted rows (which the control's list shows) and shows the other
  rows of agency A that the control's shows;
- every page of a conflicted row (change, history, each history version, each custom page such as
  the workflow moves and the review) is refused, where the control is shown it;
- no page of any object of the world (change and history pages, with their inlines) names a
  conflicted application;
- autocompletes, exports and document downloads leave them out.
"""

import csv
import io
import json
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

import portal.urls  # noqa: F401  (every ModelAdmin is registered)
from applications.models import Application, Attachment, BudgetLine, Review
from applications.tests.test_access_matrix import ADMIN_KWARG_CHOICES, DENIED, SHOWN, outcome
from applications.tests.world import MANAGER_A, build_world
from portal.roles import PROGRAMME_MANAGER
from portal.tests.factories import StaffFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@dataclass
class Setting:
    world: object
    conflicted: Client
    control: Client
    # The applications the reviewer declared a conflict on, and every other application of agency A.
    withheld: set
    others: set
    # Text that names a withheld application (reference, title).
    markers: list
    # Registered model -> {pk: the applications the row reaches}.
    reach: dict


def reached_applications(obj, depth=4, seen=None) -> set[int]:
    """The applications a row reaches by following its foreign keys (people aside), on the objects."""
    seen = set() if seen is None else seen
    key = (obj._meta.concrete_model, obj.pk)
    if key in seen:
        return set()
    seen.add(key)
    found = {obj.pk} if isinstance(obj, Application) else set()
    if depth == 0:
        return found
    for field in obj._meta.concrete_fields:
        if not isinstance(field, models.ForeignKey) or issubclass(field.related_model, get_user_model()):
            continue
        related = getattr(obj, field.name)
        if related is not None:
            found |= reached_applications(related, depth - 1, seen)
    return found


@pytest.fixture(scope="module")
def setting(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world()
            a = world.a
            recused = StaffFactory(agency=world.agency_a, email="recused@extremadura.example", role=PROGRAMME_MANAGER)
            withheld = {a["approved"].pk, a["pimex"].pk}
            # Declared while the applications were under review, before their decisions.
            for pk in withheld:
                Review.objects.create(
                    application_id=pk, reviewer=recused, has_conflict=True, conflict_note="My brother's company"
                )
            others = set(
                Application.objects.filter(call__programme__agency=world.agency_a)
                .exclude(pk__in=withheld)
                .values_list("pk", flat=True)
            )
            markers = [
                text
                for application in Application.objects.filter(pk__in=withheld)
                for text in (application.reference, application.title)
            ]
            reach = {
                model: {obj.pk: reached_applications(obj) for obj in model._default_manager.all()}
                for model in admin.site._registry
            }
            conflicted, control = Client(raise_request_exception=False), Client(raise_request_exception=False)
            conflicted.force_login(recused)
            control.force_login(world.users[MANAGER_A])
            yield Setting(world, conflicted, control, withheld, others, markers, reach)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _info(model):
    return f"{model._meta.app_label}_{model._meta.model_name}"


def _rows(setting, model):
    """(rows reaching a withheld application, rows reaching only agency A's other applications)."""
    reach = setting.reach[model]
    withheld = sorted(pk for pk, apps in reach.items() if apps & setting.withheld)
    others = sorted(pk for pk, apps in reach.items() if apps and apps <= setting.others)
    return withheld, others


def _content(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


REACHING = [
    model
    for model in admin.site._registry
    # Models that can reach an application through their foreign keys.
    if model._meta.concrete_model is Application
    or any(
        isinstance(f, models.ForeignKey) and f.related_model is not get_user_model()
        for f in model._meta.concrete_fields
    )
]


def test_the_world_has_withheld_rows_of_every_kind(setting):
    """The walk below has something to hide: the records of the approved operation and of the PIMEX coaching."""
    labels = {model._meta.label for model in admin.site._registry if _rows(setting, model)[0]}
    expected = {
        "applications.Application",
        "applications.BudgetLine",
        "applications.Attachment",
        "applications.StatusChange",
        "applications.ProjectReport",
        "applications.PimexParticipant",
        "applications.PimexActionPlan",
        "programmes.AidAward",
    }
    assert expected <= labels, expected - labels


def test_lists_leave_out_the_withheld_rows(setting):
    checked = [model for model in REACHING if _list_checked(setting, model)]
    assert {Application, BudgetLine} <= set(checked)


def _list_checked(setting, model) -> bool:
    """Check the model's list; False when there is nothing to check (no withheld row, or no list)."""
    withheld, others = _rows(setting, model)
    if not withheld:
        return False
    url = reverse(f"admin:{_info(model)}_changelist")
    control = setting.control.get(url)
    if outcome(control) != SHOWN:
        return False
    conflicted = setting.conflicted.get(url)
    assert outcome(conflicted) == SHOWN
    shown_to_control, shown = _content(control), _content(conflicted)

    def link(pk):
        return reverse(f"admin:{_info(model)}_change", args=[pk]) + '"'

    listed = [pk for pk in withheld if link(pk) in shown_to_control]
    leaked = [pk for pk in listed if link(pk) in shown]
    assert not leaked, f"{model._meta.label}: the list shows rows of a conflicted application: {leaked}"
    missing = [pk for pk in others if link(pk) in shown_to_control and link(pk) not in shown]
    assert not missing, f"{model._meta.label}: rows of other applications are missing: {missing}"
    for marker in setting.markers:
        assert marker not in shown, f"{model._meta.label}: the list names {marker!r}"
    return True


def _object_urls(model, pk):
    """Every admin page of one row: change, delete, history, each history version, the custom pages with its id."""
    model_admin = admin.site._registry[model]
    info = _info(model)
    urls = []
    for pattern in model_admin.get_urls():
        if pattern.name is None:
            continue
        view = pattern.name.removeprefix(info + "_")
        kwargs = list(pattern.pattern.regex.groupindex)
        if view in ("change", "delete", "history"):
            urls.append(reverse(f"admin:{pattern.name}", args=[pk]))
        elif view == "simple_history":
            obj = model._default_manager.get(pk=pk)
            for version in obj.history.all():
                urls.append(reverse(f"admin:{pattern.name}", args=[pk, version.history_id]))
        elif kwargs and set(kwargs) <= {"pk", "id", *ADMIN_KWARG_CHOICES}:
            choices = [dict()]
            for name in set(kwargs) & set(ADMIN_KWARG_CHOICES):
                choices = [{**c, name: value} for c in choices for value in ADMIN_KWARG_CHOICES[name]]
            for choice in choices:
                ids = {name: pk for name in kwargs if name in ("pk", "id")}
                urls.append(reverse(f"admin:{pattern.name}", kwargs={**ids, **choice}))
    return urls


def test_every_page_of_a_withheld_row_is_refused(setting):
    checked = [model for model in REACHING if _pages_checked(setting, model)]
    assert {Application, BudgetLine} <= set(checked)


def _pages_checked(setting, model) -> bool:
    """Check every page of the model's withheld rows; False when it has none."""
    withheld, others = _rows(setting, model)
    if not withheld:
        return False
    problems = []
    for pk in withheld:
        for url in _object_urls(model, pk):
            shown_to_control = outcome(setting.control.get(url)) == SHOWN
            got = setting.conflicted.get(url)
            if outcome(got) not in DENIED and (
                shown_to_control or any(marker in _content(got) for marker in setting.markers)
            ):
                problems.append(f"{url}: {outcome(got)} ({got.status_code})")
    for pk in others[:1]:
        for url in _object_urls(model, pk):
            if outcome(setting.control.get(url)) == SHOWN and outcome(setting.conflicted.get(url)) != SHOWN:
                problems.append(f"{url}: a row of another application is refused")
    assert not problems, "\n".join(problems)
    return True


def test_no_page_of_the_world_names_a_withheld_application(setting):
    """Change and history pages of one object of every model (inlines included) never name it."""
    problems = []
    for label, obj in setting.world.objects.items():
        model = type(obj)
        if model not in admin.site._registry:
            continue
        for view in ("change", "history"):
            url = reverse(f"admin:{_info(model)}_{view}", args=[obj.pk])
            response = setting.conflicted.get(url)
            content = _content(response) if outcome(response) == SHOWN else ""
            problems += [f"{label} {view}: names {m!r}" for m in setting.markers if m in content]
    # Among them the organisation whose aid awards are listed inline, and the call whose ranking lists it.
    lead = setting.world.a["lead"]
    call = setting.world.a["call"]
    for url in (
        reverse("admin:consortia_organisation_change", args=[lead.pk]),
        reverse("admin:programmes_call_ranking", args=[call.pk]),
    ):
        control = _content(setting.control.get(url))
        content = _content(setting.conflicted.get(url))
        assert any(m in control for m in setting.markers), f"{url}: the control sees nothing to withhold"
        problems += [f"{url}: names {m!r}" for m in setting.markers if m in content]
    assert not problems, "\n".join(problems)


def test_autocompletes_leave_out_the_withheld_rows(setting):
    for model, model_admin in admin.site._registry.items():
        for name in model_admin.autocomplete_fields:
            remote = model._meta.get_field(name).related_model
            withheld, others = _rows(setting, remote) if remote in setting.reach else ([], [])
            if not withheld:
                continue
            query = {"app_label": model._meta.app_label, "model_name": model._meta.model_name, "field_name": name}
            url = reverse("admin:autocomplete")

            def ids(client, url=url, query=query):
                response = client.get(url, query)
                assert response.status_code == 200, (url, query, response.status_code)
                return {int(result["id"]) for result in json.loads(response.content)["results"]}

            control, conflicted = ids(setting.control), ids(setting.conflicted)
            assert set(withheld) & control, f"{model._meta.label}.{name}: the control sees nothing to withhold"
            assert not set(withheld) & conflicted, f"{model._meta.label}.{name} offers a conflicted application"
            assert set(others) & control <= conflicted
    # Today no autocomplete offers rows that reach an application (the ledger's aid of a grant is never
    # typed by hand, so it offers no application): the walk covers any that is added.


@pytest.mark.parametrize("action", ["export_applications_csv", "export_budget_lines_csv", "export_applications_xlsx"])
def test_exports_leave_out_the_withheld_applications(setting, action):
    selected = sorted(setting.withheld | setting.others)
    data = {"action": action, "_selected_action": selected, "index": 0}
    url = reverse("admin:applications_application_changelist")
    control = setting.control.post(url, data)
    conflicted = setting.conflicted.post(url, data)
    assert control["Content-Disposition"].startswith("attachment")
    assert conflicted["Content-Disposition"].startswith("attachment")
    if action.endswith("xlsx"):
        # XLSX content is binary: read the cells.
        shown_to_control = _xlsx_text(control)
        shown = _xlsx_text(conflicted)
    else:
        shown_to_control, shown = _content(control), _content(conflicted)
    references = dict(Application.objects.filter(pk__in=selected).values_list("pk", "reference"))
    withheld = [references[pk] for pk in setting.withheld if references[pk]]
    others = [references[pk] for pk in setting.others if references[pk]]
    exported = [reference for reference in withheld if reference in shown_to_control]
    assert exported, "the control's export has nothing to withhold"
    assert not [reference for reference in exported if reference in shown]
    assert [r for r in others if r in shown_to_control] == [r for r in others if r in shown]


def _xlsx_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    book = load_workbook(io.BytesIO(content), read_only=True)
    return repr([list(sheet.values) for sheet in book.worksheets])


def test_documents_of_a_withheld_application_cannot_be_downloaded(setting):
    withheld, others = _rows(setting, Attachment)
    assert withheld and others
    for pk in withheld:
        url = reverse("applications:attachment", args=[pk])
        assert setting.control.get(url).status_code == 200
        assert setting.conflicted.get(url).status_code == 404
    for pk in others:
        url = reverse("applications:attachment", args=[pk])
        assert setting.conflicted.get(url).status_code == setting.control.get(url).status_code == 200


def test_the_csv_export_is_readable(setting):
    """The export the conflicted manager gets is a well-formed table with the other applications."""
    url = reverse("admin:applications_application_changelist")
    data = {"action": "export_applications_csv", "_selected_action": sorted(setting.others), "index": 0}
    rows = list(csv.reader(io.StringIO(_content(setting.conflicted.post(url, data)).lstrip("\ufeff"))))
    assert len(rows) == 1 + len(setting.others)
