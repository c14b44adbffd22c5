"""The organisation form shows names and stores codes: the region by its name among the country's
regions, the activity by a word or the code of NACE Rev. 2, the country by its name."""

import re

import pytest
from django.urls import reverse

from consortia.models import Organisation
from consortia.nace import CLASSES, DIVISIONS, nace_search
from consortia.tests.factories import OrganisationFactory
from consortia.tests.test_views import organisation_data, represented
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("consortia:organisation_create")


@pytest.fixture
def applicant(client):
    """Lucía, logged in before she has registered any organisation."""
    person = UserFactory(email="lucia@example.org", verified=True)
    client.force_login(person)
    return person


def datalist(html, field):
    """The suggestions of a field's input: (value, label) of each <option> of its <datalist>."""
    block = re.search(rf'<datalist id="id_{field}-options"[^>]*>(.*?)</datalist>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)">([^<]*)</option>', block)


def error_of(response, field):
    return " ".join(response.context["form"].errors.get(field, []))


# --- the region -------------------------------------------------------------------------------------


def test_the_region_is_offered_by_name_among_the_regions_of_the_country(client, applicant):
    html = client.get(CREATE).content.decode()

    regions = dict(datalist(html, "region"))
    assert regions["Extremadura"] == "ES43"
    assert "Emilia-Romagna" not in regions  # Spain is the first country the form offers
    assert 'list="id_region-options"' in html
    assert "js/pickers.js" in html  # narrows the suggestions when the country changes


def test_the_regions_offered_are_those_of_the_country_posted(client, applicant):
    response = client.post(CREATE, organisation_data(country="IT", region=""))

    regions = dict(datalist(response.content.decode(), "region"))
    assert regions["Emilia-Romagna"] == "ITH5"
    assert "Extremadura" not in regions


@pytest.mark.parametrize("typed", ["Extremadura", "extremadura", "Extremadura (ES43)", "ES43", "es43"])
def test_a_region_chosen_by_its_name_or_typed_as_its_code_is_stored_as_its_code(client, applicant, typed):
    response = client.post(CREATE, organisation_data(region=typed))

    assert response.status_code == 302
    assert Organisation.objects.get().region == "ES43"


def test_a_name_without_its_accents_is_the_region(client, applicant):
    client.post(CREATE, organisation_data(region="Aragon"))

    assert Organisation.objects.get().region == "ES24"


def test_a_region_of_another_country_is_refused_next_to_the_field_naming_it_and_the_rest_is_kept(client, applicant):
    response = client.post(CREATE, organisation_data(region="Emilia-Romagna"))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["region"]
    assert error_of(response, "region") == "The region Emilia-Romagna (ITH5) is not in the country ES (Spain)."
    html = response.content.decode()
    assert 'value="Emilia-Romagna"' in html and 'value="Quesos de la Serena S.L."' in html
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("typed", ["Tierra de Barros", "Vale", "XX12"])
def test_a_name_that_is_no_region_is_refused_saying_how_to_choose(client, applicant, typed):
    response = client.post(CREATE, organisation_data(region=typed))

    assert error_of(response, "region") == (
        f"“{typed}” is not a region we know: choose one from the list or type its NUTS 2 code, e.g. ES43."
    )
    assert not Organisation.objects.exists()


def test_moving_to_another_country_asks_for_one_of_its_regions_once(client, applicant):
    organisation = represented(applicant, legal_name="Quesos de la Serena S.L.")
    url = reverse("consortia:organisation_edit", args=[organisation.pk])
    data = organisation_data(country="PT", tax_id="", region="Extremadura")

    response = client.post(url, data)

    assert error_of(response, "region") == "The region Extremadura (ES43) is not in the country PT (Portugal)."
    assert dict(datalist(response.content.decode(), "region"))["Alentejo"] == "PT18"
    organisation.refresh_from_db()
    assert organisation.country == "ES" and organisation.region == "ES43"


@pytest.mark.parametrize("typed", ["Oberbayern", "oberbayern", "Oberbayern (DE21)", "DE21"])
def test_a_german_organisation_chooses_its_region_by_name_or_code(client, applicant, typed):
    response = client.post(CREATE, organisation_data(country="DE", tax_id="DE136695976", region=typed))

    assert response.status_code == 302, response.context["form"].errors
    organisation = Organisation.objects.get()
    assert (organisation.country, organisation.region) == ("DE", "DE21")


