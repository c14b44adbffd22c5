"""Country codes (ISO 3166-1 alpha-2) and their names, for the places consortia bid and win contracts
abroad and for every country picker: the names are shown (in the reader's language), the code is stored."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The officially assigned ISO 3166-1 alpha-2 codes, by first letter.
_CODES = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
    BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
    CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
    DE DJ DK DM DO DZ
    EC EE EG EH ER ES ET
    FI FJ FK FM FO FR
    GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
    HK HM HN HR HT HU
    ID IE IL IM IN IO IQ IR IS IT
    JE JM JO JP
    KE KG KH KI KM KN KP KR KW KY KZ
    LA LB LC LI LK LR LS LT LU LV LY
    MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
    NA NC NE NF NG NI NL NO NP NR NU NZ
    OM
    PA PE PF PG PH PK PL PM PN PR PS PT PW PY
    QA
    RE RO RS RU RW
    SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
    TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
    UA UG UM US UY UZ
    VA VC VE VG VI VN VU
    WF WS
    YE YT
    ZA ZM ZW
"""
ISO_3166_ALPHA2 = frozenset(_CODES.split())


def validate_country(value: str) -> None:
    """An ISO 3166-1 alpha-2 code in capitals, e.g. GB (not UK) or NO."""
    if value not in ISO_3166_ALPHA2:
        raise ValidationError(
            _("“%(value)s” is not an ISO 3166 country code: write two capital letters, e.g. GB, NO or US."),
            code="invalid_country",
            params={"value": value},
        )


