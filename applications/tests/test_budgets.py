"""Budgets: a programme's yearly budget shared by its calls, its lines, the agency's own spending, and
budgets that never fall below what is committed (through the services, the admin and under races)."""

import threading
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, transaction
from django.urls import reverse
from django.utils import timezone

from applications.budgets import (
    BudgetRefused,
    agency_spending_record,
    budget_line_figures,
    call_budget_set,
    call_committed,
    programme_budget_delete,
    programme_budget_line_add,
    programme_budget_line_delete,
    programme_budget_line_set,
    programme_year_committed,
)
from applications.decisions import DecisionRefused, application_approve
from applications.models import Application, Payment
from applications.reviews import ranking, review_declare, review_score
from applications.services import application_change_status
from applications.tests.factories import ApplicationFactory, BudgetLineFactory, reviews_complete
from applications.tests.test_access_matrix import form_data
from consortia.tests.factories import OrganisationFactory
from programmes.models import (
    AgencySpending,
    Call,
    Programme,
    ProgrammeBudget,
    ProgrammeBudgetLine,
    ReviewCriterion,
)
from programmes.tests.factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

D = Decimal
GRANTS, SPENDING = "grants", "agency_spending"


def under_review(call, costs):
    application = ApplicationFactory(call=call, consortium=None, organisation=OrganisationFactory())
    BudgetLineFactory(application=application, amount=D(costs))
    application_change_status(application=application, to_status="submitted")
    application_change_status(application=application, to_status="under_review")
    reviews_complete(application)
    return application


def envelope(programme, year, *lines):
    budget = ProgrammeBudget.objects.create(programme=programme, year=year)
    for position, (name, purpose, amount) in enumerate(lines, start=1):
        ProgrammeBudgetLine.objects.create(
            budget=budget, name=name, purpose=purpose, amount=D(amount), position=position
        )
    return budget


@pytest.fixture
def this_year():
    return timezone.localdate().year


@pytest.fixture
def extremadura(agency, this_year):
    """Export consortia with 58,000 a year for grants, and two calls of this year of 58,000 each."""
    programme = ProgrammeFactory(agency=agency, name="Export Consortiums")
    envelope(programme, this_year, ("Grants to export consortia", GRANTS, "58000.00"))
    return {
        "programme": programme,
        "a": CallFactory(programme=programme, budget=D("58000.00")),
        "b": CallFactory(programme=programme, budget=D("58000.00")),
    }


# --- the programme-year envelope --------------------------------------------------------------


def test_a_call_draws_from_the_year_it_opens_in_the_agencys_zone(agency):
    # 31 December 23:30 UTC is already 1 January in Madrid.
    opens = datetime(2026, 12, 31, 23, 30, tzinfo=ZoneInfo("UTC"))
    call = CallFactory(programme=ProgrammeFactory(agency=agency), opens_at=opens, closes_at=opens + timedelta(days=90))
    assert call.budget_year == 2027
    chosen = CallFactory(
        programme=call.programme, opens_at=opens, closes_at=opens + timedelta(days=9), budget_year=2026
    )
    assert chosen.budget_year == 2026


def test_two_calls_of_one_programme_year_share_its_58000_for_grants(extremadura, staff, this_year):
    application_approve(application=under_review(extremadura["a"], "50000.00"), by=staff, amount=D("50000.00"))
    second = under_review(extremadura["b"], "9000.00")

    with pytest.raises(DecisionRefused) as refused:
        application_approve(application=second, by=staff, amount=D("8000.01"))
    assert str(refused.value) == (
        f"8000.01 is above what is left of Export Consortiums's {this_year} budget for grants "
        "(8000.00 left of 58000.00)."
    )
    second.refresh_from_db()
    assert second.status == "under_review"

    application_approve(application=second, by=staff, amount=D("8000.00"))
    assert programme_year_committed(extremadura["programme"].pk, this_year) == D("58000.00")
    # Each call alone still has money left: only the programme's year is spent.
    assert call_committed(extremadura["b"].pk) == D("8000.00")


def test_a_call_of_another_year_does_not_draw_from_this_years_budget(extremadura, staff, this_year):
    application_approve(application=under_review(extremadura["a"], "58000.00"), by=staff, amount=D("58000.00"))
    next_year = CallFactory(programme=extremadura["programme"], budget=D("10000.00"), budget_year=this_year + 1)

    application_approve(application=under_review(next_year, "6000.00"), by=staff, amount=D("6000.00"))

    assert programme_year_committed(extremadura["programme"].pk, this_year + 1) == D("6000.00")


def test_without_a_yearly_budget_only_the_call_is_checked(agency, staff):
    call = CallFactory(programme=ProgrammeFactory(agency=agency), budget=D("9000.00"))

    application_approve(application=under_review(call, "9000.00"), by=staff, amount=D("9000.00"))

    assert call_committed(call.pk) == D("9000.00")


