"""From the grant to the final payment in a real browser, one journey per programme.

The beneficiary accepts the grant, reports an expense with its invoice, the actions carried out
and the results, and sends the report; a technician verifies the expense in the administration,
records the payment and closes the operation. What only the agency sets up (PIMEX sessions,
the SODERCAN consortium's formation) is prepared through the services.
"""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.formats import number_format

from applications.decisions import application_approve
from applications.models import Application, Payment
from applications.services import application_change_status, formation_establish
from applications.tests import pimex_factories
from applications.tests.factories import ApplicationFactory, BudgetLineFactory, reviews_complete
from consortia.tests.factories import ConsortiumFactory, MembershipFactory, OrganisationFactory, RepresentationFactory
from portal.roles import PROGRAMME_MANAGER
from portal.tests.browser import log_in
from portal.tests.factories import StaffFactory, UserFactory
from programmes.formation import services as forming
from programmes.models import CallRule
from programmes.tests.factories import AgencyFactory, CallFactory, CostCategoryFactory, ProgrammeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def log_out(page):
    page.context.clear_cookies()


PROGRAMMES = {
    # kind, who applies, rate, lines, granted, expense, payable
    "export_consortia": ("consortium", None, "6000.00", "5000.00", "4800.00", "4800.00"),
    "cofinancing": ("consortium", Decimal("40.00"), "100000.00", "40000.00", "72000.00", "28800.00"),
    "collective_actions": ("non_profit", None, "30000.00", "25000.00", "20000.00", "20000.00"),
    "pimex": ("company", None, "3000.00", "2500.00", "2300.00", "2300.00"),
    # SODERCAN's export consortia: the consortium comes out of the agency's formation process.
    "sodercan": ("formed consortium", None, "120000.00", "90000.00", "100000.00", "90000.00"),
}


def operation(kind, tmp_path):
    """An approved operation of a programme of `kind`, its representative and the agency's technician."""
    applies, rate, line_amount, granted, _expense, _payable = PROGRAMMES[kind]
    agency = AgencyFactory(name=f"Agency for {kind}", region="ES13" if kind == "sodercan" else "ES43")
    programme_kind = "export_consortia" if kind == "sodercan" else kind
    programme = ProgrammeFactory(
        agency=agency,
        kind=programme_kind,
        applicant_type="consortium" if "consortium" in applies else applies,
    )
    category = CostCategoryFactory(programme=programme, name="Commercial trips")
    now = timezone.now()
    call = CallFactory(
        programme=programme,
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=10),
        final_report_due_on=timezone.localdate() + timedelta(days=60),
        grant_conditions="Keep the invoices five years.",
        budget=Decimal("500000.00"),
    )
    if rate is not None:
        # The co-financing rate is the call's rule: the engine grants with it, the payment pays with it.
        CallRule.objects.create(call=call, position=1, code="funding_rate", rate=rate)
    representative = UserFactory(email=f"rep-{kind}@example.org", verified=True)
    technician = StaffFactory(email=f"tecnico-{kind}@agency.example", agency=agency, verified=True)
    if applies == "formed consortium":
        lead, consortium = formed_consortium(programme, technician)
        applicant = {"consortium": consortium}
    elif applies == "consortium":
        lead = OrganisationFactory()
        consortium = ConsortiumFactory(lead=lead)
        for member in (lead, OrganisationFactory(), OrganisationFactory()):
            MembershipFactory(consortium=consortium, organisation=member, joined_on=date(2024, 3, 1))
        applicant = {"consortium": consortium}
    else:
        lead = OrganisationFactory(kind=applies)
        applicant = {"consortium": None, "organisation": lead}
    RepresentationFactory(user=representative, organisation=lead)
    application = ApplicationFactory(call=call, title=f"Promotion abroad ({kind})", **applicant)
    BudgetLineFactory(application=application, category=category, amount=Decimal(line_amount))
    application_change_status(application=application, to_status="submitted", at=call.opens_at + timedelta(days=2))
    application_change_status(application=application, to_status="under_review")
    reviews_complete(application)
    application = application_approve(application=application, by=technician, amount=Decimal(granted))
    if kind == "pimex":
        # The coaching the company committed to: 3 sessions, 3 tutorials, SWOT, plan and survey.
        pimex_factories.commitments(application, by=technician)
        pimex_factories.deliverables(application, representative)
    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(PDF)
    return application, representative, technician, invoice


