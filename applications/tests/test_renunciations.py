"""After the decision: withdraw, renounce (whole or part), revoke. Money, ledger, history, e-mails, doors."""

import threading
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from applications.decisions import application_approve, application_reserve, call_committed
from applications.models import Payment, StatusChange
from applications.reviews import review_declare
from applications.services import (
    EndingRefused,
    SubmissionRefused,
    application_change_status,
    application_withdraw,
    grant_renounce,
    grant_revoke,
)
from applications.tests.factories import ApplicationFactory, BudgetLineFactory, reviews_complete
from applications.workflow import APPLICANT, RENOUNCE, REVOKE, STAFF, WITHDRAW, may_end
from consortia.tests.factories import ConsortiumFactory, MembershipFactory, OrganisationFactory, representative
from portal.models import Notification
from portal.tests.factories import StaffFactory
from programmes.models import Agency, AidAward
from programmes.services import de_minimis_headroom
from programmes.tests.factories import CallFactory, ProgrammeFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

D = Decimal
CEILING = D("300000.00")


@pytest.fixture
def de_minimis_call(agency):
    programme = ProgrammeFactory(agency=agency, legal_basis="de_minimis")
    return CallFactory(programme=programme, budget=D("10000.00"))


def agency_today():
    """Today for the agency (the first, whose calls these are): the day its decisions, corrections
    and payments are dated, whatever the server's own zone."""
    return Agency.objects.order_by("pk").first().today()


def headroom(company, on=None):
    """The company's de minimis headroom on `on`, by default the agency's today."""
    return de_minimis_headroom(company, on=on or agency_today())


def under_review(call, organisation=None, consortium=None, costs="8000.00"):
    application = ApplicationFactory(
        call=call, consortium=consortium, organisation=None if consortium else organisation or OrganisationFactory()
    )
    BudgetLineFactory(application=application, amount=D(costs))
    application_change_status(application=application, to_status="submitted")
    application_change_status(application=application, to_status="under_review")
    reviews_complete(application)
    return application


def approved(call, staff, amount="4000.00", **applicant):
    application = under_review(call, **applicant)
    return application_approve(application=application, by=staff, amount=D(amount))


def ledger(application):
    return list(
        AidAward.objects.filter(application=application)
        .order_by("pk")
        .values_list("kind", "organisation_id", "amount", "awarded_on", "corrected_on")
    )


def test_aid_is_dated_the_agencys_day_when_the_server_is_still_on_the_day_before(de_minimis_call, company, staff):
    # 23:30 UTC is 00:30 of the next day in Madrid, where the agency decides.
    with time_machine.travel(datetime(2026, 12, 3, 23, 30, tzinfo=UTC), tick=False):
        application = approved(de_minimis_call, staff, organisation=company)
        grant_revoke(application=application, by=staff, reason="The company closed its export department.")

    assert ledger(application) == [
        ("award", company.pk, D("4000.00"), date(2026, 12, 4), None),
        ("correction", company.pk, D("-4000.00"), date(2026, 12, 4), date(2026, 12, 4)),
    ]
    assert de_minimis_headroom(company, on=date(2026, 12, 4)) == CEILING


# --- the money: commitment and de minimis headroom after each move ------------------------------


def test_headroom_and_commitment_follow_approval_revocation_and_renunciations(
    de_minimis_call, company, applicant, staff
):
    today = agency_today()
    first = approved(de_minimis_call, staff, organisation=company)
    assert headroom(company) == CEILING - D("4000.00")
    assert call_committed(de_minimis_call.pk) == D("4000.00")

    revoked = grant_revoke(application=first, by=staff, reason="The company closed its export department.")

    assert revoked.whole and revoked.freed == D("4000.00")
    assert headroom(company) == CEILING
    assert call_committed(de_minimis_call.pk) == D("0.00")
    first.refresh_from_db()
    assert first.status == "withdrawn"
    # The award stays, with its dated correction beside it.
    assert ledger(first) == [
        ("award", company.pk, D("4000.00"), today, None),
        ("correction", company.pk, D("-4000.00"), today, today),
    ]

    # A second call of the programme: approved 4,000, then renounced down to 2,500, then all of it.
    second_call = CallFactory(programme=de_minimis_call.programme, budget=D("10000.00"))
    second = approved(second_call, staff, organisation=company)
    assert headroom(company) == CEILING - D("4000.00")

    partly = grant_renounce(application=second, by=applicant, amount=D("2500.00"), reason="One fair is cancelled.")

    assert not partly.whole and partly.freed == D("1500.00")
    second.refresh_from_db()
    assert (second.status, second.granted_amount) == ("approved", D("2500.00"))
    assert headroom(company) == CEILING - D("2500.00")
    assert call_committed(second_call.pk) == D("2500.00")

    grant_renounce(application=second, by=applicant, reason="We give up the project.")

    second.refresh_from_db()
    assert second.status == "withdrawn"
    assert headroom(company) == CEILING
    assert call_committed(second_call.pk) == D("0.00")
    assert [row[2] for row in ledger(second)] == [D("4000.00"), D("-1500.00"), D("-2500.00")]


