"""The demo's rules follow the seeds: the export consortia's activity rule (seed 000) in practice."""

import pytest

from applications.demo.data import PROGRAMMES, rule_positions
from applications.tests.factories import ApplicationFactory
from consortia.tests.factories import OrganisationFactory
from programmes.models import CallRule
from programmes.rules import evaluate_application
from programmes.tests.factories import CallFactory

pytestmark = pytest.mark.django_db


def export_consortia_activity_rule(call):
    (spec,) = next(p for p in PROGRAMMES if p["slug"] == "export-consortiums-extremadura")["calls"]
    position, code, params = next(r for r in rule_positions(spec["rules"]) if r[1] == "member_activity")
    return CallRule.objects.create(call=call, position=position, code=code, **params)


def activity_result(call, nace_code):
    application = ApplicationFactory(call=call, consortium=None, organisation=OrganisationFactory(nace_code=nace_code))
    (result,) = [r for r in evaluate_application(application).results if r.code == "member_activity"]
    return result


@pytest.mark.parametrize(
    ("nace_code", "what"),
    [
        ("10.13", "meat products: processing"),
        ("23.70", "cutting and finishing of stone: manufacturing"),
        ("70.22", "business consultancy: a service as the final product"),
        ("62.01", "software development: a service as the final product"),
    ],
)
def test_the_export_consortia_activity_rule_admits_manufacturing_processing_and_services(nace_code, what):
    call = CallFactory()
    export_consortia_activity_rule(call)

    assert activity_result(call, nace_code).passed, what


@pytest.mark.parametrize(
    ("nace_code", "what"),
    [("01.24", "growing of pome and stone fruits"), ("41.20", "construction of buildings"), ("68.20", "letting")],
)
def test_the_export_consortia_activity_rule_refuses_farming_construction_and_real_estate(nace_code, what):
    call = CallFactory()
    export_consortia_activity_rule(call)

    result = activity_result(call, nace_code)

    assert not result.passed, what
    assert nace_code in result.message
