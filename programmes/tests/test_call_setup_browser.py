"""In a real browser: an agency sets up a call in the admin in Spanish (a conditional question, a
required document, texts in four languages), an applicant answers it in Portuguese and submits,
and staff read the answers in Italian."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from applications.models import Application
from portal.tests.browser import log_in
from programmes.models import Call, Question
from programmes.tests.factories import CostCategoryFactory, ProgrammeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLES = {
    "en": "Trade missions 2026",
    "es": "Misiones comerciales 2026",
    "it": "Missioni commerciali 2026",
    "pt": "Missões comerciais 2026",
}
EXPORTS = {
    "en": "Does the company export already?",
    "es": "¿La empresa ya exporta?",
    "it": "L'impresa esporta già?",
    "pt": "A empresa já exporta?",
}
COUNTRIES = {
    "en": "To which countries?",
    "es": "¿A qué países?",
    "it": "In quali paesi?",
    "pt": "Para que países?",
}
ACCOUNTS = {
    "en": "Last year's accounts",
    "es": "Cuentas del último ejercicio",
    "it": "Bilancio dell'ultimo esercizio",
    "pt": "Contas do último exercício",
}


@pytest.fixture
def programme(agency):
    agency.language = "es"
    agency.save()
    programme = ProgrammeFactory(
        agency=agency, kind="pimex", applicant_type="company", name_en="PIMEX", name_es="PIMEX", slug="pimex"
    )
    CostCategoryFactory(
        programme=programme,
        code="promotion",
        name_en="Promotion actions",
        name_es="Acciones de promoción",
        name_it="Azioni di promozione",
        name_pt="Ações de promoção",
    )
    return programme


def fill_languages(page, prefix, texts):
    for language, text in texts.items():
        page.locator(f"#id_{prefix}_{language}").fill(text)


def add_row(page, group):
    page.locator(f"#{group}-group .add-row a").click()


def save_admin(page):
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".errornote").count() == 0, page.locator("#content").inner_text()[:2000]


def next_step(page):
    page.locator("button[name=action][value=next]").click()
    page.wait_for_load_state("networkidle")


def test_a_call_set_up_in_spanish_is_answered_in_portuguese_and_read_in_italian(
    page, new_page, live_server, programme, manager, applicant, company, tmp_path
):
    # --- the agency, in Spanish: the call, its texts in four languages, two questions and a document ---
    log_in(page, manager.email, "/es/admin/")
    page.goto("/es/admin/programmes/call/add/")
    assert page.locator("html").get_attribute("lang") == "es"
    page.locator("#id_programme").select_option(str(programme.pk))
    fill_languages(page, "title", TITLES)
    page.locator("#id_slug").fill("misiones-2026")
    page.locator("#id_slug").dispatch_event("change")  # typed: no longer follows the title
    page.locator("#id_reference_prefix").fill("MIS")
    page.locator("#id_year").fill(str(timezone.now().year))
    opens, closes = timezone.localdate() - timedelta(days=1), timezone.localdate() + timedelta(days=30)
    page.locator("#id_opens_at_0").fill(opens.isoformat())
    page.locator("#id_opens_at_1").fill("09:00:00")
    page.locator("#id_closes_at_0").fill(closes.isoformat())
    page.locator("#id_closes_at_1").fill("14:00:00")
    page.locator("#id_budget").fill("58000")

    add_row(page, "questions")
    add_row(page, "questions")
    for index, (code, kind, labels) in enumerate(
        (("exports", "yes_no", EXPORTS), ("countries", "short_text", COUNTRIES))
    ):
        page.locator(f"#id_questions-{index}-position").fill(str(index + 1))
        page.locator(f"#id_questions-{index}-code").fill(code)
        page.locator(f"#id_questions-{index}-kind").select_option(kind)
        fill_languages(page, f"questions-{index}-label", labels)
        page.locator(f"#id_questions-{index}-required").check()

    add_row(page, "documents")
    page.locator("#id_documents-0-position").fill("1")
    page.locator("#id_documents-0-kind").select_option("financial")
    fill_languages(page, "documents-0-name", ACCOUNTS)
    page.locator("#id_documents-0-formats").fill("pdf")
    page.locator("#id_documents-0-max_size_mb").fill("5")
    page.locator("#id_documents-0-required").check()
    save_admin(page)

    call = Call.objects.get(slug="misiones-2026")
    assert (call.title_es, call.title_pt, call.documents.get().name_it) == (TITLES["es"], TITLES["pt"], ACCOUNTS["it"])

    # The condition: "To which countries?" only when the company already exports.
    countries = call.questions.get(code="countries")
    page.goto(f"/es/admin/programmes/question/{countries.pk}/change/")
    page.locator("#id_condition_question").select_option(str(call.questions.get(code="exports").pk))
    page.locator("#id_condition_values").fill("yes")
    save_admin(page)
    countries.refresh_from_db()
    assert countries.condition_values == "yes"

    # --- the applicant, in Portuguese ---
    applying = new_page()
    log_in(applying, applicant.email, "/pt/my/")
    applying.goto("/pt/programmes/pimex/calls/misiones-2026/")
    assert TITLES["pt"] in applying.locator("h1").inner_text()
    assert ACCOUNTS["pt"] in applying.content()
    applying.goto(f"/pt/my/calls/{call.pk}/apply/")
    applying.locator("#id_title").fill("Conservas no Brasil")  # the applicant names the project when starting
    applying.locator("#apply-form button[type=submit], main form button[type=submit]").first.click()
    applying.wait_for_url(re.compile(r"/pt/my/applications/\d+/edit/project/$"))
    application = Application.objects.get(call=call)

    applying.locator("#id_title").fill("Conservas no Brasil")
    applying.locator("#id_summary").fill("Missão comercial a São Paulo.")
    if applying.locator("#id_target_markets").count():
        applying.locator("#id_target_markets").fill("BR")
    next_step(applying)

    # The questions step: the second question appears only after "Sim".
    assert EXPORTS["pt"] in applying.content()
    countries_box = applying.locator('.question[data-question="answer-countries"]')
    assert countries_box.is_hidden()
    applying.get_by_label("Sim").check()
    assert countries_box.is_visible()
    countries_box.locator("input").fill("Brasil, Angola")
    next_step(applying)

    applying.locator("#add-line").click()
    row = applying.locator("tr.budget-line").first
    row.locator("select").select_option(label="Ações de promoção")
    row.locator("input[type=text]").first.fill("Feira em São Paulo")
    row.locator("input[inputmode=decimal]").fill("3.100,00")
    next_step(applying)
    applying.wait_for_url(re.compile(r"/edit/documents/$"))

    # The documents step names the call's document in Portuguese; a PDF is attached to it.
    assert ACCOUNTS["pt"] in applying.locator("#call-documents").inner_text()
    pdf = tmp_path / "contas.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    applying.locator("#id_document").select_option(label=ACCOUNTS["pt"])
    applying.locator("#id_file").set_input_files(str(pdf))
    applying.locator("button[name=action][value=upload]").click()
    applying.wait_for_load_state("networkidle")
    assert "contas.pdf" in applying.locator("#call-documents").inner_text()
    next_step(applying)

    # The call asks no declaration: the step says so and goes on.
    assert "não exige nenhuma declaração" in applying.content()
    applying.get_by_role("link", name="Continuar").click()
    applying.wait_for_url(re.compile(r"/edit/review/$"))

    applying.locator("#submit-button").click()
    applying.wait_for_url(re.compile(rf"/pt/my/applications/{application.pk}/$"))
    application.refresh_from_db()
    assert application.reference.startswith("MIS-")
    answers = {row["code"]: row for row in application.submitted_content["answers"]}
    assert (answers["exports"]["label"], answers["exports"]["value"]) == (EXPORTS["pt"], "Sim")
    assert answers["countries"]["value"] == "Brasil, Angola"

    # --- staff read the answers in Italian ---
    page.goto(f"/it/admin/applications/application/{application.pk}/change/")
    answers_table = page.locator("table.answers")
    assert EXPORTS["it"] in answers_table.inner_text() and COUNTRIES["it"] in answers_table.inner_text()
    assert "Sì" in answers_table.inner_text() and "Brasil, Angola" in answers_table.inner_text()
    assert Question.objects.filter(call=call).count() == 2
