"""The side panel of the application form guides: what is still to do, what is not met, what the
budget may get, the money above a cap, and budget lines the form refused left out."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from applications.models import Application
from consortia.services import organisation_register
from consortia.tests.factories import OrganisationFactory
from programmes.models import CallRule, CostCategory
from programmes.tests.factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def applicant(client, applicant):
    client.force_login(applicant)
    return applicant


def pimex_call(*extra_rules):
    """PIMEX: a company, the commitment declared, 2,500 per company, trade fairs capped at 2,000."""
    programme = ProgrammeFactory(kind="pimex", applicant_type="company")
    call = CallFactory(programme=programme, title="PIMEX 2026", reference_prefix="PMX")
    CostCategory.objects.create(programme=programme, code="promotion", name="Promotion actions")
    fairs = CostCategory.objects.create(programme=programme, code="fairs", name="Trade fairs")
    rules = [
        ("applicant_type", {"choices": "company"}),
        *extra_rules,
        ("declarations", {"choices": "pimex_commitment"}),
        ("category_cap", {"category": fairs, "amount": D("2000.00")}),
        ("per_company_cap", {"amount": D("2500.00")}),
    ]
    for position, (code, params) in enumerate(rules, start=1):
        CallRule.objects.create(call=call, position=position, code=code, **params)
    return call


def draft(client, applicant, call=None, **organisation):
    call = call or pimex_call()
    company = organisation_register(user=applicant, organisation=OrganisationFactory.build(**organisation))
    client.post(
        reverse("applications:apply", args=[call.pk]),
        {"title": "Fairs in Lyon", "applicant": f"organisation:{company.pk}"},
    )
    return Application.objects.get(call=call, organisation=company)


def edit_url(application, step):
    return reverse("applications:edit", args=[application.pk, step])


def panel_text(response) -> str:
    """The panel's words, as a reader gets them (tags dropped, spaces collapsed)."""
    html = response.content.decode()
    panel = html[html.index('<div id="panel"') : html.index("</aside>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", panel)).replace(" .", ".")


def budget(client, application, *rows, existing=0):
    """Post the budget step: rows are (category code, amount[, line id])."""
    data = {"budget_lines-TOTAL_FORMS": str(len(rows)), "budget_lines-INITIAL_FORMS": str(existing), "action": "save"}
    categories = {c.code: c.pk for c in application.call.programme.cost_categories.all()}
    for index, (code, amount, *line) in enumerate(rows):
        data[f"budget_lines-{index}-category"] = categories[code]
        data[f"budget_lines-{index}-description"] = f"Line {index + 1}"
        data[f"budget_lines-{index}-amount"] = amount
        if line:
            data[f"budget_lines-{index}-id"] = line[0]
    return client.post(edit_url(application, "budget"), data)


def test_on_the_first_step_the_panel_lists_what_is_still_to_do_not_failures(client, applicant):
    application = draft(client, applicant)

    response = client.get(edit_url(application, "project"))

    panel = panel_text(response)
    assert "In progress" in panel and "Not eligible yet" not in panel
    assert "Still to do" in panel
    assert "enter the costs (step 3)" in panel
    assert "accept the declarations (step 5)" in panel
    assert "Declaration not accepted" not in panel and "Requirements not met" not in panel
    assert "Maximum grant" not in panel  # no 0.00 before any cost
    assert "✔ 0.00 is within" not in panel  # nor a cap "met" by nothing
    assert f'href="{edit_url(application, "declarations")}"' in response.content.decode()


def test_the_budget_step_shows_the_potential_grant_as_soon_as_costs_are_entered(client, applicant):
    application = draft(client, applicant)

    panel = panel_text(budget(client, application, ("promotion", "1800.00")))

    assert "Potential grant: 1,800.00 €" in panel.replace("\xa0", " ")
    assert "if every remaining requirement is met" in panel
    assert "enter the costs" not in panel
    assert "accept the declarations (step 5)" in panel


def test_once_eligible_the_grant_is_the_confirmed_maximum(client, applicant):
    application = draft(client, applicant)
    budget(client, application, ("promotion", "1800.00"))
    client.post(edit_url(application, "declarations"), {"pimex_commitment": "on"})

    panel = panel_text(client.get(edit_url(application, "review")))

    assert "Eligible" in panel and "Still to do" not in panel
    assert "Maximum grant: 1,800.00 €" in panel.replace("\xa0", " ")
    assert "Potential grant" not in panel


def test_on_the_review_step_a_missing_declaration_is_not_met(client, applicant):
    application = draft(client, applicant)
    budget(client, application, ("promotion", "1800.00"))

    panel = panel_text(client.get(edit_url(application, "review")))

    # Every step is behind: the panel says what the submission would refuse.
    assert "Not eligible yet" in panel and "Requirements not met" in panel
    assert "Declaration not accepted" in panel and "go to step 5" in panel
    assert "Still to do" not in panel
    assert "Potential grant: 1,800.00 €" in panel.replace("\xa0", " ")


