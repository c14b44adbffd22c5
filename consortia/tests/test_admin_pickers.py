"""Staff pick places and activities by name in the admin too: an organisation's country, region and
NACE activity, an agency's country and region; the codes stay what is stored, and the lists show
the names beside them."""

import re

import pytest
from django.urls import reverse

from applications.tests.factories import ApplicationFactory
from applications.tests.test_access_matrix import form_data
from consortia.tests.factories import OrganisationFactory
from portal.tests.browser import assert_accessible, log_in
from programmes.models import Agency
from programmes.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def edited(client, url, **changes):
    """Post the admin page at `url` back as the browser would, with `changes` typed in."""
    data = form_data(client.get(url).content.decode(), url)
    data.update({name: [value] for name, value in changes.items()})
    data.pop("_addanother", None), data.pop("_continue", None)
    return client.post(url, data)


def test_an_organisations_region_and_activity_are_typed_by_name_and_stored_as_codes(superuser_client):
    organisation = OrganisationFactory(country="ES", region="ES11", nace_code="47.11")
    url = reverse("admin:consortia_organisation_change", args=[organisation.pk])

    page = superuser_client.get(url).content.decode()
    # The codes stored are shown by their names, with the suggestions of the country's regions.
    assert 'value="Galicia"' in page and '<option value="Extremadura">ES43</option>' in page
    assert "47.11 – Retail sale in non-specialised stores" in page
    assert '<option value="ES" selected>Spain</option>' in page

    response = edited(superuser_client, url, region="Extremadura", nace_code="cheese")

    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation.refresh_from_db()
    assert (organisation.region, organisation.nace_code) == ("ES43", "10.51")


def test_a_region_of_another_country_is_refused_next_to_the_field_in_the_admin(superuser_client):
    organisation = OrganisationFactory(country="ES", region="ES43", city="Mérida")
    url = reverse("admin:consortia_organisation_change", args=[organisation.pk])

    response = edited(superuser_client, url, region="Emilia-Romagna", city="Badajoz")

    errors = response.context["adminform"].form.errors
    assert errors["region"] == ["The region Emilia-Romagna (ITH5) is not in the country ES (Spain)."]
    assert 'value="Badajoz"' in response.content.decode()  # the rest typed is kept
    organisation.refresh_from_db()
    assert (organisation.region, organisation.city) == ("ES43", "Mérida")


def test_an_agencys_region_is_picked_by_name_within_its_country(superuser_client, agency):
    url = reverse("admin:programmes_agency_change", args=[agency.pk])

    response = edited(superuser_client, url, country="PT", region="Alentejo", timezone="Europe/Lisbon")

    assert response.status_code == 302, response.context["adminform"].form.errors
    agency.refresh_from_db()
    assert (agency.country, agency.region) == ("PT", "PT18")
    refused = edited(superuser_client, url, country="PT", region="Extremadura")
    assert refused.context["adminform"].form.errors["region"] == [
        "The region Extremadura (ES43) is not in the country PT (Portugal)."
    ]


def test_the_lists_name_the_regions_and_filter_by_name(superuser_client, agency):
    OrganisationFactory(legal_name="Quesos de la Serena", region="ES43", nace_code="10.51")
    OrganisationFactory(legal_name="Conservas de Vigo", region="ES11")

    listing = superuser_client.get(reverse("admin:consortia_organisation_changelist")).content.decode()

    assert "Extremadura (ES43)" in listing and "Galicia (ES11)" in listing
    assert "10.51 – Operation of dairies and cheese making" in listing
    filtered = superuser_client.get(reverse("admin:consortia_organisation_changelist") + "?region=ES11")
    assert [o.legal_name for o in filtered.context["cl"].result_list] == ["Conservas de Vigo"]
    agencies = superuser_client.get(reverse("admin:programmes_agency_changelist")).content.decode()
    assert f"{Agency.objects.get().name}" in agencies and "Extremadura (ES43)" in agencies


def test_staff_who_may_only_read_an_organisation_see_its_region_and_activity_by_name(client, staff, call):
    organisation = OrganisationFactory(region="ES43", nace_code="10.51")
    ApplicationFactory(call=call, consortium=None, organisation=organisation)
    client.force_login(staff)

    page = client.get(reverse("admin:consortia_organisation_change", args=[organisation.pk])).content.decode()

    assert "Extremadura (ES43)" in page
    assert "10.51 – Operation of dairies and cheese making" in page
    assert 'name="region"' not in page  # read, not edited


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_the_admin_the_region_suggestions_follow_the_country_on_an_accessible_page(page, live_server, superuser):
    agency = AgencyFactory(country="ES", region="ES43")
    log_in(page, superuser.email, "/en/admin/")
    page.goto(f"/en/admin/programmes/agency/{agency.pk}/change/")
    assert page.locator("#id_region").input_value() == "Extremadura"
    assert_accessible(page)

    page.locator("#id_country").select_option("PT")
    # The Spanish region is cleared and the suggestions are Portugal's.
    assert page.locator("#id_region").input_value() == ""
    suggestions = page.locator("#id_region-options option").evaluate_all("options => options.map(o => o.value)")
    assert "Alentejo" in suggestions and "Extremadura" not in suggestions
    page.locator("#id_region").fill("Alentejo")
    page.locator("#id_timezone").select_option("Europe/Lisbon")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/en/admin/programmes/agency/$"))
    agency.refresh_from_db()
    assert (agency.country, agency.region) == ("PT", "PT18")


def test_an_organisation_stored_with_a_country_outside_the_eu_is_shown_with_it(superuser_client):
    organisation = OrganisationFactory(country="NO", region="NO08", tax_id="974760673", city="Oslo")

    page = superuser_client.get(reverse("admin:consortia_organisation_change", args=[organisation.pk])).content.decode()

    # Not the first country of the list in its place, which a save would store without a word.
    assert '<option value="NO" selected>Norway</option>' in page
    assert 'value="NO08"' in page


def test_the_region_filter_lists_only_the_regions_of_the_organisations_staff_may_see(client, staff, call, other_agency):
    from programmes.tests.factories import CallFactory, ProgrammeFactory

    ours = OrganisationFactory(region="ES43")
    ApplicationFactory(call=call, consortium=None, organisation=ours)
    theirs = OrganisationFactory(region="ITH5")
    their_call = CallFactory(programme=ProgrammeFactory(agency=other_agency))
    ApplicationFactory(call=their_call, consortium=None, organisation=theirs)
    client.force_login(staff)

    page = client.get(reverse("admin:consortia_organisation_changelist")).content.decode()

    assert "Extremadura (ES43)" in page
    assert "Emilia-Romagna" not in page and "ITH5" not in page
