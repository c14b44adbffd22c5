"""No admin page offers staff another agency's objects to choose: walked over the whole admin registry.

Two agencies each get an object of every model the admin shows (applications/tests/world.py). Staff of the
second agency, holding every permission on the scoped admins, open each admin's list, add page and
change page; every model choice of the form and of its inlines, every autocomplete answer, every
raw-id pop-up and every related list filter is compared with the rows built for the first agency.
A model or an admin added later is walked without a new test; a scoped model the world does not
build yet fails here, so it gets built.
"""

import pytest
from django.contrib import admin
from django.contrib.admin.filters import RelatedFieldListFilter
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import reverse

from applications.models import Status
from applications.tests.world import build_world
from consortia.models import Membership
from portal.models import User
from portal.roles import AGENCY_STAFF, ensure_groups
from portal.scoping import AgencyScopedAdmin
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world()
    return world.a, world.a.rows, world.b


def all_permissions_staff(agency):
    """Staff of `agency` who may do everything the scoped admins allow: every page opens for them."""
    user = UserFactory(email=f"everything@{agency.slug}.example", is_staff=True, agency=agency)
    models = [
        model for model, model_admin in admin.site._registry.items() if isinstance(model_admin, AgencyScopedAdmin)
    ]
    content_types = ContentType.objects.get_for_models(*models, for_concrete_models=False).values()
    user.user_permissions.set(Permission.objects.filter(content_type__in=content_types))
    return User.objects.get(pk=user.pk)


def request_of(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def concrete(model):
    return model._meta.concrete_model


class Offers:
    """What one user is offered, and whose it is."""

    def __init__(self, rows):
        self.rows = rows
        self.problems = []

    def check(self, where, model, pks):
        leaked = self.rows.get(concrete(model), set()) & {int(pk) for pk in pks if str(pk).isdigit()}
        if leaked:
            names = ", ".join(str(obj) for obj in concrete(model)._base_manager.filter(pk__in=leaked))
            self.problems.append(f"{where}: offers {model._meta.label} of the other agency: {names}")

    def check_form(self, where, form):
        for name, field in form.fields.items():
            if name == form._meta.model._meta.pk.name:
                # A formset's hidden row id, not a choice: Django saves only the rows of the formset's
                # own (scoped) queryset, whatever id is posted.
                continue
            queryset = getattr(field, "queryset", None)
            if queryset is not None:
                self.check(f"{where} field {name}", queryset.model, queryset.values_list("pk", flat=True))


def forms_of(response):
    context = response.context_data
    yield "form", context["adminform"].form
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        for form in [*formset.forms, formset.empty_form]:
            yield f"inline {formset.model._meta.model_name}", form


def autocomplete_ids(client, model, field_name):
    ids, page = [], 1
    while True:
        response = client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field_name,
                "term": "",
                "page": page,
            },
        )
        if response.status_code != 200:
            return ids, response.status_code
        data = response.json()
        ids += [result["id"] for result in data["results"]]
        if not data["pagination"]["more"]:
            return ids, 200
        page += 1


def test_no_admin_page_offers_another_agencys_objects(client, world):
    first, first_rows, second = world
    user = all_permissions_staff(second["agency"])
    client.force_login(user)
    request = request_of(user)
    first_staff = request_of(first["staff"])
    offers = Offers(first_rows)
    role_permissions = set()
    for group in ensure_groups().values():
        role_permissions |= set(group.permissions.values_list("content_type__app_label", "content_type__model"))

    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        if not isinstance(model_admin, AgencyScopedAdmin):
            # An admin that is not scoped is for superusers only: no staff role opens it.
            if (model._meta.app_label, model._meta.model_name) in role_permissions:
                offers.problems.append(f"{label}: a staff role has permissions on an admin that is not scoped")
            continue
        info = model._meta.app_label, model._meta.model_name
        # The world must hold an object of this admin for each agency, or this walk proves nothing.
        if not model_admin.get_queryset(first_staff).filter(pk__in=first_rows.get(concrete(model), ())).exists():
            offers.problems.append(
                f"{label}: the world builds no object of the first agency (applications/tests/world.py)"
            )
        mine = model_admin.get_queryset(request).first()
        if mine is None:
            offers.problems.append(
                f"{label}: the world builds no object of the second agency (applications/tests/world.py)"
            )

        changelist = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert changelist.status_code == 200, label
        for spec in changelist.context_data["cl"].filter_specs:
            if isinstance(spec, RelatedFieldListFilter):
                offers.check(
                    f"{label} list filter {spec.field_path}",
                    spec.field.related_model,
                    [pk for pk, _ in spec.lookup_choices],
                )
        offers.check(f"{label} list", model, [obj.pk for obj in changelist.context_data["cl"].result_list])

        pages = []
        if model_admin.has_add_permission(request):
            pages.append(("add page", reverse("admin:{}_{}_add".format(*info))))
        if mine is not None:
            pages.append(("change page", reverse("admin:{}_{}_change".format(*info), args=[mine.pk])))
        for page_name, url in pages:
            response = client.get(url)
            assert response.status_code == 200, f"{label} {page_name}: {response.status_code}"
            for where, form in forms_of(response):
                offers.check_form(f"{label} {page_name} {where}", form)

        inlines = model_admin.get_inline_instances(request, mine)
        for source, source_model in [(model_admin, model), *((inline, inline.model) for inline in inlines)]:
            for field_name in source.get_autocomplete_fields(request):
                ids, status = autocomplete_ids(client, source_model, field_name)
                assert status == 200, f"{label} autocomplete {field_name}: {status}"
                remote = source_model._meta.get_field(field_name).remote_field.model
                offers.check(f"{label} autocomplete {field_name}", remote, ids)
            for field_name in getattr(source, "raw_id_fields", ()):
                remote = source_model._meta.get_field(field_name).remote_field.model
                popup = client.get(
                    reverse(f"admin:{remote._meta.app_label}_{remote._meta.model_name}_changelist"),
                    {"_popup": 1, "_to_field": "id"},
                )
                offers.check(
                    f"{label} raw-id pop-up {field_name}",
                    remote,
                    [obj.pk for obj in popup.context_data["cl"].result_list],
                )

    assert offers.problems == []