def test_the_ranking_draws_its_line_where_the_programme_year_runs_out(extremadura, staff, staff_of, agency):
    application_approve(application=under_review(extremadura["a"], "55000.00"), by=staff, amount=D("55000.00"))
    call = extremadura["b"]
    criterion = ReviewCriterion.objects.create(call=call, name="Quality", weight=D("1"), max_score=10)
    best, second = under_review(call, "2000.00"), under_review(call, "2000.00")
    for application, score in ((best, 9), (second, 7)):
        Application.objects.filter(pk=application.pk).update(max_grant=D("2000.00"))
        for reviewer in (staff, staff_of(agency)):
            review = review_declare(application=application, reviewer=reviewer, has_conflict=False)
            review_score(review=review, scores={criterion.pk: (score, "")})

    rows = {row.application.pk: row for row in ranking(call)}

    # The call has 58,000 left, the programme's year 3,000: only the best one fits above the line.
    assert (rows[best.pk].above_cut_off, rows[second.pk].above_cut_off) == (True, False)
    assert rows[second.pk].first_below_line


# --- lines and the agency's own spending (PIMEX, seed 003) -------------------------------------


@pytest.fixture
def pimex(agency, this_year):
    programme = ProgrammeFactory(agency=agency, kind=Programme.Kind.PIMEX, applicant_type="company", name="PIMEX")
    budget = envelope(
        programme,
        this_year,
        ("Promotion actions", GRANTS, "75000.00"),
        ("Group training sessions", SPENDING, "5000.00"),
        ("Senior consultancy", SPENDING, "8280.00"),
    )
    return {"programme": programme, "budget": budget, "training": budget.lines.get(name="Group training sessions")}


def test_pimex_budget_of_88280_is_entered_as_its_three_lines(pimex):
    figures = budget_line_figures(pimex["budget"])
    assert [(f.line.name, f.budget) for f in figures] == [
        ("Promotion actions", D("75000.00")),
        ("Group training sessions", D("5000.00")),
        ("Senior consultancy", D("8280.00")),
    ]
    assert sum(f.budget for f in figures) == D("88280.00")