def formed_consortium(programme, technician):
    """Companies identified, met, joined; the consortium established with its manager (seed 002), its seed
    funding granted on the programme's seed-funding call (another call than the one the journey applies to)."""
    seed_call = CallFactory(programme=programme, title="Seed funding", reference_prefix="SOD", budget=Decimal("700000"))
    CostCategoryFactory(programme=programme, code="establishment", name="Establishment of the consortium")
    director = StaffFactory(
        email="director@agency.example", agency=programme.agency, role=PROGRAMME_MANAGER, verified=True
    )
    formation = forming.formation_open(
        programme=programme,
        call=seed_call,
        sector="metal",
        name="Cantabria Metal Export",
        seed_funding=Decimal("200000.00"),
        by=technician,
    )
    companies = [OrganisationFactory(region="ES13") for _ in range(3)]
    candidates = [
        forming.formation_candidate_add(formation=formation, organisation=c, by=technician) for c in companies
    ]
    forming.formation_invite(formation=formation, by=technician)
    for candidate in candidates:
        candidate.refresh_from_db()
        forming.formation_candidate_answer(candidate=candidate, join=True, by=technician)
    established = formation_establish(
        formation=formation,
        name="Cantabria Metal Export",
        established_on=programme.agency.today(),  # the agency's day, as the formation's opening
        statutes_reference="Deed 118/2024, Santander",
        lead=companies[0],
        by=director,
        manager_name="Marta Ruiz",
        manager_email="gerencia@metal.example",
    )
    return companies[0], established.consortium


def beneficiary_reports(page, application, representative, invoice: Path, expense: str, kind: str):
    log_in(page, representative.email, f"/en/my/applications/{application.pk}/")
    page.get_by_label("I accept the grant and its conditions on behalf of the beneficiary.").check()
    page.get_by_role("button", name="Accept the grant").click()
    page.get_by_text("You accepted the grant.").wait_for()

    page.get_by_role("link", name="Write and send").click()
    page.get_by_text("Add an expense").click()
    page.get_by_label("Budget line").select_option(index=1)
    page.get_by_label("Description").first.fill("Trade fair stand")
    page.get_by_label("Supplier").fill("Fairs Ltd")
    page.get_by_label("Invoice number").fill("F-2026-118")
    page.get_by_label("Invoice date").fill(timezone.localdate().isoformat())
    page.get_by_label("Amount (EUR)").fill(expense)
    page.get_by_label("Invoice or receipt").set_input_files(str(invoice))
    page.get_by_role("button", name="Add the expense").click()
    page.get_by_text("Expense added.").wait_for()

    page.get_by_text("Add an action carried out").click()
    page.locator("#id_activity-action_type").select_option("mission")
    page.locator("#id_activity-category").select_option(label="Commercial trips")
    page.locator("#id_activity-description").fill("Mission to Lyon")
    page.locator("#id_activity-country").fill("fr")
    page.locator("#id_activity-carried_out_on").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Add the action").click()
    page.get_by_text("Add a contract won").click()
    page.locator("#id_contract-description").fill("Supply to a retail chain")
    page.locator("#id_contract-country").fill("FR")
    page.locator("#id_contract-value").fill("90000")
    page.locator("#id_contract-signed_on").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Add the contract").click()
    page.locator(".contracts").get_by_text("Supply to a retail chain").wait_for()

    page.get_by_label("Activities carried out and results").fill("A fair in Lyon: 12 meetings and one contract.")
    page.get_by_label("New markets entered").fill("France")
    if kind == "collective_actions":
        page.get_by_label("SMEs reached").fill("23")
    page.get_by_role("button", name="Send the report").click()
    page.get_by_text("Your report is sent to the agency.").wait_for()
    log_out(page)


def agency_pays_and_closes(page, application, technician, payable: str):
    report = application.project_reports.get(kind="final")
    log_in(page, technician.email, f"/en/admin/applications/projectreport/{report.pk}/change/")
    page.locator("select[name$='-status']").select_option("accepted")
    page.get_by_role("button", name="Save", exact=True).click()
    page.goto(f"/en/admin/applications/application/{application.pk}/change/")
    page.get_by_role("link", name="Record a payment").click()
    # The amount is offered as English writes it (1,500.00) and taken back as shown.
    assert page.locator("input[name=amount]").input_value() == number_format(Decimal(payable), 2, force_grouping=True)
    page.get_by_role("button", name="Record a payment").click()
    page.get_by_text("Payment recorded.").wait_for()
    page.get_by_role("link", name="Close", exact=True).click()
    page.get_by_role("button", name="Close").click()
    page.get_by_text("Done: Close.").wait_for()


@pytest.mark.parametrize("kind", list(PROGRAMMES))
def test_an_operation_goes_from_the_grant_to_the_final_payment(page, kind, tmp_path):
    application, representative, technician, invoice = operation(kind, tmp_path)
    _applies, _rate, _line, _granted, expense, payable = PROGRAMMES[kind]

    beneficiary_reports(page, application, representative, invoice, expense, kind)
    agency_pays_and_closes(page, application, technician, payable)

    application.refresh_from_db()
    assert application.status == Application.Status.CLOSED
    assert Payment.objects.get(application=application).amount == Decimal(payable)
    assert application.retention_until == date(timezone.localdate().year + 5, 12, 31)
