"""Every agency-authored text of the demo data has its Spanish, Italian and Portuguese (applications.demo.translations).

The walk below follows the seeding (applications.demo.seed): which key of data.py becomes which field.
A key the walk does not know fails the test until it is declared a text (and translated) or a code, so a
new demo text cannot reach the database in English only. No database is needed.
"""

import re

import pytest
from django.apps import apps

from applications.demo import data
from applications.demo.translations import CONTENT, LANGUAGES, translations_of

# The keys of a programme and of a call the seeding turns into translated fields, and those that are not text.
PROGRAMME_TEXTS = (
    "name",
    "summary",
    "who_can_apply",
    "funding_rules",
    "fund",
    "specific_objective",
    "intervention_type",
)
PROGRAMME_NOT_TEXT = {
    "agency",
    "slug",
    "kind",
    "applicant_type",
    "legal_basis",
    "eu_cofinancing_rate",
    "categories",
    "calls",
}
CALL_TEXTS = ("title", "description", "grant_conditions")
# A call's documents are named by their kind (translated with the portal): no demo text.
CALL_NOT_TEXT = {"slug", "reference_prefix", "budget", "window", "rules", "documents"}

# Proper names that stay as they are in every language.
IDENTICAL = {"PIMEX", "PIMEX {year}"}

# The module constants the rules use as notes.
NOTE_CONSTANTS = ("ONE_PER_CALL", "TRUTHFUL", "DE_MINIMIS_DECLARATION", "DE_MINIMIS_CEILING")


def demo_texts():
    """(where it is in data.py, "app_label.Model.field" it becomes, English text) for every translatable text."""
    for programme in data.PROGRAMMES:
        slug = programme["slug"]
        for key in PROGRAMME_TEXTS:
            if programme.get(key):
                yield f"{slug}: {key}", f"programmes.Programme.{key}", programme[key]
        for code, name, description in programme["categories"]:
            yield f"{slug}: category {code}", "programmes.CostCategory.name", name
            yield f"{slug}: category {code}", "programmes.CostCategory.description", description
        for call in programme["calls"]:
            for key in CALL_TEXTS:
                if call.get(key):
                    yield f"{slug}: call {call['slug']} {key}", f"programmes.Call.{key}", call[key]
            for position, code, params in data.rule_positions(call["rules"]):
                if params.get("note"):
                    where = f"{slug}: call {call['slug']} rule {position} {code}"
                    yield where, "programmes.CallRule.note", params["note"]
    for name, description, *_ in data.CRITERIA:
        yield "CRITERIA", "programmes.ReviewCriterion.name", name
        yield "CRITERIA", "programmes.ReviewCriterion.description", description
    for constant in NOTE_CONSTANTS:
        yield constant, "programmes.CallRule.note", getattr(data, constant)
    yield "APPROVED_WITHOUT_REVIEWS", "applications.Application.decision_override_reason", data.APPROVED_WITHOUT_REVIEWS
    for title, _days, _place in data.PIMEX_SESSIONS:
        yield "PIMEX_SESSIONS", "applications.PimexSession.title", title
    for _days, topic, _attended in data.PIMEX_PARTICIPANT["tutorials"]:
        yield "PIMEX_PARTICIPANT tutorials", "applications.PimexTutorial.topic", topic
    for slug, lines in data.BUDGETS.items():
        for name, _purpose, _amount in lines:
            yield f"BUDGETS {slug}", "programmes.ProgrammeBudgetLine.name", name
    for _line, _days, _amount, description in data.AGENCY_SPENDING:
        yield "AGENCY_SPENDING", "programmes.AgencySpending.description", description


TEXTS = list(demo_texts())
PARAMETERS = [pytest.param(field, text, id=f"{where} | {text[:40]}") for where, field, text in TEXTS]


def test_the_walk_knows_every_key_of_the_programmes_and_calls():
    for programme in data.PROGRAMMES:
        unknown = set(programme) - set(PROGRAMME_TEXTS) - PROGRAMME_NOT_TEXT
        assert not unknown, f"{programme['slug']}: declare {unknown} a text (and translate it) or a code"
        for call in programme["calls"]:
            unknown = set(call) - set(CALL_TEXTS) - CALL_NOT_TEXT
            assert not unknown, f"{programme['slug']} call {call['slug']}: declare {unknown} a text or a code"
            for _position, code, params in data.rule_positions(call["rules"]):
                assert params.get("note"), f"{programme['slug']}: the {code} rule has no note"


def test_the_walk_finds_the_texts_of_every_kind():
    fields = {field for _where, field, _text in TEXTS}
    assert {
        "programmes.Programme.name",
        "programmes.Programme.fund",
        "programmes.Call.title",
        "programmes.CostCategory.description",
        "programmes.ReviewCriterion.name",
        "programmes.CallRule.note",
    } <= fields
    assert len({text for _where, _field, text in TEXTS}) > 100


def test_every_translation_is_of_a_demo_text():
    # A text removed from or reworded in data.py leaves its old translation behind.
    stale = set(CONTENT) - {text for _where, _field, text in TEXTS}
    assert not stale, f"translations of no demo text: {sorted(stale)}"


@pytest.mark.parametrize(("field", "text"), PARAMETERS)
def test_every_demo_text_has_its_translations(field, text):
    translated = translations_of(text)

    assert set(translated) == set(LANGUAGES)
    for language, wording in translated.items():
        assert wording.strip(), f"{language}: empty"
        assert wording == wording.strip(), f"{language}: blanks around {wording!r}"
        if text not in IDENTICAL:
            assert wording != text, f"{language}: still in English"


