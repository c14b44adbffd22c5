"""Files in private storage have no URL: the admin shows them as links to the view that checks who downloads."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from applications.tests.world import build_world
from portal.models import User
from portal.roles import AGENCY_STAFF, ensure_groups
from portal.scoping import AgencyScopedAdmin
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world().a


def test_staff_open_an_attachments_page_and_find_the_checked_download_link(client, world):
    staff = world["staff"]
    staff.groups.set([ensure_groups()[AGENCY_STAFF]])
    client.force_login(staff)
    attachment = world["attachment"]

    response = client.get(reverse("admin:applications_attachment_change", args=[attachment.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    download = reverse("applications:attachment", args=[attachment.pk])
    assert f'href="{download}"' in html
    assert client.get(download).status_code == 200


def test_a_superuser_sees_the_file_read_only_and_cannot_replace_it(client, world, superuser):
    client.force_login(superuser)
    attachment = world["attachment"]
    url = reverse("admin:applications_attachment_change", args=[attachment.pk])

    html = client.get(url).content.decode()

    assert 'type="file"' not in html
    assert reverse("applications:attachment", args=[attachment.pk]) in html
    assert client.get(reverse("admin:applications_attachment_add")).status_code == 403


def test_every_change_page_opens_read_only_for_staff_who_may_only_view_it(client, world):
    viewer = UserFactory(email="viewer@extremadura.example", is_staff=True, agency=world["agency"])
    scoped = [
        model for model, model_admin in admin.site._registry.items() if isinstance(model_admin, AgencyScopedAdmin)
    ]
    content_types = ContentType.objects.get_for_models(*scoped, for_concrete_models=False).values()
    viewer.user_permissions.set(Permission.objects.filter(content_type__in=content_types, codename__startswith="view_"))
    client.force_login(viewer)
    request = type("Request", (), {"user": User.objects.get(pk=viewer.pk)})()

    for model in scoped:
        model_admin = admin.site._registry[model]
        obj = model_admin.get_queryset(request).first()
        assert obj is not None, f"{model._meta.label}: the world builds no object (applications/tests/world.py)"
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])

        response = client.get(url)

        assert response.status_code == 200, f"{model._meta.label}: {response.status_code}"
