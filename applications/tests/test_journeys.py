"""From sign-up to a receipted application, in a real browser, one journey per programme kind."""

import re
from datetime import timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.core import mail
from django.utils import timezone

from consortia.services import organisation_register
from consortia.taxids import make_tax_id
from consortia.tests.factories import OrganisationFactory
from portal.tests.browser import log_in
from portal.tests.factories import PASSWORD, UserFactory
from programmes.models import CallRule, CostCategory
from programmes.tests.factories import AgencyFactory, CallFactory, ProgrammeFactory

configure_programme_questions = import_module(
    "applications.migrations.0024_programme_questions"
).programme_questions_create

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_rate_limits"),
]


def sign_up(page, email):
    """Sign up through the pages and follow the verification link from the e-mail."""
    page.goto("/en/accounts/signup/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    message = [m for m in mail.outbox if email in m.to][-1]
    page.goto(re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"/en/my/$"))


def log_out(page):
    page.get_by_role("navigation", name="Main navigation").get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/en/$"))


def register_organisation(page, *, name, tax_id, region, kind="Company", nace="10.51", staff="12"):
    page.goto("/en/my/")
    page.get_by_role("link", name="Register an organisation").click()
    page.get_by_label("Kind").select_option(label=kind)
    page.get_by_label("Legal name").fill(name)
    page.get_by_label("Country").select_option("ES" if not region.startswith("PT") else "PT")
    page.get_by_label("Tax id").fill(tax_id)
    page.get_by_label("Region (NUTS 2)").fill(region)
    page.get_by_label("NACE code").fill(nace)
    page.get_by_label("Founded on").fill("2012-03-01")
    page.get_by_label("Staff (annual work units)").fill(staff)
    page.get_by_label("Annual turnover (EUR)").fill("1500000")
    page.get_by_label("Balance sheet total (EUR)").fill("900000")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(r"/en/my/organisations/\d+/$"))


def member_with_account(email, region="ES43"):
    person = UserFactory(email=email, verified=True)
    organisation = organisation_register(user=person, organisation=OrganisationFactory.build(region=region))
    return person, organisation


def budget_line(page, index, category, description, amount):
    row = page.locator("tr.budget-line").nth(index)
    row.locator("select").select_option(label=category)
    row.locator("input[type=text]").first.fill(description)
    row.locator("input[inputmode=decimal]").fill(amount)


def export_call():
    agency = AgencyFactory(name="Extremadura Avante", region="ES43", timezone="Europe/Madrid")
    programme = ProgrammeFactory(agency=agency, name="Export Consortiums", applicant_type="consortium")
    CostCategory.objects.create(programme=programme, code="trips", name="Commercial trips")
    CostCategory.objects.create(programme=programme, code="promotion", name="Specific promotion actions")
    call = CallFactory(programme=programme, title="Export Consortiums 2026", reference_prefix="EXP")
    rules = [
        ("applicant_type", {"choices": "consortium"}),
        ("min_members", {"number": 3, "choices": "ES43"}),
        ("member_regions", {"choices": "ES43"}),
        ("sme_only", {}),
        ("stage_cap", {"choices": "initiation", "amount": Decimal("8000.00")}),
        ("stage_cap", {"choices": "development", "amount": Decimal("5000.00")}),
        ("stage_cap", {"choices": "consolidated", "amount": Decimal("3000.00")}),
    ]
    for position, (code, params) in enumerate(rules, start=1):
        CallRule.objects.create(call=call, position=position, code=code, **params)
    return call