def test_a_revocation_weeks_later_is_dated_that_day_and_the_headroom_before_it_still_counts_the_aid(
    de_minimis_call, company, staff
):
    awarded_on = agency_today()
    application = approved(de_minimis_call, staff, organisation=company)
    later = timezone.now() + timedelta(days=40)

    with time_machine.travel(later, tick=False):
        grant_revoke(application=application, by=staff, reason="Fraud.")
        revoked_on = agency_today()

    correction = AidAward.objects.get(kind="correction")
    assert (correction.awarded_on, correction.corrected_on) == (awarded_on, revoked_on)
    assert correction.corrects == AidAward.objects.get(kind="award")
    # Asked for a day before the revocation, the ledger still counts the aid; from that day on, not.
    assert headroom(company, on=revoked_on - timedelta(days=1)) == CEILING - D("4000.00")
    assert headroom(company, on=revoked_on) == CEILING
    # Three years after the award, award and correction leave the rolling period together.
    assert headroom(company, on=awarded_on + timedelta(days=3 * 366 + 1)) == CEILING


def test_a_consortium_grant_is_corrected_for_each_member_and_adds_up_to_the_cent(agency, staff):
    call = CallFactory(programme=ProgrammeFactory(agency=agency, legal_basis="de_minimis"), budget=D("10000.00"))
    lead, *others = [OrganisationFactory() for _ in range(3)]
    consortium = ConsortiumFactory(lead=lead)
    for organisation in (lead, *others):
        MembershipFactory(consortium=consortium, organisation=organisation)
    representative(lead, "lead@example.org", verified=True)
    application = approved(call, staff, amount="4000.00", consortium=consortium)

    grant_renounce(application=application, by=staff, amount=D("2500.00"), reason="Smaller programme of fairs.")

    corrections = AidAward.objects.filter(application=application, kind="correction")
    assert corrections.count() == 3
    assert sum(c.amount for c in corrections) == D("-1500.00")
    held = {
        o.pk: sum(a.amount for a in AidAward.objects.filter(application=application, organisation=o))
        for o in (lead, *others)
    }
    assert sum(held.values()) == D("2500.00")
    assert all(c.corrects.organisation_id == c.organisation_id and c.corrects.kind == "award" for c in corrections)


# --- the next reserve application and the history ------------------------------------------------


def test_the_money_freed_proposes_the_next_reserve_application_in_the_history(agency, staff, company):
    call = CallFactory(programme=ProgrammeFactory(agency=agency), budget=D("4000.00"))
    application = approved(call, staff, organisation=company)
    waiting = under_review(call)
    waiting.max_grant = D("3000.00")
    waiting.save(update_fields=["max_grant"])
    application_reserve(application=waiting, by=staff)

    result = grant_revoke(application=application, by=staff, reason="Not carried out.")

    assert result.next_reserve == waiting
    change = StatusChange.objects.filter(application=application).last()
    assert (change.from_status, change.to_status, change.changed_by) == ("approved", "withdrawn", staff)
    assert change.note.startswith("Grant revoked by the agency.") and "Not carried out." in change.note
    assert (change.amount_before, change.amount_after, change.proposed_next) == (D("4000.00"), D("0.00"), waiting)


def test_a_partial_renunciation_leaves_a_history_row_with_the_old_and_new_amount(
    de_minimis_call, company, applicant, staff
):
    application = approved(de_minimis_call, staff, organisation=company)

    grant_renounce(application=application, by=applicant, amount=D("2500.00"), reason="One fair is cancelled.")

    change = StatusChange.objects.filter(application=application).last()
    assert (change.from_status, change.to_status) == ("approved", "approved")
    assert (change.amount_before, change.amount_after) == (D("4000.00"), D("2500.00"))
    assert "partly renounced" in change.note and "One fair is cancelled." in change.note


# --- refusals ------------------------------------------------------------------------------------


