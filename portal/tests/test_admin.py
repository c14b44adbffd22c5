"""Every model has a working admin; its lists take the same queries whatever the row count."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import StatusChange
from applications.services import application_change_status
from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from consortia.models import Organisation
from consortia.tests.factories import MembershipFactory, OrganisationFactory
from programmes.tests.factories import CallFactory, CostCategoryFactory

pytestmark = pytest.mark.django_db

CONTRACT_MODELS = [
    "programmes.agency",
    "programmes.programme",
    "programmes.call",
    "programmes.costcategory",
    "programmes.aidaward",
    "consortia.organisation",
    "consortia.consortium",
    "consortia.membership",
    "consortia.ownershiplink",
    "applications.application",
    "applications.budgetline",
    "applications.attachment",
    "applications.statuschange",
    "portal.user",
    "programmes.report",
    "portal.notification",
]


def make_rows(count):
    for _ in range(count):
        call = CallFactory()
        application = ApplicationFactory(call=call)
        BudgetLineFactory(application=application, category=CostCategoryFactory(programme=call.programme))
        MembershipFactory(consortium=application.consortium)
        OrganisationFactory()
        application_change_status(application=application, to_status="submitted")


def changelist_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_every_contract_model_is_in_the_admin():
    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}

    assert set(CONTRACT_MODELS) <= registered


@pytest.mark.parametrize("model", CONTRACT_MODELS)
def test_each_list_takes_the_same_queries_for_few_or_many_rows(superuser_client, model):
    app_label, model_name = model.split(".")
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    make_rows(2)
    few = changelist_queries(superuser_client, url)

    make_rows(6)
    many = changelist_queries(superuser_client, url)

    assert many == few


def test_the_application_list_shows_money_with_the_euro_sign(superuser_client):
    application = ApplicationFactory()
    BudgetLineFactory(application=application, amount="12500.50")

    html = superuser_client.get(reverse("admin:applications_application_changelist")).content.decode()

    assert "12,500.50\xa0€" in html


def test_the_application_page_shows_budget_lines_and_status_history(superuser_client):
    application = ApplicationFactory()
    BudgetLineFactory(application=application, description="Stand at SIAL Paris")
    application_change_status(application=application, to_status="submitted", note="sent by the applicant")

    html = superuser_client.get(
        reverse("admin:applications_application_change", args=[application.pk])
    ).content.decode()

    assert "Stand at SIAL Paris" in html
    assert "sent by the applicant" in html
    assert application.reference in html


def test_staff_cannot_change_the_status_field_or_history_by_hand(superuser_client):
    application = ApplicationFactory()
    url = reverse("admin:applications_application_change", args=[application.pk])

    html = superuser_client.get(url).content.decode()

    assert 'name="status"' not in html
    change = StatusChange.objects.filter(application=application).first() or StatusChange.objects.create(
        application=application, to_status="draft", changed_at=application.created_at
    )
    response = superuser_client.post(
        reverse("admin:applications_statuschange_delete", args=[change.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert StatusChange.objects.filter(pk=change.pk).exists()


def test_searching_applications_by_tax_id_finds_the_organisation(superuser_client):
    organisation = OrganisationFactory(legal_name="Cerezas del Jerte S.L.")
    ApplicationFactory(consortium=None, organisation=organisation, title="Cherries to Germany")
    ApplicationFactory(title="Something else")

    html = superuser_client.get(
        reverse("admin:applications_application_changelist"), {"q": organisation.tax_id}
    ).content.decode()

    assert "Cherries to Germany" in html
    assert "Something else" not in html


def test_an_invalid_tax_id_is_explained_next_to_the_field_and_the_rest_is_kept(superuser_client):
    response = superuser_client.post(
        reverse("admin:consortia_organisation_add"),
        {
            "kind": "company",
            "legal_name": "Quesos de la Serena S.L.",
            "country": "ES",
            "tax_id": "B06123450",
            "region": "ES43",
            "nace_code": "10.51",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "check digit does not match" in html
    assert 'value="Quesos de la Serena S.L."' in html
    assert not Organisation.objects.filter(legal_name="Quesos de la Serena S.L.").exists()