def test_an_export_consortium_goes_from_sign_up_to_a_receipted_application(page, live_server):
    call = export_call()
    _, second = member_with_account("second@example.org")
    _, third = member_with_account("third@example.org")

    sign_up(page, "manager@example.org")
    register_organisation(page, name="Dehesa del Sur S.L.", tax_id=make_tax_id("ES", 777), region="ES43")
    page.goto("/en/my/")
    page.get_by_role("link", name="Create a consortium").click()
    page.get_by_label("Name").fill("Sabores de Extremadura")
    page.get_by_label("Sector").select_option("agri_food")
    page.get_by_label("Established on").fill((timezone.localdate() - timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Create").click()
    page.wait_for_url(re.compile(r"/en/my/consortia/\d+/$"))
    consortium_url = page.url

    for member in (second, third):
        page.get_by_role("link", name="Invite a member").click()
        page.get_by_label("Tax id of a registered organisation").fill(member.tax_id)
        page.get_by_role("button", name="Invite").click()
        page.wait_for_url(consortium_url)
    log_out(page)

    log_in(page, "second@example.org")
    page.locator("li.invitation").get_by_role("button", name="Accept").click()
    page.wait_for_url(re.compile(r"/en/my/consortia/\d+/$"))
    log_out(page)

    log_in(page, "manager@example.org")
    page.goto(consortium_url)
    card = page.locator("section.call-eligibility")
    assert "Not eligible yet" in card.inner_text()
    assert (
        "2 active members have their registered office in Extremadura (ES43); at least 3 are required."
        in card.inner_text()
    )
    log_out(page)

    log_in(page, "third@example.org")
    page.locator("li.invitation").get_by_role("button", name="Accept").click()
    page.wait_for_url(re.compile(r"/en/my/consortia/\d+/$"))
    log_out(page)

    log_in(page, "manager@example.org")
    page.goto(consortium_url)
    card = page.locator("section.call-eligibility")
    assert "Eligible" in card.inner_text() and "Not eligible" not in card.inner_text()
    card.get_by_role("link", name="Apply").click()
    page.get_by_label("Project title").fill("Extremadura flavours at SIAL Paris")  # the project is named when starting
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/edit/project/$"))
    page.get_by_role("button", name="Save and continue").click()
    continue_past_the_questions(page)
    page.get_by_role("button", name="Add a line").click()
    page.locator("tr.budget-line").first.wait_for()
    budget_line(page, 0, "Specific promotion actions", "Shared stand at SIAL Paris", "6500")
    page.get_by_role("button", name="Add a line").click()
    page.locator("tr.budget-line").nth(1).wait_for()
    # The first line was saved when the second was added, without leaving the page.
    assert page.url.endswith("/edit/budget/")
    budget_line(page, 1, "Commercial trips", "Two trips to Paris", "3200")
    page.get_by_role("button", name="Save", exact=True).click()
    page.locator(".max-grant").filter(has_text="8,000.00").wait_for()
    # Above the stage's cap: a warning with the part that will not be funded, not a tick.
    assert (
        "Grant: 9,700.00\xa0€ worked out, the maximum for a consortium in the initiation stage is 8,000.00\xa0€: "
        "1,700.00\xa0€ will not be funded."
    ) in page.locator("#panel .warnings").inner_text()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(re.compile(r"/edit/documents/$"))
    page.get_by_role("link", name="6. Review and submit").click()

    page.get_by_role("button", name="Submit the application").click()
    page.wait_for_url(re.compile(r"/en/my/applications/\d+/$"))
    assert page.locator(".reference").inner_text() == f"EXP-{call.year}-0001"
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the receipt (PDF)").click()
    assert download.value.suggested_filename == f"receipt-EXP-{call.year}-0001.pdf"
    with open(download.value.path(), "rb") as receipt:
        assert receipt.read(5) == b"%PDF-"


def continue_past_the_questions(page):
    """The Questions step of a call that asks none: it says so, and the applicant goes on."""
    page.wait_for_url(re.compile(r"/edit/questions/$"))
    page.locator("main a.btn-primary").click()
    page.wait_for_url(re.compile(r"/edit/budget/$"))


def test_a_pimex_company_applies_and_accepts_the_training_commitments(page, live_server):
    programme = ProgrammeFactory(name="PIMEX", kind="pimex", applicant_type="company")
    CostCategory.objects.create(programme=programme, code="promotion", name="Promotion actions")
    call = CallFactory(programme=programme, title="PIMEX 2026", reference_prefix="PMX")
    CallRule.objects.create(call=call, position=1, code="applicant_type", choices="company")
    CallRule.objects.create(call=call, position=2, code="declarations", choices="truthful,pimex_commitment")
    CallRule.objects.create(call=call, position=3, code="per_company_cap", amount=Decimal("2500.00"))

    sign_up(page, "cerezas@example.org")
    register_organisation(page, name="Cerezas del Jerte S.L.", tax_id=make_tax_id("ES", 888), region="ES43")
    page.goto(call.get_absolute_url())
    page.get_by_role("link", name="Apply").click()
    page.get_by_label("Project title").fill("First steps in Germany")  # the project is named when starting
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/edit/project/$"))
    page.get_by_role("button", name="Save and continue").click()
    continue_past_the_questions(page)
    page.get_by_role("button", name="Add a line").click()
    page.locator("tr.budget-line").first.wait_for()
    budget_line(page, 0, "Promotion actions", "Fruit Logistica Berlin", "2200")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(re.compile(r"/edit/documents/$"))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/edit/declarations/$"))
    # On the declarations step they are still to do (not a failure), and the grant is the potential one.
    assert "accept the declarations (step 5)" in page.locator("#panel .to-do").inner_text()
    assert "2,200.00" in page.locator("#panel .potential-grant").inner_text()
    page.get_by_label("three group training sessions and three individual tutorials", exact=False).check()
    page.get_by_label("true and complete", exact=False).check()
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(re.compile(r"/edit/review/$"))
    assert "2,200.00" in page.locator(".max-grant").inner_text()

    page.get_by_role("button", name="Submit the application").click()

    page.wait_for_url(re.compile(r"/en/my/applications/\d+/$"))
    assert page.locator(".reference").inner_text() == f"PMX-{call.year}-0001"
    assert page.locator(".status").inner_text() == "Submitted"


def test_a_business_association_applies_for_a_collective_action(page, live_server):
    agency = AgencyFactory(name="Alentejo 2020", country="PT", region="PT18", timezone="Europe/Lisbon")
    programme = ProgrammeFactory(
        agency=agency, name="Collective Actions", kind="collective_actions", applicant_type="non_profit"
    )
    CostCategory.objects.create(programme=programme, code="campaigns", name="International promotion campaigns")
    call = CallFactory(programme=programme, title="Collective Actions 2026", reference_prefix="ALT")
    CallRule.objects.create(call=call, position=1, code="applicant_type", choices="non_profit,public_body")
    CallRule.objects.create(call=call, position=2, code="member_regions", choices="PT18")
    CallRule.objects.create(call=call, position=3, code="funding_rate", rate=Decimal("85"))
    configure_programme_questions(apps)  # what the programme asks: its call's questions

    sign_up(page, "vinhos@example.org")
    register_organisation(
        page,
        name="Associação de Vinhos do Alentejo",
        tax_id=make_tax_id("PT", 999),
        region="PT18",
        kind="Non-profit organisation",
        nace="94.11",
    )
    page.goto(call.get_absolute_url())
    page.get_by_role("link", name="Apply").click()
    page.get_by_label("Project title").fill("Alentejo wines in Brazil")  # the project is named when starting
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/edit/project/$"))
    page.get_by_role("button", name="Save and continue").click()
    # Straight to the review: the call's questions are still unanswered, and it says so.
    page.wait_for_url(re.compile(r"/edit/questions/$"))
    page.get_by_role("link", name="6. Review and submit").click()
    page.locator("#unanswered").get_by_text("Answer the question “Estimated number of SMEs served”.").wait_for()
    assert page.locator("#submit-button").count() == 0
    page.get_by_role("link", name="2. Questions").click()
    page.get_by_label("Sector of the SMEs served").fill("Alentejo wine producers")
    page.get_by_label("Region of the SMEs served (NUTS 2)").fill("PT18")
    page.get_by_label("Estimated number of SMEs served").fill("40")
    page.get_by_label("International recognition of the sector").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Add a line").click()
    page.locator("tr.budget-line").first.wait_for()
    budget_line(page, 0, "International promotion campaigns", "Campaign in São Paulo", "100000")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(re.compile(r"/edit/documents/$"))
    page.get_by_role("link", name="6. Review and submit").click()
    assert "85,000.00" in page.locator(".max-grant").inner_text()

    page.get_by_role("button", name="Submit the application").click()

    page.wait_for_url(re.compile(r"/en/my/applications/\d+/$"))
    assert page.locator(".reference").inner_text() == f"ALT-{call.year}-0001"


def test_a_company_applies_in_spanish_and_every_page_speaks_spanish(page, live_server):
    programme = ProgrammeFactory(name="PIMEX", kind="pimex", applicant_type="company")
    CostCategory.objects.create(programme=programme, code="promotion", name="Acciones de promoción")
    call = CallFactory(programme=programme, title="PIMEX 2026", reference_prefix="PMX")
    CallRule.objects.create(call=call, position=1, code="declarations", choices="pimex_commitment")
    CallRule.objects.create(call=call, position=2, code="per_company_cap", amount=Decimal("2500.00"))

    page.goto("/es/accounts/signup/")
    page.locator("#id_email").fill("pimenton@example.org")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/es/accounts/confirm-email/$"))
    page.goto(re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0))
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/es/my/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Mi portal"

    page.goto("/es/my/organisations/new/")
    page.locator("#id_kind").select_option("company")
    page.locator("#id_legal_name").fill("Pimentón de la Vera S.L.")
    page.locator("#id_country").select_option("ES")
    page.locator("#id_tax_id").fill("B0612345")  # one character short
    page.locator("#id_region").fill("ES43")
    page.locator("#id_nace_code").fill("10.84")
    page.locator("#id_founded_on").fill("1987-03-01")
    page.locator("#id_employees").fill("14")
    page.locator("#id_turnover").fill("2300000")
    page.locator("#id_balance_sheet").fill("1800000")
    page.locator("main button[type=submit]").click()
    error = page.locator("#error-summary")
    assert "tiene 8 caracteres" in error.inner_text()
    assert page.locator("#id_legal_name").input_value() == "Pimentón de la Vera S.L."
    page.locator("#id_tax_id").fill(make_tax_id("ES", 555))
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/es/my/organisations/\d+/$"))

    page.goto(call.get_absolute_url().replace("/en/", "/es/"))
    page.locator("#apply-button").click()
    # The applicant names the project when starting (never the call's name).
    page.locator("#id_title").fill("Pimentón en Alemania")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/edit/project/$"))
    assert page.locator("#id_title").input_value() == "Pimentón en Alemania"
    page.locator("#id_summary").fill("Ferias en Alemania")
    page.locator("button[name=action][value=next]").click()
    continue_past_the_questions(page)
    page.locator("#add-line").click()
    page.locator("tr.budget-line").first.wait_for()
    budget_line(page, 0, "Acciones de promoción", "Feria ANUGA", "2800")
    page.locator("button[name=action][value=next]").click()
    page.wait_for_url(re.compile(r"/edit/documents/$"))
    page.goto(page.url.replace("/documents/", "/declarations/"))
    page.locator("#id_pimex_commitment").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/edit/review/$"))
    panel = page.locator("#panel").inner_text()
    assert "Subvención máxima" in panel or "Importe máximo" in panel or "máxim" in panel
    assert "2.500,00" in panel

    page.locator("#submit-button").click()

    page.wait_for_url(re.compile(r"/es/my/applications/\d+/$"))
    assert page.locator(".reference").inner_text() == f"PMX-{call.year}-0001"
    assert page.locator(".status").inner_text() == "Presentada"
