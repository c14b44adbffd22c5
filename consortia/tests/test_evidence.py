"""The evidence of the stage: the first joint promotion action, recorded by the consortium or staff, checked."""

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from consortia.models import Consortium
from consortia.services import (
    EvidenceRefused,
    consortium_create,
    consortium_joint_action_check,
    consortium_joint_action_clear,
    consortium_joint_action_record,
    consortium_stage,
)
from consortia.tests.factories import ConsortiumFactory

pytestmark = pytest.mark.django_db

FAIR = "Joint stand at a trade fair in Düsseldorf"


@pytest.fixture
def old_consortium(consortium):
    """The applicant's consortium, established in 2012, with no joint action recorded."""
    consortium.established_on = date(2012, 4, 1)
    consortium.save(update_fields=["established_on"])
    return consortium


def test_a_representative_records_the_first_joint_action_and_the_stage_counts_it_from_its_date(
    old_consortium, applicant
):
    assert consortium_stage(old_consortium, on=date(2016, 12, 31)) == "initiation"

    consortium_joint_action_record(by=applicant, consortium=old_consortium, on=date(2016, 5, 10), description=FAIR)

    stored = Consortium.objects.get(pk=old_consortium.pk)
    assert (stored.first_joint_action_on, stored.first_joint_action) == (date(2016, 5, 10), FAIR)
    assert stored.has_joint_actions is True
    assert stored.first_joint_action_recorded_by == applicant
    assert stored.first_joint_action_checked_at is None
    # It counts before staff check it (it can only lower the cap), from its date on.
    assert consortium_stage(stored, on=date(2016, 5, 9)) == "initiation"
    assert consortium_stage(stored, on=date(2016, 12, 31)) == "consolidated"


def test_a_representative_cannot_move_the_action_later_which_would_raise_the_cap_on_past_days(
    old_consortium, applicant, staff
):
    consortium_joint_action_record(by=applicant, consortium=old_consortium, on=date(2016, 5, 10), description=FAIR)

    with pytest.raises(EvidenceRefused) as refused:
        consortium_joint_action_record(by=applicant, consortium=old_consortium, on=date(2025, 5, 10), description=FAIR)

    assert refused.value.field == "first_joint_action_on"
    assert consortium_stage(Consortium.objects.get(pk=old_consortium.pk), on=date(2016, 12, 31)) == "consolidated"
    # An earlier date (a lower cap) is the representative's to correct; a later one is the agency's.
    consortium_joint_action_record(by=applicant, consortium=old_consortium, on=date(2015, 3, 2), description=FAIR)
    consortium_joint_action_record(by=staff, consortium=old_consortium, on=date(2017, 1, 9), description=FAIR)
    assert Consortium.objects.get(pk=old_consortium.pk).first_joint_action_on == date(2017, 1, 9)


def test_a_member_who_does_not_represent_the_lead_cannot_record_it(consortium, member):
    with pytest.raises(EvidenceRefused):
        consortium_joint_action_record(by=member, consortium=consortium, on=date(2025, 5, 1), description=FAIR)

    assert Consortium.objects.get(pk=consortium.pk).has_joint_actions is False


def test_a_future_date_and_a_missing_description_are_refused_next_to_their_fields(consortium, applicant):
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(EvidenceRefused) as refused:
        consortium_joint_action_record(by=applicant, consortium=consortium, on=tomorrow, description=" ")

    assert set(refused.value.errors) == {"first_joint_action_on", "first_joint_action"}
    assert Consortium.objects.get(pk=consortium.pk).first_joint_action_on is None


def test_staff_check_it_and_then_only_staff_can_change_it_which_takes_the_check_away(consortium, applicant, staff):
    consortium_joint_action_record(by=applicant, consortium=consortium, on=date(2025, 5, 1), description=FAIR)

    checked = consortium_joint_action_check(by=staff, consortium=consortium)

    assert checked.first_joint_action_checked_by == staff
    assert checked.first_joint_action_checked_at is not None
    with pytest.raises(EvidenceRefused) as refused:
        consortium_joint_action_record(by=applicant, consortium=consortium, on=date(2025, 9, 1), description=FAIR)
    assert refused.value.field == "first_joint_action_on"
    corrected = consortium_joint_action_record(
        by=staff, consortium=consortium, on=date(2025, 9, 1), description="Joint mission to Mexico City"
    )
    assert corrected.first_joint_action_on == date(2025, 9, 1)
    assert corrected.first_joint_action_recorded_by == staff
    assert corrected.first_joint_action_checked_at is None


def test_only_staff_check_and_only_what_is_recorded(consortium, applicant, staff):
    with pytest.raises(EvidenceRefused):
        consortium_joint_action_check(by=staff, consortium=consortium)
    consortium_joint_action_record(by=applicant, consortium=consortium, on=date(2025, 5, 1), description=FAIR)
    with pytest.raises(EvidenceRefused):
        consortium_joint_action_check(by=applicant, consortium=consortium)

    assert Consortium.objects.get(pk=consortium.pk).first_joint_action_checked_at is None


