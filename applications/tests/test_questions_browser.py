"""In the browser: a question asked only for some number is shown as the number is typed, the page
language's way (1.500 in Spanish), as the server decides on saving."""

from decimal import Decimal

import pytest

from applications.tests.factories import ApplicationFactory
from portal.tests.browser import log_in
from programmes.tests.factories import QuestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_question_on_a_number_appears_as_the_number_is_typed_in_spanish(page, live_server, applicant, company):
    application = ApplicationFactory(consortium=None, organisation=company)
    call = application.call
    smes = QuestionFactory(call=call, code="smes", kind="number", label_en="SMEs", label_es="Pymes", position=1)
    question = QuestionFactory.build(
        call=call,
        code="why",
        kind="long_text",
        label_en="Why exactly 1500?",
        label_es="¿Por qué exactamente 1500?",
        position=2,
        condition_question=smes,
        condition_values="1500.00",
    )
    question.full_clean()
    question.save()
    assert question.condition_values == "1500"

    log_in(page, applicant.email)
    page.goto(f"/es/my/applications/{application.pk}/edit/questions/")
    why = page.get_by_label("¿Por qué exactamente 1500?")
    number = page.get_by_label("Pymes")

    assert not why.is_visible()
    number.fill("1.500")
    assert why.is_visible()
    number.fill("15")
    assert not why.is_visible()
    number.fill("1500,0")
    assert why.is_visible()

    # The server agrees: saved with 1.500, the answer to the conditional question is kept.
    why.fill("Un grupo grande")
    number.fill("1.500")
    page.get_by_role("button", name="Guardar", exact=True).click()
    page.wait_for_load_state("networkidle")
    answers = {answer.question.code: answer for answer in application.answers.select_related("question")}
    assert answers["smes"].number == Decimal("1500") and answers["why"].text == "Un grupo grande"
