"""The Spanish, Italian and Portuguese wording of the demo's agency-authored content.

`applications.demo.data` is written in English. Every text of it that the seeding turns into a
translatable field is here, keyed by the English exactly as data.py has it:

- Programme name, summary, who_can_apply, funding_rules, fund, specific_objective, intervention_type;
- Call title and description (titles keep their "{year}" placeholder in every language);
- CostCategory name and description; ReviewCriterion name and description (CRITERIA);
- CallRule note, the module constants used as notes included (ONE_PER_CALL, TRUTHFUL,
  DE_MINIMIS_DECLARATION, DE_MINIMIS_CEILING);
- the other texts the agency writes and applicants or staff read: the reason an approval has no
  reviews (APPROVED_WITHOUT_REVIEWS), PIMEX group session titles and tutorial topics, the names of
  the programme-year budget lines and the descriptions of the agency's own spending.

Texts written by applicants (application titles, budget lines, reports, SWOT, consortium
evidence), proper names (agencies, firms, consortia, places) and codes are not translated.

Use: `translations_of(text)` returns `{"es": ..., "it": ..., "pt": ...}` (a new dict each call).
Pass either the English as data.py has it, template included, and format each translation the way
the English is formatted (`{lang: t.format(year=year) for lang, t in translations_of(spec["title"]).items()}`),
or the already formatted English ("Export Consortiums 2026"): a text that is not a key but fits a
template is answered with the template's translations formatted with the same values. A text
without translation raises KeyError naming it, so a new demo text cannot go out in English only
(applications/tests/test_demo_translations.py walks data.py for the same reason).

Conventions, the agencies' own terms:
- formal register throughout (Spanish "usted", Italian "Lei", Portuguese impersonal), although these
  texts seldom address the reader at all;
- the formation (establishment) of an export consortium is "constitución" / "costituzione" /
  "constituição"; "formación" / "formazione" / "formação" mean training and appear only in PIMEX's
  training texts;
- the 2003/361/EC relation between enterprises (autonomous/partner/linked) would be "tipo de
  vinculación" / "tipo di collegamento" / "tipo de relação" (no demo text mentions it yet);
- ERDF = FEDER / FESR / FEDER, ESF+ = FSE+; "de minimis" and regulation numbers stay as they are;
- stages as the interface names them: iniciación/desarrollo/consolidación, avvio/sviluppo/
  consolidamento, arranque/desenvolvimento/consolidação; call = convocatoria / bando / aviso, and the
  Alentejo "contests" = concurso / bando / concurso;
- amounts in the languages' convention ("8.000 EUR"); months (and weekdays) in lower case;
- the notes' quotations of the programmes' published descriptions are translated and stay between
  the same quotation marks (“...”); where the published English writes "8.000€" the translation writes
  "8.000 €".

Left identical on purpose: "PIMEX" and "PIMEX {year}" (the programme's name).
"""

import re

LANGUAGES = ("es", "it", "pt")