@pytest.mark.parametrize(("field", "text"), PARAMETERS)
def test_the_translations_keep_placeholders_quotations_and_figures(field, text):
    for language, wording in translations_of(text).items():
        assert placeholders(wording) == placeholders(text), language
        assert (wording.count("“"), wording.count("”")) == (text.count("“"), text.count("”")), language
        assert figures(wording) == figures(text), f"{language}: {wording}"
        assert not re.search(r"\d,\d{3}\b", wording), f"{language}: English thousands separator in {wording!r}"


@pytest.mark.parametrize(("field", "text"), PARAMETERS)
def test_the_translations_fit_their_field(field, text):
    app_label, model, name = field.split(".")
    # Each language has its column (portal.translated), all of the same length: the English one's.
    opts = apps.get_model(app_label, model)._meta
    field_name = f"{name}_en" if name in getattr(opts.model, "_translated_fields", {}) else name
    max_length = opts.get_field(field_name).max_length
    if max_length is None:
        return
    for language, wording in translations_of(text).items():
        assert len(wording.format(year=2026)) <= max_length, f"{language}: longer than {max_length}"


@pytest.mark.parametrize(("field", "text"), PARAMETERS)
def test_the_translations_address_the_reader_formally(field, text):
    informal = {
        "es": r"\b(tú|tu|tus|te|ti|contigo|tienes|puedes)\b",
        "it": r"\b(tu|ti|te|tuo|tua|tuoi|tue)\b",
        "pt": r"\b(tu|te|ti|teu|tua|teus|tuas|contigo)\b",
    }
    for language, wording in translations_of(text).items():
        assert not re.search(informal[language], wording, re.IGNORECASE), f"{language}: {wording}"


@pytest.mark.parametrize(("field", "text"), PARAMETERS)
def test_a_consortium_is_constituted_not_trained(field, text):
    training = r"\b(formación|formaciones|formazione|formazioni|formação|formações)\b"
    translated = translations_of(text)
    if "train" not in text.lower():
        for language, wording in translated.items():
            assert not re.search(training, wording, re.IGNORECASE), f"{language}: {wording}"
    if "consorti" in text.lower() and re.search(r"\b(formed|formation|establish\w*|stablish)\b", text, re.I):
        for language, wording in translated.items():
            assert re.search(r"constitu|costitu", wording, re.IGNORECASE), f"{language}: {wording}"


@pytest.mark.parametrize(("field", "text"), PARAMETERS)
def test_the_funds_and_state_aid_terms_are_the_agencies(field, text):
    translated = translations_of(text)
    funds = {"es": "FEDER", "it": "FESR", "pt": "FEDER"}
    for language, wording in translated.items():
        assert "ERDF" not in wording and "ESF" not in wording, language
        if "ERDF" in text:
            assert funds[language] in wording, language
        if "ESF+" in text:
            assert "FSE+" in wording, language
        if "de minimis" in text:
            assert "de minimis" in wording, language


@pytest.mark.parametrize(("field", "text"), PARAMETERS)
def test_months_and_weekdays_are_in_lower_case(field, text):
    capitalised = re.compile(
        r"\b(Enero|Febrero|Marzo|Abril|Mayo|Junio|Julio|Agosto|Septiembre|Octubre|Noviembre|Diciembre"
        r"|Lunes|Martes|Miércoles|Jueves|Viernes|Sábado|Domingo"
        r"|Gennaio|Febbraio|Aprile|Maggio|Giugno|Luglio|Settembre|Ottobre|Novembre|Dicembre"
        r"|Lunedì|Martedì|Mercoledì|Giovedì|Venerdì|Sabato|Domenica"
        r"|Janeiro|Fevereiro|Março|Maio|Junho|Julho|Setembro|Outubro|Novembro|Dezembro"
        r"|Segunda-feira|Terça-feira|Quarta-feira|Quinta-feira|Sexta-feira)\b"
    )
    for language, wording in translations_of(text).items():
        assert not capitalised.search(wording), f"{language}: {wording}"


def test_a_formatted_title_is_translated_with_the_same_values():
    assert translations_of("Export Consortiums 2026") == {
        "es": "Consorcios de Exportación 2026",
        "it": "Consorzi per l'esportazione 2026",
        "pt": "Consórcios de Exportação 2026",
    }
    assert translations_of("Collective Actions – contest 2 (2027)")["pt"] == "Ações Coletivas – concurso 2 (2027)"


def test_a_template_comes_back_as_a_template():
    assert translations_of("Seed funding for export consortia {year}")["it"] == (
        "Finanziamento iniziale dei consorzi per l'esportazione {year}"
    )


def test_a_text_without_translation_fails_loudly():
    with pytest.raises(KeyError, match="A new demo text"):
        translations_of("A new demo text")


def test_the_answer_is_a_copy():
    translations_of("ERDF")["es"] = "changed"

    assert CONTENT["ERDF"]["es"] == "FEDER"


def placeholders(text):
    return sorted(re.findall(r"\{\w+\}", text))


def figures(text):
    """The numbers of a text, whatever the thousands separator: "8,000", "8.000" and "8000" are all 8000."""
    return sorted(re.sub(r"(?<=\d)[.,](?=\d{3}\b)", "", number) for number in re.findall(r"\d[\d.,]*\d|\d", text))
