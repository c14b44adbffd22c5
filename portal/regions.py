"""NUTS 2 regions (2021 classification) for the countries the portal serves first.

Regions of other EU countries are accepted by format: a NUTS code starts with
the country code (EL for Greece) and has two more characters at level 2.

The pickers show the names (the regions' own, as NUTS writes them) and store the code:
`regions_of(country)` lists a country's regions by name, `region_code_of(text)` reads what
was typed or chosen ("ES43", "Extremadura", "extremadura", "Extremadura (ES43)") as a code.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NUTS2 = {
    # Spain
    "ES11": "Galicia",
    "ES12": "Principado de Asturias",
    "ES13": "Cantabria",
    "ES21": "País Vasco",
    "ES22": "Comunidad Foral de Navarra",
    "ES23": "La Rioja",
    "ES24": "Aragón",
    "ES30": "Comunidad de Madrid",
    "ES41": "Castilla y León",
    "ES42": "Castilla-La Mancha",
    "ES43": "Extremadura",
    "ES51": "Cataluña",
    "ES52": "Comunitat Valenciana",
    "ES53": "Illes Balears",
    "ES61": "Andalucía",
    "ES62": "Región de Murcia",
    "ES63": "Ciudad de Ceuta",
    "ES64": "Ciudad de Melilla",
    "ES70": "Canarias",
    # Italy
    "ITC1": "Piemonte",
    "ITC2": "Valle d'Aosta/Vallée d'Aoste",
    "ITC3": "Liguria",
    "ITC4": "Lombardia",
    "ITF1": "Abruzzo",
    "ITF2": "Molise",
    "ITF3": "Campania",
    "ITF4": "Puglia",
    "ITF5": "Basilicata",
    "ITF6": "Calabria",
    "ITG1": "Sicilia",
    "ITG2": "Sardegna",
    "ITH1": "Provincia Autonoma di Bolzano/Bozen",
    "ITH2": "Provincia Autonoma di Trento",
    "ITH3": "Veneto",
    "ITH4": "Friuli-Venezia Giulia",
    "ITH5": "Emilia-Romagna",
    "ITI1": "Toscana",
    "ITI2": "Umbria",
    "ITI3": "Marche",
    "ITI4": "Lazio",
    # Portugal
    "PT11": "Norte",
    "PT15": "Algarve",
    "PT16": "Centro",
    "PT17": "Área Metropolitana de Lisboa",
    "PT18": "Alentejo",
    "PT20": "Região Autónoma dos Açores",
    "PT30": "Região Autónoma da Madeira",
}

# Countries whose regions are listed one by one above.
LISTED_COUNTRIES = {"ES", "IT", "PT"}

# How the NUTS codes of the EU member states start (Greece is EL).
NUTS_PREFIXES = frozenset([
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
])  # fmt: skip

NUTS2_CHOICES = sorted(((code, f"{code} {name}") for code, name in NUTS2.items()), key=lambda c: c[0])

_NUTS2_FORMAT = re.compile(r"^[A-Z]{2}[0-9A-Z]{2}$")


def nuts_country(code: str) -> str:
    """The ISO 3166 country of a NUTS code (NUTS writes Greece as EL)."""
    prefix = code[:2].upper()
    return "GR" if prefix == "EL" else prefix


def region_name(code: str) -> str:
    return NUTS2.get(code, code)


def validate_nuts2(value: str) -> None:
    code = (value or "").upper()
    if not _NUTS2_FORMAT.match(code):
        raise ValidationError(
            _("“%(value)s” is not a NUTS 2 code: it is two letters of the country and two more characters, e.g. ES43."),
            code="invalid_nuts2",
            params={"value": value},
        )
    if nuts_country(code) in LISTED_COUNTRIES and code not in NUTS2:
        raise ValidationError(
            _("“%(value)s” is not a NUTS 2 region of %(country)s."),
            code="unknown_nuts2",
            params={"value": value, "country": nuts_country(code)},
        )


def regions_of(country: str) -> list[tuple[str, str]]:
    """(code, name) of the NUTS 2 regions of a country (ISO code), by name; none if not listed."""
    prefix = "EL" if country == "GR" else country
    return sorted(
        ((code, name) for code, name in NUTS2.items() if code[:2] == prefix), key=lambda pair: _folded(pair[1])
    )


def _folded(text: str) -> str:
    """Lower case, without accents or punctuation: "Aragón" and "aragon" compare equal."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


_BY_NAME = {_folded(name): code for code, name in NUTS2.items()}
# A code alone, or beside the name: "ES43", "ES43 – Extremadura", "Extremadura (ES43)".
_CODE_BESIDE = re.compile(
    r"^\s*([A-Za-z]{2}[0-9A-Za-z]{2})(?:\s*[\u2013\u2014:-]\s*.*|\s+.*)?$|\(([A-Za-z]{2}[0-9A-Za-z]{2})\)\s*$"
)


def region_code_of(text: str) -> str | None:
    """The NUTS 2 code of what was typed or chosen: the code itself, the listed name, or both together.

    None when the text is neither; the code is not checked here (`validate_nuts2` does).
    """
    text = (text or "").strip()
    if not text:
        return None
    by_name = _BY_NAME.get(_folded(text))
    if by_name:
        return by_name
    match = _CODE_BESIDE.search(text)
    if match:
        code = (match.group(1) or match.group(2)).upper()
        # "Norte" is a name, not a code; "Vale" neither: a code starts with an EU country's.
        if code in NUTS2 or ((match.group(2) or len(text) == 4) and code[:2] in NUTS_PREFIXES):
            return code
    return None
