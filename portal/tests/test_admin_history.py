"""The audit history in the admin is read-only and scoped like the object: for every model that has one."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from simple_history.admin import SimpleHistoryAdmin

from applications.models import StatusChange
from applications.services import application_change_status
from applications.tests.factories import ApplicationFactory, BudgetLineFactory, reviews_complete
from applications.tests.world import build_world
from consortia.tests.factories import OrganisationFactory
from portal.admin_history import ReadOnlyHistoryMixin, has_audit_history
from portal.roles import AGENCY_STAFF, PROGRAMME_MANAGER
from portal.tests.factories import StaffFactory
from programmes.models import CallRule
from programmes.tests.factories import AgencyFactory, CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

D = Decimal


def named_staff(agency, email, role=AGENCY_STAFF):
    """Staff named after their address (javier@... is Javier): the history names who changed what."""
    return StaffFactory(agency=agency, email=email, full_name=email.split("@")[0].title(), role=role)


def version_url(obj, record):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, record.history_id])


def history_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])


@pytest.fixture
def approved(client, agency):
    """An application approved at 3,500 EUR by Javier, through the admin's approval page."""
    call = CallFactory(programme=ProgrammeFactory(agency=agency), budget=D("58000.00"))
    CallRule.objects.create(call=call, code="grant_cap", amount=D("4000.00"))
    application = ApplicationFactory(
        call=call, consortium=None, organisation=OrganisationFactory(), title="Olive oil to Japan"
    )
    BudgetLineFactory(application=application, amount=D("5000.00"))
    application_change_status(application=application, to_status="submitted")
    application.max_grant = D("4000.00")
    application.save()
    application_change_status(application=application, to_status="under_review")
    reviews_complete(application)
    client.force_login(named_staff(agency, "javier@extremadura.example"))
    response = client.post(
        reverse("admin:applications_application_move", args=[application.pk, "approve"]), {"amount": "3500.00"}
    )
    assert response.status_code == 302
    client.logout()
    application.refresh_from_db()
    assert application.status == "approved"
    return application


def snapshot(application):
    application.refresh_from_db()
    return (
        application.status,
        application.granted_amount,
        application.title,
        application.call_id,
        application.history.count(),
        StatusChange.objects.filter(application=application).count(),
    )


def test_staff_of_another_agency_can_neither_read_nor_post_a_version_of_an_application(client, approved, other_agency):
    their_call = CallFactory(programme=ProgrammeFactory(agency=other_agency))
    client.force_login(named_staff(other_agency, "ana@sodercan.example", PROGRAMME_MANAGER))
    first = approved.history.earliest()
    before = snapshot(approved)

    page = client.get(version_url(approved, first))
    listing = client.get(history_url(approved))
    forged = client.post(
        version_url(approved, first),
        {"call": their_call.pk, "title": "Hijacked", "status": "draft", "granted_amount": "1.00"},
    )

    assert page.status_code == 302 and page["Location"].endswith("/admin/")
    assert listing.status_code == 302 and listing["Location"].endswith("/admin/")
    assert "Olive oil to Japan" not in client.get(page["Location"]).content.decode()
    assert forged.status_code == 405
    assert snapshot(approved) == before


def test_reverting_an_approved_application_to_an_old_version_changes_nothing(client, agency, approved):
    client.force_login(named_staff(agency, "lucia@extremadura.example", PROGRAMME_MANAGER))
    draft_version = approved.history.earliest()
    before = snapshot(approved)

    response = client.post(
        version_url(approved, draft_version),
        {
            "call": approved.call_id,
            "organisation": approved.organisation_id,
            "title": approved.title,
            "status": "draft",
            "granted_amount": "9999999.00",
            "_change_history": "1",
        },
    )

    assert response.status_code == 405
    assert snapshot(approved) == before
    assert approved.granted_amount == D("3500.00")


