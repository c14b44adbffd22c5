"""Models that moved between apps keep their rows, their tables and their permissions.

PIMEX coaching moved from programmes to applications, the formation of export consortia from
consortia to programmes. The moves are state-only migrations: the tables keep their names and
their rows, and the content types are relabelled so the role groups keep their permissions and
the admin's log its links. This test fills every moved model, takes the database back to the
migration state before the moves, reads the rows there through the models as they were, and
migrates forward again to read them back through today's models.
"""

from decimal import Decimal

import pytest
from django.apps import apps as django_apps
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
from consortia.tests.factories import OrganisationFactory
from portal.models import User
from portal.roles import AGENCY_STAFF, ensure_groups, sync_staff_groups
from programmes.formation import services as formation_services
from programmes.models import Formation, FormationAttendance, FormationCandidate, FormationMeeting
from programmes.tests.factories import AgencyFactory, ProgrammeFactory

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
    (Formation, "consortia.Formation", "consortia_formation"),
    (FormationCandidate, "consortia.FormationCandidate", "consortia_formationcandidate"),
    (FormationMeeting, "consortia.FormationMeeting", "consortia_formationmeeting"),
    (FormationAttendance, "consortia.FormationAttendance", "consortia_formationattendance"),
    # The audit history of a formation and of its candidates: who changed what, and when.
    (Formation.history.model, "consortia.HistoricalFormation", "consortia_historicalformation"),
    (
        FormationCandidate.history.model,
        "consortia.HistoricalFormationCandidate",
        "consortia_historicalformationcandidate",
    ),
]


def _fill_every_moved_model():
    call = pimex_factories.pimex_call()
    PimexCallSettings.objects.create(call=call, group_sessions_required=2, tutorials_required=1)
    application, user = pimex_factories.participant(call, email="ana@tomates.example")
    sessions = [pimex_factories.session(call, title=f"Session {n}", position=n) for n in range(2)]
    pimex_factories.attend(application, sessions)
    pimex_factories.tutorial(application)
    pimex_factories.deliverables(application, user)

    # SODERCAN's formation of an export consortium (seed 002), through its services.
    agency = AgencyFactory(region="ES13", slug="sodercan")
    technician = User.objects.create_user("tecnico@sodercan.example", is_staff=True, agency=agency)
    formation = formation_services.formation_open(
        programme=ProgrammeFactory(agency=agency),
        sector="marine_renewable_energy",
        name="Marine renewable energy consortium",
        seed_funding=Decimal("180000.00"),
        by=technician,
    )
    candidate = formation_services.formation_candidate_add(
        formation=formation, organisation=OrganisationFactory(region="ES13"), by=technician
    )
    formation_services.formation_meeting_record(
        formation=formation, held_on=formation.opened_on, place="Santander", attended=[candidate], by=technician
    )
    formation_services.formation_invite(formation=formation, by=technician)


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
    formation_type = ContentType.objects.get_for_model(Formation)
    change_formations = Permission.objects.get(content_type=formation_type, codename="change_formation")
    assert staff.permissions.filter(pk=change_formations.pk).exists()
    history = Formation.history.model.objects.order_by("history_id")
    assert [row.status for row in history] == ["identifying", "meeting", "deciding"]

    leaf_nodes = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old_apps = _migrate(BEFORE_THE_MOVES)
        # Before the moves the models were programmes': the same rows, read through them.
        for model, old_label, _table in MOVED:
            assert _rows(old_label, old_apps) == rows_now[model], old_label
        session_type.refresh_from_db()
        assert (session_type.app_label, session_type.model) == ("programmes", "pimexsession")
        formation_type.refresh_from_db()
        assert (formation_type.app_label, formation_type.model) == ("consortia", "formation")
        # Rolling back runs the groups' sync with this code: it leaves the groups as they are.
        sync_staff_groups(sender=None, app_config=django_apps.get_app_config("applications"))
        assert staff.permissions.filter(pk=view_sessions.pk).exists()
    finally:
        _migrate(leaf_nodes)

    for model, _label, _table in MOVED:
        assert _rows(model) == rows_now[model], model._meta.label
    session_type.refresh_from_db()
    assert (session_type.app_label, session_type.model) == ("applications", "pimexsession")
    # The same permission row, still the group's: nobody lost a right in the move.
    assert Permission.objects.get(pk=view_sessions.pk).content_type_id == session_type.pk
    assert staff.permissions.filter(pk=view_sessions.pk).exists()
    formation_type.refresh_from_db()
    assert (formation_type.app_label, formation_type.model) == ("programmes", "formation")
    assert Permission.objects.get(pk=change_formations.pk).content_type_id == formation_type.pk
    assert staff.permissions.filter(pk=change_formations.pk).exists()
    # The formation's audit history reads back in full, by whom each change was made.
    assert [row.status for row in history.all()] == ["identifying", "meeting", "deciding"]
    assert {row.history_user_id for row in history.all()} == {User.objects.get(email="tecnico@sodercan.example").pk}


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/en/admin/consortia/formation/", "/en/admin/programmes/formation/"),
        ("/es/admin/consortia/formation/7/establish/", "/es/admin/programmes/formation/7/establish/"),
        (
            "/en/admin/consortia/formationmeeting/?formation__id__exact=7",
            "/en/admin/programmes/formationmeeting/?formation__id__exact=7",
        ),
        ("/en/admin/programmes/pimexsession/3/change/", "/en/admin/applications/pimexsession/3/change/"),
    ],
)
def test_an_old_admin_address_of_a_moved_model_leads_to_its_new_one(client, old, new):
    response = client.get(old)

    assert response.status_code == 301
    assert response["Location"] == new


def test_an_admin_address_of_a_model_that_did_not_move_is_not_redirected(admin_client):
    assert admin_client.get("/en/admin/consortia/consortium/").status_code == 200
    assert admin_client.get("/en/admin/consortia/formationdraft/").status_code == 404