def test_a_grant_cannot_be_renounced_before_the_approval(de_minimis_call, company, applicant):
    application = under_review(de_minimis_call, organisation=company)

    with pytest.raises(EndingRefused, match="Only an approved grant"):
        grant_renounce(application=application, by=applicant, reason="Changed our mind.")

    application.refresh_from_db()
    assert application.status == "under_review"


def test_a_renunciation_below_what_was_paid_is_refused_and_says_so(de_minimis_call, company, applicant, staff):
    application = approved(de_minimis_call, staff, organisation=company)
    Payment.objects.create(application=application, amount=D("3000.00"), paid_on=agency_today())

    with pytest.raises(EndingRefused, match=r"3,000.00\xa0€ of this grant was already paid") as refused:
        grant_renounce(application=application, by=applicant, amount=D("2500.00"), reason="Less to do.")
    assert refused.value.field == "amount"
    with pytest.raises(EndingRefused, match="already paid"):
        grant_renounce(application=application, by=applicant, reason="Nothing to do.")

    grant_renounce(application=application, by=applicant, amount=D("3000.00"), reason="Less to do.")
    application.refresh_from_db()
    assert application.granted_amount == D("3000.00")
    assert headroom(company) == CEILING - D("3000.00")


def test_a_grant_with_payments_cannot_be_revoked(de_minimis_call, company, staff):
    application = approved(de_minimis_call, staff, organisation=company)
    Payment.objects.create(application=application, amount=D("500.00"), paid_on=agency_today())

    with pytest.raises(EndingRefused, match="a grant with payments cannot be revoked"):
        grant_revoke(application=application, by=staff, reason="Late report.")

    application.refresh_from_db()
    assert application.status == "approved"
    assert headroom(company) == CEILING - D("4000.00")


def test_the_applicant_cannot_revoke_and_nobody_else_can_renounce(de_minimis_call, company, applicant, staff, outsider):
    application = approved(de_minimis_call, staff, organisation=company)

    with pytest.raises(EndingRefused, match="Only the agency can revoke"):
        grant_revoke(application=application, by=applicant, reason="We want to.")
    with pytest.raises(EndingRefused, match="do not act for this application"):
        grant_renounce(application=application, by=outsider, reason="Mischief.")
    with pytest.raises(EndingRefused, match="Say why"):
        grant_revoke(application=application, by=staff, reason="  ")

    application.refresh_from_db()
    assert application.status == "approved"
    assert not AidAward.objects.filter(kind="correction").exists()


def test_staff_of_another_agency_cannot_revoke(de_minimis_call, company, staff, other_staff):
    application = approved(de_minimis_call, staff, organisation=company)

    with pytest.raises(EndingRefused):
        grant_revoke(application=application, by=other_staff, reason="Not ours.")


# --- the workflow rule, and application_withdraw keeping its contract ----------------------------


@pytest.mark.parametrize(
    ("way", "actor", "statuses"),
    [
        (WITHDRAW, APPLICANT, {"draft", "submitted", "under_review", "clarification_requested"}),
        (WITHDRAW, STAFF, {"draft", "submitted", "under_review", "clarification_requested", "reserve"}),
        (RENOUNCE, APPLICANT, {"approved"}),
        (RENOUNCE, STAFF, {"approved"}),
        (REVOKE, APPLICANT, set()),
        (REVOKE, STAFF, {"approved"}),
    ],
)
def test_one_rule_says_who_ends_an_application_from_which_status(way, actor, statuses):
    from applications.models import Status

    assert {s for s in Status.values if may_end(way, s, actor=actor)} == statuses


def test_staff_withdrawing_an_approved_grant_revoke_it(de_minimis_call, company, staff):
    application = approved(de_minimis_call, staff, organisation=company)

    with pytest.raises(SubmissionRefused, match="Say why"):
        application_withdraw(application=application, by=staff, as_staff=True)
    application_withdraw(application=application, by=staff, note="The beneficiary was dissolved.", as_staff=True)

    application.refresh_from_db()
    assert application.status == "withdrawn"
    assert headroom(company) == CEILING
    assert StatusChange.objects.filter(application=application).last().note.startswith("Grant revoked")


def test_the_applicant_still_withdraws_before_a_decision_only(de_minimis_call, company, applicant, staff):
    application = under_review(de_minimis_call, organisation=company)
    application_withdraw(application=application, by=applicant, note="Changed plans.")
    application.refresh_from_db()
    assert application.status == "withdrawn"

    grant = approved(de_minimis_call, staff, organisation=OrganisationFactory())
    with pytest.raises(SubmissionRefused, match="renounced by the beneficiary or revoked"):
        application_withdraw(application=grant, by=applicant)


