"""Staff read and type times in their agency's zone, in the admin and on the dashboard, and see it named."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from portal.roles import PROGRAMME_MANAGER
from programmes.tests.factories import AgencyFactory, CallFactory, ProgrammeFactory
from programmes.tests.test_rules_admin import call_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def alentejo():
    return AgencyFactory(name="AICEP Alentejo", timezone="Europe/Lisbon", country="PT", region="PT18")


def post_closing_time(client, call, day, hour):
    """Post the call's change form as the staff member types it: opens 1 January at 09:00, closes `day` `hour`."""
    data = call_form(call, [])
    data.update({"opens_at_0": "2026-01-01", "opens_at_1": "09:00:00", "closes_at_0": day, "closes_at_1": hour})
    response = client.post(reverse("admin:programmes_call_change", args=[call.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    call.refresh_from_db()
    return call.closes_at


def test_a_closing_time_typed_by_extremadura_staff_is_madrid_time(client, agency, manager):
    call = CallFactory(programme=ProgrammeFactory(agency=agency))
    client.force_login(manager)

    # Madrid in winter (CET, UTC+1): 1 January 9:00 is 8:00 UTC, 31 December 23:59:59 is 22:59:59 UTC.
    assert post_closing_time(client, call, "2026-12-31", "23:59:59") == datetime(2026, 12, 31, 22, 59, 59, tzinfo=UTC)
    assert call.opens_at == datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
    # In summer (CEST, UTC+2) the same clock time is two hours ahead of UTC.
    assert post_closing_time(client, call, "2026-07-31", "14:00:00") == datetime(2026, 7, 31, 12, 0, tzinfo=UTC)

    page = client.get(reverse("admin:programmes_call_change", args=[call.pk])).content.decode()
    assert 'value="14:00:00"' in page and "Times in Europe/Madrid." in page


def test_a_closing_time_typed_by_alentejo_staff_is_lisbon_time(client, alentejo, staff_of):
    call = CallFactory(programme=ProgrammeFactory(agency=alentejo))
    client.force_login(staff_of(alentejo, PROGRAMME_MANAGER))

    # Lisbon: WET (UTC+0) in January, WEST (UTC+1) in summer.
    assert post_closing_time(client, call, "2026-07-31", "18:00:00") == datetime(2026, 7, 31, 17, 0, tzinfo=UTC)
    assert call.opens_at == datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def test_the_call_list_shows_the_deadline_on_the_agencys_clock(client, agency, manager):
    CallFactory(programme=ProgrammeFactory(agency=agency), closes_at=datetime(2026, 12, 31, 22, 59, 59, tzinfo=UTC))
    client.force_login(manager)

    html = client.get(reverse("admin:programmes_call_changelist")).content.decode()

    assert "Dec. 31, 2026, 11:59 p.m." in html and "10:59 p.m." not in html
    assert "Times in Europe/Madrid." in html


# --- the dashboard ---------------------------------------------------------------------------


@time_machine.travel(datetime(2026, 11, 30, 11, 0, tzinfo=UTC), tick=False)
def test_the_dashboard_says_as_of_when_in_the_agencys_zone(client, manager):
    client.force_login(manager)

    html = client.get(reverse("programmes:dashboard"), {"year": 2026}).content.decode()

    assert "as of Nov. 30, 2026, noon (Europe/Madrid)" in html


@time_machine.travel(datetime(2026, 7, 1, 11, 0, tzinfo=UTC), tick=False)
def test_a_superuser_sees_utc_named_or_the_zone_of_the_agency_chosen(client, alentejo, superuser):
    client.force_login(superuser)
    url = reverse("programmes:dashboard")

    everything = client.get(url, {"year": 2026}).content.decode()
    lisbon = client.get(url, {"year": 2026, "agency": alentejo.pk}).content.decode()

    assert "as of July 1, 2026, 11 a.m. (UTC)" in everything
    assert "as of July 1, 2026, noon (Europe/Lisbon)" in lisbon