def test_the_regions_of_any_eu_country_are_offered_by_name(client, applicant):
    response = client.post(CREATE, organisation_data(country="FR", tax_id="FR40303265045", region=""))

    regions = dict(datalist(response.content.decode(), "region"))
    assert regions["Bretagne"] == "FRH0"
    assert "Extremadura" not in regions


def test_a_code_that_is_no_region_of_its_eu_country_is_refused(client, applicant):
    response = client.post(CREATE, organisation_data(country="FR", tax_id="FR40303265045", region="FR99"))

    assert error_of(response, "region") == "“FR99” is not a NUTS 2 region of FR."
    assert not Organisation.objects.exists()


# --- the activity ----------------------------------------------------------------------------------


def test_the_activity_is_offered_with_its_code_and_its_name(client, applicant):
    options = [value for value, _ in datalist(client.get(CREATE).content.decode(), "nace_code")]

    assert "10.51 – Operation of dairies and cheese making" in options
    assert "10 – Manufacture of food products" in options
    assert len(options) == len(CLASSES) + len(DIVISIONS) == 615 + 88


@pytest.mark.parametrize(
    "typed",
    [
        "10.51",
        "C10.51",
        "10.51 – Operation of dairies and cheese making",
        "operation of dairies and cheese making",
        "cheese",
    ],
)
def test_an_activity_chosen_or_typed_by_code_or_word_is_stored_as_its_code(client, applicant, typed):
    response = client.post(CREATE, organisation_data(nace_code=typed))

    assert response.status_code == 302
    assert Organisation.objects.get().nace_code == "10.51"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("10.99", "“10.99” is not a NACE Rev. 2 code"),
        ("dairy", "“dairy” fits several activities (01.41 – Raising of dairy cattle; 46.33 – Wholesale of dairy"),
        ("submarines", "No activity is named “submarines”"),
    ],
)
def test_an_activity_not_found_or_not_one_is_refused_next_to_the_field_and_the_rest_is_kept(
    client, applicant, typed, message
):
    response = client.post(CREATE, organisation_data(nace_code=typed))

    assert list(response.context["form"].errors) == ["nace_code"]
    assert message in error_of(response, "nace_code")
    assert f'value="{typed}"' in response.content.decode()
    assert not Organisation.objects.exists()


def test_a_word_fitting_many_activities_names_a_few_and_counts_the_rest(client, applicant):
    response = client.post(CREATE, organisation_data(nace_code="wholesale"))

    count = len(nace_search("wholesale"))
    assert count > 5
    assert f"and {count - 5} more" in error_of(response, "nace_code")


def test_the_edit_page_shows_the_names_of_the_stored_codes(client, applicant):
    organisation = represented(applicant, region="ES43", nace_code="10.84")

    html = client.get(reverse("consortia:organisation_edit", args=[organisation.pk])).content.decode()

    assert 'name="region" value="Extremadura"' in html
    assert 'name="nace_code" value="10.84 – Manufacture of condiments and seasonings"' in html


def test_saving_the_edit_page_unchanged_keeps_the_codes(client, applicant):
    organisation = represented(applicant, region="ES43", nace_code="10.84", legal_name="Pimentón de la Vera S.L.")
    data = organisation_data(
        legal_name="Pimentón de la Vera S.L.",
        tax_id=organisation.tax_id,
        region="Extremadura",
        nace_code="10.84 – Manufacture of condiments and seasonings",
    )

    response = client.post(reverse("consortia:organisation_edit", args=[organisation.pk]), data)

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.region, organisation.nace_code) == ("ES43", "10.84")


# --- the country -------------------------------------------------------------------------------------


def test_the_countries_are_named_in_the_reader_language_spain_italy_portugal_first(client, applicant):
    html = client.get(CREATE.replace("/en/", "/es/")).content.decode()

    select = re.search(r'<select name="country"[^>]*>(.*?)</select>', html, re.S).group(1)
    names = re.findall(r'<option value="([A-Z]{2})"[^>]*>([^<]*)</option>', select)
    assert names[:4] == [("ES", "España"), ("IT", "Italia"), ("PT", "Portugal"), ("DE", "Alemania")]


def test_other_forms_choosing_a_country_name_it_and_take_the_code(client, applicant):
    organisation = OrganisationFactory(country="PT", region="PT18")

    html = client.get(reverse("consortia:organisation_join")).content.decode()
    response = client.post(reverse("consortia:organisation_join"), {"country": "PT", "tax_id": organisation.tax_id})

    assert '<option value="PT">Portugal</option>' in html
    assert response.status_code == 302