def test_a_yearly_budget_has_one_grants_line(pimex):
    second = ProgrammeBudgetLine(budget=pimex["budget"], name="More grants", purpose=GRANTS, amount=D("1.00"))
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert error.value.message_dict["purpose"] == [
        "A yearly budget has one line for grants: every approved grant of the year draws from it."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_spending_is_refused_above_what_is_left_on_its_line(pimex, manager):
    today = timezone.localdate()
    training = pimex["training"]
    agency_spending_record(line=training, spent_on=today, amount=D("3000.00"), description="Session 1", by=manager)

    with pytest.raises(BudgetRefused) as refused:
        agency_spending_record(line=training, spent_on=today, amount=D("2000.01"), description="Session 2", by=manager)
    assert refused.value.field == "amount"
    assert "2,000.00" in str(refused.value)

    agency_spending_record(line=training, spent_on=today, amount=D("2000.00"), description="Session 2", by=manager)
    figures = {f.line.name: f for f in budget_line_figures(pimex["budget"])}
    training_figures = figures["Group training sessions"]
    assert (training_figures.committed, training_figures.paid, training_figures.remaining) == (
        D("5000.00"),
        D("5000.00"),
        D("0.00"),
    )
    assert figures["Senior consultancy"].remaining == D("8280.00")


def test_spending_never_draws_from_the_grants_line(pimex, manager):
    grants = pimex["budget"].lines.get(purpose=GRANTS)
    with pytest.raises(BudgetRefused, match="is for grants"):
        agency_spending_record(
            line=grants, spent_on=timezone.localdate(), amount=D("10.00"), description="Trainer", by=manager
        )
    assert not AgencySpending.objects.exists()


# --- budgets never below what is committed -----------------------------------------------------


def test_a_call_budget_below_what_is_committed_is_refused(agency, staff):
    call = CallFactory(programme=ProgrammeFactory(agency=agency), budget=D("50000.00"))
    application_approve(application=under_review(call, "47891.00"), by=staff, amount=D("47891.00"))

    with pytest.raises(BudgetRefused) as refused:
        call_budget_set(call=call, budget=D("1000.00"), by=staff)
    assert refused.value.field == "budget"
    assert "47,891.00" in str(refused.value)

    call_budget_set(call=call, budget=D("47891.00"), by=staff)
    call.refresh_from_db()
    assert call.budget == D("47891.00")


def test_a_call_with_commitments_cannot_move_to_a_year_without_room(extremadura, staff, this_year):
    envelope(extremadura["programme"], this_year + 1, ("Grants", GRANTS, "1000.00"))
    application_approve(application=under_review(extremadura["a"], "5000.00"), by=staff, amount=D("5000.00"))

    with pytest.raises(BudgetRefused) as refused:
        call_budget_set(call=extremadura["a"], budget=D("58000.00"), budget_year=this_year + 1, by=staff)
    assert refused.value.field == "budget_year"
    assert Call.objects.get(pk=extremadura["a"].pk).budget_year == this_year


def test_a_line_below_what_is_committed_is_refused_and_cannot_be_removed(extremadura, pimex, staff, manager):
    application_approve(application=under_review(extremadura["a"], "50000.00"), by=staff, amount=D("50000.00"))
    grants = ProgrammeBudgetLine.objects.get(budget__programme=extremadura["programme"], purpose=GRANTS)

    with pytest.raises(BudgetRefused) as refused:
        programme_budget_line_set(line=grants, amount=D("49999.99"), by=manager)
    assert refused.value.field == "amount"
    with pytest.raises(BudgetRefused):
        programme_budget_line_delete(line=grants, by=manager)
    with pytest.raises(BudgetRefused):
        programme_budget_delete(budget=grants.budget, by=manager)
    programme_budget_line_set(line=grants, amount=D("50000.00"), by=manager)
    assert ProgrammeBudgetLine.objects.get(pk=grants.pk).amount == D("50000.00")

    # A spending line is held by what was spent on it.
    training = pimex["training"]
    agency_spending_record(
        line=training, spent_on=timezone.localdate(), amount=D("1200.00"), description="Session", by=manager
    )
    with pytest.raises(BudgetRefused, match=r"1,200\.00"):
        programme_budget_line_set(line=training, amount=D("1199.99"), by=manager)
    consultancy = pimex["budget"].lines.get(name="Senior consultancy")
    programme_budget_line_delete(line=consultancy, by=manager)
    assert not ProgrammeBudgetLine.objects.filter(pk=consultancy.pk).exists()


def test_a_grants_line_added_to_a_year_with_commitments_is_never_below_them(agency, staff, manager, this_year):
    programme = ProgrammeFactory(agency=agency)
    call = CallFactory(programme=programme, budget=D("60000.00"), budget_year=this_year)
    application_approve(application=under_review(call, "50000.00"), by=staff, amount=D("50000.00"))
    budget = ProgrammeBudget.objects.create(programme=programme, year=this_year)

    with pytest.raises(BudgetRefused, match=r"50,000\.00") as refused:
        programme_budget_line_add(budget=budget, name="Grants", purpose=GRANTS, amount=D("10000.00"), by=manager)
    assert refused.value.field == "amount" and not budget.lines.exists()

    programme_budget_line_add(budget=budget, name="Grants", purpose=GRANTS, amount=D("50000.00"), by=manager)
    assert budget.lines.get().amount == D("50000.00")


def test_a_calls_programme_is_chosen_once_so_its_grants_cannot_move_to_another_budget(client, agency, staff, manager):
    call = CallFactory(programme=ProgrammeFactory(agency=agency), budget=D("50000.00"))
    application_approve(application=under_review(call, "40000.00"), by=staff, amount=D("40000.00"))
    other = ProgrammeFactory(agency=agency)
    client.force_login(manager)
    url = reverse("admin:programmes_call_change", args=[call.pk])
    data = form_data(client.get(url).content.decode(), url)
    data["programme"] = [str(other.pk)]

    client.post(url, data)

    call.refresh_from_db()
    assert call.programme_id != other.pk


def test_the_call_page_refuses_a_budget_below_what_is_committed_next_to_the_field(client, agency, staff, manager):
    call = CallFactory(programme=ProgrammeFactory(agency=agency), budget=D("50000.00"), title="Export 2026")
    application_approve(application=under_review(call, "47891.00"), by=staff, amount=D("47891.00"))
    client.force_login(manager)
    url = reverse("admin:programmes_call_change", args=[call.pk])
    data = form_data(client.get(url).content.decode(), url)
    data["budget"] = ["1000.00"]
    data["title_en"] = ["Export 2026 (renamed)"]

    response = client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "47,891.00" in errors["budget"][0]
    assert 'value="Export 2026 (renamed)"' in response.content.decode()  # the other input is kept
    call.refresh_from_db()
    assert (call.budget, call.title) == (D("50000.00"), "Export 2026")

    data["budget"] = ["47891.00"]
    assert client.post(url, data).status_code == 302
    call.refresh_from_db()
    assert (call.budget, call.title) == (D("47891.00"), "Export 2026 (renamed)")


def test_the_budget_page_refuses_a_line_below_what_is_committed_next_to_the_amount(client, extremadura, staff, manager):
    application_approve(application=under_review(extremadura["a"], "50000.00"), by=staff, amount=D("50000.00"))
    budget = ProgrammeBudget.objects.get(programme=extremadura["programme"])
    client.force_login(manager)
    url = reverse("admin:programmes_programmebudget_change", args=[budget.pk])
    page = client.get(url)
    assert "50,000.00" in page.content.decode()  # committed, shown per line
    data = form_data(page.content.decode(), url)
    data["lines-0-amount"] = ["49000.00"]

    response = client.post(url, data)

    assert response.status_code == 200
    (row,) = [form for form in response.context["inline_admin_formsets"][0].formset.forms if form.errors]
    assert "50,000.00" in row.errors["amount"][0]
    assert budget.lines.get().amount == D("58000.00")

    data["lines-0-amount"] = ["60000.00"]
    assert client.post(url, data).status_code == 302
    assert budget.lines.get().amount == D("60000.00")


def test_spending_is_recorded_from_the_admin_and_refused_there_above_its_line(client, pimex, manager):
    client.force_login(manager)
    url = reverse("admin:programmes_agencyspending_add")
    data = {
        "line": pimex["training"].pk,
        "spent_on": timezone.localdate().isoformat(),
        "amount": "5000.01",
        "description": "Trainer for the three sessions",
    }

    response = client.post(url, data)

    assert response.status_code == 200
    assert "5,000.00" in response.context["adminform"].form.errors["amount"][0]
    assert not AgencySpending.objects.exists()
    data["amount"] = "4000.00"
    assert client.post(url, data).status_code == 302
    spending = AgencySpending.objects.get()
    assert (spending.amount, spending.recorded_by) == (D("4000.00"), manager)


def test_the_programme_page_shows_this_years_budget_from_its_lines(client, pimex):
    page = client.get(reverse("programmes:programme", kwargs={"slug": pimex["programme"].slug}))
    assert "88,280.00" in page.content.decode()


# --- races --------------------------------------------------------------------------------------


def race(*steps):
    """Run each step in its own thread with its own connection, all at once; what each raised or returned."""
    barrier = threading.Barrier(len(steps))
    outcomes = [None] * len(steps)

    def run(index, step):
        try:
            barrier.wait()
            outcomes[index] = step()
        except Exception as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(steps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_call_budget_edit_racing_an_approval_never_over_commits(agency, staff, manager):
    programme = ProgrammeFactory(agency=agency)
    for _round in range(3):
        call = CallFactory(programme=programme, budget=D("10000.00"))
        application = under_review(call, "8000.00")

        outcomes = race(
            lambda call=call: call_budget_set(call=call, budget=D("5000.00"), by=manager),
            lambda application=application: application_approve(application=application, by=staff, amount=D("8000.00")),
        )

        call.refresh_from_db()
        assert call_committed(call.pk) <= call.budget
        # Exactly one of the two went through, whichever came first; the other was refused, nothing else.
        assert sum(isinstance(outcome, (BudgetRefused, DecisionRefused)) for outcome in outcomes) == 1, outcomes
        assert not any(
            isinstance(o, Exception) and not isinstance(o, (BudgetRefused, DecisionRefused)) for o in outcomes
        ), outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_line_edit_racing_approvals_in_two_calls_never_over_commits_the_year(agency, staff, manager, this_year):
    for round_number in range(3):
        programme = ProgrammeFactory(agency=agency)
        budget = envelope(programme, this_year, ("Grants", GRANTS, "10000.00"))
        grants = budget.lines.get()
        calls = [CallFactory(programme=programme, budget=D("10000.00")) for _ in range(2)]
        applications = [under_review(call, "4000.00") for call in calls]

        outcomes = race(
            lambda grants=grants: programme_budget_line_set(line=grants, amount=D("5000.00"), by=manager),
            *[
                lambda application=application: application_approve(
                    application=application, by=staff, amount=D("4000.00")
                )
                for application in applications
            ],
        )

        grants.refresh_from_db()
        assert programme_year_committed(programme.pk, this_year) <= grants.amount, round_number
        # Only refusals, never another error; and the edit or an approval went first, so one approval at least.
        assert all(not isinstance(o, Exception) or isinstance(o, (BudgetRefused, DecisionRefused)) for o in outcomes), (
            outcomes
        )
        assert any(isinstance(o, Application) for o in outcomes[1:]), outcomes


def test_paid_on_the_grants_line_counts_the_payments_of_the_years_calls(extremadura, staff):
    approved = application_approve(application=under_review(extremadura["a"], "5000.00"), by=staff, amount=D("5000.00"))
    Payment.objects.create(application=approved, amount=D("1000.00"), paid_on=timezone.localdate())

    (figures,) = budget_line_figures(ProgrammeBudget.objects.get(programme=extremadura["programme"]))
    assert (figures.committed, figures.paid, figures.remaining) == (D("5000.00"), D("1000.00"), D("53000.00"))
