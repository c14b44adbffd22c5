"""The words a Spanish, Italian or Portuguese user reads: the programme's terms, the formal register, the dates."""

import gettext
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format

from consortia.admin import OwnershipLinkAdmin
from portal.timezones import format_in_zone
from programmes.models import Formation

EUROPEAN = ["es", "it", "pt"]
# Under another name, so that makemessages does not take the tests for sources of the catalogue.
in_active_language = translation.gettext


def compiled_catalogue(language: str) -> dict:
    """The project's own compiled catalogue (not merged with Django's): msgid (or context and msgid) -> msgstr."""
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.mo"
    with path.open("rb") as mo:
        return gettext.GNUTranslations(mo)._catalog


def messages(language: str):
    """(msgid, msgstr) of every translated message; a plural's forms each come with the singular msgid."""
    for key, text in compiled_catalogue(language).items():
        msgid = key[0] if isinstance(key, tuple) else key
        if msgid and text:
            yield msgid.split("\x04")[-1], text


CONSORTIUM_FORMATION = {
    "es": "constitución del consorcio",
    "it": "costituzione del consorzio",
    "pt": "constituição do consórcio",
}
RELATION_TYPE = {"es": "tipo de vinculación", "it": "tipo di collegamento", "pt": "tipo de relação"}
TRAINING = re.compile(r"\b(formación|formaciones|formazione|formazioni|formação|formações)\b", re.IGNORECASE)


@pytest.mark.parametrize("language", EUROPEAN)
def test_the_formation_of_a_consortium_is_not_called_training(language):
    with translation.override(language):
        assert str(Formation._meta.verbose_name) == CONSORTIUM_FORMATION[language]
        assert not TRAINING.search(str(Formation._meta.verbose_name_plural))


@pytest.mark.parametrize("language", EUROPEAN)
def test_no_message_about_a_formation_says_training(language):
    said_training = [
        (msgid, text)
        for msgid, text in messages(language)
        if re.search(r"\bformations?\b|being formed", msgid) and TRAINING.search(text)
    ]

    assert said_training == []


@pytest.mark.parametrize("language", EUROPEAN)
def test_pimex_training_is_still_training(language):
    with translation.override(language):
        assert TRAINING.search(in_active_language("Group training sessions"))


@pytest.mark.parametrize("language", EUROPEAN)
def test_the_2003_361_relation_is_the_type_of_link_not_a_report(language):
    with translation.override(language):
        label = str(OwnershipLinkAdmin.relation.short_description)

    assert label.startswith(RELATION_TYPE[language])
    assert "relazione" not in label


def test_italian_keeps_relazione_for_the_beneficiaries_reports_only():
    with translation.override("it"):
        assert in_active_language("beneficiary report") == "relazione del beneficiario"
        assert "relazione" not in in_active_language("Relation").lower()


# Words that only a second person singular uses: "tu" and its pronouns and possessives, and the
# verbs most often used to address the user. "te" and "sei" are left out ("sei" is also six).
INFORMAL_ITALIAN = re.compile(r"\b(tu|ti|tuo|tua|tuoi|tue|hai|puoi|devi|vuoi|sai|potrai|riceverai)\b", re.IGNORECASE)
# Imperatives of the second person singular that the portal's sentences once used. Buttons keep the
# short command Italian interfaces use ("Salva", "Scrivi e invia"): the user's order to the portal.
INFORMAL_ITALIAN_IMPERATIVES = re.compile(
    r"(^|[.:;!?] )(Scegli|Inserisci|Indica|Scrivi|Descrivi|Elenca|Conserva|Lascia|Seleziona|Attendi|Chiedi|Correggi)\b"
)


def test_italian_addresses_the_user_formally():
    informal = [
        (msgid, text)
        for msgid, text in messages("it")
        if INFORMAL_ITALIAN.search(text) or (INFORMAL_ITALIAN_IMPERATIVES.search(text) and text.rstrip().endswith("."))
    ]

    assert informal == []


def test_italian_asks_the_user_in_the_courtesy_form():
    with translation.override("it"):
        assert in_active_language("Choose a report.") == "Scelga un report."
        assert in_active_language("Your answer") == "La Sua risposta"
        assert in_active_language("You can still change your scores.").startswith("Può ")


def test_spanish_addresses_the_user_as_usted():
    informal = [
        (msgid, text)
        for msgid, text in messages("es")
        if re.search(r"\b(tú|tu|tus|tienes|puedes|debes|quieres|eres|estás|contigo)\b", text, re.IGNORECASE)
    ]

    assert informal == []


def test_portuguese_addresses_the_user_formally():
    informal = [
        (msgid, text)
        for msgid, text in messages("pt")
        if re.search(r"\b(tu|teu|tua|teus|tuas|contigo|podes|deves|tens|queres|você|vocês)\b", text, re.IGNORECASE)
    ]

    assert informal == []


@pytest.mark.parametrize(
    ("language", "written"),
    [("pt", "2 de dezembro de 2026"), ("es", "2 de diciembre de 2026"), ("it", "2 dicembre 2026")],
)
def test_a_date_writes_its_month_in_lower_case(language, written):
    with translation.override(language):
        assert date_format(date(2026, 12, 2), "DATE_FORMAT") == written


def test_a_portuguese_deadline_and_receipt_write_the_month_in_lower_case():
    with translation.override("pt"):
        assert format_in_zone(datetime(2026, 12, 2, 17, 0, tzinfo=UTC), "Europe/Lisbon") == (
            "2 de dezembro de 2026 às 17:00 (Europe/Lisbon)"
        )
        assert date_format(date(2026, 3, 2), "YEAR_MONTH_FORMAT") == "março de 2026"
        assert date_format(date(2026, 12, 2), "l") == "quarta-feira"
        assert date_format(date(2026, 9, 2), "N") == "set."


@pytest.mark.parametrize("language", EUROPEAN)
def test_the_project_catalogue_carries_the_calendar_names(language):
    """`makemessages --no-obsolete` keeps them because portal/calendar_names.py marks them."""
    catalogue = compiled_catalogue(language)

    for msgid in ["December", "dec", "Wednesday", "Wed", "alt. month\x04December", "abbrev. month\x04Dec."]:
        assert catalogue[msgid] == catalogue[msgid].lower(), msgid
