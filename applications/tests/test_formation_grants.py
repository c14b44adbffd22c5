"""SODERCAN's seed funding (seed 002): one fund, one pool.

Establishing a consortium the agency formed grants its seed funding as an application of the new
consortium on the formation's call, so the formations and the call's own applicants draw from the
call's one budget, the aid is in the de minimis ledger split between the founding members, and the
grant is accepted, paid and closed like any other.
"""

# The actors and the SODERCAN programme are test_formation's fixtures, named by the tests' arguments.
# ruff: noqa: F811

import threading
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils.formats import date_format

from applications import decisions
from applications.models import Application, StatusChange
from applications.selectors import formation_grant_of, formation_seed_funding
from applications.services import (
    DecisionRefused,
    FormationGrantRefused,
    application_approve,
    application_change_status,
    expense_claim,
    expense_verify,
    grant_accept,
    operation_close,
    payment_record,
    project_report_submit,
)
from applications.tests.factories import ApplicationFactory, BudgetLineFactory, reviews_complete
from consortia.models import Consortium
from consortia.tests.factories import ConsortiumFactory, MembershipFactory, OrganisationFactory
from portal.refusals import Refused
from programmes.formation import services as forming
from programmes.models import AidAward, Formation
from programmes.services import de_minimis_headroom
from programmes.tests.factories import CallFactory, ProgrammeFactory
from programmes.tests.test_formation import (  # noqa: F401
    TODAY,
    director,
    establish,
    formation_with_joined,
    programme,
    sodercan,
    staff_of,
    technician,
    today_is_fixed,
)
from programmes.tests.test_formation_admin import page_data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def seed_call(programme):
    return programme.calls.get()


def approved_on_the_call(programme, director, amount, name="Cantabria Agri-food"):
    """An ordinary application of a consortium on the seed-funding call, approved for `amount`."""
    consortium = ConsortiumFactory(name=name)
    for _ in range(3):
        MembershipFactory(consortium=consortium, organisation=OrganisationFactory(region="ES13"))
    application = ApplicationFactory(call=seed_call(programme), consortium=consortium, title=name)
    BudgetLineFactory(application=application, category=programme.cost_categories.get(), amount=D(amount))
    application_change_status(application=application, to_status="submitted")
    application_change_status(application=application, to_status="under_review")
    reviews_complete(application)
    return application_approve(application=application, by=director, amount=D(amount))


def lead_of(people):
    return next(iter(people.values()))[1]


def what_exists():
    """What an establishment creates: consortia, applications, aid rows, and the call's reference counter."""
    return (
        Consortium.objects.count(),
        Application.objects.count(),
        AidAward.objects.count(),
        tuple(Formation.objects.order_by("pk").values_list("status", flat=True)),
    )


# --- one pool -------------------------------------------------------------------------------------------


def test_a_formation_and_the_calls_applicants_draw_from_the_calls_one_budget(programme, technician, director):
    approved_on_the_call(programme, director, "500000.00")
    too_much, too_much_people = formation_with_joined(programme, technician, 3, seed_funding="200000.01", prefix="A")
    fits, fits_people = formation_with_joined(programme, technician, 3, seed_funding="200000.00", prefix="B")
    before = what_exists()
    counter = seed_call(programme).last_reference_number

    with pytest.raises(FormationGrantRefused) as refusal:
        establish(too_much, director, lead_of(too_much_people), name="Too much")

    assert refusal.value.field == "seed_funding"
    assert "above what is left of the call's budget (200000.00)" in str(refusal.value)
    # Nothing was created: no consortium, no application, no aid, no reference taken.
    assert what_exists() == before
    assert seed_call(programme).last_reference_number == counter

    consortium = establish(fits, director, lead_of(fits_people), name="Fits")

    grant = formation_grant_of(fits)
    assert (grant.consortium, grant.status, grant.granted_amount) == (consortium, "approved", D("200000.00"))
    funding = formation_seed_funding(call=seed_call(programme))
    assert (funding.budget, funding.committed, funding.granted_to_formations, funding.remaining) == (
        D("700000.00"),
        D("700000.00"),
        D("200000.00"),
        D("0.00"),
    )
    # The formation refused is still under way: planned, not granted.
    assert funding.planned == D("200000.01") and funding.over_planned