def test_staff_remove_an_action_recorded_by_mistake(consortium, applicant, staff):
    consortium_joint_action_record(by=applicant, consortium=consortium, on=date(2025, 5, 1), description=FAIR)

    consortium_joint_action_clear(by=staff, consortium=consortium)

    stored = Consortium.objects.get(pk=consortium.pk)
    assert (stored.has_joint_actions, stored.first_joint_action_on, stored.first_joint_action) == (False, None, "")


def test_consortium_create_records_the_first_joint_action_given(company, applicant):
    created = consortium_create(
        user=applicant,
        lead=company,
        consortium=ConsortiumFactory.build(lead=None, established_on=date(2020, 1, 10)),
        first_joint_action_on=date(2021, 3, 1),
        first_joint_action=FAIR,
    )

    stored = Consortium.objects.get(pk=created.pk)
    assert (stored.has_joint_actions, stored.first_joint_action_on) == (True, date(2021, 3, 1))
    assert stored.first_joint_action_recorded_by == applicant


def test_a_caller_that_only_says_has_joint_actions_gets_an_action_dated_on_the_establishment(company, applicant):
    consortium = Consortium(name="Old style", sector="metal", established_on=date(2020, 1, 10), has_joint_actions=True)

    created = consortium_create(user=applicant, lead=company, consortium=consortium)

    stored = Consortium.objects.get(pk=created.pk)
    assert (stored.has_joint_actions, stored.first_joint_action_on) == (True, date(2020, 1, 10))
    assert stored.first_joint_action


def test_the_migration_dates_the_ticked_box_on_the_establishment_day():
    # As the rows stood before the evidence: the box ticked, no action recorded (the constraint that now keeps
    # the two together is dropped for the test's transaction, which is rolled back).
    with connection.cursor() as cursor:
        cursor.execute(
            f"ALTER TABLE {Consortium._meta.db_table} DROP CONSTRAINT consortium_joint_actions_follow_evidence"
        )
    ticked = ConsortiumFactory(established_on=date(2015, 6, 1))
    Consortium.objects.filter(pk=ticked.pk).update(has_joint_actions=True)
    unticked = ConsortiumFactory(established_on=date(2015, 6, 1))
    migration = importlib.import_module("consortia.migrations.0007_joint_action_evidence")

    migration.evidence_from_the_box(apps, None)

    ticked.refresh_from_db()
    unticked.refresh_from_db()
    assert ticked.first_joint_action_on == date(2015, 6, 1)
    assert ticked.first_joint_action == "Recorded before evidence was kept"
    assert ticked.first_joint_action_checked_at is None
    assert consortium_stage(ticked, on=date(2016, 6, 1)) == "development"
    assert unticked.first_joint_action_on is None


# --- the applicant's pages ----------------------------------------------------------------------


def consortium_data(lead, **overrides):
    data = {
        "lead": lead.pk,
        "name": "Sabores de la Serena",
        "sector": "agri_food",
        "established_on": "2020-01-15",
        "first_joint_action_on": "",
        "first_joint_action": "",
        "target_markets": "France, Germany",
        "description": "",
    }
    data.update(overrides)
    return data


