"""The demo data: the four agencies and five programmes of the seeds, with invented firms.

Figures of the programmes come from the seed descriptions (see docs/programmes.md).
Firms, consortia and people are invented; tax ids are valid but belong to nobody
we know of. Dates are relative to the year the command runs in.
"""

from decimal import Decimal as D


# Where each rule of a demo call comes from (programmes.CallRule.basis and note): the programme's
# published description (the seed's own words, quoted in the note), or the agency's
# configuration where the description is silent or had to be interpreted (the note says why).
# The public pages show the second kind under "The agency's configuration"; docs/programmes.md
# lists every demo value with its source. A rule may give its own "position" (default: 10 per row).
def programme_rule(code, note, **params):
    return code, {**params, "basis": "programme", "note": note}


def agency_rule(code, note, **params):
    return code, {**params, "basis": "agency", "note": note}


def rule_positions(rules):
    """Each rule as (position, code, parameters): its own "position", or 10 past the last row without one."""
    index = 0
    for code, params in rules:
        params = dict(params)
        if "position" not in params:
            index += 1
        yield params.pop("position", index * 10), code, params

# The documents each demo call asks for: (kind, formats, maximum size in MB, required). Named by
# their kind (programmes.DocumentKind, translated with the portal), so they carry no demo text.
def document(kind, formats="pdf", max_size_mb=10, required=True):
    return {"kind": kind, "formats": formats, "max_size_mb": max_size_mb, "required": required}


CONSORTIUM_DOCUMENTS = [document("statutes"), document("quote", "pdf, jpg, png", 5, required=False)]
PROMOTION_DOCUMENTS = [
    document("statutes"),
    document("quote", "pdf, xlsx, ods", 10),
    document("financial", "pdf, xlsx, ods", 10, required=False),
]
# The agency forms the consortia of the seed-funding call and records their statutes itself (the formation).
SEED_FUNDING_DOCUMENTS = [document("statutes", required=False)]
PIMEX_DOCUMENTS = [document("financial", "pdf, xlsx, ods", 10), document("declaration", required=False)]
COLLECTIVE_DOCUMENTS = [document("declaration"), document("quote", "pdf, xlsx", 10, required=False)]



ONE_PER_CALL = "The programme's description is silent; the agency takes one application per applicant and call."
TRUTHFUL = "The programme's description is silent; the agency asks every applicant to declare the truth of its data."
DE_MINIMIS_DECLARATION = (
    "The programme's description does not name the State aid basis; the agency grants the aid as de minimis "
    "aid (Regulation (EU) 2023/2831), which requires these declarations."
)
DE_MINIMIS_CEILING = (
    "The programme's description does not name the State aid basis; the agency grants the aid as de minimis "
    "aid (Regulation (EU) 2023/2831): at most 300,000 EUR per undertaking over three years."
)

# Seed 000: "with their activity focused on manufacturing or processing, as well as companies whose
# final product is a service". Manufacturing (C) includes processing (food, wine, cork...); the
# service sections are trade, transport, hospitality, information, finance, professional,
# administrative, education, health, arts and other services. Left out: goods that are grown,
# extracted, supplied through networks or built (A, B, D, E, F), real estate (L: owning and letting
# property), public administration (O), households (T) and extraterritorial bodies (U).
EXPORT_CONSORTIA_ACTIVITIES = "C,G,H,I,J,K,M,N,P,Q,R,S"

AGENCIES = [
    {
        "slug": "extremadura-avante",
        "name": "Extremadura Avante",
        "short_name": "Extremadura Avante",
        "country": "ES",
        "region": "ES43",
        "timezone": "Europe/Madrid",
        "language": "es",
    },
    {
        "slug": "emilia-romagna",
        "name": "Regione Emilia-Romagna",
        "short_name": "Emilia-Romagna",
        "country": "IT",
        "region": "ITH5",
        "timezone": "Europe/Rome",
        "language": "it",
    },
    {
        "slug": "sodercan",
        "name": "SODERCAN, Sociedad para el Desarrollo Regional de Cantabria",
        "short_name": "SODERCAN",
        "country": "ES",
        "region": "ES13",
        "timezone": "Europe/Madrid",
        "language": "es",
    },
    {
        "slug": "alentejo-2020",
        "name": "Alentejo 2020 / CCDR Alentejo",
        "short_name": "Alentejo 2020",
        "country": "PT",
        "region": "PT18",
        "timezone": "Europe/Lisbon",
        "language": "pt",
    },
]

COLLECTIVE_ACTIONS_RULES = [
    programme_rule(
        "applicant_type",
        "The published programme: “Beneficiaries: Agencies and public entities, Business Associations and other support "
        "services organizations (non-profit)”.",
        choices="non_profit,public_body",
    ),
    agency_rule(
        "member_regions",
        "The published programme is about the Alentejo's SMEs but does not say where the applicant must be based; the agency "
        "asks for a registered office in the Alentejo (PT18).",
        choices="PT18",
    ),
    agency_rule("one_per_call", ONE_PER_CALL),
    agency_rule("declarations", TRUTHFUL, choices="truthful"),
    programme_rule(
        "declarations",
        "The published programme: the activities “must benefit the SMEs as a whole”, “not a specific establishment”.",
        choices="collective_benefit",
        position=45,
    ),
    agency_rule(
        "funding_rate",
        "The published programme gives the contests' budgets but no funding rate: 85% of the eligible costs is the agency's "
        "configuration, not a published figure.",
        rate=D("85.00"),
    ),
]

