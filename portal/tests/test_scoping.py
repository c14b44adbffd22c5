"""Staff of one agency see and change only their agency's objects; superusers see all."""

import pytest
from django import forms
from django.contrib import admin
from django.urls import reverse

from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from consortia.models import Consortium
from consortia.tests.factories import MembershipFactory, OrganisationFactory
from portal.roles import AGENCY_STAFF, PROGRAMME_MANAGER
from portal.scoping import scope_choices
from portal.tests.factories import StaffFactory
from programmes.tests.factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_agencies(agency, other_agency):
    """Ours (Extremadura Avante) and theirs (SODERCAN), each with a call, applications and organisations."""
    data = {}
    for key, each in (("ours", agency), ("theirs", other_agency)):
        call = CallFactory(programme=ProgrammeFactory(agency=each), title=f"Call of {each.name}")
        application = ApplicationFactory(call=call, title=f"Project for {each.name}")
        BudgetLineFactory(application=application)
        member = MembershipFactory(consortium=application.consortium).organisation
        company = OrganisationFactory(legal_name=f"Company applying to {each.name}")
        ApplicationFactory(call=call, consortium=None, organisation=company)
        data[key] = {"agency": each, "call": call, "application": application, "member": member, "company": company}
    return data


def test_lists_show_only_the_agencys_objects(client, two_agencies, staff):
    client.force_login(staff)
    pages = {
        "admin:applications_application_changelist": ("Project for Extremadura Avante", "Project for SODERCAN"),
        "admin:programmes_call_changelist": ("Call of Extremadura Avante", "Call of SODERCAN"),
        "admin:consortia_organisation_changelist": (
            "Company applying to Extremadura Avante",
            "Company applying to SODERCAN",
        ),
    }
    for name, (visible, hidden) in pages.items():
        html = client.get(reverse(name)).content.decode()
        assert visible in html, name
        assert hidden not in html, name


def test_another_agencys_change_page_is_out_of_reach(client, two_agencies, manager):
    client.force_login(manager)
    theirs = two_agencies["theirs"]
    urls = [
        reverse("admin:applications_application_change", args=[theirs["application"].pk]),
        reverse("admin:programmes_call_change", args=[theirs["call"].pk]),
        reverse("admin:programmes_programme_change", args=[theirs["call"].programme_id]),
        reverse("admin:consortia_organisation_change", args=[theirs["company"].pk]),
        reverse("admin:consortia_consortium_change", args=[theirs["application"].consortium_id]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].endswith("/admin/"), url

    response = client.post(
        reverse("admin:programmes_call_change", args=[theirs["call"].pk]), {"title": "Hijacked", "budget": "1"}
    )
    theirs["call"].refresh_from_db()
    assert theirs["call"].title == "Call of SODERCAN"
    assert response.status_code == 302


def test_exports_and_actions_only_touch_the_agencys_objects(client, two_agencies, staff):
    client.force_login(staff)
    theirs = two_agencies["theirs"]["application"]
    ours = two_agencies["ours"]["application"]

    response = client.post(
        reverse("admin:applications_application_changelist"),
        {"action": "export_applications_csv", "_selected_action": [ours.pk, theirs.pk]},
    )

    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Project for Extremadura Avante" in content
    assert "Project for SODERCAN" not in content


def test_the_programme_choices_are_the_agencys_own(client, two_agencies, manager):
    client.force_login(manager)

    html = client.get(reverse("admin:programmes_call_add")).content.decode()

    assert two_agencies["ours"]["call"].programme.name in html
    assert two_agencies["theirs"]["call"].programme.name not in html


def test_staff_without_an_agency_see_nothing(client, two_agencies):
    client.force_login(StaffFactory(email="floating@example.org", agency=None))

    html = client.get(reverse("admin:applications_application_changelist")).content.decode()

    assert "Project for" not in html


def test_a_superuser_sees_every_agency(client, two_agencies, superuser):
    client.force_login(superuser)

    html = client.get(reverse("admin:applications_application_changelist")).content.decode()

    assert "Project for Extremadura Avante" in html and "Project for SODERCAN" in html


def test_the_role_groups_exist_after_migrating():
    from django.contrib.auth.models import Group

    staff = Group.objects.get(name=AGENCY_STAFF)
    manager = Group.objects.get(name=PROGRAMME_MANAGER)

    assert staff.permissions.filter(codename="change_application").exists()
    assert not staff.permissions.filter(codename="change_call").exists()
    assert manager.permissions.filter(codename="change_call").exists()
    assert manager.permissions.filter(codename="add_callrule").exists()


def test_a_choice_an_admin_form_declares_is_narrowed_for_each_user_apart(rf, two_agencies, staff, other_staff):
    class ChooseConsortium(forms.Form):
        consortium = forms.ModelChoiceField(Consortium.objects.all())

    def offered_to(user):
        request = rf.get("/")
        request.user = user
        form_class = scope_choices(type("PerRequest", (ChooseConsortium,), {}), request, admin.site)
        return set(form_class().fields["consortium"].queryset)

    ours = offered_to(staff)
    theirs = offered_to(other_staff)

    assert two_agencies["ours"]["application"].consortium in ours
    assert two_agencies["theirs"]["application"].consortium in theirs
    assert not ours & theirs
    assert set(ChooseConsortium().fields["consortium"].queryset) >= ours | theirs
