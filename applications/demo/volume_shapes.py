"""What the volume data looks like, without the database: how each demo programme is filled, the
mix of statuses by how long ago a call closed, the words names are made of, the size classes, new
valid tax ids, and the arithmetic of shares and grants. `applications.demo.volume` writes the rows.
"""

import math
import random
from dataclasses import dataclass
from decimal import Decimal

from stdnum import luhn
from stdnum.es import cif as es_cif
from stdnum.es import nif as es_nif
from stdnum.it import iva as it_iva
from stdnum.pt import nif as pt_nif

from portal.money import to_cents
from portal.refusals import Refused

SLUG_PREFIX = "volume-"
NAME_SUFFIX = " (volume data)"
YEARS = 3
# A programme gets one more call a year for every this many of its applications a year.
CALL_TARGET = 1000
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Shape:
    """How one demo programme is filled: its share of the applications, the eligible costs
    of an application (EUR, low and high), and how long a call stays open (None: all year)."""

    share: float
    costs: tuple[int, int]
    days: int | None


SHAPES = {
    "export-consortiums-extremadura": Shape(0.15, (3_000, 14_000), None),
    "consortia-promotion-projects-emilia-romagna": Shape(0.20, (80_000, 370_000), 60),
    "export-consortia-cantabria": Shape(0.15, (40_000, 260_000), 75),
    "pimex": Shape(0.30, (1_200, 4_200), 70),
    "collective-actions-alentejo": Shape(0.20, (120_000, 900_000), 60),
}

# The mix of final statuses of a call's applications, by how long ago the call closed.
# Why a generated grant has no reviews (applications.review_summary: approval needs them, or a reason).
VOLUME_DECISION = "Generated volume data: decided without the portal's reviews."
OPEN_MIX = {"draft": 25, "submitted": 33, "under_review": 20, "clarification_requested": 8, "withdrawn": 5}
OPEN_MIX |= {"rejected": 5, "approved": 4}
RECENT_MIX = {"draft": 6, "submitted": 10, "under_review": 33, "clarification_requested": 12, "approved": 14}
RECENT_MIX |= {"reserve": 7, "rejected": 11, "withdrawn": 7}
DECIDED_MIX = {"draft": 5, "under_review": 3, "clarification_requested": 2, "approved": 38, "closed": 4}
DECIDED_MIX |= {"reserve": 12, "rejected": 28, "withdrawn": 8}
OLD_MIX = {"draft": 4, "approved": 10, "closed": 36, "reserve": 10, "rejected": 32, "withdrawn": 8}