def post_data(response):
    """What the browser would send back from an admin change page, as it was rendered."""
    context = response.context_data
    data, forms = {}, [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
        forms += inline.formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None:
                data[form.add_prefix(name)] = value
    return data


def test_emilia_romagna_staff_are_not_offered_extremaduras_consortium_and_a_forged_choice_is_refused(client, world):
    extremadura, _, emilia = world
    staff = emilia["staff"]
    staff.groups.set([ensure_groups()[AGENCY_STAFF]])
    client.force_login(staff)
    url = reverse("admin:applications_application_change", args=[emilia["draft"].pk])

    page = client.get(url)
    form = page.context_data["adminform"].form
    html = page.content.decode()

    assert emilia["consortium"] in form.fields["consortium"].queryset
    assert "Consortium Extremadura" not in html and "Company Extremadura" not in html
    data = post_data(page)
    data["consortium"] = extremadura["consortium"].pk

    response = client.post(url, data)

    assert response.status_code == 200
    assert "consortium" in response.context_data["adminform"].form.errors
    emilia["draft"].refresh_from_db()
    assert emilia["draft"].consortium_id == emilia["consortium"].pk
    # The consortium was not linked to the agency: its page stays out of reach.
    other = client.get(reverse("admin:consortia_consortium_change", args=[extremadura["consortium"].pk]))
    assert other.status_code == 302 and other["Location"].endswith("/admin/")


def test_staff_choosing_who_is_named_are_offered_their_agencys_staff(client, world):
    extremadura, _, emilia = world
    manager = all_permissions_staff(emilia["agency"])
    client.force_login(manager)

    form = client.get(reverse("admin:programmes_formation_add")).context_data["adminform"].form

    coordinators = set(form.fields["coordinator"].queryset)
    assert emilia["staff"] in coordinators
    assert extremadura["staff"] not in coordinators
    assert not any(not user.is_staff for user in coordinators)


def test_the_application_list_filters_offer_only_the_agencys_calls_and_programmes(client, world):
    _, _, emilia = world
    client.force_login(all_permissions_staff(emilia["agency"]))

    html = client.get(reverse("admin:applications_application_changelist")).content.decode()

    assert "PIMEX call Emilia" in html
    assert "Call Extremadura" not in html and "Agency Extremadura" not in html


def test_the_autocomplete_answers_only_the_agencys_consortia(client, world):
    extremadura, _, emilia = world
    client.force_login(all_permissions_staff(emilia["agency"]))

    ids, status = autocomplete_ids(client, Membership, "consortium")

    assert status == 200
    assert str(emilia["consortium"].pk) in ids
    assert str(extremadura["consortium"].pk) not in ids


def test_a_superuser_is_offered_every_agencys_objects(client, world, superuser):
    extremadura, _, emilia = world
    client.force_login(superuser)

    form = (
        client.get(reverse("admin:applications_application_change", args=[emilia["draft"].pk]))
        .context_data["adminform"]
        .form
    )

    assert {extremadura["consortium"], emilia["consortium"]} <= set(form.fields["consortium"].queryset)
    assert emilia["draft"].status == Status.DRAFT
