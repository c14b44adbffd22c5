"""Tax identifiers: validated per country with python-stdnum, stored in compact form.

Spain (NIF: CIF, DNI or NIE), Italy (partita IVA or codice fiscale) and Portugal
(NIF/NIPC) are checked with their national rules; other EU countries with their
VAT number rules. The stored form has no country prefix, spaces or punctuation.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.es import nif as es_nif
from stdnum.eu import vat as eu_vat
from stdnum.it import codicefiscale as it_cf
from stdnum.it import iva as it_iva
from stdnum.pt import nif as pt_nif

# The name people use for the identifier, for messages.
ID_NAMES = {
    "ES": _("Spanish NIF"),
    "IT": _("Italian tax id"),
    "PT": _("Portuguese NIF"),
}

EXPECTED = {
    "ES": _("A Spanish NIF has 9 characters: a letter and 8 characters (e.g. B06123459), or 8 digits and a letter."),
    "IT": _("An Italian partita IVA has 11 digits; a codice fiscale has 16 characters."),
    "PT": _("A Portuguese NIF has 9 digits."),
}

_STRIP = re.compile(r"[\s.\-/,]")


def _vat_prefix(country: str) -> str:
    return "EL" if country == "GR" else country


def tax_id_compact(country: str, value: str) -> str:
    """The compact form: upper case, no separators and no country prefix."""
    country = (country or "").upper()
    raw = _STRIP.sub("", value or "").upper()
    for prefix in {_vat_prefix(country), country}:
        if prefix and raw.startswith(prefix) and len(raw) > len(prefix) + 1:
            return raw[len(prefix) :]
    return raw


def _module_for(country: str, compact: str):
    if country == "ES":
        return es_nif
    if country == "IT":
        # A codice fiscale has letters; a partita IVA only digits.
        return it_cf if len(compact) == 16 or not compact.isdigit() else it_iva
    if country == "PT":
        return pt_nif
    return None


def validate_tax_id(country: str, value: str) -> str:
    """Check a tax id for a country and return its compact form.

    Raises ValidationError with a message that says what is wrong.
    """
    country = (country or "").upper()
    compact = tax_id_compact(country, value)
    if not compact:
        raise ValidationError(_("Enter the tax identification number."), code="required")
    module = _module_for(country, compact)
    name = ID_NAMES.get(country)
    try:
        if module is not None:
            module.validate(compact)
        else:
            if country.lower() not in eu_vat.MEMBER_STATES:
                raise ValidationError(
                    _("Tax ids of %(country)s cannot be checked: enter the EU VAT number of the organisation."),
                    code="unsupported_country",
                    params={"country": country},
                )
            eu_vat.validate(_vat_prefix(country) + compact)
    except stdnum_errors.InvalidLength:
        expected = EXPECTED.get(country) or _("That is not a valid length for a VAT number of %(country)s.") % {
            "country": country
        }
        raise ValidationError(
            _("“%(value)s” has %(length)s characters. %(expected)s"),
            code="invalid_length",
            params={"value": value, "length": len(compact), "expected": expected},
        ) from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("“%(value)s” is not a valid %(name)s: its check digit does not match. Please check for a typing error."),
            code="invalid_checksum",
            params={"value": value, "name": name or _("VAT number of %(country)s") % {"country": country}},
        ) from None
    except stdnum_errors.InvalidComponent:
        raise ValidationError(
            _("“%(value)s” is not a valid %(name)s: it starts with a letter or digits that no tax id uses."),
            code="invalid_component",
            params={"value": value, "name": name or _("VAT number of %(country)s") % {"country": country}},
        ) from None
    except stdnum_errors.InvalidFormat:
        raise ValidationError(
            _("“%(value)s” is not a valid %(name)s: it contains letters or signs where digits are expected."),
            code="invalid_format",
            params={"value": value, "name": name or _("VAT number of %(country)s") % {"country": country}},
        ) from None
    return compact


def make_tax_id(country: str, number: int, *, public_body: bool = False) -> str:
    """A valid company tax id built from a serial number (demo and test data).

    Spain: a CIF of a limited company (B + 7 digits + check digit); Italy: a
    partita IVA (7-digit serial, 3-digit province office, check digit);
    Portugal: a NIPC starting with 5 (company or association; 6 for a public
    body) + 7 digits + check digit.
    """
    country = country.upper()
    if country == "ES":
        from stdnum.es import cif

        body = f"B{number % 10_000_000:07d}"
        return body + cif.calc_check_digits(body)[0]
    if country == "IT":
        from stdnum import luhn

        # The 7-digit serial may not be all zeros.
        body = f"{number % 9_999_999 + 1:07d}" + "037"  # 037: an existing province office
        return body + luhn.calc_check_digit(body)
    if country == "PT":
        body = f"{6 if public_body else 5}{number % 10_000_000:07d}"
        return body + pt_nif.calc_check_digit(body)
    raise ValueError(f"No tax id generator for {country}")
