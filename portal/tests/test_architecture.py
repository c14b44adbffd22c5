"""The architecture holds: one direction of dependency, no cycles, imports where a reader finds them.

The layers and the cycle rule are import-linter's contracts (.importlinter); this suite runs
them, so a new upward import or a circle fails the build. The rule import-linter cannot see
(where an import is written) is checked here by reading the code.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portal", "consortia", "programmes", "applications")
# Test code and migrations are not part of the architecture; portal/testing.py is the test plugin.
NOT_ARCHITECTURE = ("tests", "migrations")


def project_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if any(part in NOT_ARCHITECTURE for part in parts) or path.name == "testing.py":
                continue
            yield path


def _is_task(function: ast.FunctionDef) -> bool:
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name in {"shared_task", "task"}:
            return True
    return False


def _imports_project(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] in APPS
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[0] in APPS for alias in node.names)
    return False


def local_project_imports(source: str) -> list[tuple[int, str]]:
    """(line, function) of each project import written inside a function, but for the allowed ones:
    a Celery task's body and an AppConfig's ready()."""
    found = []

    def visit(node, function, in_config):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                bases = {getattr(base, "id", getattr(base, "attr", "")) for base in child.bases}
                visit(child, function, "AppConfig" in bases)
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if _is_task(child) or (in_config and child.name == "ready"):
                    continue
                visit(child, child.name, False)
            elif function is not None and _imports_project(child):
                found.append((child.lineno, function))
            else:
                visit(child, function, in_config)

    visit(ast.parse(source), None, False)
    return found


def test_project_imports_are_at_the_top_of_modules():
    offenders = [
        f"{path.relative_to(ROOT)}:{line} in {function}()"
        for path in project_modules()
        for line, function in local_project_imports(path.read_text())
    ]
    assert offenders == [], "Project imports inside functions (only Celery task bodies and ready() may):\n" + "\n".join(
        offenders
    )


def test_the_checker_finds_an_import_hidden_in_a_function_and_allows_tasks_and_ready():
    source = """
from celery import shared_task
from django.apps import AppConfig


def view(request):
    from applications.models import Application
    return Application


@shared_task
def job():
    from .services import run
    return run()


class Config(AppConfig):
    def ready(self):
        from .signals import connect
        connect()
"""
    assert local_project_imports(source) == [(7, "view")]


@pytest.fixture(scope="module")
def import_contracts():
    linter = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(linter), str(ROOT / ".importlinter"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_import_contracts_hold(import_contracts):
    assert import_contracts.returncode == 0, import_contracts.stdout + import_contracts.stderr
    assert "Contracts: 2 kept, 0 broken." in import_contracts.stdout


def test_the_contracts_name_every_app_as_a_layer_from_the_bottom_up():
    config = (ROOT / ".importlinter").read_text()
    layers = config.split("layers =", 1)[1].split("ignore_imports", 1)[0].split()
    assert layers == ["applications", "programmes", "consortia", "portal"]


def fragile_after_commit_callbacks(source: str) -> list[int]:
    """Lines of `transaction.on_commit(...)` calls that do not pass robust=True.

    A side effect after commit (a cache bump, a task handed to the broker, a file removed) must
    never stop the callbacks registered after it, nor turn a saved change into an error page.
    """
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            target = node.func
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if name == "on_commit":
                robust = [k for k in node.keywords if k.arg == "robust"]
                if not (robust and isinstance(robust[0].value, ast.Constant) and robust[0].value.value is True):
                    lines.append(node.lineno)
    return lines


def test_every_after_commit_callback_is_isolated_from_the_others():
    fragile = {
        str(path.relative_to(ROOT)): lines
        for path in project_modules()
        if (lines := fragile_after_commit_callbacks(path.read_text()))
    }
    assert fragile == {}, "pass robust=True to transaction.on_commit (docs/background-work.md)"


def test_the_checker_finds_a_fragile_after_commit_callback():
    source = "from django.db import transaction\ntransaction.on_commit(f)\ntransaction.on_commit(g, robust=True)\n"
    assert fragile_after_commit_callbacks(source) == [2]


def _chain(node: ast.Call) -> list[ast.Call]:
    """The calls of a method chain, outermost first: `a.b().c().d()` gives d, c, b."""
    calls = []
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        calls.append(node)
        node = node.func.value
    return calls


def unnamed_row_locks(source: str) -> list[int]:
    """Lines of `select_for_update()` calls that join other tables (`select_related`) without `of=`.

    PostgreSQL locks the row of every table a `FOR UPDATE` joins: an application read with its
    call would lock the call's row too, and every submission to the call would wait for it. A lock
    that joins names what it locks.
    """
    lines = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            calls = _chain(node)
            names = {call.func.attr for call in calls}
            if "select_related" in names:
                for call in calls:
                    if call.func.attr == "select_for_update" and not any(k.arg == "of" for k in call.keywords):
                        lines.add(call.lineno)
    return sorted(lines)


def test_every_row_lock_that_joins_names_the_rows_it_locks():
    unnamed = {
        str(path.relative_to(ROOT)): lines
        for path in project_modules()
        if (lines := unnamed_row_locks(path.read_text()))
    }
    assert unnamed == {}, "pass of=(...) to select_for_update when it is joined with select_related"


def test_the_checker_finds_a_row_lock_that_joins_without_naming():
    source = (
        "a = Application.objects.select_for_update().select_related('call').get(pk=1)\n"
        "b = Application.objects.select_for_update(of=('self',)).select_related('call').get(pk=1)\n"
        "c = Application.objects.select_for_update().get(pk=1)\n"
        "d = Expense.objects.select_related('report').select_for_update().get(pk=1)\n"
    )
    assert unnamed_row_locks(source) == [1, 4]
