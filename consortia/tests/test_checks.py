"""The deployment check of stored regions (`manage.py check --database default`): a region stored
before the portal knew every EU member state's regions, which the next save would refuse, is named."""

import pytest
from django.core import checks

from consortia.models import Organisation
from consortia.tests.factories import OrganisationFactory
from programmes.models import Agency

pytestmark = pytest.mark.django_db


def database_warnings():
    return {message.id: message for message in checks.run_checks(databases=["default"], tags=[checks.Tags.database])}


def test_stored_regions_that_are_no_nuts_2_region_are_named_with_how_many_rows_have_them(agency):
    assert not {"consortia.W001", "programmes.W001"} & set(database_warnings())
    # As stored before: codes of the right form, accepted then, that are no region.
    for name, country, region in (
        ("Käserei Allgäu", "DE", "DE99"),
        ("Brauerei Bamberg", "DE", "DE99"),
        ("Fromagerie Comté", "FR", "FR99"),
        ("Conservas do Alentejo", "ES", "PT18"),  # a region, of another country
    ):
        Organisation.objects.filter(pk=OrganisationFactory(legal_name=name).pk).update(country=country, region=region)
    Agency.objects.filter(pk=agency.pk).update(region="ES99")

    found = database_warnings()

    assert found["consortia.W001"].msg == (
        "4 organisations have a region that is no NUTS 2 region of its country: DE99 (2), FR99 (1), PT18 in ES (1)."
    )
    assert "Organisations" in found["consortia.W001"].hint
    assert found["programmes.W001"].msg == "1 agency has a region that is no NUTS 2 region of its country: ES99 (1)."


def test_without_the_database_option_the_check_reads_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        messages = checks.run_checks(tags=[checks.Tags.database])
    assert not messages
