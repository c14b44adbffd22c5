"""Data migrations of one source for every amount: programme amounts become call rules; old decisions get facts.

Each test takes the database back to the migration state before the change, writes rows through
the models as they were there, and migrates forward again to read the result through today's.
"""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from applications.models import Application
from applications.tests.test_post_award import approved, call_of
from programmes.models import CallRule

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

D = Decimal


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _rules(call_id):
    return [
        (rule.code, rule.rate, rule.amount, rule.limit)
        for rule in CallRule.objects.filter(call_id=call_id).order_by("position", "pk")
    ]


def test_the_programmes_rate_minimum_and_maximum_become_rules_of_its_calls():
    leaves = _leaves()
    try:
        old = _migrate([("programmes", "0012_formation_moved_in")])
        Agency, Programme = old.get_model("programmes", "Agency"), old.get_model("programmes", "Programme")
        Call, OldRule = old.get_model("programmes", "Call"), old.get_model("programmes", "CallRule")
        agency = Agency.objects.create(name="Emilia-Romagna", slug="er", country="IT", region="ITH5")
        programme = Programme.objects.create(
            agency=agency,
            kind="cofinancing",
            applicant_type="consortium",
            name="Consortia promotional projects",
            slug="er-projects",
            summary="Seed 001",
            funding_rate=D("40.00"),
            grant_min=D("30000.00"),
            grant_max=D("150000.00"),
        )
        window = {"opens_at": datetime(2026, 1, 1, tzinfo=UTC), "closes_at": datetime(2026, 3, 1, tzinfo=UTC)}
        bare = Call.objects.create(
            programme=programme, title="2026", slug="2026", reference_prefix="CPR", year=2026, budget=1, **window
        )
        OldRule.objects.create(call=bare, position=1, code="applicant_type", choices="consortium")
        OldRule.objects.create(call=bare, position=2, code="de_minimis")
        # A call whose rules already say their own rate and cap every stage: those stay the call's.
        ruled = Call.objects.create(
            programme=programme, title="2027", slug="2027", reference_prefix="CPS", year=2027, budget=1, **window
        )
        OldRule.objects.create(call=ruled, position=1, code="funding_rate", rate=D("50.00"))
        for position, stage in enumerate(["initiation", "development", "consolidated"], start=2):
            OldRule.objects.create(call=ruled, position=position, code="stage_cap", choices=stage, amount=D("90000"))
        unchanged = Programme.objects.create(
            agency=agency, kind="pimex", applicant_type="company", name="PIMEX", slug="pimex", summary="Seed 003"
        )
        quiet = Call.objects.create(
            programme=unchanged, title="P", slug="p", reference_prefix="PMX", year=2026, budget=1, **window
        )
        OldRule.objects.create(call=quiet, position=1, code="per_company_cap", amount=D("2500.00"))
    finally:
        _migrate(leaves)

    assert _rules(bare.pk) == [
        ("applicant_type", None, None, None),
        ("de_minimis", None, None, None),
        ("funding_rate", D("40.00"), None, None),
        ("grant_cap", None, D("150000.00"), None),
        ("grant_range", None, D("30000.00"), None),
    ]
    assert _rules(ruled.pk) == [
        ("funding_rate", D("50.00"), None, None),
        ("stage_cap", None, D("90000.00"), None),
        ("stage_cap", None, D("90000.00"), None),
        ("stage_cap", None, D("90000.00"), None),
        ("grant_range", None, D("30000.00"), None),
    ]
    assert _rules(quiet.pk) == [("per_company_cap", None, D("2500.00"), None)]


def test_decisions_taken_before_the_facts_were_kept_get_them_from_the_rules(company, staff):
    application = approved(call_of(rate=D("50.00")), company, staff, granted="5000.00")
    Application.objects.filter(pk=application.pk).update(
        decided_stage="", decided_size="", decided_rate=None, decided_cap=None, decision_rules={}
    )

    leaves = _leaves()
    try:
        _migrate([("applications", "0012_decision_facts")])
    finally:
        _migrate(leaves)
    # What `migrate` does once the schema is complete.
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    application.refresh_from_db()
    assert application.decided_rate == D("50.00")
    assert application.decided_size == "small"
    assert application.decision_rules["backfilled"] is True
    assert application.decision_rules["max_grant"] == "5000.00"