# The names of the countries, in English and marked for translation; the EU member states' names
# are those the organisation form has always shown, so they keep their translations.
COUNTRY_NAMES = {
    "AD": _("Andorra"),
    "AE": _("United Arab Emirates"),
    "AF": _("Afghanistan"),
    "AG": _("Antigua and Barbuda"),
    "AI": _("Anguilla"),
    "AL": _("Albania"),
    "AM": _("Armenia"),
    "AO": _("Angola"),
    "AQ": _("Antarctica"),
    "AR": _("Argentina"),
    "AS": _("American Samoa"),
    "AT": _("Austria"),
    "AU": _("Australia"),
    "AW": _("Aruba"),
    "AX": _("Åland Islands"),
    "AZ": _("Azerbaijan"),
    "BA": _("Bosnia and Herzegovina"),
    "BB": _("Barbados"),
    "BD": _("Bangladesh"),
    "BE": _("Belgium"),
    "BF": _("Burkina Faso"),
    "BG": _("Bulgaria"),
    "BH": _("Bahrain"),
    "BI": _("Burundi"),
    "BJ": _("Benin"),
    "BL": _("Saint Barthélemy"),
    "BM": _("Bermuda"),
    "BN": _("Brunei"),
    "BO": _("Bolivia"),
    "BQ": _("Bonaire, Sint Eustatius and Saba"),
    "BR": _("Brazil"),
    "BS": _("Bahamas"),
    "BT": _("Bhutan"),
    "BV": _("Bouvet Island"),
    "BW": _("Botswana"),
    "BY": _("Belarus"),
    "BZ": _("Belize"),
    "CA": _("Canada"),
    "CC": _("Cocos (Keeling) Islands"),
    "CD": _("Democratic Republic of the Congo"),
    "CF": _("Central African Republic"),
    "CG": _("Congo"),
    "CH": _("Switzerland"),
    "CI": _("Côte d'Ivoire"),
    "CK": _("Cook Islands"),
    "CL": _("Chile"),
    "CM": _("Cameroon"),
    "CN": _("China"),
    "CO": _("Colombia"),
    "CR": _("Costa Rica"),
    "CU": _("Cuba"),
    "CV": _("Cabo Verde"),
    "CW": _("Curaçao"),
    "CX": _("Christmas Island"),
    "CY": _("Cyprus"),
    "CZ": _("Czechia"),
    "DE": _("Germany"),
    "DJ": _("Djibouti"),
    "DK": _("Denmark"),
    "DM": _("Dominica"),
    "DO": _("Dominican Republic"),
    "DZ": _("Algeria"),
    "EC": _("Ecuador"),
    "EE": _("Estonia"),
    "EG": _("Egypt"),
    "EH": _("Western Sahara"),
    "ER": _("Eritrea"),
    "ES": _("Spain"),
    "ET": _("Ethiopia"),
    "FI": _("Finland"),
    "FJ": _("Fiji"),
    "FK": _("Falkland Islands"),
    "FM": _("Micronesia"),
    "FO": _("Faroe Islands"),
    "FR": _("France"),
    "GA": _("Gabon"),
    "GB": _("United Kingdom"),
    "GD": _("Grenada"),
    "GE": _("Georgia"),
    "GF": _("French Guiana"),
    "GG": _("Guernsey"),
    "GH": _("Ghana"),
    "GI": _("Gibraltar"),
    "GL": _("Greenland"),
    "GM": _("Gambia"),
    "GN": _("Guinea"),
    "GP": _("Guadeloupe"),
    "GQ": _("Equatorial Guinea"),
    "GR": _("Greece"),
    "GS": _("South Georgia and the South Sandwich Islands"),
    "GT": _("Guatemala"),
    "GU": _("Guam"),
    "GW": _("Guinea-Bissau"),
    "GY": _("Guyana"),
    "HK": _("Hong Kong"),
    "HM": _("Heard Island and McDonald Islands"),
    "HN": _("Honduras"),
    "HR": _("Croatia"),
    "HT": _("Haiti"),
    "HU": _("Hungary"),
    "ID": _("Indonesia"),
    "IE": _("Ireland"),
    "IL": _("Israel"),
    "IM": _("Isle of Man"),
    "IN": _("India"),
    "IO": _("British Indian Ocean Territory"),
    "IQ": _("Iraq"),
    "IR": _("Iran"),
    "IS": _("Iceland"),
    "IT": _("Italy"),
    "JE": _("Jersey"),
    "JM": _("Jamaica"),
    "JO": _("Jordan"),
    "JP": _("Japan"),
    "KE": _("Kenya"),
    "KG": _("Kyrgyzstan"),
    "KH": _("Cambodia"),
    "KI": _("Kiribati"),
    "KM": _("Comoros"),
    "KN": _("Saint Kitts and Nevis"),
    "KP": _("North Korea"),
    "KR": _("South Korea"),
    "KW": _("Kuwait"),
    "KY": _("Cayman Islands"),
    "KZ": _("Kazakhstan"),
    "LA": _("Laos"),
    "LB": _("Lebanon"),
    "LC": _("Saint Lucia"),
    "LI": _("Liechtenstein"),
    "LK": _("Sri Lanka"),
    "LR": _("Liberia"),
    "LS": _("Lesotho"),
    "LT": _("Lithuania"),
    "LU": _("Luxembourg"),
    "LV": _("Latvia"),
    "LY": _("Libya"),
    "MA": _("Morocco"),
    "MC": _("Monaco"),
    "MD": _("Moldova"),
    "ME": _("Montenegro"),
    "MF": _("Saint Martin (French part)"),
    "MG": _("Madagascar"),
    "MH": _("Marshall Islands"),
    "MK": _("North Macedonia"),
    "ML": _("Mali"),
    "MM": _("Myanmar"),
    "MN": _("Mongolia"),
    "MO": _("Macao"),
    "MP": _("Northern Mariana Islands"),
    "MQ": _("Martinique"),
    "MR": _("Mauritania"),
    "MS": _("Montserrat"),
    "MT": _("Malta"),
    "MU": _("Mauritius"),
    "MV": _("Maldives"),
    "MW": _("Malawi"),
    "MX": _("Mexico"),
    "MY": _("Malaysia"),
    "MZ": _("Mozambique"),
    "NA": _("Namibia"),
    "NC": _("New Caledonia"),
    "NE": _("Niger"),
    "NF": _("Norfolk Island"),
    "NG": _("Nigeria"),
    "NI": _("Nicaragua"),
    "NL": _("Netherlands"),
    "NO": _("Norway"),
    "NP": _("Nepal"),
    "NR": _("Nauru"),
    "NU": _("Niue"),
    "NZ": _("New Zealand"),
    "OM": _("Oman"),
    "PA": _("Panama"),
    "PE": _("Peru"),
    "PF": _("French Polynesia"),
    "PG": _("Papua New Guinea"),
    "PH": _("Philippines"),
    "PK": _("Pakistan"),
    "PL": _("Poland"),
    "PM": _("Saint Pierre and Miquelon"),
    "PN": _("Pitcairn"),
    "PR": _("Puerto Rico"),
    "PS": _("Palestine"),
    "PT": _("Portugal"),
    "PW": _("Palau"),
    "PY": _("Paraguay"),
    "QA": _("Qatar"),
    "RE": _("Réunion"),
    "RO": _("Romania"),
    "RS": _("Serbia"),
    "RU": _("Russia"),
    "RW": _("Rwanda"),
    "SA": _("Saudi Arabia"),
    "SB": _("Solomon Islands"),
    "SC": _("Seychelles"),
    "SD": _("Sudan"),
    "SE": _("Sweden"),
    "SG": _("Singapore"),
    "SH": _("Saint Helena, Ascension and Tristan da Cunha"),
    "SI": _("Slovenia"),
    "SJ": _("Svalbard and Jan Mayen"),
    "SK": _("Slovakia"),
    "SL": _("Sierra Leone"),
    "SM": _("San Marino"),
    "SN": _("Senegal"),
    "SO": _("Somalia"),
    "SR": _("Suriname"),
    "SS": _("South Sudan"),
    "ST": _("São Tomé and Príncipe"),
    "SV": _("El Salvador"),
    "SX": _("Sint Maarten (Dutch part)"),
    "SY": _("Syria"),
    "SZ": _("Eswatini"),
    "TC": _("Turks and Caicos Islands"),
    "TD": _("Chad"),
    "TF": _("French Southern Territories"),
    "TG": _("Togo"),
    "TH": _("Thailand"),
    "TJ": _("Tajikistan"),
    "TK": _("Tokelau"),
    "TL": _("Timor-Leste"),
    "TM": _("Turkmenistan"),
    "TN": _("Tunisia"),
    "TO": _("Tonga"),
    "TR": _("Türkiye"),
    "TT": _("Trinidad and Tobago"),
    "TV": _("Tuvalu"),
    "TW": _("Taiwan"),
    "TZ": _("Tanzania"),
    "UA": _("Ukraine"),
    "UG": _("Uganda"),
    "UM": _("United States Minor Outlying Islands"),
    "US": _("United States"),
    "UY": _("Uruguay"),
    "UZ": _("Uzbekistan"),
    "VA": _("Holy See"),
    "VC": _("Saint Vincent and the Grenadines"),
    "VE": _("Venezuela"),
    "VG": _("British Virgin Islands"),
    "VI": _("United States Virgin Islands"),
    "VN": _("Viet Nam"),
    "VU": _("Vanuatu"),
    "WF": _("Wallis and Futuna"),
    "WS": _("Samoa"),
    "YE": _("Yemen"),
    "YT": _("Mayotte"),
    "ZA": _("South Africa"),
    "ZM": _("Zambia"),
    "ZW": _("Zimbabwe"),
}

