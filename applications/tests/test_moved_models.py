"""Models that moved between apps keep their rows, their tables and their permissions.

PIMEX coaching moved from programmes to applications, the formation of export consortia from
consortia to programmes. The moves are state-only migrations: the tables keep their names and
their rows, and the content types are relabelled so the role groups keep their permissions and
the admin's log its links. This test fills every moved model, takes the database back to the
migration state before the moves, reads the rows there through the models as they were, and
migrates forward again to read them back through today's models.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from applications.models import (
    PimexActionPlan,
    PimexAttendance,
    PimexCallSettings,
    PimexPlannedAction,
    PimexSession,
    PimexSurvey,
    PimexSwot,
    PimexTutorial,
)
from applications.tests import pimex_factories
from portal.roles import AGENCY_STAFF, ensure_groups

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# The last migration of each app before the moves.
BEFORE_THE_MOVES = [
    ("applications", "0010_constraint_messages"),
    ("programmes", "0010_constraint_messages"),
    ("consortia", "0005_constraint_messages"),
]

# (model now, its label before the move, its table)
MOVED = [
    (PimexCallSettings, "programmes.PimexCallSettings", "programmes_pimexcallsettings"),
    (PimexSession, "programmes.PimexSession", "programmes_pimexsession"),
    (PimexAttendance, "programmes.PimexAttendance", "programmes_pimexattendance"),
    (PimexTutorial, "programmes.PimexTutorial", "programmes_pimextutorial"),
    (PimexSwot, "programmes.PimexSwot", "programmes_pimexswot"),
    (PimexActionPlan, "programmes.PimexActionPlan", "programmes_pimexactionplan"),
    (PimexPlannedAction, "programmes.PimexPlannedAction", "programmes_pimexplannedaction"),
    (PimexSurvey, "programmes.PimexSurvey", "programmes_pimexsurvey"),
]


def _fill_every_moved_model():
    call = pimex_factories.pimex_call()
    PimexCallSettings.objects.create(call=call, group_sessions_required=2, tutorials_required=1)
    application, user = pimex_factories.participant(call, email="ana@tomates.example")
    sessions = [pimex_factories.session(call, title=f"Session {n}", position=n) for n in range(2)]
    pimex_factories.attend(application, sessions)
    pimex_factories.tutorial(application)
    pimex_factories.deliverables(application, user)


def _rows(model_label_or_model, apps=None):
    model = apps.get_model(model_label_or_model) if apps else model_label_or_model
    return sorted(model.objects.values_list("pk", flat=True))


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_every_moved_model_keeps_its_rows_table_and_permissions_across_the_move():
    _fill_every_moved_model()
    ensure_groups()
    rows_now = {model: _rows(model) for model, _label, _table in MOVED}
    assert all(rows_now.values()), "every moved model has rows"
    for model, _label, table in MOVED:
        assert model._meta.db_table == table
    session_type = ContentType.objects.get_for_model(PimexSession)
    view_sessions = Permission.objects.get(content_type=session_type, codename="view_pimexsession")
    staff = Group.objects.get(name=AGENCY_STAFF)
    assert staff.permissions.filter(pk=view_sessions.pk).exists()

    leaf_nodes = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old_apps = _migrate(BEFORE_THE_MOVES)
        # Before the moves the models were programmes': the same rows, read through them.
        for model, old_label, _table in MOVED:
            assert _rows(old_label, old_apps) == rows_now[model], old_label
        session_type.refresh_from_db()
        assert (session_type.app_label, session_type.model) == ("programmes", "pimexsession")
    finally:
        _migrate(leaf_nodes)

    for model, _label, _table in MOVED:
        assert _rows(model) == rows_now[model], model._meta.label
    session_type.refresh_from_db()
    assert (session_type.app_label, session_type.model) == ("applications", "pimexsession")
    # The same permission row, still the group's: nobody lost a right in the move.
    assert Permission.objects.get(pk=view_sessions.pk).content_type_id == session_type.pk
    assert staff.permissions.filter(pk=view_sessions.pk).exists()