# Each call: "window" is either "year" (1 January to 31 December, local time) or
# (days before today it opened, days after today it closes, closing hour local).
PROGRAMMES = [
    {
        "agency": "extremadura-avante",
        "slug": "export-consortiums-extremadura",
        "name": "Export Consortiums",
        "kind": "export_consortia",
        "applicant_type": "consortium",
        "summary": (
            "Support for SMEs of related sectors that go abroad together: commercial trips, promotional "
            "material and specific promotion actions of export consortia based in Extremadura."
        ),
        "who_can_apply": (
            "Consortia of at least three companies with their registered office in Extremadura, whose activity "
            "is manufacturing or processing, or whose final product is a service."
        ),
        "funding_rules": (
            "The grant depends on the consortium's stage: up to 8,000 EUR for consortia in initiation (members "
            "have not yet carried out joint promotion actions), up to 5,000 EUR in development (1 to 3 years "
            "since establishment) and up to 3,000 EUR for consolidated consortia (over 3 years). The programme "
            "has up to 58,000 EUR a year."
        ),
        "fund": "ERDF",
        "specific_objective": "OP Extremadura, priority axis 3 (competitiveness of SMEs), investment priority 3d",
        "intervention_type": "Support to SMEs' internationalisation",
        "eu_cofinancing_rate": D("80.00"),
        "categories": [
            ("commercial-trips", "Commercial trips", "Trade missions and business trips to target markets."),
            ("promotional-material", "Promotional material", "Catalogues, samples, websites in other languages."),
            ("promotion-actions", "Specific promotion actions", "Trade fairs, tastings, showrooms abroad."),
            ("consultancy", "Specialised consultancy", "Market studies and advice for a new market."),
            ("marketing", "Marketing and merchandising", "Brand material and merchandising of the consortium."),
        ],
        "calls": [
            {
                "slug": "{year}",
                "title": "Export Consortiums {year}",
                "reference_prefix": "EXP",
                "budget": D("58000.00"),
                "window": "year",
                "description": "Open call for the whole year: applications are accepted until 31 December.",
                "documents": CONSORTIUM_DOCUMENTS,
                "rules": [
                    programme_rule(
                        "applicant_type",
                        "The published programme: export consortia, “the creation of a business group” of SMEs.",
                        choices="consortium",
                    ),
                    programme_rule(
                        "min_members",
                        "The published programme: “at least three companies with a registered office in Extremadura”.",
                        number=3,
                        choices="ES43",
                    ),
                    agency_rule(
                        "member_regions",
                        "The published programme asks for at least three companies with a registered office in Extremadura; "
                        "that every member has it there is the agency's reading.",
                        choices="ES43",
                    ),
                    agency_rule(
                        "member_activity",
                        "The published programme: “activity focused on manufacturing or processing, as well as companies whose "
                        "final product is a service”. The NACE sections are the agency's reading: manufacturing "
                        "(C, processing included) and the service sections; not farming, mining, utilities, "
                        "construction or real estate (A, B, D, E, F, L).",
                        choices=EXPORT_CONSORTIA_ACTIVITIES,
                    ),
                    programme_rule("sme_only", "The published programme: a programme “to help SMEs to make the leap to foreign markets”."),
                    agency_rule("one_per_call", ONE_PER_CALL),
                    agency_rule("declarations", DE_MINIMIS_DECLARATION, choices="truthful,de_minimis,no_export_aid"),
                    programme_rule(
                        "stage_cap",
                        "The published programme: “Initiation Consortiums receive up to 8.000€”.",
                        choices="initiation",
                        amount=D("8000.00"),
                    ),
                    programme_rule(
                        "stage_cap",
                        "The published programme: “Consortiums in Development up to 5.000€”.",
                        choices="development",
                        amount=D("5000.00"),
                    ),
                    programme_rule(
                        "stage_cap",
                        "The published programme: “Consolidated Consortiums up to 3.000€”.",
                        choices="consolidated",
                        amount=D("3000.00"),
                    ),
                    agency_rule("de_minimis", DE_MINIMIS_CEILING),
                ],
            }
        ],
    },
    {
        "agency": "emilia-romagna",
        "slug": "consortia-promotion-projects-emilia-romagna",
        "name": "Co-financing of consortia promotional projects",
        "kind": "cofinancing",
        "applicant_type": "consortium",
        "summary": (
            "Regional co-financing of the yearly promotional projects of internationalisation consortia on "
            "foreign target markets: Europe, the Eastern area, North and South America, Japan, China, India "
            "and South Africa."
        ),
        "who_can_apply": (
            "Internationalisation consortia specialised in a sector, whose members are SMEs (mostly micro "
            "companies) of Emilia-Romagna."
        ),
        "funding_rules": (
            "40% of eligible costs, with a grant from 30,000 EUR up to 150,000 EUR per promotional project. "
            "About 2 million EUR a year."
        ),
        "fund": "ERDF",
        "specific_objective": "RSO1.3: growth and competitiveness of SMEs",
        "intervention_type": "Support to SMEs' internationalisation",
        "eu_cofinancing_rate": D("40.00"),
        "categories": [
            ("b2b-meetings", "B2B meetings", "Meetings with foreign buyers and partners."),
            ("outgoing-missions", "Outgoing missions", "Missions of member companies to target markets."),
            ("incoming-missions", "Incoming missions", "Visits of foreign buyers and journalists."),
            ("exhibitions", "Exhibitions and trade fairs", "Stands at international fairs."),
            ("international-events", "International events", "Events, workshops and presentations abroad."),
            ("promotional-material", "Promotional material", "Material in the languages of the target markets."),
            ("staff", "Specialised export staff", "Export managers employed by the consortium."),
        ],
        "calls": [
            {
                "slug": "promotional-projects-{year}",
                "title": "Consortia promotional projects {year}",
                "reference_prefix": "CPR",
                "budget": D("2000000.00"),
                "window": (20, 40, 13),
                "description": "Yearly promotional projects of internationalisation consortia.",
                "documents": PROMOTION_DOCUMENTS,
                "rules": [
                    programme_rule(
                        "applicant_type",
                        "The published programme: “yearly promotional projects submitted by Internationalisation Consortia”.",
                        choices="consortium",
                    ),
                    agency_rule(
                        "min_members",
                        "The published programme gives no minimum number of members; the agency asks for three.",
                        number=3,
                    ),
                    agency_rule(
                        "member_regions",
                        "The published programme describes regional co-financing by Emilia-Romagna but does not say where the "
                        "members must be; the agency asks for their registered office in the region.",
                        choices="ITH5",
                    ),
                    programme_rule(
                        "sme_only",
                        "The published programme: projects “for penetrating foreign target markets by member SMEs”.",
                    ),
                    agency_rule("one_per_call", ONE_PER_CALL),
                    agency_rule("declarations", DE_MINIMIS_DECLARATION, choices="truthful,de_minimis,no_export_aid"),
                    agency_rule(
                        "category_cap",
                        "The published programme says the consortia employ skilled export staff but sets no limit on staff "
                        "costs; the agency caps them at 30% of the project, so most of the grant goes to "
                        "promotion.",
                        category="staff",
                        rate=D("30.00"),
                    ),
                    programme_rule("funding_rate", "The published programme: “Amount of co-financing: 40% of eligible costs”.", rate=D("40.00")),
                    programme_rule(
                        "grant_range",
                        "The published programme: “from 30,000 up to 150,000 euro per promotional project/consortium”.",
                        amount=D("30000.00"),
                        limit=D("150000.00"),
                    ),
                    agency_rule("de_minimis", DE_MINIMIS_CEILING),
                ],
            }
        ],
    },
    {
        "agency": "sodercan",
        "slug": "export-consortia-cantabria",
        "name": "Export consortia of Cantabria",
        "kind": "export_consortia",
        "applicant_type": "consortium",
        "summary": (
            "SODERCAN brings Cantabrian companies of one sector together to bid for international contracts "
            "as one consortium offering a full service: metal, agri-food and marine renewable energy."
        ),
        "who_can_apply": (
            "Consortia of Cantabrian companies in metal, agri-food or marine renewable energy, formed through "
            "SODERCAN's process: identified companies meet, decide to join, and appoint a consortium manager."
        ),
        "funding_rules": (
            "Seed funding to establish the consortium, up to 700,000 EUR in all. Member companies then pay "
            "fees for the consortium's running costs. Success is measured by the international orders and "
            "contracts the consortium wins."
        ),
        "fund": "ERDF",
        "specific_objective": "RSO1.3: growth and competitiveness of SMEs",
        "intervention_type": "Support to SMEs' internationalisation",
        "eu_cofinancing_rate": D("60.00"),
        "categories": [
            ("establishment", "Establishment of the consortium", "Statutes, legal advice, registration."),
            ("consortium-manager", "Consortium manager", "The manager appointed to run the consortium."),
            ("international-marketing", "International marketing", "Marketing the consortium's full-service offer."),
            ("bids", "International bids", "Preparing bids for international tenders and contracts."),
            ("commercial-trips", "Commercial trips", "Trips to meet clients and partners abroad."),
        ],
        "calls": [
            {
                "slug": "seed-funding-{year}",
                "title": "Seed funding for export consortia {year}",
                "reference_prefix": "SOD",
                "budget": D("700000.00"),
                "window": (10, 60, 14),
                "description": "Seed funding for consortia in metal, agri-food and marine renewable energy.",
                "documents": SEED_FUNDING_DOCUMENTS,
                "rules": [
                    programme_rule(
                        "applicant_type",
                        "The published programme: “Provide funding to formally stablish the consortium”.",
                        choices="consortium",
                    ),
                    agency_rule(
                        "min_members",
                        "The published programme identifies “around 25” companies but gives no minimum; the agency asks for "
                        "three members in Cantabria.",
                        number=3,
                        choices="ES13",
                    ),
                    programme_rule(
                        "member_regions",
                        "The published programme: “to help local firms”; the consortia are of Cantabrian companies.",
                        choices="ES13",
                    ),
                    programme_rule(
                        "consortium_sector",
                        "The published programme: “with focus on metal, agri-food and, currently under development, marine "
                        "renewable energies”.",
                        choices="metal,agri_food,marine_renewable_energy",
                    ),
                    programme_rule("sme_only", "The published programme: “There are many barriers for SMEs wishing to export”."),
                    agency_rule("one_per_call", ONE_PER_CALL),
                    agency_rule("declarations", DE_MINIMIS_DECLARATION, choices="truthful,de_minimis"),
                    agency_rule(
                        "grant_cap",
                        "The published programme: “Initial seed funding the consortia is required (up to €700.000)”. It does not "
                        "say whether this is per consortium or in all; the agency makes it the call's budget and "
                        "the most one consortium may receive.",
                        amount=D("700000.00"),
                    ),
                    agency_rule("de_minimis", DE_MINIMIS_CEILING),
                ],
            }
        ],
    },
    {
        "agency": "extremadura-avante",
        "slug": "pimex",
        "name": "PIMEX",
        "kind": "pimex",
        "applicant_type": "company",
        "summary": (
            "Individual coaching for Extremadura SMEs that start or step up their internationalisation: "
            "technical support, training and up to 2,500 EUR of promotion actions per company."
        ),
        "who_can_apply": (
            "SMEs with their registered office in Extremadura that commit to attend three group training "
            "sessions and three individual tutorials at their premises."
        ),
        "funding_rules": (
            "Promotion actions and expenses up to 2,500 EUR per company. Each participant ends with a SWOT "
            "analysis and an international action plan. The yearly budget is 88,280 EUR: 75,000 for actions, "
            "5,000 for training and 8,280 for consultancy."
        ),
        "fund": "ERDF and ESF+",
        "specific_objective": "RSO1.4: skills for smart specialisation and entrepreneurship",
        "intervention_type": "Advanced support services for SMEs",
        "eu_cofinancing_rate": D("80.00"),
        "categories": [
            ("promotion-actions", "Promotion actions", "Trade fairs, trips and promotional material abroad."),
            ("training", "Group training sessions", "Three face-to-face group sessions (provided by the agency)."),
            ("tutorials", "Individual tutorials", "Three tutorials at the company (provided by the agency)."),
            ("consultancy", "Senior consultancy", "External senior consultant on request."),
        ],
        "calls": [
            {
                "slug": "{year}",
                "title": "PIMEX {year}",
                "reference_prefix": "PMX",
                "budget": D("75000.00"),
                "window": (45, 25, 14),
                "description": "Budget for promotion actions of the participating companies (75,000 of 88,280 EUR).",
                "documents": PIMEX_DOCUMENTS,
                "rules": [
                    programme_rule(
                        "applicant_type",
                        "The published programme: “a Support Program to help Extremadura companies”.",
                        choices="company",
                    ),
                    programme_rule("member_regions", "The published programme: “Extremadura companies”.", choices="ES43"),
                    programme_rule("sme_only", "The published programme: “SMEs with motivation to internationalise”."),
                    agency_rule("one_per_call", ONE_PER_CALL),
                    agency_rule("declarations", DE_MINIMIS_DECLARATION, choices="truthful,de_minimis"),
                    programme_rule(
                        "declarations",
                        "The published programme: participants “commit themselves” to three group training sessions and three "
                        "individual tutorials.",
                        choices="pimex_commitment",
                        position=55,
                    ),
                    programme_rule(
                        "per_company_cap",
                        "The published programme: “Actions and expenses valued at a maximum of 2,500€ per company”.",
                        amount=D("2500.00"),
                    ),
                    agency_rule("de_minimis", DE_MINIMIS_CEILING),
                ],
            }
        ],
    },
    {
        "agency": "alentejo-2020",
        "slug": "collective-actions-alentejo",
        "name": "Collective Actions – Internationalisation",
        "kind": "collective_actions",
        "applicant_type": "non_profit",
        "summary": (
            "Actions that improve the conditions for the internationalisation of Alentejo SMEs as a whole, such "
            "as promoting Alentejo wine in selected markets, carried out by associations and public bodies."
        ),
        "who_can_apply": (
            "Public agencies and bodies, business associations and other non-profit support organisations. "
            "The action must benefit a group of SMEs collectively, not one company."
        ),
        "funding_rules": (
            "Contests with their own budget (3 million and 2 million EUR). A technical team of Alentejo 2020 "
            "and AICEP analyses the proposals."
        ),
        "fund": "ERDF",
        "specific_objective": "RSO1.3: growth and competitiveness of SMEs",
        "intervention_type": "Support to SMEs' internationalisation (collective actions)",
        "legal_basis": "gber",
        "eu_cofinancing_rate": D("85.00"),
        "categories": [
            ("market-research", "Market research", "Studies of markets, consumers and legal aspects."),
            ("promotion-campaigns", "International promotion campaigns", "Campaigns for regional products."),
            ("fairs-events", "Trade fairs and events", "Collective presence at fairs and events abroad."),
            ("inverse-missions", "Inverse missions", "Visits of foreign buyers, press and prescribers."),
            ("communication", "Communication and digital marketing", "Collective brand and digital presence."),
        ],
        "calls": [
            {
                "slug": "contest-1-{year}",
                "title": "Collective Actions – contest 1 ({year})",
                "reference_prefix": "ALT",
                "budget": D("3000000.00"),
                "window": (30, 30, 18),
                "description": "First contest of the year.",
                "documents": COLLECTIVE_DOCUMENTS,
                "rules": COLLECTIVE_ACTIONS_RULES,
            },
            {
                "slug": "contest-2-{year}",
                "title": "Collective Actions – contest 2 ({year})",
                "reference_prefix": "ALT2",
                "budget": D("2000000.00"),
                "window": (-40, 90, 18),
                "description": "Second contest: opens after the first one has closed.",
                "documents": COLLECTIVE_DOCUMENTS,
                "rules": COLLECTIVE_ACTIONS_RULES,
            },
        ],
    },
]