def test_after_a_formation_the_call_has_only_what_is_left_for_its_applicants(programme, technician, director):
    formation, people = formation_with_joined(programme, technician, 3, seed_funding="200000.00")
    establish(formation, director, lead_of(people))

    with pytest.raises(DecisionRefused, match=r"above what is left of the call's budget \(500000.00\)"):
        approved_on_the_call(programme, director, "500000.01", name="One cent too many")
    approved_on_the_call(programme, director, "500000.00", name="Just enough")

    assert formation_seed_funding(call=seed_call(programme)).remaining == D("0.00")


@pytest.mark.django_db(transaction=True)
def test_two_establishments_at_once_cannot_together_exceed_the_call(programme, technician, director, monkeypatch):
    formations = []
    for prefix in ("North", "South"):
        formation, people = formation_with_joined(
            programme, technician, 3, seed_funding="400000.00", name=f"{prefix} formation", prefix=prefix
        )
        formations.append((formation, lead_of(people)))

    # Reading what the call has committed is made slow, so that without the lock on the call row
    # both establishments would read 0 committed and both go through.
    original = decisions.call_committed

    def slow_committed(call_id):
        value = original(call_id)
        threading.Event().wait(0.5)
        return value

    monkeypatch.setattr(decisions, "call_committed", slow_committed)
    barrier = threading.Barrier(2)
    outcomes = []

    def run(formation, lead):
        try:
            barrier.wait(timeout=5)
            establish(formation, director, lead, name=formation.name)
            outcomes.append("established")
        except FormationGrantRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in formations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["established", "refused"]
    assert Consortium.objects.count() == 1
    assert formation_seed_funding(call=seed_call(programme)).committed == D("400000.00")


# --- the grant: its file, its history, the ledger --------------------------------------------------------


def test_the_grant_is_an_application_with_its_reference_receipt_history_and_reason(programme, technician, director):
    formation, people = formation_with_joined(programme, technician, 3, seed_funding="180000.00")
    for days_ago in (60, 30):
        forming.formation_meeting_record(
            formation=formation, held_on=TODAY - timedelta(days=days_ago), place="Santander", by=technician
        )

    consortium = establish(formation, director, lead_of(people))

    grant = formation_grant_of(formation)
    assert grant.formation == formation and grant.consortium == consortium
    assert grant.reference == "SOD-2026-0001" and grant.submitted_at is not None
    assert grant.receipt.name.endswith(".pdf") and len(grant.content_hash) == 64
    line = grant.budget_lines.get()
    assert (line.category.code, line.amount) == ("establishment", D("180000.00"))
    moves = list(StatusChange.objects.filter(application=grant).order_by("pk").values_list("to_status", "changed_by"))
    assert moves == [
        ("draft", director.pk),
        ("submitted", director.pk),
        ("under_review", director.pk),
        ("approved", director.pk),
    ]
    dates = ", ".join(date_format(TODAY - timedelta(days=n), "DATE_FORMAT") for n in (60, 30))
    assert grant.decision_override_reason == (
        "Seed funding of the formation “Formation”: the companies were selected through the agency's formation "
        f"process (meetings of {dates})"
    )


def test_the_seed_funding_is_split_between_the_founding_members_in_the_de_minimis_ledger(
    programme, technician, director
):
    formation, people = formation_with_joined(programme, technician, 3, seed_funding="200000.00")
    members = sorted((organisation for _person, organisation, _candidate in people.values()), key=lambda o: o.pk)
    assert {de_minimis_headroom(member, on=TODAY) for member in members} == {D("300000.00")}

    establish(formation, director, members[0])

    shares = dict(
        AidAward.objects.filter(application=formation_grant_of(formation)).values_list("organisation", "amount")
    )
    assert sum(shares.values()) == D("200000.00")
    assert sorted(shares.values()) == [D("66666.66"), D("66666.67"), D("66666.67")]
    for member in members:
        assert de_minimis_headroom(member, on=TODAY) == D("300000.00") - shares[member.pk]


