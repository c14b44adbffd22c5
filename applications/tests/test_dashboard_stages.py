"""Consortia and companies by stage on the dashboard and in the annual report: the stage the grant was decided in."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from applications.models import Application, StatusChange
from applications.reports.annual import annual_context
from applications.tests.factories import ApplicationFactory
from consortia.models import Membership
from consortia.services import consortium_joint_action_clear, consortium_joint_action_record, consortium_stage
from consortia.tests.factories import ConsortiumFactory, OrganisationFactory
from programmes.tests.factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

D = Decimal
MADRID = ZoneInfo("Europe/Madrid")
URL = "/en/dashboard/"


def call_of(programme, year):
    opens = datetime(year, 1, 10, 9, 0, tzinfo=MADRID)
    return CallFactory(
        programme=programme, year=year, opens_at=opens, closes_at=datetime(year, 12, 31, 23, 0, tzinfo=MADRID)
    )


def consortium_of(members, *, established_on, first_joint_action_on=None, left=()):
    consortium = ConsortiumFactory(established_on=established_on, first_joint_action_on=first_joint_action_on)
    for member in members:
        Membership.objects.create(consortium=consortium, organisation=member, status="active", joined_on=established_on)
    for member in left:
        Membership.objects.create(
            consortium=consortium,
            organisation=member,
            status="left",
            joined_on=established_on,
            left_on=date(2025, 6, 1),
        )
    return consortium


def decided(call, consortium, status="approved", *, on, freeze=True):
    """An application of the consortium decided on `on`; approved ones get the stage of that day, as the approval
    freezes it (`freeze=False`: an approval older than the frozen facts, none recorded)."""
    application = ApplicationFactory(call=call, consortium=consortium)
    moment = datetime.combine(on, datetime.min.time(), tzinfo=MADRID) + timedelta(hours=10)
    fields = {"status": status, "submitted_at": moment - timedelta(days=20)}
    if status == "approved":
        fields.update(granted_amount=D("5000.00"), max_grant=D("5000.00"))
        if freeze:
            fields["decided_stage"] = consortium_stage(consortium, on=on)
    Application.objects.filter(pk=application.pk).update(**fields)
    StatusChange.objects.create(application=application, to_status=status, changed_at=moment)
    return application


@pytest.fixture
def small_world(agency):
    """2026: three consortia funded, one in each stage, seven companies (one in two consortia), one refused."""
    with time_machine.travel(datetime(2026, 11, 30, 12, 0, tzinfo=MADRID), tick=False):
        exports = ProgrammeFactory(agency=agency, name="Export Consortiums")
        call = call_of(exports, 2026)
        p = [OrganisationFactory(legal_name=f"Company {n}") for n in range(1, 9)]
        young = consortium_of(p[0:3], established_on=date(2026, 1, 5))  # initiation: less than a year
        growing = consortium_of(  # development: 2 years, acted together in 2024
            [p[2], p[3], p[4]], established_on=date(2024, 3, 1), first_joint_action_on=date(2024, 6, 1)
        )
        old = consortium_of(  # consolidated; Company 8 left in 2025
            [p[5], p[6]], established_on=date(2019, 1, 1), first_joint_action_on=date(2019, 5, 1), left=[p[7]]
        )
        refused = consortium_of([OrganisationFactory(legal_name="Refused SL")], established_on=date(2020, 1, 1))
        for consortium in (young, growing, old):
            decided(call, consortium, on=date(2026, 4, 15))
        decided(call, refused, "rejected", on=date(2026, 4, 15))
        yield {"programme": exports, "young": young, "growing": growing, "old": old}


def stage_counts(rows):
    return {row["stage"]: row["count"] for row in rows}


def test_companies_are_counted_by_the_stage_of_their_consortiums_grant(client, small_world, manager):
    client.force_login(manager)

    page = client.get(URL, {"year": 2026})

    consortia = page.context["current"]["consortia"]
    assert stage_counts(consortia["by_stage"]) == {"initiation": 1, "development": 1, "consolidated": 1}
    # Company 3 is in the young and the growing consortium: once in each stage. Company 8 had left.
    assert stage_counts(consortia["companies_by_stage"]) == {"initiation": 3, "development": 3, "consolidated": 2}
    assert consortia["companies"] == 7
    html = page.content.decode()
    assert 'class="table table-sm company-stages-table"' in html
    assert '<tr data-stage="development"><th scope="row">Development</th><td class="text-end">3</td>' in html
    csv = client.get(reverse("programmes:dashboard_table", args=["company_stages", "csv"]), {"year": 2026})
    assert csv.content.decode("utf-8-sig").splitlines() == [
        "stage,count",
        "Initiation,3",
        "Development,3",
        "Consolidated,2",
    ]


def test_the_dashboard_keeps_the_stage_of_the_decision_after_the_consortium_changes(
    client, small_world, manager, staff
):
    client.force_login(manager)
    growing = small_world["growing"]
    # Staff find the joint action was recorded by mistake: today the consortium is in initiation again.
    with time_machine.travel(datetime(2026, 11, 30, 12, 0, tzinfo=MADRID), tick=False):
        consortium_joint_action_clear(by=staff, consortium=growing)
        assert consortium_stage(growing) == "initiation"
        cache.clear()

        consortia = client.get(URL, {"year": 2026}).context["current"]["consortia"]

    # The grant was decided in development, and counts there.
    assert stage_counts(consortia["by_stage"]) == {"initiation": 1, "development": 1, "consolidated": 1}
    assert stage_counts(consortia["companies_by_stage"]) == {"initiation": 3, "development": 3, "consolidated": 2}


def test_the_annual_report_lists_a_funded_consortium_in_the_stage_of_its_decision(small_world, staff):
    with time_machine.travel(datetime(2026, 11, 30, 12, 0, tzinfo=MADRID), tick=False):
        consortium_joint_action_clear(by=staff, consortium=small_world["growing"])

        context = annual_context(small_world["programme"], 2026)

    stages = {row["consortium"].pk: row["stage_value"] for row in context["consortia"]}
    assert stages[small_world["growing"].pk] == "development"
    assert stages[small_world["young"].pk] == "initiation"
    # The refused consortium has no decided stage: its stage on the day (no joint action: initiation).
    assert sorted(stages.values()) == ["consolidated", "development", "initiation", "initiation"]


def test_a_joint_action_recorded_in_2027_does_not_move_a_2016_grant_out_of_initiation(client, agency, manager, staff):
    """Seed 000's cap rests on the evidence dated by the day asked, and the 2016 figures on the 2016 decision."""
    with time_machine.travel(datetime(2016, 12, 30, 12, 0, tzinfo=MADRID), tick=False):
        call = call_of(ProgrammeFactory(agency=agency, name="Export Consortiums"), 2016)
        members = [OrganisationFactory(legal_name=f"Member {n}") for n in range(3)]
        frozen = consortium_of(members[:2], established_on=date(2012, 4, 1))
        unfrozen = consortium_of(members[2:], established_on=date(2012, 4, 1))
        decided(call, frozen, on=date(2016, 6, 1))
        # Approved before the decision's facts were frozen: read on the reference day of 2016.
        decided(call, unfrozen, on=date(2016, 6, 1), freeze=False)
    assert Application.objects.get(consortium=frozen).decided_stage == "initiation"

    with time_machine.travel(datetime(2027, 6, 1, 12, 0, tzinfo=MADRID), tick=False):
        client.force_login(manager)
        # In 2027 the consortia record their first joint actions: one dated 2027, one (a correction) 2015.
        consortium_joint_action_record(by=staff, consortium=unfrozen, on=date(2027, 3, 10), description="Düsseldorf")
        consortium_joint_action_record(by=staff, consortium=frozen, on=date(2015, 2, 1), description="Lyon")
        cache.clear()

        consortia = client.get(URL, {"year": 2016}).context["current"]["consortia"]

        assert consortium_stage(unfrozen, on=date(2016, 12, 31)) == "initiation"
        assert consortium_stage(unfrozen) == "consolidated"
    # The frozen grant stays in initiation, though read today the 2015 action would make it consolidated;
    # the other counts by its evidence on 31 December 2016, when the 2027 action had not happened.
    assert stage_counts(consortia["by_stage"]) == {"initiation": 2, "development": 0, "consolidated": 0}
    assert stage_counts(consortia["companies_by_stage"]) == {"initiation": 3, "development": 0, "consolidated": 0}