# (key, kind, legal name, country, region, city, NACE, founded year, staff, turnover, balance sheet)
# The cherry company processes and preserves cherries (10.39): it belongs to an export consortium,
# whose members manufacture or process, or sell a service (seed 000).
ORGANISATIONS = [
    ("dehesa", "company", "Dehesa Ibérica del Sur S.L.", "ES", "ES43", "Jerez de los Caballeros", "10.13", 1998, "38", "7200000", "5100000"),
    ("aceites", "company", "Aceites Sierra de Gata S.L.", "ES", "ES43", "Hoyos", "10.41", 2005, "9", "1400000", "900000"),
    ("pimenton", "company", "Pimentón La Vera Tradición S.L.", "ES", "ES43", "Jaraíz de la Vera", "10.84", 1987, "14", "2300000", "1800000"),
    ("quesos", "company", "Quesos Torta del Casar S.L.", "ES", "ES43", "Casar de Cáceres", "10.51", 2001, "22", "3900000", "2600000"),
    ("bodegas", "company", "Bodegas Tierra de Barros S.L.", "ES", "ES43", "Almendralejo", "11.02", 1979, "46", "9800000", "12500000"),
    ("corcho", "company", "Corchos Extremeños S.L.", "ES", "ES43", "San Vicente de Alcántara", "16.29", 1992, "27", "4100000", "3300000"),
    ("granitos", "company", "Granitos Quintana S.L.", "ES", "ES43", "Quintana de la Serena", "23.70", 1985, "31", "5600000", "4800000"),
    ("metalicas", "company", "Metálicas Guadiana S.L.", "ES", "ES43", "Badajoz", "25.11", 2008, "18", "2700000", "1900000"),
    ("cerezas", "company", "Cerezas Valle del Jerte S.L.", "ES", "ES43", "Cabezuela del Valle", "10.39", 2012, "6", "850000", "600000"),
    ("tomates", "company", "Tomates Vegas Altas S.L.", "ES", "ES43", "Don Benito", "10.39", 2003, "64", "14500000", "9800000"),
    ("embutidos", "company", "Embutidos Montánchez S.L.", "ES", "ES43", "Montánchez", "10.13", 1995, "11", "1600000", "1200000"),
    ("solar", "company", "Ingeniería Solar Extremadura S.L.", "ES", "ES43", "Mérida", "71.12", 2016, "8", "950000", "700000"),
    ("caldereria", "company", "Calderería Besaya S.L.", "ES", "ES13", "Torrelavega", "25.29", 1990, "56", "11200000", "8700000"),
    ("mecanizados", "company", "Mecanizados del Pas S.L.", "ES", "ES13", "Puente Viesgo", "25.62", 2001, "23", "3200000", "2400000"),
    ("naval", "company", "Naval Santander Ingeniería S.L.", "ES", "ES13", "Santander", "30.11", 2007, "41", "8300000", "6100000"),
    ("offshore", "company", "Offshore Cantábrico S.L.", "ES", "ES13", "Santander", "33.15", 2019, "12", "1900000", "1500000"),
    ("anchoas", "company", "Anchoas de Santoña S.L.", "ES", "ES13", "Santoña", "10.20", 1968, "33", "6100000", "4200000"),
    ("sobaos", "company", "Sobaos Pasiegos Selaya S.L.", "ES", "ES13", "Selaya", "10.71", 1983, "19", "2800000", "1700000"),
    ("ceramiche", "company", "Ceramiche Sassuolo Design S.r.l.", "IT", "ITH5", "Sassuolo", "23.31", 1976, "74", "18900000", "16400000"),
    ("packaging", "company", "Packaging Bologna S.r.l.", "IT", "ITH5", "Bologna", "28.29", 1999, "48", "9700000", "8100000"),
    ("caseificio", "company", "Caseificio Parmense S.r.l.", "IT", "ITH5", "Parma", "10.51", 1962, "16", "4800000", "3900000"),
    ("acetaia", "company", "Acetaia Modenese S.r.l.", "IT", "ITH5", "Modena", "10.84", 1954, "7", "1200000", "1500000"),
    ("meccanica", "company", "Meccanica Reggiana S.r.l.", "IT", "ITH5", "Reggio Emilia", "28.41", 1988, "35", "6900000", "5200000"),
    ("moda", "company", "Moda Carpi S.r.l.", "IT", "ITH5", "Carpi", "14.13", 2004, "21", "3400000", "2100000"),
    ("vinhos", "non_profit", "Associação de Vinhos do Alentejo", "PT", "PT18", "Évora", "94.11", 1989, "14", "1800000", "900000"),
    ("aealentejo", "non_profit", "Associação Empresarial do Alentejo", "PT", "PT18", "Beja", "94.11", 1975, "9", "700000", "450000"),
    ("adral", "public_body", "Agência de Desenvolvimento Regional do Alentejo", "PT", "PT18", "Évora", "84.13", 1998, "25", "2100000", "1700000"),
    ("azeite", "company", "Herdade do Monte Azeites Lda", "PT", "PT18", "Moura", "10.41", 2009, "17", "3100000", "4200000"),
    ("cortica", "company", "Cortiça Alentejana Lda", "PT", "PT18", "Ponte de Sor", "16.29", 1996, "52", "8800000", "7300000"),
    ("marmores", "company", "Mármores de Estremoz Lda", "PT", "PT18", "Estremoz", "23.70", 1981, "29", "4400000", "3600000"),
]