def test_a_member_without_de_minimis_headroom_refuses_the_whole_establishment(programme, technician, director):
    seed_call(programme).rules.create(code="de_minimis", position=10)
    formation, people = formation_with_joined(programme, technician, 3, seed_funding="150000.00")
    # One founding member already had 260,000 EUR of de minimis aid from another authority: 40,000 left,
    # less than its 50,000 share.
    declared = lead_of(people)
    AidAward.objects.create(
        organisation=declared,
        amount=D("260000.00"),
        awarded_on=TODAY - timedelta(days=400),
        legal_basis="de_minimis",
        granting_authority="Gobierno de Cantabria",
    )
    before = what_exists()

    with pytest.raises(FormationGrantRefused) as refusal:
        establish(formation, director, declared)

    assert refusal.value.field == "seed_funding"
    assert "share is 50,000.00" in str(refusal.value) and "of its de minimis ceiling is left" in str(refusal.value)
    assert what_exists() == before


def test_the_grant_is_accepted_paid_and_closed_like_any_grant(programme, technician, director):
    call = seed_call(programme)
    call.final_report_due_on = TODAY + timedelta(days=120)
    call.save(update_fields=["final_report_due_on"])
    formation, people = formation_with_joined(programme, technician, 3, seed_funding="90000.00")
    representative, lead, _candidate = next(iter(people.values()))
    establish(formation, director, lead)
    grant = formation_grant_of(formation)

    grant_accept(application=grant, by=representative)
    report = grant.project_reports.get(kind="final")
    expense = expense_claim(
        report=report,
        by=representative,
        budget_line=grant.budget_lines.get(),
        amount=D("90000.00"),
        description="Notary, registry and legal advice for the statutes",
        supplier="Notaría de Santander",
        invoice_number="N-118",
        invoice_date=TODAY - timedelta(days=5),
    )
    report.activities.create(
        category=grant.budget_lines.get().category,
        description="Presentation of the consortium at Offshore Europe",
        country="GB",
        carried_out_on=TODAY - timedelta(days=3),
    )
    project_report_submit(report=report, by=representative, narrative="The consortium is registered and marketed.")
    expense_verify(expense=expense, accepted=True, by=technician)
    payment_record(application=grant, amount=D("90000.00"), paid_on=TODAY, by=technician)
    operation_close(application=grant, by=technician)

    grant.refresh_from_db()
    assert grant.status == "closed" and grant.retention_until is not None
    # A closed grant stays committed on the call.
    assert formation_seed_funding(call=call).committed == D("90000.00")


# --- who establishes ------------------------------------------------------------------------------------


def test_only_a_programme_manager_establishes_and_commits_the_seed_funding(programme, technician, director):
    formation, people = formation_with_joined(programme, technician, 3)
    before = what_exists()

    with pytest.raises(FormationGrantRefused, match="only a programme manager of the agency can do it"):
        establish(formation, technician, lead_of(people))

    assert what_exists() == before


def test_a_formation_without_its_seed_funding_call_cannot_be_established(programme, technician, director):
    formation, people = formation_with_joined(programme, technician, 3)
    Formation.objects.filter(pk=formation.pk).update(call=None)

    with pytest.raises(Refused) as refusal:
        establish(formation, director, lead_of(people))

    assert refusal.value.field == "call"
    assert not Consortium.objects.exists()


def test_the_seed_funding_call_must_be_of_the_formations_programme(programme, technician):
    formation, _people = formation_with_joined(programme, technician, 3)
    formation.call = CallFactory()
    with pytest.raises(ValidationError) as error:
        formation.full_clean()
    assert "call" in error.value.message_dict