def test_a_version_page_shows_what_changed_who_and_when_and_offers_no_form(client, agency, approved):
    client.force_login(named_staff(agency, "lucia@extremadura.example"))
    approval = approved.history.filter(granted_amount=D("3500.00")).earliest()

    html = client.get(version_url(approved, approval)).content.decode()

    main = html[html.index('id="content-main"') :]
    changes = main[main.index('id="audit-changes"') : main.index('id="audit-version"')]
    assert "What changed from the previous version" in main
    assert '<th scope="row">Granted amount (EUR)</th><td>-</td><td>3,500.00</td>' in changes
    assert "Approved" in main
    assert "Javier" in main
    assert date_format(localtime(approval.history_date, agency.tzinfo), "DATE_FORMAT") in main  # the staff's zone
    assert "<form" not in main and "Revert" not in main


def test_the_history_list_shows_each_versions_changes_and_links_its_page(client, agency, approved):
    client.force_login(named_staff(agency, "lucia@extremadura.example"))
    approval = approved.history.filter(granted_amount=D("3500.00")).earliest()

    html = client.get(history_url(approved)).content.decode()

    assert version_url(approved, approval) in html
    assert "Granted amount (EUR): - → 3,500.00" in html
    assert "Javier" in html


def test_the_history_list_takes_the_same_queries_for_few_or_many_versions(client, agency, approved):
    client.force_login(named_staff(agency, "lucia@extremadura.example"))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(history_url(approved)).status_code == 200
        return len(captured)

    few = queries()
    for number in range(8):
        approved.title = f"Olive oil to Japan, take {number}"
        approved.save()

    assert queries() == few


def test_every_admin_of_a_model_with_history_inherits_the_read_only_scoped_pages():
    for model, model_admin in admin.site._registry.items():
        assert not isinstance(model_admin, SimpleHistoryAdmin), model._meta.label
        if has_audit_history(model):
            assert isinstance(model_admin, ReadOnlyHistoryMixin), model._meta.label


def test_every_version_page_is_out_of_reach_of_another_agency_and_never_written(client):
    world = build_world()
    first, rows, second = world.a, world.a.rows, world.b
    outsider = named_staff(second["agency"], "manager@emilia.example", PROGRAMME_MANAGER)
    insider = named_staff(first["agency"], "manager@extremadura.example", PROGRAMME_MANAGER)
    walked = []

    for model in admin.site._registry:
        if not has_audit_history(model):
            continue
        history = getattr(model, model._meta.simple_history_manager_attribute)
        records = history.filter(**{f"{model._meta.pk.attname}__in": rows.get(model._meta.concrete_model, ())})
        record = records.order_by("history_id").first()
        assert record is not None, (
            f"{model._meta.label}: the world builds no object with history (applications/tests/world.py)"
        )
        obj = record.instance
        count = history.count()
        client.force_login(outsider)
        for response in (client.get(history_url(obj)), client.get(version_url(obj, record))):
            assert response.status_code == 302 and response["Location"].endswith("/admin/"), model._meta.label
        for user in (outsider, insider):
            client.force_login(user)
            assert client.post(version_url(obj, record), {"_change_history": "1"}).status_code == 405
        assert client.get(version_url(obj, record)).status_code == 200, model._meta.label
        assert history.count() == count, model._meta.label
        walked.append(model._meta.label)

    assert {"applications.Application", "applications.ProjectReport", "programmes.Call"} <= set(walked)


def test_a_version_pointing_at_another_agencys_call_does_not_name_it(client, agency):
    elsewhere = CallFactory(programme=ProgrammeFactory(agency=AgencyFactory(name="Alentejo 2020")), title="Vinhos 2026")
    application = ApplicationFactory(call=elsewhere, consortium=None, organisation=OrganisationFactory())
    application.call = CallFactory(programme=ProgrammeFactory(agency=agency), title="PIMEX 2026")
    application.save()
    client.force_login(named_staff(agency, "lucia@extremadura.example"))

    html = client.get(version_url(application, application.history.latest())).content.decode()

    main = html[html.index('id="content-main"') :]
    assert "PIMEX 2026" in main
    assert f"#{elsewhere.pk}" in main
    assert "Vinhos 2026" not in main