# --- the beneficiary is told ---------------------------------------------------------------------


def test_the_representatives_are_told_by_e_mail(de_minimis_call, company, applicant, staff):
    colleague = representative(company, "marta@example.org", verified=True)
    application = approved(de_minimis_call, staff, organisation=company)
    Notification.objects.all().delete()

    grant_renounce(application=application, by=applicant, amount=D("2500.00"), reason="One fair is cancelled.")
    grant_revoke(application=application, by=staff, reason="The report never came.")

    rows = Notification.objects.order_by("pk")
    assert [(n.kind, n.recipient) for n in rows] == [
        ("grant_ended", applicant.email),
        ("grant_ended", colleague.email),
        ("grant_ended", applicant.email),
        ("grant_ended", colleague.email),
    ]
    assert "grant reduced" in rows[0].subject and "2,500.00" in rows[0].body_text
    assert "grant revoked" in rows[2].subject and "The report never came." in rows[2].body_text


# --- the admin's door ----------------------------------------------------------------------------


def move_url(application, name):
    return reverse("admin:applications_application_move", args=[application.pk, name])


def test_staff_revoke_in_the_admin_and_are_shown_the_next_reserve(client, agency, staff, company):
    call = CallFactory(programme=ProgrammeFactory(agency=agency), budget=D("4000.00"))
    application = approved(call, staff, organisation=company)
    waiting = under_review(call)
    application_reserve(application=waiting, by=staff)
    client.force_login(staff)
    change_page = client.get(reverse("admin:applications_application_change", args=[application.pk])).content.decode()
    assert move_url(application, "revoke") in change_page and move_url(application, "renounce") in change_page
    assert move_url(application, "withdraw") not in change_page

    empty = client.post(move_url(application, "revoke"), {"reason": ""})
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    response = client.post(move_url(application, "revoke"), {"reason": "Never started."}, follow=True)

    page = response.content.decode()
    assert "4,000.00\xa0€ freed on the call" in page and str(waiting) in page
    application.refresh_from_db()
    assert application.status == "withdrawn"
    call_page = client.get(reverse("admin:programmes_call_change", args=[call.pk])).content.decode()
    ranking_url = reverse("admin:programmes_call_ranking", args=[call.pk])
    # The call's page says one fits and leads to the ranking, which names it to those who may see it.
    assert "next-reserve" in call_page and ranking_url in call_page and str(waiting) not in call_page
    assert str(waiting) in client.get(ranking_url).content.decode()


def test_a_reviewer_in_conflict_on_the_reserve_application_is_not_told_whose_it_is(client, agency, staff, company):
    call = CallFactory(programme=ProgrammeFactory(agency=agency), budget=D("4000.00"))
    application = approved(call, staff, organisation=company)
    waiting = under_review(call)
    application_reserve(application=waiting, by=staff)
    conflicted = StaffFactory(agency=agency)
    review_declare(application=waiting, reviewer=conflicted, has_conflict=True, note="My brother's company")
    client.force_login(conflicted)

    response = client.post(move_url(application, "revoke"), {"reason": "Never started."}, follow=True)

    page = response.content.decode()
    assert "4,000.00\xa0€ freed on the call; an application on the reserve list fits it" in page
    assert str(waiting) not in page and waiting.reference not in page