# (name, sector, years since establishment, joint actions, members) — members as
# (organisation key, status); stage follows from the dates: initiation, development, consolidated.
CONSORTIA = [
    ("Consorcio Sabores de Extremadura", "agri_food", 0, False, [("dehesa", "active"), ("aceites", "active"), ("pimenton", "active"), ("quesos", "active")]),
    ("Consorcio Piedra y Corcho", "construction", 2, True, [("corcho", "active"), ("granitos", "active"), ("metalicas", "active")]),
    ("Consorcio Vinos y Frutas de Extremadura", "agri_food", 6, True, [("bodegas", "active"), ("cerezas", "active"), ("tomates", "active"), ("embutidos", "left")]),
    ("Cantabria Metal Export", "metal", 8, True, [("caldereria", "active"), ("mecanizados", "active"), ("naval", "active")]),
    ("Cantabria Marine Energy", "marine_renewable_energy", 0, False, [("offshore", "active"), ("naval", "active"), ("mecanizados", "invited")]),
    ("Consorzio Food Valley Export", "agri_food", 10, True, [("caseificio", "active"), ("acetaia", "active"), ("packaging", "active")]),
    ("Consorzio Ceramica e Design", "construction", 2, True, [("ceramiche", "active"), ("meccanica", "active"), ("moda", "active")]),
]

