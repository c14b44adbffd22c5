"""The data migration that turns what programmes asked by kind into each call's questions.

The database goes back to the state before it, rows are written through the models as they were
there (an application of each programme kind, one of them submitted), and it migrates forward
again to read the result through today's models.
"""

from datetime import UTC, datetime
from decimal import Decimal
from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from applications.answers import answer_rows
from applications.models import Answer, Application
from programmes.models import Question

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BEFORE = [("applications", "0023_attachment_document"), ("programmes", "0023_call_documents")]
WINDOW = {"opens_at": datetime(2026, 1, 1, tzinfo=UTC), "closes_at": datetime(2026, 3, 1, tzinfo=UTC)}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _old_rows(old):
    Agency, Programme = old.get_model("programmes", "Agency"), old.get_model("programmes", "Programme")
    Call, Organisation = old.get_model("programmes", "Call"), old.get_model("consortia", "Organisation")
    OldApplication, OldQuestion = old.get_model("applications", "Application"), old.get_model("programmes", "Question")
    agency = Agency.objects.create(name="Alentejo", slug="alentejo", country="PT", region="PT18")
    calls = {}
    for kind in ("cofinancing", "collective_actions", "pimex"):
        programme = Programme.objects.create(
            agency=agency, kind=kind, applicant_type="company", name_en=kind, slug=kind, summary_en="Seed"
        )
        calls[kind] = Call.objects.create(
            programme=programme,
            title_en=kind,
            slug=kind,
            reference_prefix=kind[:3].upper(),
            year=2026,
            budget_year=2026,
            budget=1,
            **WINDOW,
        )
    organisation = Organisation.objects.create(legal_name="Vinhos SA", kind="company", country="PT", tax_id="PT1")
    other = Organisation.objects.create(legal_name="Cortiça SA", kind="company", country="PT", tax_id="PT2")
    rows = {
        "markets": OldApplication.objects.create(
            call=calls["cofinancing"],
            organisation=organisation,
            title="Fairs",
            markets=["japan", "china"],
            activity_types=["exhibition"],
        ),
        "empty": OldApplication.objects.create(call=calls["cofinancing"], organisation=other, title="Empty"),
        "group": OldApplication.objects.create(
            call=calls["collective_actions"],
            organisation=organisation,
            title="Wine abroad",
            status="submitted",
            reference="COL-2026-0001",
            submitted_at=datetime(2026, 2, 1, tzinfo=UTC),
            submitted_content={"reference": "COL-2026-0001", "estimated_smes": 40},
            content_hash="f" * 64,
            sme_group_sector="Wine producers",
            sme_group_region="PT18",
            estimated_smes=40,
            objectives=["international_recognition", "cooperation"],
        ),
        "pimex": OldApplication.objects.create(
            call=calls["pimex"], organisation=organisation, title="Coaching", markets=["japan"]
        ),
    }
    # Already configured by the agency on a collective-action call: left as it is.
    OldQuestion.objects.create(
        call=calls["collective_actions"], position=5, code="objectives", kind="long_text", label_en="Our objectives"
    )
    return {name: row.pk for name, row in rows.items()}, {kind: call.pk for kind, call in calls.items()}


def test_the_programmes_questions_become_the_calls_questions_with_the_answers_copied():
    leaves = _leaves()
    try:
        applications, calls = _old_rows(_migrate(BEFORE))
    finally:
        _migrate(leaves)

    cofinancing = list(Question.objects.filter(call_id=calls["cofinancing"]).order_by("position"))
    assert [(q.code, q.kind, q.required) for q in cofinancing] == [
        ("markets", "market", True),
        ("activity_types", "multiple_choice", True),
    ]
    activity = cofinancing[1]
    assert [c.code for c in activity.choices.order_by("position")] == [
        "b2b",
        "outgoing_mission",
        "incoming_mission",
        "exhibition",
        "international_event",
    ]
    assert (activity.label_en, activity.label_es, activity.label_it, activity.label_pt) == (
        "Types of activity",
        "Tipos de actividad",
        "Tipologie di attività",
        "Tipos de atividade",
    )
    collective = {q.code: q for q in Question.objects.filter(call_id=calls["collective_actions"])}
    assert sorted(collective) == ["estimated_smes", "objectives", "sme_group_region", "sme_group_sector"]
    assert (collective["estimated_smes"].kind, collective["estimated_smes"].min_value) == ("number", Decimal("2"))
    assert collective["sme_group_region"].kind == "region"
    assert collective["objectives"].label_en == "Our objectives"  # the agency's own is kept
    assert not Question.objects.filter(call_id=calls["pimex"]).exists()

    answers = {a.question.code: a for a in Answer.objects.filter(application_id=applications["markets"])}
    assert (answers["markets"].codes, answers["activity_types"].codes) == (["japan", "china"], ["exhibition"])
    assert not Answer.objects.filter(application_id__in=[applications["empty"], applications["pimex"]]).exists()
    group = {a.question.code: a for a in Answer.objects.filter(application_id=applications["group"])}
    assert (group["sme_group_sector"].text, group["sme_group_region"].text) == ("Wine producers", "PT18")
    assert group["estimated_smes"].number == Decimal("40.00")
    assert "objectives" not in group  # the agency's question asks something else: not copied into it

    submitted = Application.objects.get(pk=applications["group"])
    assert submitted.submitted_content == {"reference": "COL-2026-0001", "estimated_smes": 40}
    assert submitted.content_hash == "f" * 64
    with translation.override("es"):
        rows = {row["code"]: row["value"] for row in answer_rows(Application.objects.get(pk=applications["markets"]))}
    # The choices' labels in the reader's language, from the question's rows.
    assert rows["activity_types"] == "Exposiciones y ferias comerciales"
    assert list(rows) == ["markets", "activity_types"]


def test_the_migration_creates_nothing_twice():
    leaves = _leaves()
    try:
        old = _migrate(BEFORE)
        _old_rows(old)
        # Run once before `migrate` does: the second run finds every question and answer there.
        import_module("applications.migrations.0024_programme_questions").programme_questions_create(old)
        counts = (Question.objects.count(), Answer.objects.count())
    finally:
        _migrate(leaves)

    assert (Question.objects.count(), Answer.objects.count()) == counts