CONTENT: dict[str, dict[str, str]] = {
    # Notes shared by several rules (the module constants ONE_PER_CALL, TRUTHFUL, DE_MINIMIS_DECLARATION,
    # DE_MINIMIS_CEILING)
    "The programme's description is silent; the agency takes one application per applicant and call.": {
        "es": (
            "La descripción del programa no dice nada al respecto; la agencia admite una solicitud por "
            "solicitante y convocatoria."
        ),
        "it": (
            "La descrizione del programma non si pronuncia; l'agenzia accetta una domanda per richiedente e per bando."
        ),
        "pt": "A descrição do programa é omissa; a agência aceita uma candidatura por candidato e por aviso.",
    },
    "The programme's description is silent; the agency asks every applicant to declare the truth of its data.": {
        "es": (
            "La descripción del programa no dice nada al respecto; la agencia pide a cada solicitante "
            "que declare la veracidad de sus datos."
        ),
        "it": (
            "La descrizione del programma non si pronuncia; l'agenzia chiede a ogni richiedente di "
            "dichiarare la veridicità dei propri dati."
        ),
        "pt": (
            "A descrição do programa é omissa; a agência pede a cada candidato que declare a veracidade dos seus dados."
        ),
    },
    (
        "The programme's description does not name the State aid basis; the agency grants the aid as de "
        "minimis aid (Regulation (EU) 2023/2831), which requires these declarations."
    ): {
        "es": (
            "La descripción del programa no indica la base jurídica en materia de ayudas de Estado; la "
            "agencia concede la ayuda como ayuda de minimis (Reglamento (UE) 2023/2831), que exige estas "
            "declaraciones."
        ),
        "it": (
            "La descrizione del programma non indica la base giuridica in materia di aiuti di Stato; "
            "l'agenzia concede l'aiuto come aiuto de minimis (Regolamento (UE) 2023/2831), che richiede "
            "queste dichiarazioni."
        ),
        "pt": (
            "A descrição do programa não indica a base jurídica em matéria de auxílios estatais; a "
            "agência concede o apoio como auxílio de minimis (Regulamento (UE) 2023/2831), que exige "
            "estas declarações."
        ),
    },
    (
        "The programme's description does not name the State aid basis; the agency grants the aid as de "
        "minimis aid (Regulation (EU) 2023/2831): at most 300,000 EUR per undertaking over three years."
    ): {
        "es": (
            "La descripción del programa no indica la base jurídica en materia de ayudas de Estado; la "
            "agencia concede la ayuda como ayuda de minimis (Reglamento (UE) 2023/2831): como máximo "
            "300.000 EUR por empresa en un período de tres años."
        ),
        "it": (
            "La descrizione del programma non indica la base giuridica in materia di aiuti di Stato; "
            "l'agenzia concede l'aiuto come aiuto de minimis (Regolamento (UE) 2023/2831): al massimo "
            "300.000 EUR per impresa nell'arco di tre anni."
        ),
        "pt": (
            "A descrição do programa não indica a base jurídica em matéria de auxílios estatais; a "
            "agência concede o apoio como auxílio de minimis (Regulamento (UE) 2023/2831): no máximo "
            "300.000 EUR por empresa num período de três anos."
        ),
    },
    # Funds, specific objectives and types of intervention
    "ERDF": {
        "es": "FEDER",
        "it": "FESR",
        "pt": "FEDER",
    },
    "ERDF and ESF+": {
        "es": "FEDER y FSE+",
        "it": "FESR e FSE+",
        "pt": "FEDER e FSE+",
    },
    "OP Extremadura, priority axis 3 (competitiveness of SMEs), investment priority 3d": {
        "es": "PO Extremadura, eje prioritario 3 (competitividad de las pymes), prioridad de inversión 3d",
        "it": "PO Extremadura, asse prioritario 3 (competitività delle PMI), priorità d'investimento 3d",
        "pt": "PO Extremadura, eixo prioritário 3 (competitividade das PME), prioridade de investimento 3d",
    },
    "RSO1.3: growth and competitiveness of SMEs": {
        "es": "RSO1.3: crecimiento y competitividad de las pymes",
        "it": "RSO1.3: crescita e competitività delle PMI",
        "pt": "RSO1.3: crescimento e competitividade das PME",
    },
    "RSO1.4: skills for smart specialisation and entrepreneurship": {
        "es": "RSO1.4: capacidades para la especialización inteligente y el emprendimiento",
        "it": "RSO1.4: competenze per la specializzazione intelligente e l'imprenditorialità",
        "pt": "RSO1.4: competências para a especialização inteligente e o empreendedorismo",
    },
    "Support to SMEs' internationalisation": {
        "es": "Apoyo a la internacionalización de las pymes",
        "it": "Sostegno all'internazionalizzazione delle PMI",
        "pt": "Apoio à internacionalização das PME",
    },
    "Advanced support services for SMEs": {
        "es": "Servicios avanzados de apoyo a las pymes",
        "it": "Servizi avanzati di sostegno alle PMI",
        "pt": "Serviços avançados de apoio às PME",
    },
    "Support to SMEs' internationalisation (collective actions)": {
        "es": "Apoyo a la internacionalización de las pymes (acciones colectivas)",
        "it": "Sostegno all'internazionalizzazione delle PMI (azioni collettive)",
        "pt": "Apoio à internacionalização das PME (ações coletivas)",
    },
    # Collective Actions (Alentejo 2020): the rules of both contests (COLLECTIVE_ACTIONS_RULES)
    (
        "The published programme: “Beneficiaries: Agencies and public entities, Business Associations "
        "and other support services organizations (non-profit)”."
    ): {
        "es": (
            "El programa publicado: “Beneficiarios: agencias y entidades públicas, asociaciones "
            "empresariales y otras organizaciones de servicios de apoyo (sin ánimo de lucro)”."
        ),
        "it": (
            "Il programma pubblicato: “Beneficiari: agenzie ed enti pubblici, associazioni di imprese e "
            "altre organizzazioni di servizi di supporto (senza scopo di lucro)”."
        ),
        "pt": (
            "O programa publicado: “Beneficiários: agências e entidades públicas, associações "
            "empresariais e outras organizações de serviços de apoio (sem fins lucrativos)”."
        ),
    },
    (
        "The published programme is about the Alentejo's SMEs but does not say where the applicant must "
        "be based; the agency asks for a registered office in the Alentejo (PT18)."
    ): {
        "es": (
            "El programa publicado se dirige a las pymes del Alentejo, pero no dice dónde debe estar "
            "establecido el solicitante; la agencia exige el domicilio social en el Alentejo (PT18)."
        ),
        "it": (
            "Il programma pubblicato riguarda le PMI dell'Alentejo ma non dice dove debba avere sede il "
            "richiedente; l'agenzia richiede la sede legale in Alentejo (PT18)."
        ),
        "pt": (
            "O programa publicado diz respeito às PME do Alentejo, mas não indica onde o candidato deve "
            "estar estabelecido; a agência exige a sede social no Alentejo (PT18)."
        ),
    },
    "The published programme: the activities “must benefit the SMEs as a whole”, “not a specific establishment”.": {
        "es": (
            "El programa publicado: las actividades “deben beneficiar al conjunto de las pymes”, “no a "
            "un establecimiento concreto”."
        ),
        "it": (
            "Il programma pubblicato: le attività “devono andare a beneficio delle PMI nel loro "
            "insieme”, “non di un singolo stabilimento”."
        ),
        "pt": (
            "O programa publicado: as atividades “devem beneficiar as PME no seu conjunto”, “não um "
            "estabelecimento específico”."
        ),
    },
    (
        "The published programme gives the contests' budgets but no funding rate: 85% of the eligible "
        "costs is the agency's configuration, not a published figure."
    ): {
        "es": (
            "El programa publicado indica los presupuestos de los concursos, pero no un porcentaje de "
            "financiación: el 85 % de los gastos subvencionables es configuración de la agencia, no una "
            "cifra publicada."
        ),
        "it": (
            "Il programma pubblicato indica le dotazioni dei bandi ma nessuna percentuale di "
            "finanziamento: l'85% delle spese ammissibili è una configurazione dell'agenzia, non un dato "
            "pubblicato."
        ),
        "pt": (
            "O programa publicado indica as dotações dos concursos, mas nenhuma taxa de financiamento: "
            "85% das despesas elegíveis é configuração da agência, não um valor publicado."
        ),
    },
    # Export Consortiums (Extremadura Avante, seed 000)
    "Export Consortiums": {
        "es": "Consorcios de Exportación",
        "it": "Consorzi per l'esportazione",
        "pt": "Consórcios de Exportação",
    },
    (
        "Support for SMEs of related sectors that go abroad together: commercial trips, promotional "
        "material and specific promotion actions of export consortia based in Extremadura."
    ): {
        "es": (
            "Apoyo a pymes de sectores afines que salen juntas al exterior: viajes comerciales, material "
            "promocional y acciones de promoción específicas de consorcios de exportación con sede en "
            "Extremadura."
        ),
        "it": (
            "Sostegno alle PMI di settori affini che si affacciano insieme sui mercati esteri: viaggi "
            "commerciali, materiale promozionale e azioni promozionali specifiche dei consorzi per "
            "l'esportazione con sede in Extremadura."
        ),
        "pt": (
            "Apoio a PME de setores afins que saem juntas para o estrangeiro: viagens comerciais, "
            "material promocional e ações de promoção específicas de consórcios de exportação sediados "
            "na Extremadura."
        ),
    },
    (
        "Consortia of at least three companies with their registered office in Extremadura, whose "
        "activity is manufacturing or processing, or whose final product is a service."
    ): {
        "es": (
            "Consorcios de al menos tres empresas con domicilio social en Extremadura cuya actividad sea "
            "la fabricación o la transformación, o cuyo producto final sea un servicio."
        ),
        "it": (
            "Consorzi di almeno tre imprese con sede legale in Extremadura, la cui attività sia la "
            "fabbricazione o la trasformazione, o il cui prodotto finale sia un servizio."
        ),
        "pt": (
            "Consórcios de pelo menos três empresas com sede social na Extremadura, cuja atividade seja "
            "o fabrico ou a transformação, ou cujo produto final seja um serviço."
        ),
    },
    (
        "The grant depends on the consortium's stage: up to 8,000 EUR for consortia in initiation "
        "(members have not yet carried out joint promotion actions), up to 5,000 EUR in development (1 "
        "to 3 years since establishment) and up to 3,000 EUR for consolidated consortia (over 3 years). "
        "The programme has up to 58,000 EUR a year."
    ): {
        "es": (
            "La subvención depende de la fase del consorcio: hasta 8.000 EUR para los consorcios en "
            "iniciación (sus miembros aún no han realizado acciones conjuntas de promoción), hasta 5.000 "
            "EUR en desarrollo (de 1 a 3 años desde su constitución) y hasta 3.000 EUR para los "
            "consorcios consolidados (más de 3 años). El programa dispone de hasta 58.000 EUR al año."
        ),
        "it": (
            "Il contributo dipende dalla fase del consorzio: fino a 8.000 EUR per i consorzi in fase di "
            "avvio (i cui membri non hanno ancora svolto azioni promozionali congiunte), fino a 5.000 "
            "EUR in fase di sviluppo (da 1 a 3 anni dalla costituzione) e fino a 3.000 EUR per i "
            "consorzi consolidati (oltre 3 anni). Il programma dispone di un massimo di 58.000 EUR "
            "all'anno."
        ),
        "pt": (
            "O apoio depende da fase do consórcio: até 8.000 EUR para os consórcios em arranque (cujos "
            "membros ainda não realizaram ações de promoção conjuntas), até 5.000 EUR em desenvolvimento "
            "(de 1 a 3 anos desde a constituição) e até 3.000 EUR para os consórcios consolidados (mais "
            "de 3 anos). O programa dispõe de até 58.000 EUR por ano."
        ),
    },
    "Commercial trips": {
        "es": "Viajes comerciales",
        "it": "Viaggi commerciali",
        "pt": "Viagens comerciais",
    },
    "Trade missions and business trips to target markets.": {
        "es": "Misiones comerciales y viajes de negocios a los mercados objetivo.",
        "it": "Missioni commerciali e viaggi d'affari nei mercati di destinazione.",
        "pt": "Missões comerciais e viagens de negócios aos mercados-alvo.",
    },
    "Promotional material": {
        "es": "Material promocional",
        "it": "Materiale promozionale",
        "pt": "Material promocional",
    },
    "Catalogues, samples, websites in other languages.": {
        "es": "Catálogos, muestras, sitios web en otros idiomas.",
        "it": "Cataloghi, campioni, siti web in altre lingue.",
        "pt": "Catálogos, amostras, sítios web noutras línguas.",
    },
    "Specific promotion actions": {
        "es": "Acciones de promoción específicas",
        "it": "Azioni promozionali specifiche",
        "pt": "Ações de promoção específicas",
    },
    "Trade fairs, tastings, showrooms abroad.": {
        "es": "Ferias comerciales, degustaciones, salas de exposición en el extranjero.",
        "it": "Fiere, degustazioni, showroom all'estero.",
        "pt": "Feiras, degustações, showrooms no estrangeiro.",
    },
    "Specialised consultancy": {
        "es": "Consultoría especializada",
        "it": "Consulenza specialistica",
        "pt": "Consultoria especializada",
    },
    "Market studies and advice for a new market.": {
        "es": "Estudios de mercado y asesoramiento para un nuevo mercado.",
        "it": "Studi di mercato e consulenza per un nuovo mercato.",
        "pt": "Estudos de mercado e aconselhamento para um novo mercado.",
    },
    "Marketing and merchandising": {
        "es": "Marketing y merchandising",
        "it": "Marketing e merchandising",
        "pt": "Marketing e merchandising",
    },
    "Brand material and merchandising of the consortium.": {
        "es": "Material de marca y merchandising del consorcio.",
        "it": "Materiale del marchio e merchandising del consorzio.",
        "pt": "Material de marca e merchandising do consórcio.",
    },
    "Export Consortiums {year}": {
        "es": "Consorcios de Exportación {year}",
        "it": "Consorzi per l'esportazione {year}",
        "pt": "Consórcios de Exportação {year}",
    },
    "Open call for the whole year: applications are accepted until 31 December.": {
        "es": "Convocatoria abierta todo el año: se admiten solicitudes hasta el 31 de diciembre.",
        "it": "Bando aperto tutto l'anno: le domande sono accettate fino al 31 dicembre.",
        "pt": "Aviso aberto durante todo o ano: as candidaturas são aceites até 31 de dezembro.",
    },
    "The published programme: export consortia, “the creation of a business group” of SMEs.": {
        "es": "El programa publicado: consorcios de exportación, “la creación de un grupo empresarial” de pymes.",
        "it": "Il programma pubblicato: consorzi per l'esportazione, “la creazione di un gruppo di imprese” di PMI.",
        "pt": "O programa publicado: consórcios de exportação, “a criação de um grupo empresarial” de PME.",
    },
    "The published programme: “at least three companies with a registered office in Extremadura”.": {
        "es": "El programa publicado: “al menos tres empresas con domicilio social en Extremadura”.",
        "it": "Il programma pubblicato: “almeno tre imprese con sede legale in Extremadura”.",
        "pt": "O programa publicado: “pelo menos três empresas com sede social na Extremadura”.",
    },
    (
        "The published programme asks for at least three companies with a registered office in "
        "Extremadura; that every member has it there is the agency's reading."
    ): {
        "es": (
            "El programa publicado exige al menos tres empresas con domicilio social en Extremadura; que "
            "todos los miembros lo tengan allí es la interpretación de la agencia."
        ),
        "it": (
            "Il programma pubblicato richiede almeno tre imprese con sede legale in Extremadura; che "
            "tutti i membri l'abbiano lì è l'interpretazione dell'agenzia."
        ),
        "pt": (
            "O programa publicado exige pelo menos três empresas com sede social na Extremadura; que "
            "todos os membros a tenham lá é a interpretação da agência."
        ),
    },
    (
        "The published programme: “activity focused on manufacturing or processing, as well as companies "
        "whose final product is a service”. The NACE sections are the agency's reading: manufacturing "
        "(C, processing included) and the service sections; not farming, mining, utilities, construction "
        "or real estate (A, B, D, E, F, L)."
    ): {
        "es": (
            "El programa publicado: “actividad centrada en la fabricación o la transformación, así como "
            "empresas cuyo producto final sea un servicio”. Las secciones de la NACE son la "
            "interpretación de la agencia: industria manufacturera (C, transformación incluida) y las "
            "secciones de servicios; no la agricultura, las industrias extractivas, los suministros de "
            "energía, agua y residuos, la construcción ni las actividades inmobiliarias (A, B, D, E, F, "
            "L)."
        ),
        "it": (
            "Il programma pubblicato: “attività incentrata sulla fabbricazione o sulla trasformazione, "
            "nonché imprese il cui prodotto finale è un servizio”. Le sezioni NACE sono "
            "l'interpretazione dell'agenzia: attività manifatturiere (C, trasformazione compresa) e le "
            "sezioni dei servizi; non agricoltura, attività estrattive, fornitura di energia, acqua e "
            "rifiuti, costruzioni o attività immobiliari (A, B, D, E, F, L)."
        ),
        "pt": (
            "O programa publicado: “atividade centrada no fabrico ou na transformação, bem como empresas "
            "cujo produto final seja um serviço”. As secções da NACE são a interpretação da agência: "
            "indústria transformadora (C, transformação incluída) e as secções de serviços; não a "
            "agricultura, as indústrias extrativas, o fornecimento de energia, água e resíduos, a "
            "construção nem as atividades imobiliárias (A, B, D, E, F, L)."
        ),
    },
    "The published programme: a programme “to help SMEs to make the leap to foreign markets”.": {
        "es": "El programa publicado: un programa “para ayudar a las pymes a dar el salto a los mercados exteriores”.",
        "it": "Il programma pubblicato: un programma “per aiutare le PMI a fare il salto verso i mercati esteri”.",
        "pt": "O programa publicado: um programa “para ajudar as PME a dar o salto para os mercados externos”.",
    },
    "The published programme: “Initiation Consortiums receive up to 8.000€”.": {
        "es": "El programa publicado: “Los consorcios en iniciación reciben hasta 8.000 €”.",
        "it": "Il programma pubblicato: “I consorzi in fase di avvio ricevono fino a 8.000 €”.",
        "pt": "O programa publicado: “Os consórcios em arranque recebem até 8.000 €”.",
    },
    "The published programme: “Consortiums in Development up to 5.000€”.": {
        "es": "El programa publicado: “Consorcios en desarrollo, hasta 5.000 €”.",
        "it": "Il programma pubblicato: “Consorzi in fase di sviluppo fino a 5.000 €”.",
        "pt": "O programa publicado: “Consórcios em desenvolvimento até 5.000 €”.",
    },
    "The published programme: “Consolidated Consortiums up to 3.000€”.": {
        "es": "El programa publicado: “Consorcios consolidados, hasta 3.000 €”.",
        "it": "Il programma pubblicato: “Consorzi consolidati fino a 3.000 €”.",
        "pt": "O programa publicado: “Consórcios consolidados até 3.000 €”.",
    },
    # Co-financing of consortia promotional projects (Emilia-Romagna, seed 001)
    "Co-financing of consortia promotional projects": {
        "es": "Cofinanciación de proyectos de promoción de consorcios",
        "it": "Cofinanziamento dei progetti promozionali dei consorzi",
        "pt": "Cofinanciamento de projetos promocionais de consórcios",
    },
    (
        "Regional co-financing of the yearly promotional projects of internationalisation consortia on "
        "foreign target markets: Europe, the Eastern area, North and South America, Japan, China, India "
        "and South Africa."
    ): {
        "es": (
            "Cofinanciación regional de los proyectos anuales de promoción de los consorcios de "
            "internacionalización en mercados objetivo extranjeros: Europa, el área oriental, América "
            "del Norte y del Sur, Japón, China, India y Sudáfrica."
        ),
        "it": (
            "Cofinanziamento regionale dei progetti promozionali annuali dei consorzi per "
            "l'internazionalizzazione sui mercati esteri di destinazione: Europa, area orientale, Nord e "
            "Sud America, Giappone, Cina, India e Sudafrica."
        ),
        "pt": (
            "Cofinanciamento regional dos projetos promocionais anuais dos consórcios de "
            "internacionalização em mercados-alvo estrangeiros: Europa, a área oriental, América do "
            "Norte e do Sul, Japão, China, Índia e África do Sul."
        ),
    },
    (
        "Internationalisation consortia specialised in a sector, whose members are SMEs (mostly micro "
        "companies) of Emilia-Romagna."
    ): {
        "es": (
            "Consorcios de internacionalización especializados en un sector, cuyos miembros son pymes "
            "(en su mayoría microempresas) de Emilia-Romaña."
        ),
        "it": (
            "Consorzi per l'internazionalizzazione specializzati in un settore, i cui membri sono PMI "
            "(per lo più microimprese) dell'Emilia-Romagna."
        ),
        "pt": (
            "Consórcios de internacionalização especializados num setor, cujos membros são PME (na sua "
            "maioria microempresas) da Emília-Romanha."
        ),
    },
    (
        "40% of eligible costs, with a grant from 30,000 EUR up to 150,000 EUR per promotional project. "
        "About 2 million EUR a year."
    ): {
        "es": (
            "El 40 % de los gastos subvencionables, con una subvención de 30.000 EUR a 150.000 EUR por "
            "proyecto de promoción. Unos 2 millones de EUR al año."
        ),
        "it": (
            "40% delle spese ammissibili, con un contributo da 30.000 EUR fino a 150.000 EUR per "
            "progetto promozionale. Circa 2 milioni di EUR all'anno."
        ),
        "pt": (
            "40% das despesas elegíveis, com um apoio de 30.000 EUR até 150.000 EUR por projeto "
            "promocional. Cerca de 2 milhões de EUR por ano."
        ),
    },
    "B2B meetings": {
        "es": "Encuentros B2B",
        "it": "Incontri B2B",
        "pt": "Reuniões B2B",
    },
    "Meetings with foreign buyers and partners.": {
        "es": "Reuniones con compradores y socios extranjeros.",
        "it": "Incontri con acquirenti e partner esteri.",
        "pt": "Reuniões com compradores e parceiros estrangeiros.",
    },
    "Outgoing missions": {
        "es": "Misiones directas",
        "it": "Missioni all'estero",
        "pt": "Missões ao estrangeiro",
    },
    "Missions of member companies to target markets.": {
        "es": "Misiones de las empresas miembro a los mercados objetivo.",
        "it": "Missioni delle imprese consorziate nei mercati di destinazione.",
        "pt": "Missões das empresas membros aos mercados-alvo.",
    },
    "Incoming missions": {
        "es": "Misiones inversas",
        "it": "Missioni in entrata",
        "pt": "Missões inversas",
    },
    "Visits of foreign buyers and journalists.": {
        "es": "Visitas de compradores y periodistas extranjeros.",
        "it": "Visite di acquirenti e giornalisti esteri.",
        "pt": "Visitas de compradores e jornalistas estrangeiros.",
    },
    "Exhibitions and trade fairs": {
        "es": "Exposiciones y ferias comerciales",
        "it": "Mostre e fiere",
        "pt": "Exposições e feiras",
    },
    "Stands at international fairs.": {
        "es": "Estands en ferias internacionales.",
        "it": "Stand in fiere internazionali.",
        "pt": "Stands em feiras internacionais.",
    },
    "International events": {
        "es": "Eventos internacionales",
        "it": "Eventi internazionali",
        "pt": "Eventos internacionais",
    },
    "Events, workshops and presentations abroad.": {
        "es": "Eventos, talleres y presentaciones en el extranjero.",
        "it": "Eventi, workshop e presentazioni all'estero.",
        "pt": "Eventos, workshops e apresentações no estrangeiro.",
    },
    "Material in the languages of the target markets.": {
        "es": "Material en los idiomas de los mercados objetivo.",
        "it": "Materiale nelle lingue dei mercati di destinazione.",
        "pt": "Material nas línguas dos mercados-alvo.",
    },
    "Specialised export staff": {
        "es": "Personal especializado en exportación",
        "it": "Personale specializzato nell'export",
        "pt": "Pessoal especializado em exportação",
    },
    "Export managers employed by the consortium.": {
        "es": "Responsables de exportación contratados por el consorcio.",
        "it": "Export manager assunti dal consorzio.",
        "pt": "Gestores de exportação contratados pelo consórcio.",
    },
    "Consortia promotional projects {year}": {
        "es": "Proyectos de promoción de consorcios {year}",
        "it": "Progetti promozionali dei consorzi {year}",
        "pt": "Projetos promocionais de consórcios {year}",
    },
    "Yearly promotional projects of internationalisation consortia.": {
        "es": "Proyectos anuales de promoción de los consorcios de internacionalización.",
        "it": "Progetti promozionali annuali dei consorzi per l'internazionalizzazione.",
        "pt": "Projetos promocionais anuais dos consórcios de internacionalização.",
    },
    "The published programme: “yearly promotional projects submitted by Internationalisation Consortia”.": {
        "es": (
            "El programa publicado: “proyectos anuales de promoción presentados por consorcios de "
            "internacionalización”."
        ),
        "it": (
            "Il programma pubblicato: “progetti promozionali annuali presentati dai Consorzi per "
            "l'internazionalizzazione”."
        ),
        "pt": (
            "O programa publicado: “projetos promocionais anuais apresentados por consórcios de internacionalização”."
        ),
    },
    "The published programme gives no minimum number of members; the agency asks for three.": {
        "es": "El programa publicado no fija un número mínimo de miembros; la agencia exige tres.",
        "it": "Il programma pubblicato non indica un numero minimo di membri; l'agenzia ne richiede tre.",
        "pt": "O programa publicado não fixa um número mínimo de membros; a agência exige três.",
    },
    (
        "The published programme describes regional co-financing by Emilia-Romagna but does not say "
        "where the members must be; the agency asks for their registered office in the region."
    ): {
        "es": (
            "El programa publicado describe una cofinanciación regional de Emilia-Romaña, pero no dice "
            "dónde deben estar los miembros; la agencia exige que tengan su domicilio social en la "
            "región."
        ),
        "it": (
            "Il programma pubblicato descrive un cofinanziamento regionale dell'Emilia-Romagna ma non "
            "dice dove debbano trovarsi i membri; l'agenzia richiede che abbiano la sede legale nella "
            "regione."
        ),
        "pt": (
            "O programa publicado descreve um cofinanciamento regional da Emília-Romanha, mas não indica "
            "onde devem estar os membros; a agência exige que tenham a sede social na região."
        ),
    },
    "The published programme: projects “for penetrating foreign target markets by member SMEs”.": {
        "es": (
            "El programa publicado: proyectos “para la penetración de las pymes miembro en mercados "
            "objetivo extranjeros”."
        ),
        "it": (
            "Il programma pubblicato: progetti “per la penetrazione dei mercati esteri di destinazione "
            "da parte delle PMI consorziate”."
        ),
        "pt": "O programa publicado: projetos “para a penetração das PME membros em mercados-alvo estrangeiros”.",
    },
    (
        "The published programme says the consortia employ skilled export staff but sets no limit on "
        "staff costs; the agency caps them at 30% of the project, so most of the grant goes to "
        "promotion."
    ): {
        "es": (
            "El programa publicado dice que los consorcios emplean personal cualificado en exportación, "
            "pero no limita los gastos de personal; la agencia los limita al 30 % del proyecto, para que "
            "la mayor parte de la subvención vaya a la promoción."
        ),
        "it": (
            "Il programma pubblicato afferma che i consorzi impiegano personale qualificato per l'export "
            "ma non pone limiti alle spese di personale; l'agenzia le limita al 30% del progetto, così "
            "che la maggior parte del contributo vada alla promozione."
        ),
        "pt": (
            "O programa publicado refere que os consórcios empregam pessoal qualificado em exportação, "
            "mas não limita as despesas com pessoal; a agência limita-as a 30% do projeto, para que a "
            "maior parte do apoio se destine à promoção."
        ),
    },
    "The published programme: “Amount of co-financing: 40% of eligible costs”.": {
        "es": "El programa publicado: “Importe de la cofinanciación: 40 % de los gastos subvencionables”.",
        "it": "Il programma pubblicato: “Entità del cofinanziamento: 40% delle spese ammissibili”.",
        "pt": "O programa publicado: “Montante do cofinanciamento: 40% das despesas elegíveis”.",
    },
    "The published programme: “from 30,000 up to 150,000 euro per promotional project/consortium”.": {
        "es": "El programa publicado: “de 30.000 a 150.000 euros por proyecto de promoción/consorcio”.",
        "it": "Il programma pubblicato: “da 30.000 fino a 150.000 euro per progetto promozionale/consorzio”.",
        "pt": "O programa publicado: “de 30.000 até 150.000 euros por projeto promocional/consórcio”.",
    },
    # Export consortia of Cantabria (SODERCAN, seed 002)
    "Export consortia of Cantabria": {
        "es": "Consorcios de exportación de Cantabria",
        "it": "Consorzi per l'esportazione della Cantabria",
        "pt": "Consórcios de exportação da Cantábria",
    },
    (
        "SODERCAN brings Cantabrian companies of one sector together to bid for international contracts "
        "as one consortium offering a full service: metal, agri-food and marine renewable energy."
    ): {
        "es": (
            "SODERCAN reúne a empresas cántabras de un mismo sector para que liciten a contratos "
            "internacionales como un único consorcio que ofrece un servicio integral: metal, "
            "agroalimentario y energías renovables marinas."
        ),
        "it": (
            "SODERCAN riunisce imprese cantabriche di uno stesso settore perché partecipino a gare per "
            "contratti internazionali come un unico consorzio che offre un servizio completo: "
            "metallurgia, agroalimentare ed energie rinnovabili marine."
        ),
        "pt": (
            "A SODERCAN reúne empresas da Cantábria de um mesmo setor para concorrerem a contratos "
            "internacionais como um único consórcio que oferece um serviço completo: metalurgia, "
            "agroalimentar e energias renováveis marinhas."
        ),
    },
    (
        "Consortia of Cantabrian companies in metal, agri-food or marine renewable energy, formed "
        "through SODERCAN's process: identified companies meet, decide to join, and appoint a consortium "
        "manager."
    ): {
        "es": (
            "Consorcios de empresas cántabras del metal, del sector agroalimentario o de las energías "
            "renovables marinas, constituidos mediante el proceso de SODERCAN: las empresas "
            "identificadas se reúnen, deciden unirse y nombran a un gerente del consorcio."
        ),
        "it": (
            "Consorzi di imprese cantabriche della metallurgia, dell'agroalimentare o delle energie "
            "rinnovabili marine, costituiti attraverso il processo di SODERCAN: le imprese individuate "
            "si incontrano, decidono di aderire e nominano un responsabile del consorzio."
        ),
        "pt": (
            "Consórcios de empresas da Cantábria da metalurgia, do agroalimentar ou das energias "
            "renováveis marinhas, constituídos através do processo da SODERCAN: as empresas "
            "identificadas reúnem-se, decidem aderir e nomeiam um gestor do consórcio."
        ),
    },
    (
        "Seed funding to establish the consortium, up to 700,000 EUR in all. Member companies then pay "
        "fees for the consortium's running costs. Success is measured by the international orders and "
        "contracts the consortium wins."
    ): {
        "es": (
            "Financiación inicial para constituir el consorcio, hasta 700.000 EUR en total. Después, las "
            "empresas miembro pagan cuotas para los gastos de funcionamiento del consorcio. El éxito se "
            "mide por los pedidos y contratos internacionales que obtiene el consorcio."
        ),
        "it": (
            "Finanziamento iniziale per costituire il consorzio, fino a 700.000 EUR in totale. Le "
            "imprese consorziate versano poi quote per le spese di funzionamento del consorzio. Il "
            "successo si misura dagli ordini e dai contratti internazionali che il consorzio ottiene."
        ),
        "pt": (
            "Financiamento inicial para constituir o consórcio, até 700.000 EUR no total. As empresas "
            "membros pagam depois quotas para os custos de funcionamento do consórcio. O êxito mede-se "
            "pelas encomendas e pelos contratos internacionais que o consórcio obtém."
        ),
    },
    "Establishment of the consortium": {
        "es": "Constitución del consorcio",
        "it": "Costituzione del consorzio",
        "pt": "Constituição do consórcio",
    },
    "Statutes, legal advice, registration.": {
        "es": "Estatutos, asesoramiento jurídico, inscripción registral.",
        "it": "Statuto, consulenza legale, registrazione.",
        "pt": "Estatutos, aconselhamento jurídico, registo.",
    },
    "Consortium manager": {
        "es": "Gerente del consorcio",
        "it": "Responsabile del consorzio",
        "pt": "Gestor do consórcio",
    },
    "The manager appointed to run the consortium.": {
        "es": "El gerente nombrado para dirigir el consorcio.",
        "it": "Il responsabile nominato per gestire il consorzio.",
        "pt": "O gestor nomeado para gerir o consórcio.",
    },
    "International marketing": {
        "es": "Marketing internacional",
        "it": "Marketing internazionale",
        "pt": "Marketing internacional",
    },
    "Marketing the consortium's full-service offer.": {
        "es": "Comercialización de la oferta de servicio integral del consorcio.",
        "it": "Promozione commerciale dell'offerta di servizio completo del consorzio.",
        "pt": "Comercialização da oferta de serviço completo do consórcio.",
    },
    "International bids": {
        "es": "Licitaciones internacionales",
        "it": "Gare internazionali",
        "pt": "Propostas a concursos internacionais",
    },
    "Preparing bids for international tenders and contracts.": {
        "es": "Preparación de ofertas para licitaciones y contratos internacionales.",
        "it": "Preparazione di offerte per gare e contratti internazionali.",
        "pt": "Preparação de propostas para concursos e contratos internacionais.",
    },
    "Trips to meet clients and partners abroad.": {
        "es": "Viajes para reunirse con clientes y socios en el extranjero.",
        "it": "Viaggi per incontrare clienti e partner all'estero.",
        "pt": "Viagens para reuniões com clientes e parceiros no estrangeiro.",
    },
    "Seed funding for export consortia {year}": {
        "es": "Financiación inicial de consorcios de exportación {year}",
        "it": "Finanziamento iniziale dei consorzi per l'esportazione {year}",
        "pt": "Financiamento inicial de consórcios de exportação {year}",
    },
    "Seed funding for consortia in metal, agri-food and marine renewable energy.": {
        "es": (
            "Financiación inicial para consorcios del metal, del sector agroalimentario y de las "
            "energías renovables marinas."
        ),
        "it": (
            "Finanziamento iniziale per consorzi della metallurgia, dell'agroalimentare e delle energie "
            "rinnovabili marine."
        ),
        "pt": (
            "Financiamento inicial para consórcios da metalurgia, do agroalimentar e das energias renováveis marinhas."
        ),
    },
    "The published programme: “Provide funding to formally stablish the consortium”.": {
        "es": "El programa publicado: “Aportar financiación para constituir formalmente el consorcio”.",
        "it": "Il programma pubblicato: “Fornire finanziamenti per costituire formalmente il consorzio”.",
        "pt": "O programa publicado: “Conceder financiamento para constituir formalmente o consórcio”.",
    },
    (
        "The published programme identifies “around 25” companies but gives no minimum; the agency asks "
        "for three members in Cantabria."
    ): {
        "es": (
            "El programa publicado identifica “unas 25” empresas, pero no fija un mínimo; la agencia "
            "exige tres miembros en Cantabria."
        ),
        "it": (
            "Il programma pubblicato individua “circa 25” imprese ma non fissa un minimo; l'agenzia "
            "richiede tre membri in Cantabria."
        ),
        "pt": (
            "O programa publicado identifica “cerca de 25” empresas, mas não fixa um mínimo; a agência "
            "exige três membros na Cantábria."
        ),
    },
    "The published programme: “to help local firms”; the consortia are of Cantabrian companies.": {
        "es": "El programa publicado: “ayudar a las empresas locales”; los consorcios son de empresas cántabras.",
        "it": "Il programma pubblicato: “aiutare le imprese locali”; i consorzi riuniscono imprese cantabriche.",
        "pt": "O programa publicado: “ajudar as empresas locais”; os consórcios são de empresas da Cantábria.",
    },
    (
        "The published programme: “with focus on metal, agri-food and, currently under development, "
        "marine renewable energies”."
    ): {
        "es": (
            "El programa publicado: “centrados en el metal, el sector agroalimentario y, actualmente en "
            "desarrollo, las energías renovables marinas”."
        ),
        "it": (
            "Il programma pubblicato: “incentrati su metallurgia, agroalimentare e, attualmente in fase "
            "di sviluppo, energie rinnovabili marine”."
        ),
        "pt": (
            "O programa publicado: “centrados na metalurgia, no agroalimentar e, atualmente em "
            "desenvolvimento, nas energias renováveis marinhas”."
        ),
    },
    "The published programme: “There are many barriers for SMEs wishing to export”.": {
        "es": "El programa publicado: “Las pymes que desean exportar se enfrentan a muchas barreras”.",
        "it": "Il programma pubblicato: “Le PMI che desiderano esportare incontrano molti ostacoli”.",
        "pt": "O programa publicado: “Há muitos obstáculos para as PME que pretendem exportar”.",
    },
    (
        "The published programme: “Initial seed funding the consortia is required (up to €700.000)”. It "
        "does not say whether this is per consortium or in all; the agency makes it the call's budget "
        "and the most one consortium may receive."
    ): {
        "es": (
            "El programa publicado: “Se requiere una financiación inicial de los consorcios (hasta "
            "700.000 €)”. No dice si es por consorcio o en total; la agencia la convierte en el "
            "presupuesto de la convocatoria y en lo máximo que puede recibir un consorcio."
        ),
        "it": (
            "Il programma pubblicato: “È necessario un finanziamento iniziale dei consorzi (fino a "
            "700.000 €)”. Non dice se si tratti di un importo per consorzio o complessivo; l'agenzia lo "
            "assume come dotazione del bando e come importo massimo che un consorzio può ricevere."
        ),
        "pt": (
            "O programa publicado: “É necessário um financiamento inicial dos consórcios (até 700.000 "
            "€)”. Não indica se se trata de um montante por consórcio ou no total; a agência faz dele a "
            "dotação do aviso e o máximo que um consórcio pode receber."
        ),
    },
    # PIMEX (Extremadura Avante, seed 003): coaching and training, so formación/formazione/formação are right here
    "PIMEX": {
        "es": "PIMEX",
        "it": "PIMEX",
        "pt": "PIMEX",
    },
    (
        "Individual coaching for Extremadura SMEs that start or step up their internationalisation: "
        "technical support, training and up to 2,500 EUR of promotion actions per company."
    ): {
        "es": (
            "Acompañamiento individual a pymes extremeñas que inician o refuerzan su "
            "internacionalización: apoyo técnico, formación y hasta 2.500 EUR en acciones de promoción "
            "por empresa."
        ),
        "it": (
            "Accompagnamento individuale delle PMI dell'Extremadura che avviano o rafforzano la propria "
            "internazionalizzazione: supporto tecnico, formazione e fino a 2.500 EUR di azioni "
            "promozionali per impresa."
        ),
        "pt": (
            "Acompanhamento individual de PME da Extremadura que iniciam ou reforçam a sua "
            "internacionalização: apoio técnico, formação e até 2.500 EUR em ações de promoção por "
            "empresa."
        ),
    },
    (
        "SMEs with their registered office in Extremadura that commit to attend three group training "
        "sessions and three individual tutorials at their premises."
    ): {
        "es": (
            "Pymes con domicilio social en Extremadura que se comprometan a asistir a tres sesiones de "
            "formación en grupo y a tres tutorías individuales en sus instalaciones."
        ),
        "it": (
            "PMI con sede legale in Extremadura che si impegnano a partecipare a tre sessioni di "
            "formazione di gruppo e a tre tutoraggi individuali presso la propria sede."
        ),
        "pt": (
            "PME com sede social na Extremadura que se comprometam a frequentar três sessões de formação "
            "em grupo e três tutorias individuais nas suas instalações."
        ),
    },
    (
        "Promotion actions and expenses up to 2,500 EUR per company. Each participant ends with a SWOT "
        "analysis and an international action plan. The yearly budget is 88,280 EUR: 75,000 for actions, "
        "5,000 for training and 8,280 for consultancy."
    ): {
        "es": (
            "Acciones y gastos de promoción de hasta 2.500 EUR por empresa. Cada participante termina "
            "con un análisis DAFO y un plan de acción internacional. El presupuesto anual es de 88.280 "
            "EUR: 75.000 para acciones, 5.000 para formación y 8.280 para consultoría."
        ),
        "it": (
            "Azioni e spese promozionali fino a 2.500 EUR per impresa. Ogni partecipante conclude il "
            "percorso con un'analisi SWOT e un piano d'azione internazionale. La dotazione annuale è di "
            "88.280 EUR: 75.000 per le azioni, 5.000 per la formazione e 8.280 per la consulenza."
        ),
        "pt": (
            "Ações e despesas de promoção até 2.500 EUR por empresa. Cada participante termina com uma "
            "análise SWOT e um plano de ação internacional. O orçamento anual é de 88.280 EUR: 75.000 "
            "para ações, 5.000 para formação e 8.280 para consultoria."
        ),
    },
    "Promotion actions": {
        "es": "Acciones de promoción",
        "it": "Azioni promozionali",
        "pt": "Ações de promoção",
    },
    "Trade fairs, trips and promotional material abroad.": {
        "es": "Ferias comerciales, viajes y material promocional en el extranjero.",
        "it": "Fiere, viaggi e materiale promozionale all'estero.",
        "pt": "Feiras, viagens e material promocional no estrangeiro.",
    },
    "Group training sessions": {
        "es": "Sesiones de formación en grupo",
        "it": "Sessioni di formazione di gruppo",
        "pt": "Sessões de formação em grupo",
    },
    "Three face-to-face group sessions (provided by the agency).": {
        "es": "Tres sesiones presenciales en grupo (impartidas por la agencia).",
        "it": "Tre sessioni di gruppo in presenza (erogate dall'agenzia).",
        "pt": "Três sessões presenciais em grupo (asseguradas pela agência).",
    },
    "Individual tutorials": {
        "es": "Tutorías individuales",
        "it": "Tutoraggi individuali",
        "pt": "Tutorias individuais",
    },
    "Three tutorials at the company (provided by the agency).": {
        "es": "Tres tutorías en la empresa (impartidas por la agencia).",
        "it": "Tre tutoraggi presso l'impresa (erogati dall'agenzia).",
        "pt": "Três tutorias na empresa (asseguradas pela agência).",
    },
    "Senior consultancy": {
        "es": "Consultoría sénior",
        "it": "Consulenza senior",
        "pt": "Consultoria sénior",
    },
    "External senior consultant on request.": {
        "es": "Consultor sénior externo a petición.",
        "it": "Consulente senior esterno su richiesta.",
        "pt": "Consultor sénior externo, mediante pedido.",
    },
    "PIMEX {year}": {
        "es": "PIMEX {year}",
        "it": "PIMEX {year}",
        "pt": "PIMEX {year}",
    },
    "Budget for promotion actions of the participating companies (75,000 of 88,280 EUR).": {
        "es": "Presupuesto para las acciones de promoción de las empresas participantes (75.000 de 88.280 EUR).",
        "it": "Dotazione per le azioni promozionali delle imprese partecipanti (75.000 su 88.280 EUR).",
        "pt": "Dotação para as ações de promoção das empresas participantes (75.000 de 88.280 EUR).",
    },
    "The published programme: “a Support Program to help Extremadura companies”.": {
        "es": "El programa publicado: “un programa de apoyo para ayudar a las empresas extremeñas”.",
        "it": "Il programma pubblicato: “un programma di sostegno per aiutare le imprese dell'Extremadura”.",
        "pt": "O programa publicado: “um programa de apoio para ajudar as empresas da Extremadura”.",
    },
    "The published programme: “Extremadura companies”.": {
        "es": "El programa publicado: “empresas extremeñas”.",
        "it": "Il programma pubblicato: “imprese dell'Extremadura”.",
        "pt": "O programa publicado: “empresas da Extremadura”.",
    },
    "The published programme: “SMEs with motivation to internationalise”.": {
        "es": "El programa publicado: “pymes motivadas para internacionalizarse”.",
        "it": "Il programma pubblicato: “PMI motivate a internazionalizzarsi”.",
        "pt": "O programa publicado: “PME motivadas para se internacionalizarem”.",
    },
    (
        "The published programme: participants “commit themselves” to three group training sessions and "
        "three individual tutorials."
    ): {
        "es": (
            "El programa publicado: los participantes “se comprometen” a tres sesiones de formación en "
            "grupo y a tres tutorías individuales."
        ),
        "it": (
            "Il programma pubblicato: i partecipanti “si impegnano” a tre sessioni di formazione di "
            "gruppo e a tre tutoraggi individuali."
        ),
        "pt": (
            "O programa publicado: os participantes “comprometem-se” a três sessões de formação em grupo "
            "e a três tutorias individuais."
        ),
    },
    "The published programme: “Actions and expenses valued at a maximum of 2,500€ per company”.": {
        "es": "El programa publicado: “Acciones y gastos valorados en un máximo de 2.500 € por empresa”.",
        "it": "Il programma pubblicato: “Azioni e spese per un valore massimo di 2.500 € per impresa”.",
        "pt": "O programa publicado: “Ações e despesas num valor máximo de 2.500 € por empresa”.",
    },
    # Collective Actions – Internationalisation (Alentejo 2020, seed 004)
    "Collective Actions – Internationalisation": {
        "es": "Acciones Colectivas – Internacionalización",
        "it": "Azioni Collettive – Internazionalizzazione",
        "pt": "Ações Coletivas – Internacionalização",
    },
    (
        "Actions that improve the conditions for the internationalisation of Alentejo SMEs as a whole, "
        "such as promoting Alentejo wine in selected markets, carried out by associations and public "
        "bodies."
    ): {
        "es": (
            "Acciones que mejoran las condiciones para la internacionalización del conjunto de las pymes "
            "del Alentejo, como la promoción del vino del Alentejo en mercados seleccionados, realizadas "
            "por asociaciones y organismos públicos."
        ),
        "it": (
            "Azioni che migliorano le condizioni per l'internazionalizzazione delle PMI dell'Alentejo "
            "nel loro insieme, come la promozione del vino dell'Alentejo in mercati selezionati, "
            "realizzate da associazioni ed enti pubblici."
        ),
        "pt": (
            "Ações que melhoram as condições para a internacionalização das PME do Alentejo no seu "
            "conjunto, como a promoção do vinho do Alentejo em mercados selecionados, realizadas por "
            "associações e organismos públicos."
        ),
    },
    (
        "Public agencies and bodies, business associations and other non-profit support organisations. "
        "The action must benefit a group of SMEs collectively, not one company."
    ): {
        "es": (
            "Agencias y organismos públicos, asociaciones empresariales y otras organizaciones de apoyo "
            "sin ánimo de lucro. La acción debe beneficiar colectivamente a un grupo de pymes, no a una "
            "sola empresa."
        ),
        "it": (
            "Agenzie ed enti pubblici, associazioni di imprese e altre organizzazioni di supporto senza "
            "scopo di lucro. L'azione deve andare a beneficio di un gruppo di PMI nel suo insieme, non "
            "di una singola impresa."
        ),
        "pt": (
            "Agências e organismos públicos, associações empresariais e outras organizações de apoio sem "
            "fins lucrativos. A ação deve beneficiar coletivamente um grupo de PME, não uma única "
            "empresa."
        ),
    },
    (
        "Contests with their own budget (3 million and 2 million EUR). A technical team of Alentejo 2020 "
        "and AICEP analyses the proposals."
    ): {
        "es": (
            "Concursos con presupuesto propio (3 millones y 2 millones de EUR). Un equipo técnico de "
            "Alentejo 2020 y AICEP analiza las propuestas."
        ),
        "it": (
            "Bandi con una propria dotazione (3 milioni e 2 milioni di EUR). Un gruppo tecnico di "
            "Alentejo 2020 e AICEP esamina le proposte."
        ),
        "pt": (
            "Concursos com dotação própria (3 milhões e 2 milhões de EUR). Uma equipa técnica do "
            "Alentejo 2020 e da AICEP analisa as candidaturas."
        ),
    },
    "Market research": {
        "es": "Estudios de mercado",
        "it": "Ricerche di mercato",
        "pt": "Estudos de mercado",
    },
    "Studies of markets, consumers and legal aspects.": {
        "es": "Estudios de mercados, consumidores y aspectos jurídicos.",
        "it": "Studi su mercati, consumatori e aspetti giuridici.",
        "pt": "Estudos de mercados, consumidores e aspetos jurídicos.",
    },
    "International promotion campaigns": {
        "es": "Campañas de promoción internacional",
        "it": "Campagne promozionali internazionali",
        "pt": "Campanhas de promoção internacional",
    },
    "Campaigns for regional products.": {
        "es": "Campañas de productos regionales.",
        "it": "Campagne per i prodotti regionali.",
        "pt": "Campanhas de produtos regionais.",
    },
    "Trade fairs and events": {
        "es": "Ferias comerciales y eventos",
        "it": "Fiere ed eventi",
        "pt": "Feiras e eventos",
    },
    "Collective presence at fairs and events abroad.": {
        "es": "Presencia colectiva en ferias y eventos en el extranjero.",
        "it": "Presenza collettiva a fiere ed eventi all'estero.",
        "pt": "Presença coletiva em feiras e eventos no estrangeiro.",
    },
    "Inverse missions": {
        "es": "Misiones inversas",
        "it": "Missioni inverse",
        "pt": "Missões inversas",
    },
    "Visits of foreign buyers, press and prescribers.": {
        "es": "Visitas de compradores, prensa y prescriptores extranjeros.",
        "it": "Visite di acquirenti, stampa e prescrittori esteri.",
        "pt": "Visitas de compradores, imprensa e prescritores estrangeiros.",
    },
    "Communication and digital marketing": {
        "es": "Comunicación y marketing digital",
        "it": "Comunicazione e marketing digitale",
        "pt": "Comunicação e marketing digital",
    },
    "Collective brand and digital presence.": {
        "es": "Marca colectiva y presencia digital.",
        "it": "Marchio collettivo e presenza digitale.",
        "pt": "Marca coletiva e presença digital.",
    },
    "Collective Actions – contest 1 ({year})": {
        "es": "Acciones Colectivas – concurso 1 ({year})",
        "it": "Azioni Collettive – bando 1 ({year})",
        "pt": "Ações Coletivas – concurso 1 ({year})",
    },
    "First contest of the year.": {
        "es": "Primer concurso del año.",
        "it": "Primo bando dell'anno.",
        "pt": "Primeiro concurso do ano.",
    },
    "Collective Actions – contest 2 ({year})": {
        "es": "Acciones Colectivas – concurso 2 ({year})",
        "it": "Azioni Collettive – bando 2 ({year})",
        "pt": "Ações Coletivas – concurso 2 ({year})",
    },
    "Second contest: opens after the first one has closed.": {
        "es": "Segundo concurso: se abre cuando se ha cerrado el primero.",
        "it": "Secondo bando: si apre dopo la chiusura del primo.",
        "pt": "Segundo concurso: abre depois de encerrado o primeiro.",
    },
    # Review criteria of every call (CRITERIA)
    "Quality of the international action plan": {
        "es": "Calidad del plan de acción internacional",
        "it": "Qualità del piano d'azione internazionale",
        "pt": "Qualidade do plano de ação internacional",
    },
    "Clear objectives, target markets and actions with a calendar.": {
        "es": "Objetivos claros, mercados objetivo y acciones con calendario.",
        "it": "Obiettivi chiari, mercati di destinazione e azioni con un calendario.",
        "pt": "Objetivos claros, mercados-alvo e ações com calendário.",
    },
    "Market potential": {
        "es": "Potencial de mercado",
        "it": "Potenziale di mercato",
        "pt": "Potencial de mercado",
    },
    "Demand for the products or services in the target markets.": {
        "es": "Demanda de los productos o servicios en los mercados objetivo.",
        "it": "Domanda dei prodotti o servizi nei mercati di destinazione.",
        "pt": "Procura dos produtos ou serviços nos mercados-alvo.",
    },
    "Capacity of the applicant": {
        "es": "Capacidad del solicitante",
        "it": "Capacità del richiedente",
        "pt": "Capacidade do candidato",
    },
    "Staff, experience abroad and means to carry out the actions.": {
        "es": "Personal, experiencia en el extranjero y medios para llevar a cabo las acciones.",
        "it": "Personale, esperienza all'estero e mezzi per realizzare le azioni.",
        "pt": "Pessoal, experiência no estrangeiro e meios para realizar as ações.",
    },
    "Expected results": {
        "es": "Resultados esperados",
        "it": "Risultati attesi",
        "pt": "Resultados esperados",
    },
    "Orders, contracts, new markets and jobs the project can bring.": {
        "es": "Pedidos, contratos, nuevos mercados y empleo que puede aportar el proyecto.",
        "it": "Ordini, contratti, nuovi mercati e posti di lavoro che il progetto può portare.",
        "pt": "Encomendas, contratos, novos mercados e empregos que o projeto pode gerar.",
    },
    # Other agency-authored texts: the approval reason without reviews, PIMEX sessions and tutorials, budget lines
    # and the agency's spending
    "Analysed and approved by the agency's technical team, whose reviewers do not use the portal in the demo.": {
        "es": (
            "Analizada y aprobada por el equipo técnico de la agencia, cuyos evaluadores no utilizan el "
            "portal en la demostración."
        ),
        "it": (
            "Analizzata e approvata dal gruppo tecnico dell'agenzia, i cui valutatori non utilizzano il "
            "portale nella demo."
        ),
        "pt": (
            "Analisada e aprovada pela equipa técnica da agência, cujos avaliadores não utilizam o "
            "portal na demonstração."
        ),
    },
    "Strategic planning for internationalisation": {
        "es": "Planificación estratégica para la internacionalización",
        "it": "Pianificazione strategica per l'internazionalizzazione",
        "pt": "Planeamento estratégico para a internacionalização",
    },
    "Choosing and researching target markets": {
        "es": "Selección y estudio de mercados objetivo",
        "it": "Scelta e analisi dei mercati di destinazione",
        "pt": "Seleção e estudo de mercados-alvo",
    },
    "Export pricing, logistics and payment terms": {
        "es": "Precios de exportación, logística y condiciones de pago",
        "it": "Prezzi all'esportazione, logistica e condizioni di pagamento",
        "pt": "Preços de exportação, logística e condições de pagamento",
    },
    "Export diagnosis of the company": {
        "es": "Diagnóstico exportador de la empresa",
        "it": "Diagnosi export dell'impresa",
        "pt": "Diagnóstico exportador da empresa",
    },
    "SWOT analysis with the export team": {
        "es": "Análisis DAFO con el equipo de exportación",
        "it": "Analisi SWOT con il team export",
        "pt": "Análise SWOT com a equipa de exportação",
    },
    "Action plan for the Gulf countries": {
        "es": "Plan de acción para los países del Golfo",
        "it": "Piano d'azione per i paesi del Golfo",
        "pt": "Plano de ação para os países do Golfo",
    },
    "Grants to export consortia": {
        "es": "Subvenciones a consorcios de exportación",
        "it": "Contributi ai consorzi per l'esportazione",
        "pt": "Apoios a consórcios de exportação",
    },
    "Co-financing of promotion projects": {
        "es": "Cofinanciación de proyectos de promoción",
        "it": "Cofinanziamento di progetti promozionali",
        "pt": "Cofinanciamento de projetos de promoção",
    },
    "Seed funding for new consortia": {
        "es": "Financiación inicial de nuevos consorcios",
        "it": "Finanziamento iniziale di nuovi consorzi",
        "pt": "Financiamento inicial de novos consórcios",
    },
    "Trainer and room for the first group session (export markets)": {
        "es": "Formador y sala para la primera sesión en grupo (mercados de exportación)",
        "it": "Formatore e sala per la prima sessione di gruppo (mercati di esportazione)",
        "pt": "Formador e sala para a primeira sessão em grupo (mercados de exportação)",
    },
    "Senior consultant: review of the participants' action plans": {
        "es": "Consultor sénior: revisión de los planes de acción de los participantes",
        "it": "Consulente senior: revisione dei piani d'azione dei partecipanti",
        "pt": "Consultor sénior: revisão dos planos de ação dos participantes",
    },
}

# Placeholders as str.format writes them: "{year}".
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _template_pattern(template: str) -> re.Pattern:
    """A regular expression matching `template` formatted with any values, one named group a placeholder."""
    parts = _PLACEHOLDER.split(template)
    # split() alternates literal text and placeholder names: even indexes are text, odd ones names.
    return re.compile(
        "".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)" for index, part in enumerate(parts))
    )


_TEMPLATES = [(_template_pattern(text), text) for text in CONTENT if _PLACEHOLDER.search(text)]


def translations_of(text: str) -> dict[str, str]:
    """The Spanish, Italian and Portuguese of an English demo text: {"es": ..., "it": ..., "pt": ...}.

    `text` is a key of CONTENT (templates come back unformatted) or a template of it already formatted
    (its translations come back formatted with the same values). Raises KeyError naming the text when
    there is no translation.
    """
    if text in CONTENT:
        return dict(CONTENT[text])
    for pattern, template in _TEMPLATES:
        match = pattern.fullmatch(text)
        if match:
            return {language: wording.format(**match.groupdict()) for language, wording in CONTENT[template].items()}
    raise KeyError(f"No translation of the demo text {text!r}: add it to applications/demo/translations.py")
