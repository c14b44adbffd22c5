"""NUTS 2 regions of the 27 EU member states: 242 regions, in the 2021 classification, the one the
2021-2027 cohesion policy programmes (and so the agencies' reports) use.

A NUTS code starts with the country code (EL for Greece, GR in ISO) and has two more characters
at level 2; a code of an EU country that is none of its regions is refused. The "Extra-Regio"
codes (ZZ) are no place an organisation is in and are not listed. Codes of countries outside the
EU are accepted by format.

Each region is named as NUTS writes it, in its own language (in Latin letters for Bulgaria,
Cyprus and Greece); the names are proper nouns and are not translated.

The pickers show the names and store the code: `regions_of(country)` lists a country's regions by
name, `region_code_of(text)` reads what was typed or chosen ("ES43", "Extremadura", "extremadura",
"Extremadura (ES43)", "Oberbayern") as a code. A name that two regions shared would be read by
neither: the code, or the name with its code, says which.
"""

import re
import unicodedata
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NUTS2 = {
    # Austria
    "AT11": "Burgenland",
    "AT12": "Niederösterreich",
    "AT13": "Wien",
    "AT21": "Kärnten",
    "AT22": "Steiermark",
    "AT31": "Oberösterreich",
    "AT32": "Salzburg",
    "AT33": "Tirol",
    "AT34": "Vorarlberg",
    # Belgium
    "BE10": "Région de Bruxelles-Capitale/Brussels Hoofdstedelijk Gewest",
    "BE21": "Prov. Antwerpen",
    "BE22": "Prov. Limburg (BE)",
    "BE23": "Prov. Oost-Vlaanderen",
    "BE24": "Prov. Vlaams-Brabant",
    "BE25": "Prov. West-Vlaanderen",
    "BE31": "Prov. Brabant wallon",
    "BE32": "Prov. Hainaut",
    "BE33": "Prov. Liège",
    "BE34": "Prov. Luxembourg (BE)",
    "BE35": "Prov. Namur",
    # Bulgaria (NUTS writes the names in Cyrillic; these are its Latin forms)
    "BG31": "Severozapaden",
    "BG32": "Severen tsentralen",
    "BG33": "Severoiztochen",
    "BG34": "Yugoiztochen",
    "BG41": "Yugozapaden",
    "BG42": "Yuzhen tsentralen",
    # Cyprus (Latin form of Κύπρος)
    "CY00": "Kýpros",
    # Czechia
    "CZ01": "Praha",
    "CZ02": "Střední Čechy",
    "CZ03": "Jihozápad",
    "CZ04": "Severozápad",
    "CZ05": "Severovýchod",
    "CZ06": "Jihovýchod",
    "CZ07": "Střední Morava",
    "CZ08": "Moravskoslezsko",
    # Germany
    "DE11": "Stuttgart",
    "DE12": "Karlsruhe",
    "DE13": "Freiburg",
    "DE14": "Tübingen",
    "DE21": "Oberbayern",
    "DE22": "Niederbayern",
    "DE23": "Oberpfalz",
    "DE24": "Oberfranken",
    "DE25": "Mittelfranken",
    "DE26": "Unterfranken",
    "DE27": "Schwaben",
    "DE30": "Berlin",
    "DE40": "Brandenburg",
    "DE50": "Bremen",
    "DE60": "Hamburg",
    "DE71": "Darmstadt",
    "DE72": "Gießen",
    "DE73": "Kassel",
    "DE80": "Mecklenburg-Vorpommern",
    "DE91": "Braunschweig",
    "DE92": "Hannover",
    "DE93": "Lüneburg",
    "DE94": "Weser-Ems",
    "DEA1": "Düsseldorf",
    "DEA2": "Köln",
    "DEA3": "Münster",
    "DEA4": "Detmold",
    "DEA5": "Arnsberg",
    "DEB1": "Koblenz",
    "DEB2": "Trier",
    "DEB3": "Rheinhessen-Pfalz",
    "DEC0": "Saarland",
    "DED2": "Dresden",
    "DED4": "Chemnitz",
    "DED5": "Leipzig",
    "DEE0": "Sachsen-Anhalt",
    "DEF0": "Schleswig-Holstein",
    "DEG0": "Thüringen",
    # Denmark
    "DK01": "Hovedstaden",
    "DK02": "Sjælland",
    "DK03": "Syddanmark",
    "DK04": "Midtjylland",
    "DK05": "Nordjylland",
    # Estonia
    "EE00": "Eesti",
    # Greece (NUTS code EL; NUTS writes the names in Greek, these are its Latin forms)
    "EL30": "Attiki",
    "EL41": "Voreio Aigaio",
    "EL42": "Notio Aigaio",
    "EL43": "Kriti",
    "EL51": "Anatoliki Makedonia, Thraki",
    "EL52": "Kentriki Makedonia",
    "EL53": "Dytiki Makedonia",
    "EL54": "Ipeiros",
    "EL61": "Thessalia",
    "EL62": "Ionia Nisia",
    "EL63": "Dytiki Elláda",
    "EL64": "Sterea Elláda",
    "EL65": "Peloponnisos",
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
    # Finland
    "FI19": "Länsi-Suomi",
    "FI1B": "Helsinki-Uusimaa",
    "FI1C": "Etelä-Suomi",
    "FI1D": "Pohjois- ja Itä-Suomi",
    "FI20": "Åland",
    # France
    "FR10": "Ile-de-France",
    "FRB0": "Centre — Val de Loire",
    "FRC1": "Bourgogne",
    "FRC2": "Franche-Comté",
    "FRD1": "Basse-Normandie",
    "FRD2": "Haute-Normandie",
    "FRE1": "Nord-Pas de Calais",
    "FRE2": "Picardie",
    "FRF1": "Alsace",
    "FRF2": "Champagne-Ardenne",
    "FRF3": "Lorraine",
    "FRG0": "Pays de la Loire",
    "FRH0": "Bretagne",
    "FRI1": "Aquitaine",
    "FRI2": "Limousin",
    "FRI3": "Poitou-Charentes",
    "FRJ1": "Languedoc-Roussillon",
    "FRJ2": "Midi-Pyrénées",
    "FRK1": "Auvergne",
    "FRK2": "Rhône-Alpes",
    "FRL0": "Provence-Alpes-Côte d'Azur",
    "FRM0": "Corse",
    "FRY1": "Guadeloupe",
    "FRY2": "Martinique",
    "FRY3": "Guyane",
    "FRY4": "La Réunion",
    "FRY5": "Mayotte",
    # Croatia
    "HR02": "Panonska Hrvatska",
    "HR03": "Jadranska Hrvatska",
    "HR05": "Grad Zagreb",
    "HR06": "Sjeverna Hrvatska",
    # Hungary
    "HU11": "Budapest",
    "HU12": "Pest",
    "HU21": "Közép-Dunántúl",
    "HU22": "Nyugat-Dunántúl",
    "HU23": "Dél-Dunántúl",
    "HU31": "Észak-Magyarország",
    "HU32": "Észak-Alföld",
    "HU33": "Dél-Alföld",
    # Ireland
    "IE04": "Northern and Western",
    "IE05": "Southern",
    "IE06": "Eastern and Midland",
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
    # Lithuania
    "LT01": "Sostinės regionas",
    "LT02": "Vidurio ir vakarų Lietuvos regionas",
    # Luxembourg
    "LU00": "Luxembourg",
    # Latvia
    "LV00": "Latvija",
    # Malta
    "MT00": "Malta",
    # Netherlands
    "NL11": "Groningen",
    "NL12": "Friesland (NL)",
    "NL13": "Drenthe",
    "NL21": "Overijssel",
    "NL22": "Gelderland",
    "NL23": "Flevoland",
    "NL31": "Utrecht",
    "NL32": "Noord-Holland",
    "NL33": "Zuid-Holland",
    "NL34": "Zeeland",
    "NL41": "Noord-Brabant",
    "NL42": "Limburg (NL)",
    # Poland
    "PL21": "Małopolskie",
    "PL22": "Śląskie",
    "PL41": "Wielkopolskie",
    "PL42": "Zachodniopomorskie",
    "PL43": "Lubuskie",
    "PL51": "Dolnośląskie",
    "PL52": "Opolskie",
    "PL61": "Kujawsko-pomorskie",
    "PL62": "Warmińsko-mazurskie",
    "PL63": "Pomorskie",
    "PL71": "Łódzkie",
    "PL72": "Świętokrzyskie",
    "PL81": "Lubelskie",
    "PL82": "Podkarpackie",
    "PL84": "Podlaskie",
    "PL91": "Warszawski stołeczny",
    "PL92": "Mazowiecki regionalny",
    # Portugal
    "PT11": "Norte",
    "PT15": "Algarve",
    "PT16": "Centro",
    "PT17": "Área Metropolitana de Lisboa",
    "PT18": "Alentejo",
    "PT20": "Região Autónoma dos Açores",
    "PT30": "Região Autónoma da Madeira",
    # Romania
    "RO11": "Nord-Vest",
    "RO12": "Centru",
    "RO21": "Nord-Est",
    "RO22": "Sud-Est",
    "RO31": "Sud-Muntenia",
    "RO32": "Bucureşti-Ilfov",
    "RO41": "Sud-Vest Oltenia",
    "RO42": "Vest",
    # Sweden
    "SE11": "Stockholm",
    "SE12": "Östra Mellansverige",
    "SE21": "Småland med öarna",
    "SE22": "Sydsverige",
    "SE23": "Västsverige",
    "SE31": "Norra Mellansverige",
    "SE32": "Mellersta Norrland",
    "SE33": "Övre Norrland",
    # Slovenia
    "SI03": "Vzhodna Slovenija",
    "SI04": "Zahodna Slovenija",
    # Slovakia
    "SK01": "Bratislavský kraj",
    "SK02": "Západné Slovensko",
    "SK03": "Stredné Slovensko",
    "SK04": "Východné Slovensko",
}