# EU member states, the three the portal serves first at the top.
EU_MEMBER_STATES = [
    "ES", "IT", "PT", "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE",
    "GR", "HU", "IE", "LV", "LT", "LU", "MT", "NL", "PL", "RO", "SK", "SI", "SE",
]  # fmt: skip
FIRST = ["ES", "IT", "PT"]


def country_name(code: str) -> str:
    """The country's name in the reader's language, or the code itself if it is not a country."""
    return str(COUNTRY_NAMES.get(code, code))


def _sort_key(name: str) -> str:
    # "Åland Islands" sorts with the As and "Österreich" with the Os, in any language.
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def country_choices(codes=None, *, first=FIRST) -> list[tuple[str, str]]:
    """(code, name) pairs in the reader's language: `first` in that order, the others by name.

    Evaluated when a form is built (a callable `choices`), so each reader gets their language's order.
    """
    codes = list(COUNTRY_NAMES) if codes is None else list(codes)
    head = [code for code in first if code in codes]
    rest = sorted((code for code in codes if code not in head), key=lambda code: _sort_key(country_name(code)))
    return [(code, country_name(code)) for code in head + rest]


def eu_country_choices() -> list[tuple[str, str]]:
    return country_choices(EU_MEMBER_STATES)


def world_country_choices() -> list[tuple[str, str]]:
    return country_choices()