# --- the admin ------------------------------------------------------------------------------------------


def establish_data(people, **changes):
    return {
        "name": "Cantabria Offshore Energy",
        "established_on": (TODAY - timedelta(days=1)).isoformat(),
        "statutes_reference": "Deed 55/2026",
        "lead": lead_of(people).pk,
        "seed_funding": "180000.00",
        **changes,
    }


def test_the_establish_page_shows_money_that_does_not_fit_next_to_the_seed_funding(
    client, programme, technician, director
):
    approved_on_the_call(programme, director, "600000.00")
    formation, people = formation_with_joined(programme, technician, 3, seed_funding="180000.00")
    client.force_login(director)
    url = reverse("admin:programmes_formation_establish", args=[formation.pk])

    response = client.post(url, establish_data(people))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["seed_funding"]
    assert "above what is left of the call's budget (100000.00)" in errors["seed_funding"][0]
    assert 'value="Deed 55/2026"' in response.content.decode()
    formation.refresh_from_db()
    assert (formation.status, formation.seed_funding) == ("deciding", D("180000.00"))
    assert not Consortium.objects.filter(name="Cantabria Offshore Energy").exists()

    # Lowered to what is left, on the same page: established, and the grant is of the new amount.
    response = client.post(url, establish_data(people, seed_funding="100000.00"))
    assert response.status_code == 302
    assert formation_grant_of(formation).granted_amount == D("100000.00")


def test_the_establish_button_and_page_are_a_programme_managers(client, programme, technician, director):
    formation, people = formation_with_joined(programme, technician, 3)
    change_url = reverse("admin:programmes_formation_change", args=[formation.pk])
    establish_url = reverse("admin:programmes_formation_establish", args=[formation.pk])

    client.force_login(technician)
    assert "establish-consortium" not in client.get(change_url).content.decode()
    response = client.post(establish_url, establish_data(people))
    assert response.status_code == 302 and response["Location"] == change_url
    assert not Consortium.objects.exists()

    client.force_login(director)
    assert "establish-consortium" in client.get(change_url).content.decode()


def test_the_formation_links_to_its_grant_and_the_grant_to_its_formation(client, programme, technician, director):
    formation, people = formation_with_joined(programme, technician, 3)
    establish(formation, director, lead_of(people))
    grant = formation_grant_of(formation)
    client.force_login(technician)

    formation_page = client.get(reverse("admin:programmes_formation_change", args=[formation.pk])).content.decode()
    grant_page = client.get(reverse("admin:applications_application_change", args=[grant.pk])).content.decode()

    assert reverse("admin:applications_application_change", args=[grant.pk]) in formation_page
    assert grant.reference in formation_page
    assert reverse("admin:programmes_formation_change", args=[formation.pk]) in grant_page
    assert "Seed funding of the formation “Formation”" in grant_page


def test_the_consortiums_members_see_the_grant_comes_from_the_formation(client, programme, technician, director):
    formation, people = formation_with_joined(programme, technician, 3)
    representative, lead, _candidate = next(iter(people.values()))
    establish(formation, director, lead)
    client.force_login(representative)

    page = client.get(reverse("applications:detail", args=[formation_grant_of(formation).pk])).content.decode()

    assert "the agency made this application when it established the consortium" in page


def test_staff_choose_the_seed_funding_call_on_the_formation_page_among_the_programmes_calls(
    client, programme, technician
):
    formation, _people = formation_with_joined(programme, technician, 3)
    other_programme = ProgrammeFactory(agency=programme.agency, name="Another programme of SODERCAN")
    elsewhere = CallFactory(programme=other_programme, title="A call of another programme")
    client.force_login(technician)
    url = reverse("admin:programmes_formation_change", args=[formation.pk])

    response = client.post(url, page_data(client, url, call=str(elsewhere.pk)))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["call"] == [
        "Choose a call of the formation's programme (Export consortia of Cantabria)."
    ]
    formation.refresh_from_db()
    assert formation.call == seed_call(programme)