# Countries whose regions are listed one by one above (ISO codes: Greece is GR): every EU member state.
LISTED_COUNTRIES = {"GR" if code[:2] == "EL" else code[:2] for code in NUTS2}

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


# Letters with a stroke or joined that Unicode does not split into a letter and its mark:
# "Łódzkie" is typed "Lodzkie", "Sjælland" "Sjaelland".
_UNDECOMPOSED = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "æ": "ae", "œ": "oe"})


def _folded(text: str) -> str:
    """Lower case, without accents or punctuation: "Aragón" and "aragon", "Łódzkie" and "lodzkie" compare equal."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold()).translate(_UNDECOMPOSED)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def _names(regions: dict[str, str]) -> dict[str, str]:
    """The code of each folded name that only one region bears.

    A name two regions share (were there one) reads as neither: the code, or the name with its
    code ("Name (XX12)"), says which.
    """
    codes_by_name = defaultdict(set)
    for code, name in regions.items():
        codes_by_name[_folded(name)].add(code)
    return {name: next(iter(codes)) for name, codes in codes_by_name.items() if len(codes) == 1}


_BY_NAME = _names(NUTS2)
# A code after the name, in brackets: "Extremadura (ES43)", "Wien (AT13)".
_CODE_AFTER = re.compile(r"\(([A-Za-z]{2}[0-9A-Za-z]{2})\)\s*$")
# A code alone, or before the name: "ES43", "ES43 – Extremadura".
_CODE_FIRST = re.compile(r"^\s*([A-Za-z]{2}[0-9A-Za-z]{2})(?:\s*[\u2013\u2014:-]\s*.*|\s+.*)?$")


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
    # The bracketed code first: "Wien (AT13)" starts with four letters that are no code.
    after = _CODE_AFTER.search(text)
    if after and (after.group(1).upper() in NUTS2 or after.group(1)[:2].upper() in NUTS_PREFIXES):
        return after.group(1).upper()
    first = _CODE_FIRST.match(text)
    if first:
        code = first.group(1).upper()
        # "Norte" is a name, not a code; "Vale" neither: a code starts with an EU country's.
        if code in NUTS2 or (len(text) == 4 and code[:2] in NUTS_PREFIXES):
            return code
    return None


def unknown_regions(rows) -> dict[str, int]:
    """Of (country, region code, how many rows have them), the regions that are no NUTS 2 region of
    their country, as "CODE" or "CODE in COUNTRY" -> rows: stored before the portal knew every EU
    member state's regions (accepted by form then), now refused at the row's next save. For the
    deployment check of the apps that store regions."""
    unknown: dict[str, int] = {}
    for country, code, count in rows:
        if not code:
            continue
        try:
            validate_nuts2(code)
        except ValidationError:
            unknown[code] = unknown.get(code, 0) + count
            continue
        if country and nuts_country(code) != country.upper():
            key = f"{code} in {country}"
            unknown[key] = unknown.get(key, 0) + count
    return unknown