# The evidence of the stage: the first joint promotion action of the consortia that had one (the others
# are in initiation), dated by the seed some months after their establishment.
FIRST_JOINT_ACTIONS = {
    "Consorcio Piedra y Corcho": "Joint stand at the Stone+tec fair, Nuremberg",
    "Consorcio Vinos y Frutas de Extremadura": "Joint tasting of wines and cherries in Hamburg",
    "Cantabria Metal Export": "Joint offer at the Offshore Europe fair, Aberdeen",
    "Consorzio Food Valley Export": "Joint stand at Anuga, Cologne",
    "Consorzio Ceramica e Design": "Joint showroom at Cersaie, Bologna",
}

# The approved export consortium's results, for the dashboard's stage figures and actions by type (seed 000
# counts missions and events, consultancy services and marketing activities): its grant accepted and its
# final report sent by the demo beneficiary (who represents one of its members), with the actions as
# (type, cost category code, description, country, days before today).
CONSORTIUM_REPORT = {
    "consortium": "Consorcio Vinos y Frutas de Extremadura",
    "narrative": "A tasting in Mexico City for 60 buyers, with merchandising; two follow-up missions and a market study.",
    "new_markets": "Mexico",
    "actions": [
        ("mission", "promotion-actions", "Tasting of wines and cherries, Mexico City", "MX", 60),
        ("mission", "commercial-trips", "Follow-up mission to Guadalajara", "MX", 30),
        ("consultancy", "consultancy", "Study of the Mexican import rules for fresh fruit", "MX", 45),
        ("marketing", "marketing", "Merchandising for the tasting", "MX", 61),
    ],
}

