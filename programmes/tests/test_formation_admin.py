"""The formation admin's doors: every write goes through the service of its step (seed 002).

Each test works the real admin as the agency's staff, through the test client: a new row is recorded by
its service (seen by what only the service does), a forged POST does not change an amount or a status,
and a refused write comes back with the service's message next to the field it is about.
"""

# The actors and the SODERCAN programme are test_formation's fixtures, named by the tests' arguments.
# ruff: noqa: F811

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse

from consortia import follow_up
from consortia.models import ConsortiumBid, FeePayment, MembershipFee
from consortia.selectors import consortium_contracts_won
from programmes.formation import services
from programmes.models import FormationCandidate
from programmes.tests.factories import AgencyFactory
from programmes.tests.test_formation import (  # noqa: F401
    TODAY,
    company,
    director,
    establish,
    formation_with_joined,
    open_formation,
    programme,
    sodercan,
    staff_of,
    technician,
    today_is_fixed,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


# --- the page as a browser posts it back ------------------------------------------------------------


def _posted(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _add_form(form, data):
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
            continue
        data[bound.html_name] = _posted(value)


def page_data(client, url, **changes):
    """What the admin page at `url` posts back unchanged (its form and every inline row), with `changes`.

    A change's key is the field's name in the POST ("period", "payments-0-amount"). New inline rows are
    added with `rows={"payments": [{"organisation": pk, ...}]}`.
    """
    rows = changes.pop("rows", {})
    response = client.get(url)
    assert response.status_code == 200, url
    data = {}
    _add_form(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management[name].html_name] = management[name].value()
        for form in formset.forms:
            _add_form(form, data)
        for index, row in enumerate(rows.get(formset.prefix, []), start=len(formset.forms)):
            for name, value in row.items():
                data[f"{formset.prefix}-{index}-{name}"] = _posted(value)
        data[f"{formset.prefix}-TOTAL_FORMS"] = len(formset.forms) + len(rows.get(formset.prefix, []))
    data.update({name: _posted(value) for name, value in changes.items()})
    return data


def field_errors(response, field, prefix=None):
    """The errors shown next to `field` of the page's form, or of its inline row `prefix` ("payments-1")."""
    if prefix is None:
        return response.context["adminform"].form.errors.get(field, [])
    for inline in response.context["inline_admin_formsets"]:
        for form in inline.formset.forms:
            if form.prefix == prefix:
                return form.errors.get(field, [])
    raise AssertionError(f"no row {prefix} on the page")


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def staff_client(client, technician):
    client.force_login(technician)
    return client


@pytest.fixture
def established(programme, technician, director):
    formation, people = formation_with_joined(programme, technician, 3)
    members = [organisation for _person, organisation, _candidate in people.values()]
    consortium = establish(
        formation, director, members[0], manager_name="Elena Ruiz", manager_email="elena@example.org"
    )
    return consortium, members


@pytest.fixture
def fee(established, technician):
    consortium, members = established
    fee = follow_up.membership_fee_set(
        consortium=consortium, period="2026", amount=Decimal("1000"), due_on=TODAY - timedelta(days=5), by=technician
    )
    follow_up.fee_payment_record(
        fee=fee, organisation=members[0], amount=Decimal("1000"), paid_on=TODAY - timedelta(days=2), by=technician
    )
    return fee


def submitted_bid(consortium, members, technician, **overrides):
    arguments = {
        "consortium": consortium,
        "title": "Floating platform moorings",
        "client": "Scottish wind farm",
        "country": "GB",
        "submitted_on": TODAY - timedelta(days=3),
        "value": Decimal("1250000.00"),
        "members": members[:2],
        "by": technician,
    }
    arguments.update(overrides)
    return follow_up.bid_submit(**arguments)


def formation_url(formation):
    return reverse("admin:programmes_formation_change", args=[formation.pk])


# --- candidates: formation_candidate_add -------------------------------------------------------------


def test_a_candidate_added_on_the_formation_page_is_recorded_by_the_service(staff_client, programme, technician):
    formation = open_formation(programme, technician)
    _, cantabrian = company("Cántabra S.L.")
    url = formation_url(formation)

    response = staff_client.post(
        url, page_data(staff_client, url, rows={"candidates": [{"organisation": cantabrian.pk, "notes": "Export"}]})
    )

    assert response.status_code == 302
    candidate = FormationCandidate.objects.get(formation=formation)
    assert (candidate.organisation, candidate.notes, candidate.status) == (cantabrian, "Export", "identified")
    assert candidate.history.get().history_user == technician


def test_a_candidate_added_to_an_abandoned_formation_is_refused_on_its_row(staff_client, programme, technician):
    formation = open_formation(programme, technician)
    url = formation_url(formation)
    _, cantabrian = company("Cántabra S.L.")
    data = page_data(staff_client, url, notes="Meeting notes", rows={"candidates": [{"organisation": cantabrian.pk}]})
    services.formation_move(formation=formation, to_status="abandoned", by=technician)

    response = staff_client.post(url, data)

    assert response.status_code == 200
    row = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert "is abandoned: it cannot change any more" in " ".join(row.non_field_errors())
    assert "is abandoned: it cannot change any more" in response.content.decode()
    assert not FormationCandidate.objects.exists()
    # Nothing of the page is saved; what was typed is kept.
    formation.refresh_from_db()
    assert formation.notes == "" and "Meeting notes" in response.content.decode()


def test_the_service_refuses_a_company_outside_the_agencys_region(programme, technician):
    formation = open_formation(programme, technician)
    _, extremaduran = company("Extremeña S.L.", region="ES43")

    with pytest.raises(services.Refused, match="registered office in Extremadura") as refusal:
        services.formation_candidate_add(formation=formation, organisation=extremaduran, by=technician)

    assert list(refusal.value.errors) == ["organisation"]
    assert not FormationCandidate.objects.exists()


def test_a_forged_post_does_not_change_a_candidates_company_or_status(staff_client, programme, technician):
    formation = open_formation(programme, technician)
    _, first = company("Primera S.L.")
    _, other = company("Otra S.L.")
    candidate = services.formation_candidate_add(formation=formation, organisation=first, by=technician)
    url = formation_url(formation)

    response = staff_client.post(
        url,
        page_data(
            staff_client,
            url,
            **{"candidates-0-organisation": other.pk, "candidates-0-status": "joined", "status": "established"},
        ),
    )

    assert response.status_code == 302
    candidate.refresh_from_db()
    formation.refresh_from_db()
    assert (candidate.organisation, candidate.status, formation.status) == (first, "identified", "identifying")


# --- the formation itself: formation_open, formation_seed_funding_set --------------------------------


def test_the_seed_funding_of_a_formation_under_way_changes_through_the_service_and_then_is_fixed(
    staff_client, programme, technician, director
):
    formation, people = formation_with_joined(programme, technician, 3)
    url = formation_url(formation)

    response = staff_client.post(url, page_data(staff_client, url, seed_funding="150000.00", name="Renamed"))

    assert response.status_code == 302
    formation.refresh_from_db()
    assert (formation.seed_funding, formation.name) == (Decimal("150000.00"), "Renamed")
    latest = formation.history.first()
    assert (latest.seed_funding, latest.history_user) == (Decimal("150000.00"), technician)

    establish(formation, director, next(iter(people.values()))[1])
    response = staff_client.post(url, {**page_data(staff_client, url), "seed_funding": "1.00"})
    formation.refresh_from_db()
    assert formation.seed_funding == Decimal("150000.00")


# --- meetings: formation_meeting_record ---------------------------------------------------------------


def test_a_meeting_added_on_the_formation_page_moves_the_formation_to_its_meetings(staff_client, programme, technician):
    formation = open_formation(programme, technician)
    url = formation_url(formation)

    response = staff_client.post(
        url,
        page_data(
            staff_client,
            url,
            rows={"meetings": [{"held_on": TODAY - timedelta(days=1), "place": "Santander", "agenda": "Aims"}]},
        ),
    )

    assert response.status_code == 302
    formation.refresh_from_db()
    assert formation.status == "meeting"
    assert list(formation.meetings.values_list("place", "agenda")) == [("Santander", "Aims")]
    assert formation.history.first().history_user == technician


def meeting_add(client, formation, **changes):
    url = reverse("admin:programmes_formationmeeting_add")
    fields = {"formation": formation.pk, "held_on": TODAY, "place": "Santander"}
    return client.post(url, page_data(client, url, **{**fields, **changes}))


def test_a_meeting_of_an_abandoned_formation_is_refused_next_to_the_formation(staff_client, programme, technician):
    formation = open_formation(programme, technician)
    services.formation_move(formation=formation, to_status="abandoned", by=technician)

    response = meeting_add(staff_client, formation)

    assert response.status_code == 200
    assert "is abandoned: it cannot change any more" in " ".join(field_errors(response, "formation"))
    assert not formation.meetings.exists()


def test_a_meeting_added_on_its_own_page_is_recorded_by_the_service(staff_client, programme, technician):
    formation = open_formation(programme, technician)

    response = meeting_add(staff_client, formation, place=" Torrelavega ")

    assert response.status_code == 302
    formation.refresh_from_db()
    assert formation.status == "meeting" and formation.meetings.get().place == "Torrelavega"


# --- the manager: consortium_manager_appoint ----------------------------------------------------------


def manager_add(client, consortium, **changes):
    url = reverse("admin:consortia_consortiummanager_add")
    fields = {"consortium": consortium.pk, "full_name": "Luis Gómez", "email": "Luis@Example.org"}
    fields["appointed_on"] = TODAY
    return client.post(url, page_data(client, url, **{**fields, **changes}))


def test_a_manager_appointed_in_the_admin_ends_the_current_ones_term(staff_client, established):
    consortium, _members = established
    appointed_on = TODAY - timedelta(days=1)

    response = manager_add(staff_client, consortium, appointed_on=appointed_on)

    assert response.status_code == 302
    managers = {m.full_name: (m.email, m.appointed_on, m.ended_on) for m in consortium.managers.all()}
    assert managers == {
        "Elena Ruiz": ("elena@example.org", TODAY - timedelta(days=10), appointed_on),
        "Luis Gómez": ("luis@example.org", appointed_on, None),
    }
    page = staff_client.get(reverse("admin:consortia_consortium_change", args=[consortium.pk])).content.decode()
    assert "Luis Gómez" in page and "Elena Ruiz" in page


def test_a_manager_appointed_before_the_current_one_is_refused_next_to_the_date(staff_client, established):
    consortium, _members = established

    response = manager_add(staff_client, consortium, appointed_on=TODAY - timedelta(days=30))

    assert response.status_code == 200
    assert "Elena Ruiz was appointed on" in " ".join(field_errors(response, "appointed_on"))
    assert 'value="Luis Gómez"' in response.content.decode()
    assert consortium.managers.get().ended_on is None


def test_a_forged_post_does_not_move_a_managers_appointment_or_end_their_term(staff_client, established):
    consortium, _members = established
    manager = consortium.managers.get()
    url = reverse("admin:consortia_consortiummanager_change", args=[manager.pk])

    response = staff_client.post(
        url, page_data(staff_client, url, appointed_on="2020-01-01", ended_on=TODAY, phone="942 000 000")
    )

    assert response.status_code == 302
    manager.refresh_from_db()
    assert (manager.appointed_on, manager.ended_on, manager.phone) == (TODAY - timedelta(days=10), None, "942 000 000")


# --- fees: membership_fee_set ---------------------------------------------------------------------------


def fee_add(client, consortium, **changes):
    url = reverse("admin:consortia_membershipfee_add")
    fields = {"consortium": consortium.pk, "period": "2026", "amount": "1000.00", "due_on": TODAY}
    return client.post(url, page_data(client, url, **{**fields, **changes}))


def test_a_fee_is_set_on_the_add_page_by_the_service(staff_client, established):
    consortium, _members = established

    response = fee_add(staff_client, consortium, period=" 2026, first half ")

    assert response.status_code == 302
    fee = MembershipFee.objects.get()
    assert (fee.consortium, fee.period, fee.amount) == (consortium, "2026, first half", Decimal("1000.00"))


def test_a_fee_due_before_the_consortium_existed_is_refused_next_to_its_due_date(staff_client, established):
    consortium, _members = established

    response = fee_add(staff_client, consortium, due_on=(consortium.established_on - timedelta(days=1)).isoformat())

    assert response.status_code == 200
    assert "a fee due before then is owed by no member" in " ".join(field_errors(response, "due_on"))
    assert 'value="1000.00"' in response.content.decode()
    assert not MembershipFee.objects.exists()


def test_a_second_fee_for_a_period_is_refused_next_to_the_period(staff_client, fee, established):
    consortium, _members = established

    response = fee_add(staff_client, consortium, amount="900")

    assert response.status_code == 200
    assert field_errors(response, "period") == ["The consortium already has a fee for this period."]
    assert MembershipFee.objects.get().amount == Decimal("1000.00")


def test_a_forged_post_does_not_change_a_fees_amount_or_due_date(staff_client, fee):
    url = reverse("admin:consortia_membershipfee_change", args=[fee.pk])

    response = staff_client.post(
        url, page_data(staff_client, url, period="Year 2026", amount="1.00", due_on="2026-01-01")
    )

    assert response.status_code == 302
    fee.refresh_from_db()
    assert (fee.period, fee.amount, fee.due_on) == ("Year 2026", Decimal("1000.00"), TODAY - timedelta(days=5))


# --- payments: fee_payment_record -----------------------------------------------------------------------


def test_a_payment_added_on_the_fees_page_is_recorded_by_the_service(staff_client, fee, established, technician):
    _consortium, members = established
    url = reverse("admin:consortia_membershipfee_change", args=[fee.pk])

    response = staff_client.post(
        url,
        page_data(
            staff_client,
            url,
            rows={"payments": [{"organisation": members[1].pk, "amount": "400.00", "paid_on": TODAY}]},
        ),
    )

    assert response.status_code == 302
    payment = FeePayment.objects.get(organisation=members[1])
    assert (payment.amount, payment.recorded_by) == (Decimal("400.00"), technician)
    assert payment.history.get().history_user == technician


def test_a_second_payment_by_a_member_is_refused_with_the_services_message_on_its_row(staff_client, fee, established):
    _consortium, members = established
    url = reverse("admin:consortia_membershipfee_change", args=[fee.pk])

    response = staff_client.post(
        url,
        page_data(
            staff_client,
            url,
            rows={"payments": [{"organisation": members[0].pk, "amount": "10.00", "paid_on": TODAY}]},
        ),
    )

    assert response.status_code == 200
    errors = " ".join(field_errors(response, "organisation", prefix="payments-1"))
    assert f"{members[0]} has already paid the fee for 2026" in errors
    assert FeePayment.objects.count() == 1


def test_a_payment_dated_in_the_future_is_refused_next_to_its_date(staff_client, fee, established):
    _consortium, members = established
    url = reverse("admin:consortia_membershipfee_change", args=[fee.pk])

    response = staff_client.post(
        url,
        page_data(
            staff_client,
            url,
            rows={
                "payments": [{"organisation": members[1].pk, "amount": "10.00", "paid_on": TODAY + timedelta(days=1)}]
            },
        ),
    )

    assert response.status_code == 200
    assert field_errors(response, "paid_on", prefix="payments-1") == ["A payment cannot be dated in the future."]
    assert not FeePayment.objects.filter(organisation=members[1]).exists()


def test_a_forged_post_does_not_change_a_payment(staff_client, fee):
    payment = FeePayment.objects.get()
    fee_url = reverse("admin:consortia_membershipfee_change", args=[fee.pk])

    staff_client.post(
        fee_url, page_data(staff_client, fee_url, **{"payments-0-amount": "1.00", "payments-0-paid_on": "2026-01-01"})
    )
    response = staff_client.post(
        reverse("admin:consortia_feepayment_change", args=[payment.pk]), {"amount": "1.00", "paid_on": "2026-01-01"}
    )

    assert response.status_code == 403
    payment.refresh_from_db()
    assert (payment.amount, payment.paid_on) == (Decimal("1000.00"), TODAY - timedelta(days=2))
    assert staff_client.get(reverse("admin:consortia_feepayment_change", args=[payment.pk])).status_code == 200


# --- bids: bid_submit -----------------------------------------------------------------------------------


def bid_add(client, consortium, members, **changes):
    url = reverse("admin:consortia_consortiumbid_add")
    fields = {
        "consortium": consortium.pk,
        "title": "Floating platform moorings",
        "country": "gb",
        "submitted_on": TODAY - timedelta(days=3),
        "value": "1250000.00",
        "members": [member.pk for member in members],
    }
    return client.post(url, page_data(client, url, **{**fields, **changes}))


def test_a_bid_added_in_the_admin_is_recorded_by_the_service(staff_client, established, technician):
    consortium, members = established

    response = bid_add(staff_client, consortium, members[:2])

    assert response.status_code == 302
    bid = ConsortiumBid.objects.get()
    assert (bid.country, bid.status, set(bid.members.all())) == ("GB", "submitted", set(members[:2]))
    assert bid.history.get().history_user == technician


def test_a_bid_dated_in_the_future_or_before_its_members_joined_is_refused_next_to_the_field(staff_client, established):
    consortium, members = established

    future = bid_add(staff_client, consortium, members[:1], submitted_on=TODAY + timedelta(days=1))
    # The members joined when the consortium was established, ten days ago.
    outsiders = bid_add(staff_client, consortium, members[:2], submitted_on=TODAY - timedelta(days=20))

    assert field_errors(future, "submitted_on") == ["A bid cannot be dated in the future."]
    assert outsiders.status_code == 200
    assert "Not members of Cantabria Offshore Energy" in " ".join(field_errors(outsiders, "members"))
    assert not ConsortiumBid.objects.exists()


def test_a_forged_post_does_not_change_a_bids_value_or_status(staff_client, established, technician):
    consortium, members = established
    bid = submitted_bid(consortium, members, technician)
    url = reverse("admin:consortia_consortiumbid_change", args=[bid.pk])

    response = staff_client.post(
        url,
        page_data(
            staff_client,
            url,
            title="Moorings and anchors",
            value="1.00",
            status="won",
            decided_on=TODAY.isoformat(),
            members=[members[2].pk],
        ),
    )

    assert response.status_code == 302
    bid.refresh_from_db()
    assert bid.title == "Moorings and anchors"
    assert (bid.value, bid.status, bid.decided_on) == (Decimal("1250000.00"), "submitted", None)
    assert set(bid.members.all()) == set(members[:2])


# --- the client's decision: bid_decide ------------------------------------------------------------------


def test_the_decision_page_records_a_contract_won(staff_client, established, technician, sodercan):
    consortium, members = established
    bid = submitted_bid(consortium, members, technician)
    change_page = staff_client.get(reverse("admin:consortia_consortiumbid_change", args=[bid.pk])).content.decode()
    url = reverse("admin:consortia_consortiumbid_decide", args=[bid.pk])
    assert url in change_page

    response = staff_client.post(url, {"outcome": "won", "decided_on": (TODAY - timedelta(days=1)).isoformat()})

    assert response.status_code == 302
    bid.refresh_from_db()
    assert (bid.status, bid.decided_on) == ("won", TODAY - timedelta(days=1))
    assert bid.history.first().history_user == technician
    assert consortium_contracts_won(agency_id=sodercan.pk).count == 1
    assert url not in staff_client.get(reverse("admin:consortia_consortiumbid_change", args=[bid.pk])).content.decode()


def test_the_decision_page_shows_the_services_refusals(staff_client, established, technician):
    consortium, members = established
    bid = submitted_bid(consortium, members, technician)
    url = reverse("admin:consortia_consortiumbid_decide", args=[bid.pk])

    future = staff_client.post(url, {"outcome": "won", "decided_on": (TODAY + timedelta(days=1)).isoformat()})
    follow_up.bid_decide(bid=bid, won=False, decided_on=TODAY, by=technician)
    changed_mind = staff_client.post(url, {"outcome": "won", "decided_on": TODAY.isoformat()})

    assert future.context["form"].errors["decided_on"] == ["The client's decision cannot be dated in the future."]
    assert changed_mind.status_code == 200
    assert "This bid is already lost." in changed_mind.content.decode()
    bid.refresh_from_db()
    assert bid.status == "lost"


def test_the_list_actions_decide_bids_and_report_a_refusal(staff_client, established, technician):
    consortium, members = established
    waiting = submitted_bid(consortium, members, technician, title="Waiting")
    lost = submitted_bid(consortium, members, technician, title="Lost already")
    follow_up.bid_decide(bid=lost, won=False, decided_on=TODAY, by=technician)

    response = staff_client.post(
        reverse("admin:consortia_consortiumbid_changelist"),
        {"action": "decide_won_today", "_selected_action": [waiting.pk, lost.pk]},
        follow=True,
    )

    assert response.status_code == 200
    shown = messages_of(response)
    assert "1 bid decided." in shown and "Lost already: This bid is already lost." in shown
    waiting.refresh_from_db()
    lost.refresh_from_db()
    assert (waiting.status, waiting.decided_on, lost.status) == ("won", TODAY, "lost")


def test_staff_of_another_agency_cannot_decide_a_bid(client, established, technician):
    consortium, members = established
    bid = submitted_bid(consortium, members, technician)
    client.force_login(staff_of(AgencyFactory(name="Extremadura Avante", slug="extremadura-avante")))

    response = client.post(
        reverse("admin:consortia_consortiumbid_decide", args=[bid.pk]),
        {"outcome": "won", "decided_on": TODAY.isoformat()},
    )

    assert response.status_code == 302 and response["Location"].endswith("/admin/")
    bid.refresh_from_db()
    assert bid.status == "submitted"