def test_the_create_form_asks_for_the_date_and_what_and_keeps_the_input_when_one_is_missing(client, company, applicant):
    client.force_login(applicant)

    response = client.post(
        reverse("consortia:consortium_create"), consortium_data(company, first_joint_action_on="2021-03-01")
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["first_joint_action"]
    html = response.content.decode()
    assert 'value="2021-03-01"' in html and 'value="Sabores de la Serena"' in html
    assert "has_joint_actions" not in html
    assert not Consortium.objects.filter(name="Sabores de la Serena").exists()

    response = client.post(
        reverse("consortia:consortium_create"),
        consortium_data(company, first_joint_action_on="2021-03-01", first_joint_action=FAIR),
    )

    created = Consortium.objects.get(name="Sabores de la Serena")
    assert response.status_code == 302
    assert (created.first_joint_action_on, created.first_joint_action) == (date(2021, 3, 1), FAIR)


def test_the_consortium_records_its_first_joint_action_on_its_page(client, consortium, applicant):
    client.force_login(applicant)
    url = reverse("consortia:consortium_joint_action", args=[consortium.pk])
    future = (timezone.localdate() + timedelta(days=3)).isoformat()

    response = client.post(url, {"first_joint_action_on": future, "first_joint_action": FAIR})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["first_joint_action_on"]
    assert FAIR in response.content.decode()

    response = client.post(url, {"first_joint_action_on": "2025-05-01", "first_joint_action": FAIR})

    assert response.status_code == 302
    page = client.get(reverse("consortia:consortium", args=[consortium.pk])).content.decode()
    assert FAIR in page and "not checked yet" in page


def test_a_checked_action_cannot_be_changed_from_the_portal(client, consortium, applicant, staff):
    consortium_joint_action_record(by=applicant, consortium=consortium, on=date(2025, 5, 1), description=FAIR)
    consortium_joint_action_check(by=staff, consortium=consortium)
    client.force_login(applicant)
    url = reverse("consortia:consortium_joint_action", args=[consortium.pk])

    response = client.post(url, {"first_joint_action_on": "2024-01-01", "first_joint_action": "Other"})

    assert response.status_code == 302
    assert Consortium.objects.get(pk=consortium.pk).first_joint_action_on == date(2025, 5, 1)
    assert "checked by the agency" in client.get(reverse("consortia:consortium", args=[consortium.pk])).content.decode()


# --- the admin ----------------------------------------------------------------------------------


def admin_data(consortium, **overrides):
    data = {
        "name": consortium.name,
        "sector": consortium.sector,
        "established_on": consortium.established_on.isoformat(),
        "lead": consortium.lead_id or "",
        "target_markets": "",
        "description": "",
        "first_joint_action_on": "",
        "first_joint_action": "",
        "has_joint_actions": "on",  # not on the form: a forged field is ignored
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "managers-TOTAL_FORMS": "0",
        "managers-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def _inline_prefixes(response):
    return {formset.formset.prefix: formset.formset for formset in response.context["inline_admin_formsets"]}


def post_admin(client, consortium, **overrides):
    url = reverse("admin:consortia_consortium_change", args=[consortium.pk])
    page = client.get(url)
    data = admin_data(consortium, **overrides)
    for prefix, formset in _inline_prefixes(page).items():
        data[f"{prefix}-TOTAL_FORMS"] = str(formset.initial_form_count())
        data[f"{prefix}-INITIAL_FORMS"] = str(formset.initial_form_count())
        for index, form in enumerate(formset.initial_forms):
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                data[f"{prefix}-{index}-{name}"] = "" if value is None else getattr(value, "pk", value)
    return client.post(url, data)


def test_staff_record_the_evidence_in_the_admin_through_the_service(superuser_client, superuser, consortium):
    response = post_admin(superuser_client, consortium, first_joint_action_on="2025-05-01", first_joint_action=FAIR)

    assert response.status_code == 302
    stored = Consortium.objects.get(pk=consortium.pk)
    assert (stored.has_joint_actions, stored.first_joint_action_on) == (True, date(2025, 5, 1))
    assert stored.first_joint_action_recorded_by == superuser


def test_bad_evidence_in_the_admin_is_shown_next_to_its_field_with_the_input_kept(superuser_client, consortium):
    future = (timezone.localdate() + timedelta(days=5)).isoformat()

    response = post_admin(superuser_client, consortium, first_joint_action_on=future, first_joint_action=FAIR)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == ["first_joint_action_on"]
    assert FAIR in response.content.decode()
    assert Consortium.objects.get(pk=consortium.pk).first_joint_action_on is None


def test_the_admin_list_action_checks_the_first_joint_action(superuser_client, superuser, consortium, applicant):
    consortium_joint_action_record(by=applicant, consortium=consortium, on=date(2025, 5, 1), description=FAIR)
    unrecorded = ConsortiumFactory(name="Nothing yet")

    response = superuser_client.post(
        reverse("admin:consortia_consortium_changelist"),
        {"action": "check_joint_action", "_selected_action": [consortium.pk, unrecorded.pk]},
        follow=True,
    )

    stored = Consortium.objects.get(pk=consortium.pk)
    assert stored.first_joint_action_checked_by == superuser
    html = response.content.decode()
    assert "1 first joint action checked." in html
    assert "Nothing yet: No joint action is recorded" in html


def test_a_consortium_added_in_the_admin_gets_its_evidence_through_the_service(superuser_client, superuser, company):
    data = {
        "name": "Added by staff",
        "sector": "metal",
        "established_on": "2020-02-01",
        "lead": company.pk,
        "target_markets": "",
        "description": "",
        "first_joint_action_on": "2021-05-01",
        "first_joint_action": FAIR,
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "managers-TOTAL_FORMS": "0",
        "managers-INITIAL_FORMS": "0",
    }

    response = superuser_client.post(reverse("admin:consortia_consortium_add"), data)

    assert response.status_code == 302
    added = Consortium.objects.get(name="Added by staff")
    assert (added.has_joint_actions, added.first_joint_action_on) == (True, date(2021, 5, 1))
    assert added.first_joint_action_recorded_by == superuser
    assert consortium_stage(added, on=date(2021, 4, 30)) == "initiation"
    assert consortium_stage(added, on=date(2021, 5, 1)) == "development"