def test_a_requirement_about_the_applicant_is_not_met_from_the_first_step(client, applicant):
    call = pimex_call(("member_regions", {"choices": "ES43"}))
    application = draft(client, applicant, call, region="ES13")

    panel = panel_text(client.get(edit_url(application, "project")))

    assert "Not eligible yet" in panel and "Requirements not met" in panel
    assert "Registered office outside Extremadura (ES43)" in panel
    assert "accept the declarations (step 5)" in panel  # still only to do


def test_a_cost_above_its_cap_is_a_warning_with_the_part_not_funded(client, applicant):
    application = draft(client, applicant)

    panel = panel_text(budget(client, application, ("fairs", "3000.00"))).replace("\xa0", " ")

    assert "Above a cap" in panel
    assert "Trade fairs: 3,000.00 € asked, the cap is 2,000.00 €: 1,000.00 € will not be funded." in panel
    assert "within the cap" not in panel
    assert "Potential grant: 2,000.00 €" in panel


def test_a_grant_above_the_cap_per_company_is_a_warning_too(client, applicant):
    application = draft(client, applicant)

    panel = panel_text(budget(client, application, ("promotion", "3100.00"))).replace("\xa0", " ")

    assert "Grant: 3,100.00 € worked out, the maximum per company is 2,500.00 €: 600.00 € will not be funded." in panel
    assert "Potential grant: 2,500.00 €" in panel


def test_a_line_whose_new_amount_is_refused_is_not_counted_until_corrected(client, applicant):
    application = draft(client, applicant)
    budget(client, application, ("promotion", "1000.00"), ("promotion", "1200.00"))
    first, second = application.budget_lines.order_by("pk")

    response = budget(
        client, application, ("promotion", "1000.00", first.pk), ("promotion", "-5", second.pk), existing=2
    )

    panel = panel_text(response).replace("\xa0", " ")
    assert "Enter an amount above zero." in response.content.decode()
    second.refresh_from_db()
    assert second.amount == D("1200.00")  # the database keeps the previous amount...
    assert "Potential grant: 1,000.00 €" in panel  # ...the panel does not count it
    assert "A budget line is not counted until it is corrected." in panel

    corrected = panel_text(
        budget(client, application, ("promotion", "1000.00", first.pk), ("promotion", "900.00", second.pk), existing=2)
    ).replace("\xa0", " ")

    assert "Potential grant: 1,900.00 €" in corrected
    assert "not counted" not in corrected


def test_a_new_line_refused_is_said_not_counted(client, applicant):
    application = draft(client, applicant)

    panel = panel_text(budget(client, application, ("promotion", "1000.00"), ("promotion", "abc"))).replace("\xa0", " ")

    assert "Potential grant: 1,000.00 €" in panel
    assert "A budget line is not counted until it is corrected." in panel


def test_the_panel_is_announced_politely(client, applicant):
    application = draft(client, applicant)

    html = client.get(edit_url(application, "budget")).content.decode()

    assert '<div id="panel" class="card sticky-top" aria-live="polite">' in html


def test_a_line_removed_while_another_is_refused_is_removed_and_no_longer_counted(client, applicant):
    application = draft(client, applicant)
    budget(client, application, ("promotion", "1000.00"), ("promotion", "700.00"))
    first, second = application.budget_lines.order_by("pk")

    data = {
        "budget_lines-TOTAL_FORMS": "3",
        "budget_lines-INITIAL_FORMS": "2",
        "action": "save",
        "budget_lines-0-id": first.pk,
        "budget_lines-0-category": first.category_id,
        "budget_lines-0-description": "Line 1",
        "budget_lines-0-amount": "1000.00",
        "budget_lines-1-id": second.pk,
        "budget_lines-1-category": second.category_id,
        "budget_lines-1-description": "Line 2",
        "budget_lines-1-amount": "700.00",
        "budget_lines-1-DELETE": "on",
        "budget_lines-2-category": first.category_id,
        "budget_lines-2-description": "Samples",
        "budget_lines-2-amount": "-5",
    }
    response = client.post(edit_url(application, "budget"), data)

    html = response.content.decode()
    panel = panel_text(response).replace("\xa0", " ")
    assert list(application.budget_lines.values_list("description", flat=True)) == ["Line 1"]
    assert "Potential grant: 1,000.00 €" in panel
    assert "A budget line is not counted until it is corrected." in panel
    # The page shows the line kept and the line refused, with what was typed; not the line removed.
    assert 'value="Line 2"' not in html
    assert 'value="Samples"' in html and 'value="-5"' in html
    assert 'name="budget_lines-INITIAL_FORMS" value="1"' in html
    assert f'name="budget_lines-0-id" value="{first.pk}"' in html

    # The refused line corrected: saved once, beside the one kept.
    corrected = {
        "budget_lines-TOTAL_FORMS": "2",
        "budget_lines-INITIAL_FORMS": "1",
        "action": "save",
        "budget_lines-0-id": first.pk,
        "budget_lines-0-category": first.category_id,
        "budget_lines-0-description": "Line 1",
        "budget_lines-0-amount": "1000.00",
        "budget_lines-1-category": first.category_id,
        "budget_lines-1-description": "Samples",
        "budget_lines-1-amount": "50",
    }
    client.post(edit_url(application, "budget"), corrected)
    assert sorted(application.budget_lines.values_list("description", flat=True)) == ["Line 1", "Samples"]


