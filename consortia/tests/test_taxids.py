"""Tax ids: checked per country, stored compact, and a clear message when wrong."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from consortia.taxids import make_tax_id, validate_tax_id
from consortia.tests.factories import OrganisationFactory


def _error(country, value) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_tax_id(country, value)
    return caught.value


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- valid ids and their compact form -------------------------------------------------


@pytest.mark.parametrize(
    ("country", "typed", "stored"),
    [
        # Spain: CIF (letter + 7 digits + check), DNI (8 digits + letter), NIE (X/Y/Z + 7 digits + letter)
        ("ES", "B06123459", "B06123459"),
        ("ES", "b-0612345-9", "B06123459"),
        ("ES", "B 06.123.459", "B06123459"),
        ("ES", "ESB06123459", "B06123459"),
        ("ES", "es b06123459", "B06123459"),
        ("ES", "12345678Z", "12345678Z"),
        ("ES", "12.345.678-z", "12345678Z"),
        ("ES", "X1234567L", "X1234567L"),
        ("ES", "x-1234567-l", "X1234567L"),
        # Italy: partita IVA (11 digits) and codice fiscale (16 characters)
        ("IT", "00743110157", "00743110157"),
        ("IT", "IT 00743110157", "00743110157"),
        ("IT", "007.431.101-57", "00743110157"),
        ("IT", "RCCMNL83S18D969H", "RCCMNL83S18D969H"),
        ("IT", "rccmnl 83s18 d969h", "RCCMNL83S18D969H"),
        # Portugal: NIF/NIPC (9 digits)
        ("PT", "501964843", "501964843"),
        ("PT", "PT 501 964 843", "501964843"),
        ("PT", "501-964-843", "501964843"),
        # Another EU country, through its VAT number rules
        ("DE", "DE136695976", "136695976"),
        ("DE", "136 695 976", "136695976"),
        ("DE", "de 136.695.976", "136695976"),
    ],
)
def test_it_accepts_a_valid_tax_id_and_returns_its_compact_form(country, typed, stored):
    assert validate_tax_id(country, typed) == stored


def test_it_accepts_a_lower_case_country_code():
    assert validate_tax_id("es", "B06123459") == "B06123459"


def test_it_reads_the_greek_vat_prefix_el():
    assert validate_tax_id("GR", "EL094259216") == "094259216"


# --- wrong length --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "value", "length"),
    [
        ("ES", "B0612345", 8),
        ("ES", "B061234590", 10),
        ("IT", "0074311015", 10),
        ("IT", "007431101570", 12),
        ("PT", "50196484", 8),
        ("PT", "5019648430", 10),
        ("DE", "13669597", 8),
    ],
)
def test_it_says_how_many_characters_a_tax_id_of_the_wrong_length_has(country, value, length):
    error = _error(country, value)

    assert error.code == "invalid_length"
    assert f"has {length} characters" in _message(error)


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("ES", "9 characters"),
        ("IT", "11 digits"),
        ("PT", "9 digits"),
    ],
)
def test_it_says_which_length_is_expected(country, expected):
    error = _error(country, "1234")

    assert expected in _message(error)


def test_it_counts_the_length_after_removing_separators():
    error = _error("PT", "501 964 84")

    assert "has 8 characters" in _message(error)


def test_it_says_the_length_of_a_codice_fiscale_that_is_a_character_short():
    # 15 characters: the codice fiscale RCCMNL83S18D969H without its last letter.
    error = _error("IT", "RCCMNL83S18D969")

    assert error.code == "invalid_length"
    assert "has 15 characters" in _message(error)


# --- wrong check digit ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "value"),
    [
        ("ES", "B06123458"),  # CIF
        ("ES", "12345678A"),  # DNI
        ("ES", "X1234567A"),  # NIE
        ("IT", "00743110158"),  # partita IVA
        ("IT", "RCCMNL83S18D969X"),  # codice fiscale
        ("PT", "501964842"),
        ("DE", "136695975"),
    ],
)
def test_it_says_the_check_digit_does_not_match(country, value):
    error = _error(country, value)

    assert error.code == "invalid_checksum"
    assert "check digit" in _message(error)
    assert value in _message(error)


@pytest.mark.parametrize(
    ("country", "name"),
    [
        ("ES", "Spanish NIF"),
        ("IT", "Italian tax id"),
        ("PT", "Portuguese NIF"),
        ("DE", "VAT number of DE"),
    ],
)
def test_it_names_the_kind_of_tax_id_in_the_check_digit_message(country, name):
    value = {"ES": "B06123458", "IT": "00743110158", "PT": "501964842", "DE": "136695975"}[country]

    assert name in _message(_error(country, value))


# --- other mistakes ------------------------------------------------------------------


def test_it_says_a_spanish_nif_has_letters_where_digits_are_expected():
    error = _error("ES", "ABCDEFGHI")

    assert error.code == "invalid_format"
    assert "where digits are expected" in _message(error)


def test_it_says_an_italian_partita_iva_has_letters_where_digits_are_expected():
    error = _error("IT", "0074311015A")

    assert error.code == "invalid_format"
    assert "where digits are expected" in _message(error)


def test_it_asks_for_a_tax_id_when_only_separators_are_typed():
    error = _error("ES", " - . ")

    assert error.code == "required"
    assert "Enter the tax identification number" in _message(error)


def test_it_refuses_an_empty_tax_id():
    assert _error("PT", "").code == "required"


def test_it_says_tax_ids_of_an_unsupported_country_cannot_be_checked():
    error = _error("US", "12-3456789")

    assert error.code == "unsupported_country"
    assert "US" in _message(error)
    assert "cannot be checked" in _message(error)


# --- generated ids -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "number", "expected"),
    [
        ("ES", 1, "B00000018"),
        ("IT", 1, "00000020370"),
        ("PT", 1, "500000018"),
    ],
)
def test_make_tax_id_builds_a_company_id_of_the_country(country, number, expected):
    assert make_tax_id(country, number) == expected


def test_make_tax_id_gives_different_ids_for_different_numbers():
    ids = {make_tax_id("ES", n) for n in range(1, 200)}

    assert len(ids) == 199


def test_make_tax_id_refuses_a_country_it_cannot_generate_for():
    with pytest.raises(ValueError):
        make_tax_id("US", 1)


@pytest.mark.parametrize("country", ["ES", "IT", "PT"])
@hypothesis_settings(database=None, max_examples=300, deadline=None)
@given(number=st.integers(min_value=0, max_value=10**12))
def test_make_tax_id_always_gives_an_id_that_validates(country, number):
    tax_id = make_tax_id(country, number)

    assert validate_tax_id(country, tax_id) == tax_id


# --- Organisation.full_clean ---------------------------------------------------------


@pytest.mark.django_db
def test_organisation_full_clean_puts_an_invalid_tax_id_error_on_the_tax_id_field():
    organisation = OrganisationFactory.build(country="ES", region="ES43", tax_id="B06123458")

    with pytest.raises(ValidationError) as caught:
        organisation.full_clean()

    assert set(caught.value.message_dict) == {"tax_id"}
    assert "check digit" in " ".join(caught.value.message_dict["tax_id"])


@pytest.mark.django_db
def test_organisation_full_clean_stores_a_valid_tax_id_in_compact_form():
    organisation = OrganisationFactory.build(country="es", region="ES43", tax_id="es-b 0612345.9")

    organisation.full_clean()

    assert organisation.tax_id == "B06123459"
    assert organisation.country == "ES"


@pytest.mark.django_db
def test_organisation_full_clean_stores_an_italian_tax_id_in_compact_form():
    organisation = OrganisationFactory.build(country="IT", region="ITC4", tax_id="IT 007 431 101 57")

    organisation.full_clean()

    assert organisation.tax_id == "00743110157"


@pytest.mark.django_db
def test_organisation_full_clean_accepts_a_long_spaced_codice_fiscale_with_prefix():
    # 21 characters as typed, 16 once compact: the typed form must not be held to max_length.
    organisation = OrganisationFactory.build(country="IT", region="ITC4", tax_id="IT RCCMNL 83S18 D969H")

    organisation.full_clean()

    assert organisation.tax_id == "RCCMNL83S18D969H"


@pytest.mark.django_db
def test_organisation_full_clean_puts_a_region_of_another_country_error_on_the_region_field():
    organisation = OrganisationFactory.build(country="PT", region="ES43", tax_id="501964843")

    with pytest.raises(ValidationError) as caught:
        organisation.full_clean()

    assert set(caught.value.message_dict) == {"region"}
    assert "ES43" in caught.value.message_dict["region"][0]
    assert "PT" in caught.value.message_dict["region"][0]


@pytest.mark.django_db
def test_organisation_full_clean_accepts_a_region_of_another_eu_country_by_format():
    organisation = OrganisationFactory.build(country="DE", region="DE21", tax_id="DE136695976")

    organisation.full_clean()

    assert organisation.tax_id == "136695976"


@pytest.mark.django_db
def test_organisation_full_clean_refuses_a_tax_id_already_registered_in_the_country_in_another_spelling():
    OrganisationFactory(country="ES", region="ES43", tax_id="B06123459")
    organisation = OrganisationFactory.build(country="ES", region="ES43", tax_id="b-0612345-9")

    with pytest.raises(ValidationError) as caught:
        organisation.full_clean()

    # The compact form collides with the stored one; the message is next to the tax id.
    assert caught.value.message_dict["tax_id"] == [
        "An organisation with this tax id is already registered in this country."
    ]
