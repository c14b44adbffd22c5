"""The NUTS 2 regions of every EU member state: named as NUTS writes them, read by name or code,
and a code of an EU country that is none of its regions refused."""

from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from consortia.countries import EU_MEMBER_STATES
from portal import regions
from portal.regions import (
    LISTED_COUNTRIES,
    NUTS2,
    NUTS2_CHOICES,
    _folded,
    nuts_country,
    region_code_of,
    region_name,
    regions_of,
    validate_nuts2,
)


def test_every_eu_member_state_has_its_regions_listed():
    assert set(EU_MEMBER_STATES) == LISTED_COUNTRIES
    assert all(regions_of(country) for country in EU_MEMBER_STATES)


@pytest.mark.parametrize(("country", "count"), [("DE", 38), ("FR", 27), ("PL", 17), ("IE", 3), ("EE", 1)])
def test_a_country_has_as_many_regions_as_nuts_2021_gives_it(country, count):
    assert len(regions_of(country)) == count


def test_the_eu_has_242_regions_and_no_extra_regio():
    assert sum(len(regions_of(country)) for country in EU_MEMBER_STATES) == len(NUTS2) == 242
    assert len(NUTS2_CHOICES) == 242
    assert not [code for code in NUTS2 if code.endswith("ZZ")]


def test_every_code_is_of_an_eu_country_and_of_the_nuts_2_form():
    for code in NUTS2:
        validate_nuts2(code)
        assert nuts_country(code) in LISTED_COUNTRIES


def test_no_two_regions_of_a_country_share_a_name():
    for country in EU_MEMBER_STATES:
        names = Counter(_folded(name) for _, name in regions_of(country))
        assert [name for name, times in names.items() if times > 1] == [], country


def test_a_german_region_is_read_by_its_name_or_with_its_code():
    assert region_code_of("Oberbayern") == "DE21"
    assert region_code_of("oberbayern") == "DE21"
    assert region_code_of("Oberbayern (DE21)") == "DE21"
    assert region_code_of("Thuringen") == "DEG0"
    assert region_name("DE21") == "Oberbayern"


def test_a_name_is_read_without_its_accents_or_its_letters_with_a_stroke():
    assert region_code_of("Île-de-France") == region_code_of("ile de france") == "FR10"
    assert region_code_of("Lodzkie") == "PL71"
    assert region_code_of("warszawski stoleczny") == "PL91"
    assert region_code_of("Sjaelland") == "DK02"


def test_every_region_is_read_by_its_name_and_by_its_name_with_its_code():
    for code, name in NUTS2.items():
        assert region_code_of(name) == code, name
        assert region_code_of(f"{name} ({code})") == code, name
        assert region_code_of(f"{code} – {name}") == code, name
        assert region_code_of(code.lower()) == code


def test_a_name_starting_with_four_letters_is_read_with_its_code_after_it():
    # "Wien" and "Pest" look like codes of the right form; the code in brackets is the one meant.
    assert region_code_of("Wien (AT13)") == "AT13"
    assert region_code_of("Pest (HU12)") == "HU12"
    assert region_code_of("Nord-Pas de Calais (FRE1)") == "FRE1"


def test_an_unknown_code_of_an_eu_country_is_refused_naming_the_country():
    with pytest.raises(ValidationError) as refused:
        validate_nuts2("FR99")
    assert refused.value.messages == ["“FR99” is not a NUTS 2 region of FR."]
    assert refused.value.error_list[0].code == "unknown_nuts2"


@pytest.mark.parametrize("code", ["F1", "FR1", "FR100", "1R10", ""])
def test_a_code_of_the_wrong_form_is_refused(code):
    with pytest.raises(ValidationError) as refused:
        validate_nuts2(code)
    assert refused.value.error_list[0].code == "invalid_nuts2"


def test_greece_is_gr_for_the_portal_and_el_for_nuts():
    greek = regions_of("GR")
    assert len(greek) == 13
    assert all(code.startswith("EL") for code, _ in greek)
    assert region_code_of("Attiki") == "EL30"
    assert nuts_country("EL30") == "GR"
    with pytest.raises(ValidationError):
        validate_nuts2("GR30")  # NUTS writes Greece EL


def test_a_name_two_regions_shared_would_be_read_by_neither(monkeypatch):
    # Were Limburg the whole name of the Belgian province and of the Dutch one (NUTS tells them
    # apart with "(BE)" and "(NL)"), the bare name could be either: it is left out.
    shared = {**NUTS2, "BE22": "Limburg", "NL42": "Limburg"}
    monkeypatch.setattr(regions, "_BY_NAME", regions._names(shared))
    monkeypatch.setattr(regions, "NUTS2", shared)

    assert region_code_of("Limburg") is None
    assert region_code_of("Limburg (NL42)") == "NL42"
    assert region_code_of("BE22") == "BE22"
    assert region_code_of("Oberbayern") == "DE21"


def test_no_name_is_shared_by_regions_of_different_countries():
    # Each region is read by its bare name today: no name is left out as shared.
    assert len(regions._BY_NAME) == len(NUTS2)