# (programme slug, call index, applicant: ("consortium", name) or ("organisation", key),
#  title, final status, granted amount, budget lines as (category code, description, amount))
APPLICATIONS = [
    ("export-consortiums-extremadura", 0, ("consortium", "Consorcio Sabores de Extremadura"),
     "Extremadura flavours at SIAL Paris", "submitted", None,
     [("promotion-actions", "Shared stand at SIAL Paris", "6500.00"), ("promotional-material", "Catalogue in French and English", "1800.00"), ("commercial-trips", "Two trips to Paris", "1400.00")]),
    ("export-consortiums-extremadura", 0, ("consortium", "Consorcio Piedra y Corcho"),
     "Stone and cork for Nordic architects", "under_review", None,
     [("commercial-trips", "Mission to Stockholm and Oslo", "3200.00"), ("consultancy", "Nordic building rules study", "2500.00")]),
    ("export-consortiums-extremadura", 0, ("consortium", "Consorcio Vinos y Frutas de Extremadura"),
     "Wines and cherries in Mexico", "approved", "3000.00",
     [("promotion-actions", "Tasting at Mexico City", "2600.00"), ("marketing", "Merchandising for the tasting", "900.00")]),
    ("consortia-promotion-projects-emilia-romagna", 0, ("consortium", "Consorzio Food Valley Export"),
     "Food Valley in Japan and South Korea", "under_review", None,
     [("exhibitions", "FOODEX Japan stand", "95000.00"), ("b2b-meetings", "B2B meetings in Seoul", "38000.00"), ("incoming-missions", "Japanese buyers in Parma", "42000.00"), ("staff", "Export manager for Asia", "75000.00")]),
    ("consortia-promotion-projects-emilia-romagna", 0, ("consortium", "Consorzio Ceramica e Design"),
     "Ceramics and design in North America", "draft", None,
     [("exhibitions", "Coverings fair, Orlando", "60000.00"), ("outgoing-missions", "Mission to Toronto", "18000.00")]),
    ("export-consortia-cantabria", 0, ("consortium", "Cantabria Metal Export"),
     "Full-service offer for offshore structures", "clarification_requested", None,
     [("bids", "Bids for North Sea tenders", "120000.00"), ("consortium-manager", "Consortium manager, 2 years", "140000.00"), ("international-marketing", "Offer brochure and website", "35000.00")]),
    ("export-consortia-cantabria", 0, ("consortium", "Cantabria Marine Energy"),
     "Establishing the marine renewable energy consortium", "draft", None,
     [("establishment", "Statutes and registration", "12000.00"), ("consortium-manager", "Manager for the first year", "65000.00")]),
    ("pimex", 0, ("organisation", "cerezas"), "First steps in Germany", "submitted", None,
     [("promotion-actions", "Fruit Logistica Berlin visit", "2200.00")]),
    ("pimex", 0, ("organisation", "tomates"), "Processed tomato in the Gulf countries", "approved", "2500.00",
     [("promotion-actions", "Gulfood Dubai visit", "2500.00"), ("promotion-actions", "Samples", "600.00")]),
    ("pimex", 0, ("organisation", "embutidos"), "Cured sausages in China", "rejected", None,
     [("promotion-actions", "Trip to Shanghai", "2400.00")]),
    ("pimex", 0, ("organisation", "bodegas"), "Wine in the United States", "reserve", None,
     [("promotion-actions", "Tasting in New York", "2500.00")]),
    ("pimex", 0, ("organisation", "solar"), "Solar engineering services in Morocco", "draft", None,
     [("promotion-actions", "Mission to Casablanca", "1900.00")]),
    ("collective-actions-alentejo", 0, ("organisation", "vinhos"), "Alentejo wines in Brazil and Angola", "under_review", None,
     [("promotion-campaigns", "Campaign in São Paulo and Luanda", "380000.00"), ("inverse-missions", "Buyers and press in Évora", "120000.00"), ("market-research", "Consumer study, Brazil", "45000.00")]),
    ("collective-actions-alentejo", 0, ("organisation", "aealentejo"), "Alentejo cork and stone at international fairs", "approved", "400000.00",
     [("fairs-events", "Collective stands at three fairs", "350000.00"), ("communication", "Collective brand website", "132000.00")]),
    ("collective-actions-alentejo", 0, ("organisation", "adral"), "Market intelligence for Alentejo exporters", "withdrawn", None,
     [("market-research", "Market studies, five markets", "90000.00")]),
]