def test_a_partial_renunciation_in_the_admin_shows_the_refusal_next_to_the_amount(
    client, de_minimis_call, staff, company
):
    application = approved(de_minimis_call, staff, organisation=company)
    Payment.objects.create(application=application, amount=D("3000.00"), paid_on=agency_today())
    client.force_login(staff)
    page = client.get(move_url(application, "renounce")).content.decode()
    assert "4,000.00\xa0€" in page and "3,000.00\xa0€" in page and 'name="amount"' in page

    response = client.post(move_url(application, "renounce"), {"amount": "2500.00", "reason": "Letter of 3 May."})

    assert response.status_code == 200
    form = response.context["form"]
    assert "already paid" in " ".join(form.errors["amount"])
    assert form.data["reason"] == "Letter of 3 May."
    response = client.post(move_url(application, "renounce"), {"amount": "3000.00", "reason": "Letter of 3 May."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.granted_amount) == ("approved", D("3000.00"))


def test_the_ledger_admin_shows_corrections_and_edits_no_amount(superuser_client, de_minimis_call, staff, company):
    application = approved(de_minimis_call, staff, organisation=company)
    grant_revoke(application=application, by=staff, reason="Fraud.")
    correction = AidAward.objects.get(kind="correction")

    listing = superuser_client.get(reverse("admin:programmes_aidaward_changelist")).content.decode()
    assert "-4,000.00" in listing and "Correction" in listing
    url = reverse("admin:programmes_aidaward_change", args=[correction.pk])
    page = superuser_client.get(url).content.decode()
    assert 'name="amount"' not in page
    superuser_client.post(url, {"amount": "0.00", "awarded_on": "2020-01-01"})
    correction.refresh_from_db()
    assert correction.amount == D("-4000.00")
    assert (
        superuser_client.post(
            reverse("admin:programmes_aidaward_delete", args=[correction.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AidAward.objects.filter(pk=correction.pk).exists()


# --- the beneficiary's door ----------------------------------------------------------------------


def test_the_beneficiary_renounces_part_of_the_grant_after_a_confirmation(
    client, de_minimis_call, company, applicant, staff
):
    application = approved(de_minimis_call, staff, organisation=company)
    client.force_login(applicant)
    url = reverse("applications:renounce", args=[application.pk])
    assert url in client.get(reverse("applications:detail", args=[application.pk])).content.decode()

    missing = client.post(url, {"extent": "part", "amount": "", "reason": "Fewer fairs."})
    assert "Say how much of the grant you keep." in missing.content.decode()
    confirm = client.post(url, {"extent": "part", "amount": "2500.00", "reason": "Fewer fairs."})
    page = confirm.content.decode()
    assert confirm.context["confirming"] and "1,500.00\xa0€" in page and 'value="yes"' in page
    application.refresh_from_db()
    assert application.granted_amount == D("4000.00")  # nothing happens before the confirmation

    done = client.post(url, {"extent": "part", "amount": "2500.00", "reason": "Fewer fairs.", "confirmed": "yes"})

    assert done.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.granted_amount) == ("approved", D("2500.00"))
    assert headroom(company) == CEILING - D("2500.00")
    detail = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "4,000.00\xa0€ → 2,500.00\xa0€" in detail


def test_the_beneficiary_renounces_the_whole_grant(client, de_minimis_call, company, applicant, staff):
    application = approved(de_minimis_call, staff, organisation=company)
    client.force_login(applicant)
    url = reverse("applications:renounce", args=[application.pk])

    client.post(url, {"extent": "whole", "reason": "Project cancelled.", "confirmed": "yes"})

    application.refresh_from_db()
    assert application.status == "withdrawn"
    assert headroom(company) == CEILING
    # Afterwards the page sends them back: there is nothing left to renounce.
    assert client.get(url).status_code == 302


def test_a_refused_renunciation_keeps_the_input_and_names_the_field(client, de_minimis_call, company, applicant, staff):
    application = approved(de_minimis_call, staff, organisation=company)
    Payment.objects.create(application=application, amount=D("1000.00"), paid_on=agency_today())
    client.force_login(applicant)

    response = client.post(
        reverse("applications:renounce", args=[application.pk]),
        {"extent": "part", "amount": "500.00", "reason": "Fewer fairs."},
    )

    assert not response.context["confirming"]
    assert "already paid" in " ".join(response.context["form"].errors["amount"])
    assert "Fewer fairs." in response.content.decode()


def test_a_consortium_member_who_is_not_the_lead_cannot_renounce(client, agency, consortium, member, staff, applicant):
    call = CallFactory(programme=ProgrammeFactory(agency=agency), budget=D("10000.00"))
    application = approved(call, staff, consortium=consortium)
    client.force_login(member)

    url = reverse("applications:renounce", args=[application.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"extent": "whole", "reason": "x", "confirmed": "yes"}).status_code == 404
    application.refresh_from_db()
    assert application.status == "approved"


# --- at the same moment ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_renunciation_and_a_revocation_at_the_same_moment_end_the_grant_once(agency, company, applicant, staff):
    call = CallFactory(programme=ProgrammeFactory(agency=agency, legal_basis="de_minimis"), budget=D("10000.00"))
    application = approved(call, staff, organisation=company)
    barrier = threading.Barrier(2)
    outcomes = []

    def end(service, by):
        try:
            barrier.wait(timeout=30)
            service(application=application, by=by, reason="At once.")
            outcomes.append("done")
        except EndingRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=end, args=(grant_renounce, applicant)),
        threading.Thread(target=end, args=(grant_revoke, staff)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["done", "refused"]
    assert AidAward.objects.filter(application=application, kind="correction").count() == 1
    assert headroom(company) == CEILING
    assert StatusChange.objects.filter(application=application, to_status="withdrawn").count() == 1
