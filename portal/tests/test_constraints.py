"""Plain messages out: every database constraint explains itself, next to the field it is about."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise

from applications.tests.factories import ApplicationFactory
from consortia.tests.factories import OrganisationFactory
from portal.constraints import ConstraintErrorsOnFields, constraint_error_field, constraint_field_names
from programmes.models import Call, CallRule
from programmes.tests.factories import CallFactory, ProgrammeFactory

PROJECT_APPS = ["portal", "consortia", "programmes", "applications"]


def project_models():
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            if not model._meta.proxy:
                yield model


def constraints():
    for model in project_models():
        for constraint in model._meta.constraints:
            yield pytest.param(model, constraint, id=f"{model._meta.label}.{constraint.name}")


ALL_CONSTRAINTS = list(constraints())


def test_the_project_has_constraints_to_check():
    assert len(ALL_CONSTRAINTS) > 50


@pytest.mark.parametrize(("model", "constraint"), ALL_CONSTRAINTS)
def test_every_constraint_has_a_plain_translatable_message_and_a_code(model, constraint):
    message = constraint.violation_error_message

    assert isinstance(message, Promise), "write the message with gettext_lazy so it is translated"
    assert message != constraint.default_violation_error_message
    assert "Constraint" not in str(message)
    assert constraint.name not in str(message)
    # Django formats the message with the constraint's name: a stray "%" would break it.
    assert constraint.get_violation_error_message() == str(message)
    assert constraint.violation_error_code == constraint.name


@pytest.mark.parametrize(("model", "constraint"), ALL_CONSTRAINTS)
def test_every_constraint_reports_next_to_a_field_it_is_about(model, constraint):
    names = constraint_field_names(constraint)
    declared = model.constraint_error_fields if issubclass(model, ConstraintErrorsOnFields) else {}

    assert issubclass(model, ConstraintErrorsOnFields)
    if len(names) > 1:
        assert constraint.name in declared, f"say in constraint_error_fields where the error shows: one of {names}"
    field = constraint_error_field(model, constraint)
    assert field is None or field in names


@pytest.mark.parametrize("model", [m for m in project_models() if getattr(m, "constraint_error_fields", None)])
def test_where_an_error_shows_is_declared_only_for_existing_constraints(model):
    names = {constraint.name for constraint in model._meta.constraints}

    assert set(model.constraint_error_fields) <= names


# --- what a user sees -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_negative_budget_is_refused_next_to_the_budget():
    call = CallFactory()
    call.budget = Decimal("-1.00")

    with pytest.raises(ValidationError) as error:
        call.full_clean()

    assert error.value.message_dict == {"budget": ["The budget cannot be negative."]}


@pytest.mark.django_db
def test_a_constraint_over_two_fields_reports_on_the_one_it_names():
    programme = ProgrammeFactory()
    first = CallFactory(programme=programme, slug="export-2026")
    second = CallFactory.build(programme=programme, slug="export-2026")
    grant_range = CallRule(call=first, code="grant_range", amount=Decimal("5000.00"), limit=Decimal("2000.00"))

    with pytest.raises(ValidationError) as rule_error:
        grant_range.full_clean()
    with pytest.raises(ValidationError) as call_error:
        second.full_clean()

    assert rule_error.value.message_dict["amount"] == ["The amount cannot be more than the upper limit."]
    assert call_error.value.message_dict["slug"] == ["The programme already has a call with this slug."]
    assert NON_FIELD_ERRORS not in call_error.value.message_dict


@pytest.mark.django_db
def test_a_rule_checked_by_clean_and_by_a_constraint_is_said_once():
    application = ApplicationFactory()
    application.organisation = OrganisationFactory()

    with pytest.raises(ValidationError) as error:
        application.full_clean()

    assert error.value.message_dict[NON_FIELD_ERRORS] == [
        "An application is made either by a consortium or by a single organisation: choose exactly one."
    ]


@pytest.mark.django_db
def test_the_admin_call_form_explains_a_negative_budget_next_to_it_and_keeps_the_rest(admin_client):
    call = CallFactory(budget=Decimal("58000.00"), title="Export consortia 2026")
    url = reverse("admin:programmes_call_change", args=[call.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        **{k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | dict)},
        "opens_at_0": timezone.localtime(call.opens_at).date().isoformat(),
        "opens_at_1": timezone.localtime(call.opens_at).time().isoformat(),
        "closes_at_0": timezone.localtime(call.closes_at).date().isoformat(),
        "closes_at_1": timezone.localtime(call.closes_at).time().isoformat(),
        "programme": call.programme_id,
        "title_en": "Export consortia 2026, second window",
        "budget": "-1",
        "rules-TOTAL_FORMS": "0",
        "rules-INITIAL_FORMS": "0",
        "criteria-TOTAL_FORMS": "0",
        "criteria-INITIAL_FORMS": "0",
        "sections-TOTAL_FORMS": "0",
        "sections-INITIAL_FORMS": "0",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
    }
    for key in ("opens_at", "closes_at", "id", "last_reference_number"):
        data.pop(key, None)

    response = admin_client.post(url, data)

    html = response.content.decode()
    form = response.context["adminform"].form
    assert response.status_code == 200
    assert form.errors == {"budget": ["The budget cannot be negative."]}
    assert 'class="form-row errors field-budget"' in html
    assert "The budget cannot be negative." in html
    assert "is violated" not in html
    assert 'value="Export consortia 2026, second window"' in html
    assert Call.objects.get(pk=call.pk).budget == Decimal("58000.00")