# Why an approved demo application has no reviews in the portal: its agency's reviewers are not demo
# users (seed 004: AICEP and IAPMEI's technical team analysed the proposals), so the administrator
# approves it against the reviews with this reason, as a programme manager would.
APPROVED_WITHOUT_REVIEWS = (
    "Analysed and approved by the agency's technical team, whose reviewers do not use the portal in the demo."
)

# The path each final status is reached by, from draft.
STATUS_PATHS = {
    "draft": [],
    "submitted": ["submitted"],
    "under_review": ["submitted", "under_review"],
    "clarification_requested": ["submitted", "under_review", "clarification_requested"],
    "approved": ["submitted", "under_review", "approved"],
    "reserve": ["submitted", "under_review", "reserve"],
    "rejected": ["submitted", "under_review", "rejected"],
    "withdrawn": ["submitted", "withdrawn"],
    "closed": ["submitted", "under_review", "approved", "closed"],
}

DEMO_PASSWORD = "demo-portal-2026"

# (e-mail, full name, role, agency slug, language)
USERS = [
    ("applicant@demo.example", "Lucía Applicant", "applicant", None, "es"),
    ("staff@demo.example", "Javier Technician", "staff", "extremadura-avante", "es"),
    ("manager@demo.example", "Marta Manager", "manager", "extremadura-avante", "es"),
    ("admin@demo.example", "Ana Administrator", "admin", None, "en"),
    # Represents the approved PIMEX company: the grant accepted, an expense reported (seed_demo._post_award).
    ("beneficiary@demo.example", "Rosa Beneficiary", "beneficiary", None, "es"),
]

