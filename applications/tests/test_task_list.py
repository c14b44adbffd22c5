"""The application's steps as a task list, "check your answers" with its Change links, the error
summaries, and the declarations and required documents refused at their own step."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import Application
from applications.progress import DONE, IN_PROGRESS, NOT_STARTED, application_progress
from applications.selectors import DRAFT_ROWS, application_for
from applications.tests.test_answers import GOOD, ask
from applications.tests.test_views import PDF, draft, fill, pimex_call
from consortia.models import Consortium, Membership
from consortia.services import organisation_register
from consortia.tests.factories import OrganisationFactory
from programmes.models import CallDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(client, applicant):
    """The shared applicant, logged in."""
    client.force_login(applicant)
    return applicant


def url(application, step, query=""):
    return reverse("applications:edit", args=[application.pk, step]) + query


def statuses(applicant, application):
    application = application_for(applicant, application.pk, editable=True, rows=DRAFT_ROWS)
    return {step.name: step.status for step in application_progress(application)}


def budget_data(category, description="Fruit Logistica", amount="3100.00", action="next"):
    return {
        "budget_lines-TOTAL_FORMS": "1",
        "budget_lines-INITIAL_FORMS": "0",
        "budget_lines-0-category": category.pk,
        "budget_lines-0-description": description,
        "budget_lines-0-amount": amount,
        "action": action,
    }


def required_document(call):
    return CallDocument.objects.create(call=call, position=1, kind="financial", name_en="Accounts", formats="pdf")


def answered_draft(client, applicant):
    """A PIMEX draft asking the questions and a required document: project, budget and answers filled in."""
    call = pimex_call()
    document = required_document(call)
    application = draft(client, applicant, call)
    ask(call)
    fill(client, application)
    client.post(url(application, "questions"), {**GOOD, "action": "save"})
    return document, application


# --- starting: the applicant's own title --------------------------------------------------------------


def test_a_draft_takes_the_title_the_applicant_writes_not_the_calls_name(client, applicant):
    application = draft(client, applicant)

    assert application.title == "Fruit fairs"
    assert application.title != application.call.title


def test_starting_without_a_title_is_refused_next_to_the_field(client, applicant):
    call = pimex_call()
    organisation = organisation_register(user=applicant, organisation=OrganisationFactory.build())

    response = client.post(
        reverse("applications:apply", args=[call.pk]), {"applicant": f"organisation:{organisation.pk}"}
    )

    assert response.status_code == 200
    assert 'href="#id_title"' in response.content.decode()
    assert not Application.objects.exists()


# --- the task list ------------------------------------------------------------------------------------


def test_a_new_draft_has_its_steps_not_started_but_for_the_title_written(client, applicant):
    call = pimex_call()
    required_document(call)
    application = draft(client, applicant, call)

    assert statuses(applicant, application) == {
        "project": IN_PROGRESS,  # the title, written when starting; no summary yet
        "questions": DONE,  # the call asks no question: nothing is missing
        "budget": NOT_STARTED,
        "documents": NOT_STARTED,
        "declarations": NOT_STARTED,
        "review": NOT_STARTED,
    }


def test_each_step_is_done_once_what_it_asks_is_given(client, applicant):
    call = pimex_call()
    document = required_document(call)
    application = draft(client, applicant, call)
    fill(client, application)
    client.post(
        url(application, "documents"),
        {"document": str(document.pk), "file": SimpleUploadedFile("accounts.pdf", PDF), "action": "upload"},
    )

    assert statuses(applicant, application) == {
        "project": DONE,
        "questions": DONE,
        "budget": DONE,
        "documents": DONE,
        "declarations": DONE,
        "review": NOT_STARTED,
    }


def test_questions_are_in_progress_until_every_required_one_is_answered(client, applicant):
    application = draft(client, applicant)
    ask(application.call)

    assert statuses(applicant, application)["questions"] == NOT_STARTED
    client.post(url(application, "questions"), {"answer-sector": "Wine", "action": "save"})
    assert statuses(applicant, application)["questions"] == IN_PROGRESS
    client.post(url(application, "questions"), {**GOOD, "action": "save"})
    assert statuses(applicant, application)["questions"] == DONE


def test_the_steps_show_their_status_in_words(client, applicant):
    application = draft(client, applicant)
    fill(client, application)

    html = client.get(url(application, "review")).content.decode()

    task_list = html[html.index('id="task-list"') : html.index("</nav>", html.index('id="task-list"'))]
    assert re.search(r'id="task-budget" data-status="done".*?>Done<', task_list, re.S)
    assert re.search(r'id="task-review" data-status="not_started".*?>Not started<', task_list, re.S)


# --- check your answers ----------------------------------------------------------------------------


def test_the_review_lists_everything_that_will_be_submitted(client, applicant):
    document, application = answered_draft(client, applicant)
    client.post(
        url(application, "documents"),
        {"document": str(document.pk), "file": SimpleUploadedFile("accounts-2025.pdf", PDF), "action": "upload"},
    )

    html = client.get(url(application, "review")).content.decode()

    assert "Fruit in Germany" in html and "Fairs" in html and "DE" in html
    assert "Q sector" in html and "Wine" in html and "Fairs in Japan" in html
    assert "Promotion actions" in html and "Fruit Logistica" in html and "3,100.00\xa0€" in html
    assert re.search(r'id="budget-total">3,100.00\xa0€<', html)
    assert "accounts-2025.pdf · Accounts" in html
    declarations = html[html.index('id="check-declarations"') :]
    assert "Accepted:" in declarations and "Not accepted:" not in declarations


def test_every_block_has_a_change_link_that_says_what_it_changes(client, applicant):
    application = draft(client, applicant)
    ask(application.call)
    fill(client, application)

    html = client.get(url(application, "review")).content.decode()

    for step, hidden in [
        ("project", "the project"),
        ("budget", "the budget lines"),
        ("documents", "the documents"),
        ("declarations", "the declarations"),
    ]:
        link = f'href="{url(application, step)}?return=review">Change<span class="visually-hidden"> {hidden}</span>'
        assert link in html
    assert (
        f'href="{url(application, "questions")}?return=review#id_answer-sector">'
        'Change<span class="visually-hidden"> Q sector</span>'
    ) in html


def test_the_review_lists_the_consortiums_active_members(client, applicant):
    lead = organisation_register(user=applicant, organisation=OrganisationFactory.build(legal_name="Lead Co"))
    other = OrganisationFactory(legal_name="Second Co")
    gone = OrganisationFactory(legal_name="Gone Co")
    consortium = Consortium.objects.create(name="C", sector="metal", established_on=date(2025, 1, 1), lead=lead)
    for organisation, status in [(lead, "active"), (other, "active"), (gone, "declined")]:
        Membership.objects.create(
            consortium=consortium, organisation=organisation, status=status, joined_on=date(2025, 1, 1)
        )
    application = Application.objects.create(call=pimex_call(), consortium=consortium, title="Joint fair")

    html = client.get(url(application, "review")).content.decode()

    members = html[html.index('id="check-members"') :]
    assert "Lead Co" in members and "Second Co" in members and "Gone Co" not in members


@pytest.mark.parametrize(
    ("step", "data"),
    [
        ("project", {"title": "Cheese in Japan", "summary": "Fairs", "action": "next"}),
        ("declarations", {"pimex_commitment": "on", "action": "next"}),
        ("documents", {"action": "next"}),
    ],
)
def test_a_step_opened_from_the_review_comes_back_to_it_once_saved(client, applicant, step, data):
    application = draft(client, applicant)
    fill(client, application)

    response = client.post(url(application, step, "?return=review"), data)

    assert response["Location"] == url(application, "review", f"#check-{step}")


def test_the_budget_opened_from_the_review_comes_back_to_it(client, applicant):
    application = draft(client, applicant)
    category = application.call.programme.cost_categories.first()

    response = client.post(url(application, "budget", "?return=review"), budget_data(category))

    assert response["Location"] == url(application, "review", "#check-budget")
    html = client.get(url(application, "budget", "?return=review")).content.decode()
    assert f'hx-post="{url(application, "budget")}?return=review"' in html


def test_the_questions_opened_from_the_review_come_back_to_it_with_the_new_answer(client, applicant):
    application = draft(client, applicant)
    ask(application.call)
    fill(client, application)
    client.post(url(application, "questions"), {**GOOD, "action": "save"})

    changed = {**GOOD, "answer-sector": "Cork", "action": "next"}
    response = client.post(url(application, "questions", "?return=review"), changed)
    assert response["Location"] == url(application, "review", "#check-questions")
    response = client.get(response["Location"])

    assert re.search(r'id="answer-value-sector">Cork<', response.content.decode())


@pytest.mark.parametrize("target", ["https://elsewhere.example/", "detail", "budget", ""])
def test_only_the_review_is_a_return_target(client, applicant, target):
    application = draft(client, applicant)

    response = client.post(
        url(application, "project", f"?return={target}"), {"title": "T", "summary": "S", "action": "next"}
    )

    assert response["Location"] == url(application, "questions")


def test_saving_without_continuing_stays_on_the_step_with_the_way_back(client, applicant):
    application = draft(client, applicant)

    data = {"title": "T", "summary": "", "action": "save"}
    response = client.post(url(application, "project", "?return=review"), data)

    assert response.status_code == 200
    assert "Save and go back to check your answers" in response.content.decode()


def test_removing_a_document_opened_from_the_review_keeps_the_way_back(client, applicant):
    call = pimex_call()
    document = required_document(call)
    application = draft(client, applicant, call)
    client.post(
        url(application, "documents", "?return=review"),
        {"document": str(document.pk), "file": SimpleUploadedFile("accounts.pdf", PDF), "action": "upload"},
    )
    attachment = application.attachments.get()
    html = client.get(url(application, "documents", "?return=review")).content.decode()
    remove = reverse("applications:attachment_delete", args=[application.pk, attachment.pk]) + "?return=review"
    assert f'action="{remove}"' in html

    response = client.post(remove)

    assert response["Location"] == url(application, "documents", "?return=review")
    assert not application.attachments.exists()


# --- error summaries -------------------------------------------------------------------------------


def test_the_project_step_lists_its_errors_at_the_top_linking_to_the_field(client, applicant):
    application = draft(client, applicant)

    html = client.post(url(application, "project"), {"title": "", "summary": "S", "action": "next"}).content.decode()

    summary = html[html.index('id="error-summary"') :]
    assert 'href="#id_title"' in summary


def test_the_budget_lists_each_lines_errors_linking_to_the_field(client, applicant):
    application = draft(client, applicant)
    category = application.call.programme.cost_categories.first()
    data = {
        **budget_data(category, description="Stand"),
        "budget_lines-TOTAL_FORMS": "2",
        "budget_lines-1-category": category.pk,
        "budget_lines-1-description": "",
        "budget_lines-1-amount": "-5",
    }

    html = client.post(url(application, "budget"), data).content.decode()

    summary = html[html.index('id="error-summary"') : html.index("</div>", html.index('id="error-summary"'))]
    assert 'href="#id_budget_lines-1-amount"' in summary and "Line 2, Amount" in summary
    assert "Enter an amount above zero." in summary
    assert 'href="#id_budget_lines-1-description"' in summary
    assert "The correct lines are saved." in html
    assert list(application.budget_lines.values_list("description", flat=True)) == ["Stand"]


# --- declarations and required documents, refused at their own step ---------------------------------


def test_continuing_without_a_required_declaration_is_refused_next_to_it(client, applicant):
    application = draft(client, applicant)

    response = client.post(url(application, "declarations"), {"action": "next"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_pimex_commitment"' in html[html.index('id="error-summary"') :]
    assert html.count("Tick this declaration to continue: the call requires it.") == 2  # summary, field
    application.refresh_from_db()
    assert application.declarations == []


def test_the_declarations_ticked_are_saved_and_the_step_moves_on(client, applicant):
    application = draft(client, applicant)

    response = client.post(url(application, "declarations"), {"pimex_commitment": "on", "action": "next"})

    assert response["Location"] == url(application, "review")
    application.refresh_from_db()
    assert application.declarations == ["pimex_commitment"]


def test_continuing_without_a_required_document_names_it_and_stays(client, applicant):
    call = pimex_call()
    document = required_document(call)
    application = draft(client, applicant, call)

    response = client.post(url(application, "documents"), {"action": "next"})

    html = response.content.decode()
    assert response.status_code == 200
    summary = html[html.index('id="error-summary"') :]
    assert f'href="#call-document-{document.pk}"' in summary and "Attach “Accounts”: the call requires it." in summary
    assert "Attach this document to continue: the call requires it." in html


def test_with_the_required_document_attached_the_documents_step_moves_on(client, applicant):
    call = pimex_call()
    document = required_document(call)
    application = draft(client, applicant, call)
    upload = client.post(
        url(application, "documents"),
        {"document": str(document.pk), "file": SimpleUploadedFile("accounts.pdf", PDF), "action": "upload"},
    )

    response = client.post(url(application, "documents"), {"action": "next"})

    assert upload.status_code == 200  # attaching is never refused for what is still missing
    assert response["Location"] == url(application, "declarations")


# --- queries -----------------------------------------------------------------------------------------


# The review page reads the application with its rows and its call's rules (the task list's
# declarations and the rules panel share them), the call's questions (two: their choices) and the
# answers, and what else the rules panel reads; as many queries with one budget line, one answer or
# one document as with many.
@pytest.mark.parametrize("step", ["project", "questions", "budget", "documents", "declarations", "review"])
def test_each_step_takes_as_many_queries_whatever_the_application_holds(
    client, applicant, step, django_assert_num_queries
):
    document, application = answered_draft(client, applicant)
    call = application.call
    client.get(url(application, step))  # the session's first reads
    with django_assert_num_queries(QUERIES[step]):
        client.get(url(application, step))

    category = call.programme.cost_categories.first()
    for position in range(1, 8):
        application.budget_lines.create(category=category, description=f"Line {position}", amount=Decimal("10.00"))
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        client.post(
            url(application, "documents"),
            {"document": str(document.pk), "file": SimpleUploadedFile(name, PDF), "action": "upload"},
        )
    with django_assert_num_queries(QUERIES[step]):
        response = client.get(url(application, step))

    assert response.status_code == 200


QUERIES = {
    "project": 16,
    "questions": 16,
    "budget": 18,
    "documents": 16,
    "declarations": 16,
    "review": 16,
}
