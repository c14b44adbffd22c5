"""After the grant: acceptance, expenses within their lines, verification, the payable amount, payments, retention."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse

from applications.beneficiary_reports import ReportRefused, project_report_submit
from applications.decisions import application_approve, application_close
from applications.models import Application, Attachment, BudgetLine, Expense, Payment, ProjectReport
from applications.post_award import (
    PostAwardRefused,
    expense_claim,
    expense_verify,
    grant_accept,
    payable_amount,
    payment_record,
)
from applications.retention import RetentionRefused
from applications.services import application_change_status
from applications.tests.factories import ApplicationFactory, BudgetLineFactory, reviews_complete
from consortia.tests.factories import OrganisationFactory, RepresentationFactory, representative
from programmes.models import CallRule, Programme
from programmes.tests.factories import CallFactory, CostCategoryFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

D = Decimal
MADRID = ZoneInfo("Europe/Madrid")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def invoice(name="invoice.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), MADRID)


def call_of(kind=Programme.Kind.COFINANCING, rate=None, **fields):
    """A call of a programme of `kind`; with `rate`, its rules co-finance that share of the costs."""
    programme = ProgrammeFactory(kind=kind)
    closes = datetime(2026, 10, 30, 14, 0, tzinfo=MADRID)
    call = CallFactory(
        programme=programme,
        opens_at=closes - timedelta(days=120),
        closes_at=closes,
        budget=D("500000.00"),
        final_report_due_on=date(2027, 3, 31),
        grant_conditions="Keep every invoice; publicise the EU support.",
        **fields,
    )
    if rate is not None:
        CallRule.objects.create(call=call, position=1, code="funding_rate", rate=rate)
    return call


def approved(call, organisation, staff, *, lines=("6000.00", "4000.00"), granted="10000.00") -> Application:
    """Submitted, reviewed and approved through the services, with its budget lines."""
    application = ApplicationFactory(call=call, consortium=None, organisation=organisation)
    for position, amount in enumerate(lines):
        category = CostCategoryFactory(programme=call.programme, name=f"Category {position}")
        BudgetLineFactory(application=application, category=category, amount=D(amount), position=position)
    application_change_status(application=application, to_status="submitted", at=call.opens_at + timedelta(days=1))
    application_change_status(application=application, to_status="under_review")
    reviews_complete(application)
    return application_approve(application=application, by=staff, amount=D(granted))


def line(application, position=0) -> BudgetLine:
    return application.budget_lines.get(position=position)


def final(application) -> ProjectReport:
    return application.project_reports.get(kind="final")


def claim(application, user, amount, position=0, **fields):
    defaults = {
        "description": "Stand at a fair",
        "supplier": "Fairs Ltd",
        "invoice_number": f"F-{amount}",
        "invoice_date": date(2026, 11, 2),
    }
    return expense_claim(
        report=final(application),
        by=user,
        budget_line=line(application, position),
        amount=D(amount),
        **{**defaults, **fields},
    )


def submitted_with(application, user, *amounts):
    grant_accept(application=application, by=user)
    expenses = [claim(application, user, amount, position=index % 2) for index, amount in enumerate(amounts)]
    project_report_submit(report=final(application), by=user, narrative="Two fairs, 12 meetings.")
    return expenses


# --- acceptance ---------------------------------------------------------------------------------


def test_the_beneficiary_accepts_the_grant_once_with_its_conditions(client, company, applicant, staff):
    application = approved(call_of(), company, staff)
    client.force_login(applicant)
    page = client.get(reverse("applications:detail", args=[application.pk]))
    assert "Keep every invoice; publicise the EU support." in page.text

    unticked = client.post(reverse("applications:accept", args=[application.pk]), follow=True)
    assert "Tick the box to accept the conditions of the grant." in unticked.text
    client.post(reverse("applications:accept", args=[application.pk]), {"conditions": "accepted"})

    application.refresh_from_db()
    assert application.accepted_by == applicant and application.accepted_at is not None
    with pytest.raises(PostAwardRefused, match="already accepted"):
        grant_accept(application=application, by=applicant)


def test_a_report_cannot_be_written_before_the_grant_is_accepted(company, applicant, staff):
    application = approved(call_of(), company, staff)

    with pytest.raises(PostAwardRefused, match="Accept the grant first"):
        claim(application, applicant, "100.00")
    with pytest.raises(ReportRefused, match="Accept the grant first"):
        project_report_submit(report=final(application), by=applicant, narrative="Done")


# --- expenses -----------------------------------------------------------------------------------


def test_an_expense_above_what_is_left_of_its_budget_line_is_refused(company, applicant, staff):
    application = approved(call_of(), company, staff)
    grant_accept(application=application, by=applicant)
    claim(application, applicant, "5000.00")

    with pytest.raises(PostAwardRefused, match=r"above what is left of the budget line .* \(1000\.00 of 6000\.00\)"):
        claim(application, applicant, "1000.01")
    claim(application, applicant, "1000.00")
    assert Expense.objects.count() == 2


def test_negative_and_absurd_amounts_are_refused(company, applicant, staff):
    application = approved(call_of(), company, staff)
    grant_accept(application=application, by=applicant)

    for amount in ("0", "-5.00", "1000000000.00"):
        with pytest.raises(PostAwardRefused):
            claim(application, applicant, amount)
    assert not Expense.objects.exists()


def test_the_expense_form_explains_errors_next_to_the_field_and_keeps_the_input(client, company, applicant, staff):
    application = approved(call_of(), company, staff)
    grant_accept(application=application, by=applicant)
    client.force_login(applicant)
    url = reverse("applications:report", args=[application.pk, "final"])
    data = {
        "action": "expense",
        "expense-budget_line": line(application).pk,
        "expense-description": "Catalogue printing",
        "expense-supplier": "Imprenta Badajoz",
        "expense-invoice_number": "A-77",
        "expense-invoice_date": "2026-11-03",
        "expense-amount": "9000.00",
        "expense-invoice": invoice(),
    }

    too_much = client.post(url, data)

    assert too_much.status_code == 400
    form = too_much.context["forms"]["expense"]
    assert "above what is left of the budget line" in form.errors["amount"][0]
    assert 'value="Imprenta Badajoz"' in too_much.text and 'value="A-77"' in too_much.text

    disguised = client.post(
        url, {**data, "expense-amount": "900.00", "expense-invoice": invoice("bill.pdf", b"MZ\x90\x00" + b"\x00" * 64)}
    )
    assert disguised.status_code == 400
    assert disguised.context["forms"]["expense"].errors["invoice"]
    future = client.post(
        url, {**data, "expense-amount": "900.00", "expense-invoice_date": "2099-01-01", "expense-invoice": invoice()}
    )
    assert "An invoice cannot be dated in the future." in future.context["forms"]["expense"].errors["invoice_date"]
    assert not Expense.objects.exists() and not Attachment.objects.filter(kind="invoice").exists()

    added = client.post(url, {**data, "expense-amount": "900.00", "expense-invoice": invoice()})
    assert added.status_code == 302
    expense = Expense.objects.get()
    assert (expense.amount, expense.invoice.kind, expense.status) == (D("900.00"), "invoice", "claimed")
    page = client.get(url)
    assert "5,100.00" in page.text  # what is left of the 6,000 line


def test_a_removed_expense_takes_its_invoice_with_it(client, company, applicant, staff):
    application = approved(call_of(), company, staff)
    grant_accept(application=application, by=applicant)
    client.force_login(applicant)
    url = reverse("applications:report", args=[application.pk, "final"])
    client.post(url, {"action": "expense", "expense-budget_line": line(application).pk, "expense-description": "x",
                      "expense-supplier": "y", "expense-invoice_number": "1", "expense-invoice_date": "2026-11-03",
                      "expense-amount": "100.00", "expense-invoice": invoice()})  # fmt: skip
    expense = Expense.objects.get()

    client.post(url, {"action": "remove-expense", "row": expense.pk})

    assert not Expense.objects.exists() and not Attachment.objects.filter(kind="invoice").exists()


def test_outsiders_get_404_on_every_new_url(client, company, applicant, staff):
    application = approved(call_of(), company, staff)
    grant_accept(application=application, by=applicant)
    expense = claim(application, applicant, "100.00")
    outsider = representative(OrganisationFactory(), "outsider@example.org")
    client.force_login(outsider)
    url = reverse("applications:report", args=[application.pk, "final"])

    assert (
        client.post(reverse("applications:accept", args=[application.pk]), {"conditions": "accepted"}).status_code
        == 404
    )
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "remove-expense", "row": expense.pk}).status_code == 404
    assert client.post(url, {"action": "contract", "contract-description": "x"}).status_code == 404
    assert client.get(reverse("applications:attachment", args=[expense.invoice_id or 0])).status_code == 404
    assert Expense.objects.filter(pk=expense.pk).exists()


def test_a_row_of_another_report_cannot_be_removed_through_mine(client, company, applicant, staff):
    mine = approved(call_of(), company, staff)
    grant_accept(application=mine, by=applicant)
    other_company = OrganisationFactory()
    someone = representative(other_company, "someone@example.org")
    theirs = approved(call_of(), other_company, staff)
    grant_accept(application=theirs, by=someone)
    their_expense = claim(theirs, someone, "100.00")
    client.force_login(applicant)

    response = client.post(
        reverse("applications:report", args=[mine.pk, "final"]), {"action": "remove-expense", "row": their_expense.pk}
    )

    assert response.status_code == 404
    assert Expense.objects.filter(pk=their_expense.pk).exists()


# --- verification and money ---------------------------------------------------------------------


def test_a_rejection_needs_a_reason_and_the_beneficiary_reads_it(client, company, applicant, staff):
    application = approved(call_of(), company, staff)
    expense, _other = submitted_with(application, applicant, "3000.00", "1000.00")

    with pytest.raises(PostAwardRefused, match="Give the reason"):
        expense_verify(expense=expense, accepted=False, reason=" ", by=staff)
    expense_verify(expense=expense, accepted=False, reason="The invoice is addressed to another company.", by=staff)

    client.force_login(applicant)
    page = client.get(reverse("applications:report", args=[application.pk, "final"]))
    assert "The invoice is addressed to another company." in page.text


def test_the_payable_amount_follows_the_accepted_costs_and_never_exceeds_the_grant(company, applicant, staff):
    application = approved(call_of(), company, staff, granted="8000.00")
    first, second, third = submitted_with(application, applicant, "5000.00", "4000.00", "500.00")
    for expense in (first, second, third):
        expense_verify(expense=expense, accepted=True, by=staff)
    assert payable_amount(application) == D("8000.00")  # 9,500 accepted, capped at the 8,000 granted

    expense_verify(expense=first, accepted=False, reason="Not paid by the beneficiary", by=staff)
    assert payable_amount(application) == D("4500.00")


def test_cofinancing_is_recalculated_at_40_percent_of_the_actual_costs(company, applicant, staff):
    call = call_of(kind=Programme.Kind.COFINANCING, rate=D("40.00"))
    application = approved(call, company, staff, lines=("60000.00", "40000.00"), granted="40000.00")
    expenses = submitted_with(application, applicant, "50000.00", "22000.00")
    for expense in expenses:
        expense_verify(expense=expense, accepted=True, by=staff)

    # 40% of the 72,000 actually spent, not of the 100,000 planned.
    assert payable_amount(application) == D("28800.00")


def test_payments_follow_the_rules_and_set_the_retention_date(company, applicant, staff):
    application = approved(call_of(), company, staff)
    grant_accept(application=application, by=applicant)
    expense = claim(application, applicant, "5000.00")

    with time_machine.travel(noon(date(2027, 3, 20)), tick=False):
        with pytest.raises(PostAwardRefused, match="final report has not been sent"):
            payment_record(application=application, amount=D("100.00"), paid_on=date(2027, 3, 20), by=staff)
        project_report_submit(report=final(application), by=applicant, narrative="Done")
        with pytest.raises(PostAwardRefused, match="not verified yet"):
            payment_record(application=application, amount=D("100.00"), paid_on=date(2027, 3, 20), by=staff)
        expense_verify(expense=expense, accepted=True, by=staff)
        with pytest.raises(PostAwardRefused, match=r"above what is left to pay \(5000\.00 of a payable 5000\.00\)"):
            payment_record(application=application, amount=D("5000.01"), paid_on=date(2027, 3, 20), by=staff)
        with pytest.raises(PostAwardRefused, match="future"):
            payment_record(application=application, amount=D("1.00"), paid_on=date(2027, 3, 21), by=staff)
        payment_record(application=application, amount=D("3000.00"), paid_on=date(2027, 3, 20), by=staff)
        payment_record(application=application, amount=D("2000.00"), paid_on=date(2027, 3, 20), by=staff)

    application.refresh_from_db()
    assert sum(Payment.objects.filter(application=application).values_list("amount", flat=True)) == D("5000.00")
    assert application.retention_until == date(2032, 12, 31)


def test_the_admin_payment_page_shows_a_refusal_next_to_its_field_with_the_input_kept(admin_client, company, staff):
    application = approved(call_of(), company, staff)

    response = admin_client.post(
        reverse("admin:applications_application_payment", args=[application.pk]),
        {"amount": "1500.00", "paid_on": (date.today() + timedelta(days=2)).isoformat(), "note": "Transfer 0412"},
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["paid_on"] == ["A payment cannot be dated in the future."]
    assert form.non_field_errors() == []
    assert 'value="Transfer 0412"' in response.text
    assert not Payment.objects.filter(application=application).exists()


def test_an_operation_closes_only_when_its_commitments_are_met_and_paid(company, applicant, staff):
    application = approved(call_of(), company, staff)
    with pytest.raises(PostAwardRefused, match="has not accepted the grant"):
        application_close(application=application, by=staff)
    (expense,) = submitted_with(application, applicant, "2000.00")
    expense_verify(expense=expense, accepted=True, by=staff)
    with pytest.raises(PostAwardRefused, match=r"0\.00 paid of a payable 2000\.00"):
        application_close(application=application, by=staff)

    payment_record(application=application, amount=D("2000.00"), paid_on=date.today(), by=staff)
    application_close(application=application, by=staff)

    application.refresh_from_db()
    assert application.status == "closed"
    with pytest.raises(PostAwardRefused):
        expense_verify(expense=expense, accepted=False, reason="late change", by=staff)


# --- retention ----------------------------------------------------------------------------------


def test_nothing_of_an_operation_is_deleted_before_its_retention_date(company, applicant, staff):
    application = approved(call_of(), company, staff)
    (expense,) = submitted_with(application, applicant, "2000.00")
    expense_verify(expense=expense, accepted=True, by=staff)
    with time_machine.travel(noon(date(2027, 4, 2)), tick=False):
        payment_record(application=application, amount=D("2000.00"), paid_on=date(2027, 4, 2), by=staff)
    application.refresh_from_db()

    # Each attempt in its own transaction, as a request or a script has: the refusal rolls it back.
    for target in (application, Expense.objects.get(), Payment.objects.get()):
        with pytest.raises(RetentionRefused, match="2032-12-31"), transaction.atomic():
            target.delete()
    for target in (line(application), final(application)):  # refused, whichever rule speaks first
        with pytest.raises((RetentionRefused, ProtectedError)), transaction.atomic():
            target.delete()
    with pytest.raises(RetentionRefused), transaction.atomic():
        Application.objects.filter(pk=application.pk).delete()
    assert Application.objects.filter(pk=application.pk).exists()

    with time_machine.travel(noon(date(2033, 1, 1)), tick=False):
        Payment.objects.filter(application=application).delete()  # the retention period is over
    assert not Payment.objects.exists()


def test_a_submitted_application_without_payment_is_kept_and_a_draft_is_not(company, staff):
    submitted = ApplicationFactory(call=call_of(), consortium=None, organisation=company)
    application_change_status(application=submitted, to_status="submitted")
    draft = ApplicationFactory(call=call_of(), consortium=None, organisation=OrganisationFactory())

    with pytest.raises(RetentionRefused, match="is an operation"):
        submitted.delete()
    draft.delete()
    assert not Application.objects.filter(pk=draft.pk).exists()


def test_the_admin_offers_no_delete_before_the_retention_date(admin_client, company, staff):
    submitted = ApplicationFactory(call=call_of(), consortium=None, organisation=company)
    application_change_status(application=submitted, to_status="submitted")

    page = admin_client.get(reverse("admin:applications_application_change", args=[submitted.pk]))
    assert reverse("admin:applications_application_delete", args=[submitted.pk]) not in page.text
    response = admin_client.post(reverse("admin:applications_application_delete", args=[submitted.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Application.objects.filter(pk=submitted.pk).exists()


def test_the_admin_deletes_no_budget_line_of_a_submitted_application_and_says_why(admin_client, company):
    submitted = ApplicationFactory(call=call_of(), consortium=None, organisation=company)
    BudgetLineFactory(application=submitted)
    application_change_status(application=submitted, to_status="submitted")
    kept = submitted.budget_lines.get()
    url = reverse("admin:applications_budgetline_changelist")
    chosen = {"action": "delete_selected", "_selected_action": [kept.pk]}

    asked = admin_client.post(url, chosen)
    confirmed = admin_client.post(url, {**chosen, "post": "yes"})

    assert "would require deleting the following protected related objects" in asked.text or (
        "permission to delete" in asked.text
    )
    assert confirmed.status_code == 403
    assert submitted.budget_lines.filter(pk=kept.pk).exists()


# --- what each programme's report must say ------------------------------------------------------


def test_an_export_consortia_final_report_lists_the_actions_carried_out(company, applicant, staff):
    application = approved(call_of(kind=Programme.Kind.EXPORT_CONSORTIA), company, staff)
    grant_accept(application=application, by=applicant)

    with pytest.raises(ReportRefused, match="List the actions carried out"):
        project_report_submit(report=final(application), by=applicant, narrative="Done")
    final(application).activities.create(
        category=line(application).category,
        description="Trade mission to Lyon",
        country="FR",
        carried_out_on=date(2026, 11, 5),
    )
    project_report_submit(report=final(application), by=applicant, narrative="Done")
    assert final(application).status == "submitted"


def test_a_collective_action_states_the_smes_it_reached(client, applicant, staff):
    association = OrganisationFactory(kind="non_profit", legal_name="Associação de Vinhos do Alentejo")
    RepresentationFactory(user=applicant, organisation=association)
    application = approved(call_of(kind=Programme.Kind.COLLECTIVE_ACTIONS), association, staff)
    grant_accept(application=application, by=applicant)
    final(application).activities.create(
        category=line(application).category,
        description="Wine tasting in São Paulo",
        country="BR",
        carried_out_on=date(2026, 11, 5),
    )
    client.force_login(applicant)
    url = reverse("applications:report", args=[application.pk, "final"])

    missing = client.post(url, {"action": "submit", "narrative": "Tasting with 40 buyers"})
    assert "State how many SMEs the collective action reached." in missing.text
    assert "Tasting with 40 buyers" in missing.text  # what was typed is kept

    client.post(url, {"action": "submit", "narrative": "Tasting with 40 buyers", "smes_reached": "23"})
    report = final(application)
    assert (report.status, report.smes_reached) == ("submitted", 23)


def test_the_report_page_reads_a_fixed_number_of_queries(client, company, applicant, staff, django_assert_num_queries):
    application = approved(call_of(), company, staff)
    grant_accept(application=application, by=applicant)
    client.force_login(applicant)
    url = reverse("applications:report", args=[application.pk, "final"])
    claim(application, applicant, "10.00")
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(10):
        claim(application, applicant, "10.00", position=index % 2, invoice_number=f"N{index}")
        final(application).contracts.create(
            description="Order", country="DE", value=D("5000"), signed_on=date(2026, 11, 1)
        )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_an_earlier_dated_payment_recorded_later_keeps_the_retention_date(company, applicant, staff):
    application = approved(call_of(), company, staff)
    (expense,) = submitted_with(application, applicant, "2000.00")
    expense_verify(expense=expense, accepted=True, by=staff)
    with time_machine.travel(noon(date(2028, 2, 1)), tick=False):
        payment_record(application=application, amount=D("1500.00"), paid_on=date(2028, 1, 15), by=staff)
        payment_record(application=application, amount=D("500.00"), paid_on=date(2027, 12, 20), by=staff)

    application.refresh_from_db()
    assert application.retention_until == date(2033, 12, 31)


def test_an_application_withdrawn_before_submission_can_be_deleted(company):
    never_submitted = ApplicationFactory(call=call_of(), consortium=None, organisation=company)
    application_change_status(application=never_submitted, to_status="withdrawn")

    never_submitted.delete()

    assert not Application.objects.filter(pk=never_submitted.pk).exists()


def test_nothing_is_added_to_a_report_once_sent(company, applicant, staff):
    from applications.beneficiary_reports import report_row_add
    from applications.models import ContractWon

    application = approved(call_of(), company, staff)
    submitted_with(application, applicant, "100.00")
    late = ContractWon(description="Order", country="DE", value=D("5000"), signed_on=date(2026, 11, 1))

    with pytest.raises(ReportRefused, match="already sent"):
        report_row_add(report=final(application), row=late, by=applicant)
    assert not ContractWon.objects.exists()


def test_a_report_refusal_is_shown_next_to_its_field_with_the_input_kept(client, applicant, staff):
    association = OrganisationFactory(kind="non_profit")
    RepresentationFactory(user=applicant, organisation=association)
    application = approved(call_of(kind=Programme.Kind.COLLECTIVE_ACTIONS), association, staff)
    grant_accept(application=application, by=applicant)
    client.force_login(applicant)
    url = reverse("applications:report", args=[application.pk, "final"])

    response = client.post(url, {"action": "submit", "narrative": "Tasting with 40 buyers", "jobs_created": "2"})

    form = response.context["forms"]["report"]
    assert form.errors["smes_reached"] == ["State how many SMEs the collective action reached."]
    assert 'value="2"' in response.text