REGION_SECTORS = {
    "ES43": ["agri_food", "wine", "construction", "metal", "tourism", "other"],
    "ES13": ["metal", "agri_food", "marine_renewable_energy"],
    "ITH5": ["agri_food", "machinery", "fashion_textile", "construction", "furniture", "ict", "wine"],
}
SECTOR_NACE = {
    "metal": ["24.10", "25.11", "25.29", "25.62", "25.99"],
    "agri_food": ["10.13", "10.20", "10.39", "10.41", "10.51", "10.71", "10.84"],
    "marine_renewable_energy": ["27.11", "28.11", "30.11", "33.15", "71.12"],
    "wine": ["01.21", "11.02"],
    "fashion_textile": ["13.20", "14.13", "14.19", "15.20"],
    "machinery": ["28.29", "28.41", "28.93", "28.99"],
    "construction": ["16.29", "23.31", "23.70", "25.12"],
    "furniture": ["31.01", "31.02", "31.09"],
    "tourism": ["55.10", "79.11", "79.12"],
    "ict": ["62.01", "62.02", "63.11"],
    "other": ["20.42", "32.50", "32.99"],
}
# Words for names: (Spanish, Italian) per sector.
SECTOR_WORDS = {
    "metal": (["Metálicas", "Calderería", "Mecanizados", "Estructuras"], ["Carpenteria", "Metalli", "Minuterie"]),
    "agri_food": (["Conservas", "Embutidos", "Quesos", "Aceites", "Hortofrutícola"], ["Caseificio", "Salumificio"]),
    "marine_renewable_energy": (["Ingeniería Naval", "Eólica Marina", "Offshore"], ["Energie Marine"]),
    "wine": (["Bodegas", "Viñedos"], ["Cantina", "Vini", "Tenuta"]),
    "fashion_textile": (["Textil", "Confecciones"], ["Maglificio", "Moda", "Tessitura"]),
    "machinery": (["Maquinaria"], ["Meccanica", "Macchine", "Oleodinamica"]),
    "construction": (["Granitos", "Corchos", "Cerámicas"], ["Ceramiche", "Laterizi", "Marmi"]),
    "furniture": (["Muebles"], ["Mobilificio", "Arredamenti", "Imbottiti"]),
    "tourism": (["Turismo Rural", "Viajes"], ["Turismo", "Viaggi"]),
    "ict": (["Sistemas", "Software"], ["Software", "Informatica", "Sistemi"]),
    "other": (["Industrias", "Cosmética"], ["Industrie", "Cosmetici"]),
}
CITIES = {
    "ES43": ["Badajoz", "Cáceres", "Mérida", "Plasencia", "Don Benito", "Almendralejo", "Zafra", "Coria", "Trujillo"],
    "ES13": ["Santander", "Torrelavega", "Castro-Urdiales", "Camargo", "Laredo", "Santoña", "Reinosa", "Astillero"],
    "ITH5": ["Bologna", "Modena", "Parma", "Reggio Emilia", "Ferrara", "Ravenna", "Forlì", "Rimini", "Piacenza"],
    "PT18": ["Évora", "Beja", "Portalegre", "Elvas", "Estremoz", "Sines", "Moura", "Serpa", "Ponte de Sor"],
}
SURNAMES = {
    "ES": ["García", "Martín", "Sánchez", "Gil", "Rubio", "Vega", "Cordero", "Mateos", "Gallardo", "Sierra", "Pizarro"],
    "IT": ["Rossi", "Ferrari", "Bianchi", "Gualtieri", "Montanari", "Benassi", "Bertoni", "Zanni", "Fontana", "Corsi"],
}
BRANDS = ["Aure", "Vel", "Cor", "Tal", "Mon", "Sil", "Ner", "Bal", "Lum", "Ter", "Or", "Fal", "Dor", "Rav"]
BRAND_ENDS = ["ex", "mar", "ia", "on", "tec", "vis", "ara", "eo", "is", "ada"]
PT_PRODUCTS = ["Vinho", "Azeite", "Cortiça", "Mármore", "Queijo", "Mel", "Porco Preto", "Pão", "Frutos Secos"]
MARKETS = [
    "Japan", "China", "India", "South Africa", "United States", "Canada", "Mexico", "Brazil", "Germany", "France",
    "United Kingdom", "Nordic countries", "Gulf countries", "Morocco", "South Korea", "Angola", "Poland", "Chile",
]  # fmt: skip
ACTIONS = [
    "Trade mission to {m}", "Shared stand at a trade fair in {m}", "Opening the {m} market", "Buyers from {m}",
    "Promotion campaign in {m}", "Distribution partners in {m}", "Online showroom for {m}", "Tasting tour in {m}",
]  # fmt: skip
LINE_NOTES = ["preparation", "main action", "follow-up", "materials and samples", "second market"]
# Province codes at the start of a Spanish CIF, and Italian VAT offices, of each region.
CIF_PROVINCES = {"ES43": ["06", "10"], "ES13": ["39"]}
IT_OFFICES = ["033", "034", "035", "036", "037", "038", "039", "040", "099"]
# Staff (annual work units), turnover and balance sheet (EUR) of each size class, well inside it.
SIZES = {
    "micro": ((1, 9), (80_000, 1_900_000), (50_000, 1_800_000)),
    "small": ((10, 49), (2_200_000, 9_800_000), (1_500_000, 9_500_000)),
    "medium": ((50, 249), (10_500_000, 48_000_000), (8_000_000, 42_000_000)),
    "large": ((250, 1_800), (55_000_000, 400_000_000), (45_000_000, 350_000_000)),
}
MEMBER_SIZES = {"micro": 48, "small": 35, "medium": 17}
PIMEX_SIZES = {"micro": 45, "small": 33, "medium": 17, "large": 5}


