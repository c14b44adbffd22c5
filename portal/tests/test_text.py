"""Clean text in: invisible characters never reach the database, whatever the door."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from applications.models import Application
from applications.tests.factories import ApplicationFactory
from consortia.models import Organisation
from consortia.taxids import make_tax_id
from consortia.tests.factories import ConsortiumFactory, OrganisationFactory
from portal.models import User
from portal.text import CleanTextFormField, clean_text
from programmes.tests.factories import CallFactory

PROJECT_APPS = ["portal", "consortia", "programmes", "applications"]

RLO = "\u202e"  # right-to-left override: "\u202eLS amcA" is shown as "Acma SL"
INVISIBLE = [
    "\u202a",  # left-to-right embedding
    "\u202b",  # right-to-left embedding
    "\u202c",  # pop directional formatting
    "\u202d",  # left-to-right override
    RLO,
    "\u2066",  # left-to-right isolate
    "\u2067",  # right-to-left isolate
    "\u2068",  # first strong isolate
    "\u2069",  # pop directional isolate
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u061c",  # Arabic letter mark
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200d",  # zero-width joiner
    "\u2060",  # word joiner
    "\ufeff",  # byte order mark
    "\u00ad",  # soft hyphen
    "\x00",  # NUL, which PostgreSQL refuses in a text
    "\x1b",  # escape
]
DIRTY = f"{RLO}Quesos\u200b de la\u00ad Serena\u2069\ufeff"
CLEAN = "Quesos de la Serena"

# Columns that libraries write and nobody types: the password hash, and simple_history's
# bookkeeping (the kind of change; the change reason, which the portal does not set).
NOT_TYPED = {
    "portal.User.password",
    *(
        f"{model._meta.label}.{name}"
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and model.__name__.startswith("Historical")
        for name in ("history_type", "history_change_reason")
    ),
}


def text_fields():
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            if model._meta.proxy:
                continue
            for field in model._meta.concrete_fields:
                label = f"{model._meta.label}.{field.name}"
                if isinstance(field, models.CharField | models.TextField) and label not in NOT_TYPED:
                    yield pytest.param(model, field, id=label)


def free_text_fields():
    """Text typed freely: not a choice, nor a format its validator checks (e-mail, web address, slug)."""
    for param in text_fields():
        field = param.values[1]
        if not field.choices and not isinstance(field, models.EmailField | models.URLField | models.SlugField):
            yield param


# --- the rule -----------------------------------------------------------------------------


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_it_removes_each_invisible_character(char):
    assert clean_text(f"AC{char}ME{char} S.L.") == "ACME S.L."


def test_a_right_to_left_override_cannot_disguise_a_name():
    assert clean_text(f"{RLO}LS amcA") == "LS amcA"


def test_it_composes_accents_typed_as_two_characters():
    assert clean_text("Cafe\u0301 Jose\u0301") == "Caf\u00e9 Jos\u00e9"


def test_it_keeps_line_breaks_tabs_and_every_script():
    text = "Línea 1\r\nΓραμμή 2\tСтрока 3\n日本市場 🍷 Ação €"

    assert clean_text(text) == text


def test_a_form_trims_what_the_invisible_characters_left_around():
    assert CleanTextFormField().clean("\u200b  Acme \u2060") == "Acme"


def test_a_plain_text_is_returned_as_typed():
    assert clean_text("Export Consortium 2026") == "Export Consortium 2026"


# --- every text field of every model, every door ----------------------------------------------


@pytest.mark.parametrize(("model", "field"), list(text_fields()))
def test_every_text_field_stores_the_clean_text(model, field):
    instance = model()
    setattr(instance, field.attname, DIRTY)

    # save(), create(), bulk_create(): the value written and the instance both clean.
    assert field.pre_save(instance, add=True) == CLEAN
    assert getattr(instance, field.attname) == CLEAN
    # full_clean(), and update() / bulk_update() / lookups, which prepare values through it.
    assert field.to_python(DIRTY) == CLEAN
    assert field.get_prep_value(DIRTY) == CLEAN


@pytest.mark.parametrize(("model", "field"), list(free_text_fields()))
def test_every_free_text_form_field_cleans_before_validating(model, field):
    form_field = field.formfield()

    # Short enough for every field: the length is checked on the clean text.
    assert isinstance(form_field, CleanTextFormField)
    assert form_field.clean(f"{RLO}E\u200bS\u2069") == "ES"


def test_the_not_typed_columns_still_exist():
    labels = {
        f"{model._meta.label}.{field.name}"
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.concrete_fields
    }

    assert labels >= NOT_TYPED


@pytest.mark.django_db
def test_a_service_write_and_a_bulk_update_store_clean_text():
    organisation = OrganisationFactory(legal_name=f"{RLO}LS amcA")
    assert organisation.legal_name == "LS amcA"
    assert Organisation.objects.get(pk=organisation.pk).legal_name == "LS amcA"

    Organisation.objects.filter(pk=organisation.pk).update(legal_name=f"Acme\u200b {RLO}S.L.")

    assert Organisation.objects.get(pk=organisation.pk).legal_name == "Acme S.L."


@pytest.mark.django_db
def test_a_name_typed_in_the_public_form_is_stored_and_shown_clean(client):
    user = User.objects.create_user("lucia@example.org", password="a-long-password-1", full_name=f"Lucía{RLO} Gómez")
    client.force_login(user)
    data = {
        "kind": "company",
        "legal_name": f"{RLO}LS aneres al ed sesouQ",
        "country": "ES",
        "tax_id": make_tax_id("ES", 4242),
        "region": "ES43",
        "city": "Castu\u00adera\u200b",
        "nace_code": "10.51",
        "founded_on": "2015-04-01",
        "employees": "12",
        "turnover": "1500000",
        "balance_sheet": "900000",
        "email": "",
        "website": "",
    }

    response = client.post(reverse("consortia:organisation_create"), data, follow=True)

    organisation = Organisation.objects.get()
    assert (organisation.legal_name, organisation.city) == ("LS aneres al ed sesouQ", "Castuera")
    assert User.objects.get(pk=user.pk).full_name == "Lucía Gómez"
    assert "LS aneres al ed sesouQ" in response.text
    assert RLO not in response.text


@pytest.mark.django_db
def test_a_name_of_invisible_characters_only_is_refused_as_empty(client):
    client.force_login(User.objects.create_user("lucia@example.org", password="a-long-password-1"))

    response = client.post(
        reverse("consortia:organisation_create"),
        {"kind": "company", "legal_name": f"{RLO}\u200b\u2060", "country": "ES", "city": "Castuera"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["legal_name"] == ["This field is required."]
    assert 'value="Castuera"' in response.text
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_a_name_typed_in_the_admin_is_stored_and_listed_clean(admin_client):
    response = admin_client.post(
        reverse("admin:consortia_organisation_add"),
        {
            "kind": "company",
            "legal_name": f"{RLO}LS amcA",
            "country": "ES",
            "tax_id": make_tax_id("ES", 4343),
            "region": "ES43",
            "nace_code": "10.51",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "holdings-TOTAL_FORMS": "0",
            "holdings-INITIAL_FORMS": "0",
            "aid_awards-TOTAL_FORMS": "0",
            "aid_awards-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["errors"]
    assert Organisation.objects.get().legal_name == "LS amcA"
    listing = admin_client.get(reverse("admin:consortia_organisation_changelist")).content.decode()
    assert "LS amcA" in listing
    assert RLO not in listing


@pytest.mark.django_db
def test_the_open_data_carries_clean_names(client):
    call = CallFactory()
    ApplicationFactory(
        call=call,
        consortium=ConsortiumFactory(name=f"{RLO}muitrosnoC\u200b", lead=OrganisationFactory()),
        title=f"Fairs\u00ad in {RLO}Japan",
        summary="Two\u2066 trade fairs.\u2069",
        status=Application.Status.APPROVED,
        submitted_at=call.opens_at,
        reference="EXP-2026-0001",
        eligible_costs=Decimal("12500.00"),
        granted_amount=Decimal("5000.00"),
    )

    page = client.get("/en/open-data/operations/?format=json")
    document = json.loads(b"".join(page.streaming_content))
    export = client.get("/en/open-data/operations/?format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))

    (operation,) = document["operations"]
    assert (operation["beneficiary"], operation["operation_name"], operation["purpose"]) == (
        "muitrosnoC",
        "Fairs in Japan",
        "Two trade fairs.",
    )
    assert "Fairs in Japan" in rows[1]
    assert not any(char in cell for row in rows for cell in row for char in INVISIBLE)