# Review criteria of every demo call: (name, what the reviewer looks at, weight, maximum, minimum).
CRITERIA = [
    ("Quality of the international action plan", "Clear objectives, target markets and actions with a calendar.", "3", 10, 5),
    ("Market potential", "Demand for the products or services in the target markets.", "2", 10, 4),
    ("Capacity of the applicant", "Staff, experience abroad and means to carry out the actions.", "2", 10, 4),
    ("Expected results", "Orders, contracts, new markets and jobs the project can bring.", "3", 10, 5),
]


# What the co-financing and collective-action programmes ask beyond the common form
# (applications.programme_fields), for the demo applications.
PROGRAMME_FIELDS = {
    "cofinancing": {"markets": ["north_america", "japan"], "activity_types": ["exhibition", "b2b"]},
    "collective_actions": {
        "sme_group_sector": "Alentejo wine producers",
        "sme_group_region": "PT18",
        "estimated_smes": 40,
        "objectives": ["international_recognition", "cooperation"],
    },
}

# PIMEX coaching of the demo call (applications.pimex): its group sessions as (title, days from
# today, place), and where the approved participant ("tomates") stands: two sessions and two
# tutorials done, the SWOT without its threats, an action plan, no survey yet.
PIMEX_SESSIONS = [
    ("Strategic planning for internationalisation", -21, "Extremadura Avante, Mérida"),
    ("Choosing and researching target markets", -7, "Extremadura Avante, Cáceres"),
    ("Export pricing, logistics and payment terms", 14, "Extremadura Avante, Badajoz"),
]
PIMEX_PARTICIPANT = {
    "organisation": "tomates",
    # (days from today, topic, attended): None until the technician records it.
    "tutorials": [
        (-14, "Export diagnosis of the company", True),
        (-3, "SWOT analysis with the export team", True),
        (10, "Action plan for the Gulf countries", None),
    ],
    "swot": {
        "strengths": "Own processing plant in the Vegas Altas; certified quality (IFS, BRC); 20 years of exports within the EU.",
        "weaknesses": "No Arabic-speaking staff; labels and catalogue only in Spanish and English.",
        "opportunities": "Growing demand for processed tomato in hotels and restaurants of the Gulf; Halal certification within reach.",
        "threats": "",
    },
    "plan": {
        "target_markets": "United Arab Emirates, Saudi Arabia, Qatar",
        "objectives": "Two distributors in the Gulf and 5% of turnover from the region within two years.",
    },
    # (description, market, days from today it starts, days it lasts, budget)
    "actions": [
        ("Visit to Gulfood, Dubai", "United Arab Emirates", 40, 5, "1900.00"),
        ("Samples and tasting for distributors in Riyadh", "Saudi Arabia", 75, 30, "600.00"),
    ],
}

# A one-page PDF standing for the receipt of the demo's expense.
DEMO_RECEIPT_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


# Programme-year budgets: each programme's budget for the year its calls draw from, in lines
# (name, purpose, amount); one line is for grants, the others for the agency's own spending.
# Alentejo's contests have their own budgets and no yearly budget (seed 004): not listed.
BUDGETS = {
    "export-consortiums-extremadura": [("Grants to export consortia", "grants", D("58000.00"))],
    "consortia-promotion-projects-emilia-romagna": [("Co-financing of promotion projects", "grants", D("2000000.00"))],
    "export-consortia-cantabria": [("Seed funding for new consortia", "grants", D("700000.00"))],
    # Seed 003: 88,280 = 75,000 promotion actions + 5,000 training + 8,280 consultancy (2016).
    "pimex": [
        ("Promotion actions", "grants", D("75000.00")),
        ("Group training sessions", "agency_spending", D("5000.00")),
        ("Senior consultancy", "agency_spending", D("8280.00")),
    ],
}

# The agency's own spending on PIMEX's lines: (line name, days before today, amount, what was paid for).
AGENCY_SPENDING = [
    ("Group training sessions", 20, D("1200.00"), "Trainer and room for the first group session (export markets)"),
    ("Senior consultancy", 10, D("1650.00"), "Senior consultant: review of the participants' action plans"),
]