def test_a_new_line_ticked_remove_is_dropped_while_another_is_refused(client, applicant):
    application = draft(client, applicant)
    categories = {c.code: c.pk for c in application.call.programme.cost_categories.all()}
    data = {
        "budget_lines-TOTAL_FORMS": "2",
        "budget_lines-INITIAL_FORMS": "0",
        "action": "save",
        "budget_lines-0-category": categories["promotion"],
        "budget_lines-0-description": "Brochures",
        "budget_lines-0-amount": "300",
        "budget_lines-0-DELETE": "on",
        "budget_lines-1-category": categories["promotion"],
        "budget_lines-1-description": "Samples",
        "budget_lines-1-amount": "abc",
    }

    html = client.post(edit_url(application, "budget"), data).content.decode()

    assert not application.budget_lines.exists()
    assert 'value="Brochures"' not in html and 'value="Samples"' in html
    assert 'name="budget_lines-TOTAL_FORMS" value="1"' in html


def test_a_new_line_left_blank_stays_when_another_line_saves_and_each_row_says_where_it_was_posted(client, applicant):
    application = draft(client, applicant)
    budget(client, application, ("promotion", "1000.00"), ("promotion", "700.00"))
    first, second = application.budget_lines.order_by("pk")
    category = first.category_id
    data = {
        "budget_lines-TOTAL_FORMS": "3",
        "budget_lines-INITIAL_FORMS": "2",
        "action": "save",
        "budget_lines-0-id": first.pk,
        "budget_lines-0-category": category,
        "budget_lines-0-description": "Line 1",
        "budget_lines-0-amount": "1000.00",
        "budget_lines-0-DELETE": "on",
        "budget_lines-1-id": second.pk,
        "budget_lines-1-category": category,
        "budget_lines-1-description": "Line 2",
        "budget_lines-1-amount": "800.00",
        # Just added with "Add a line", nothing typed yet.
        "budget_lines-2-category": "",
        "budget_lines-2-description": "",
        "budget_lines-2-amount": "",
    }

    html = client.post(edit_url(application, "budget"), data).content.decode()

    # The first line removed, the second saved, the blank line still there to be typed into; each
    # row drawn says which posted row it is (the page puts back there what was typed meanwhile).
    assert list(application.budget_lines.values_list("amount", flat=True)) == [D("800.00")]
    assert re.findall(r'<tr class="budget-line" data-posted-at="(\d+)">', html) == ["1", "2"]
    assert 'name="budget_lines-TOTAL_FORMS" value="2"' in html


def test_a_new_line_saved_beside_one_refused_is_drawn_first_and_says_where_it_was_posted(client, applicant):
    application = draft(client, applicant)

    html = budget(client, application, ("promotion", "abc"), ("promotion", "300.00")).content.decode()

    # Saved, the second line comes first among the saved lines; the refused one follows.
    assert list(application.budget_lines.values_list("amount", flat=True)) == [D("300.00")]
    assert re.findall(r'<tr class="budget-line" data-posted-at="(\d+)">', html) == ["1", "0"]
    assert html.index('value="300.00"') < html.index('value="abc"')


def test_a_save_that_stores_nothing_still_says_where_each_row_was_posted(client, applicant):
    application = draft(client, applicant)

    # A new line with its category chosen, the rest not typed yet: refused, nothing stored.
    html = budget(client, application, ("promotion", "")).content.decode()

    assert not application.budget_lines.exists()
    assert re.findall(r'<tr class="budget-line" data-posted-at="(\d+)">', html) == ["0"]


def test_a_new_line_goes_after_lines_numbered_before(client, applicant):
    application = draft(client, applicant)
    category = application.call.programme.cost_categories.get(code="promotion")
    for position in (1, 2):
        application.budget_lines.create(
            category=category, description=f"Line {position}", amount=D("100"), position=position
        )
    rows = [("promotion", "100.00", line.pk) for line in application.budget_lines.order_by("position")]

    budget(client, application, *rows, ("promotion", "300.00"), existing=2)

    assert [line.amount for line in application.budget_lines.all()] == [D("100.00"), D("100.00"), D("300.00")]