class VolumeRefused(Refused):
    """The volume data cannot be generated here (e.g. under production settings)."""


def apportion(total: int, weights: dict) -> dict:
    """Split `total` into whole parts in proportion to `weights` (largest remainder, stable order)."""
    weight_sum = sum(weights.values())
    exact = {key: total * weight / weight_sum for key, weight in weights.items()}
    parts = {key: math.floor(value) for key, value in exact.items()}
    left = total - sum(parts.values())
    for key in sorted(exact, key=lambda k: parts[k] - exact[k])[:left]:
        parts[key] += 1
    return parts


def status_mix(days_since_close: float) -> dict:
    if days_since_close < 0:
        return OPEN_MIX
    if days_since_close < 60:
        return RECENT_MIX
    if days_since_close < 300:
        return DECIDED_MIX
    return OLD_MIX


def max_grant_for(rules, eligible: Decimal, stage: str | None) -> Decimal:
    """The most the call's rules allow for these eligible costs (the funding rules, in order)."""
    grant = eligible
    for code, params in rules:
        stage_applies = code == "stage_cap" and stage in params["choices"].split(",")
        applies = code in ("grant_cap", "per_company_cap") or stage_applies
        if code == "funding_rate":
            grant = to_cents(grant * params["rate"] / 100)
        elif applies:
            grant = min(grant, params["amount"])
        elif code == "grant_range":
            grant = ZERO if grant < params["amount"] else min(grant, params["limit"])
    return to_cents(grant)


def rate_of(rules) -> Decimal | None:
    """The co-financing rate of the call's rules (None: no rate rule, the costs count in full)."""
    return next((params["rate"] for code, params in rules if code == "funding_rate"), None)


class TaxIds:
    """New valid tax ids, compact, never one already taken in the country."""

    def __init__(self, rng: random.Random, taken: set):
        self.rng = rng
        self.taken = taken
        self.serials: dict[tuple, int] = {}

    def _serial(self, key, span: int) -> int:
        if key not in self.serials:
            self.serials[key] = self.rng.randrange(1, span // 3)
        self.serials[key] += 1
        return self.serials[key] % span

    def _candidate(self, country: str, region: str, kind: str, size: str | None) -> str:
        if country == "ES":
            letter = "A" if size in ("medium", "large") and self.rng.random() < 0.4 else "B"
            if kind != "company":
                letter = "G"
            province = self.rng.choice(CIF_PROVINCES[region])
            body = f"{letter}{province}{self._serial(('ES', letter, province), 100_000):05d}"
            return body + es_cif.calc_check_digits(body)[0]
        if country == "IT":
            office = self.rng.choice(IT_OFFICES)
            body = f"{max(self._serial(('IT', office), 10_000_000), 1):07d}{office}"
            return body + luhn.calc_check_digit(body)
        first = "6" if kind == "public_body" else "5"
        body = f"{first}{self._serial(('PT', first), 10_000_000):07d}"
        return body + pt_nif.calc_check_digit(body)

    def new(self, country: str, region: str, kind: str, size: str | None = None) -> str:
        validators = {"ES": es_nif, "IT": it_iva, "PT": pt_nif}
        for _attempt in range(200_000):
            candidate = self._candidate(country, region, kind, size)
            if (country, candidate) not in self.taken:
                if not validators[country].is_valid(candidate):
                    raise ValueError(f"Generated an invalid tax id {candidate} for {country}.")
                self.taken.add((country, candidate))
                return candidate
        raise VolumeRefused(f"No free tax id left for {country} {region}: the database is full of volume data.")
