"""What the database refuses on applications and their budget lines."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from applications.models import Application, BudgetLine, Status
from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from consortia.tests.factories import ConsortiumFactory, OrganisationFactory
from programmes.tests.factories import CallFactory, CostCategoryFactory

pytestmark = pytest.mark.django_db


def _application(**fields) -> Application:
    """An application written straight to the database, without full_clean."""
    values = {"title": "Trade fairs in Mexico", "status": Status.DRAFT}
    values.update(fields)
    if "call" not in values:
        values["call"] = CallFactory()
    return Application.objects.create(**values)


# --- exactly one applicant -----------------------------------------------------------


def test_it_refuses_an_application_of_both_a_consortium_and_an_organisation():
    with pytest.raises(IntegrityError), transaction.atomic():
        _application(consortium=ConsortiumFactory(), organisation=OrganisationFactory())


def test_it_refuses_an_application_without_an_applicant():
    with pytest.raises(IntegrityError), transaction.atomic():
        _application(consortium=None, organisation=None)


def test_it_accepts_an_application_of_a_single_organisation():
    application = _application(organisation=OrganisationFactory())

    assert application.applicant == application.organisation


# --- one live application per applicant and call -------------------------------------


def test_it_refuses_a_second_application_of_a_consortium_to_the_same_call():
    first = ApplicationFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        _application(call=first.call, consortium=first.consortium)


def test_it_refuses_a_second_application_of_a_consortium_while_the_first_is_submitted():
    first = ApplicationFactory(status=Status.SUBMITTED, submitted_at=timezone.now(), reference="EXP-2026-0001")

    with pytest.raises(IntegrityError), transaction.atomic():
        _application(call=first.call, consortium=first.consortium)


def test_it_allows_a_new_application_of_a_consortium_after_the_first_was_withdrawn():
    first = ApplicationFactory(status=Status.WITHDRAWN)

    second = _application(call=first.call, consortium=first.consortium)

    assert second.pk != first.pk


def test_it_allows_a_consortium_to_apply_to_two_calls():
    first = ApplicationFactory()

    second = _application(call=CallFactory(), consortium=first.consortium)

    assert second.pk is not None


def test_it_refuses_a_second_application_of_an_organisation_to_the_same_call():
    first = ApplicationFactory(consortium=None, organisation=OrganisationFactory())

    with pytest.raises(IntegrityError), transaction.atomic():
        _application(call=first.call, organisation=first.organisation)


def test_it_allows_a_new_application_of_an_organisation_after_the_first_was_withdrawn():
    first = ApplicationFactory(consortium=None, organisation=OrganisationFactory(), status=Status.WITHDRAWN)

    second = _application(call=first.call, organisation=first.organisation)

    assert second.pk != first.pk


def test_it_refuses_reopening_a_withdrawn_application_when_a_new_one_exists():
    first = ApplicationFactory(status=Status.WITHDRAWN)
    _application(call=first.call, consortium=first.consortium)
    first.status = Status.DRAFT

    with pytest.raises(IntegrityError), transaction.atomic():
        first.save()


# --- amounts -------------------------------------------------------------------------


def test_it_refuses_a_negative_granted_amount():
    with pytest.raises(IntegrityError), transaction.atomic():
        _application(
            consortium=ConsortiumFactory(),
            status=Status.APPROVED,
            submitted_at=timezone.now(),
            granted_amount=Decimal("-0.01"),
        )


def test_it_accepts_a_zero_granted_amount():
    application = _application(
        consortium=ConsortiumFactory(), status=Status.APPROVED, submitted_at=timezone.now(), granted_amount=0
    )

    assert application.pk is not None


def test_it_refuses_a_negative_budget_line_amount():
    application = ApplicationFactory()
    category = CostCategoryFactory(programme=application.call.programme)

    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.create(
            application=application, category=category, description="Trade fair stand", amount=Decimal("-1.00")
        )


def test_it_refuses_changing_a_budget_line_amount_to_a_negative_one():
    line = BudgetLineFactory()
    line.amount = Decimal("-2500.00")

    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()


# --- references and status -----------------------------------------------------------


def test_it_refuses_a_duplicate_reference_within_a_call():
    first = ApplicationFactory(status=Status.SUBMITTED, submitted_at=timezone.now(), reference="EXP-2026-0001")

    with pytest.raises(IntegrityError), transaction.atomic():
        _application(
            call=first.call,
            consortium=ConsortiumFactory(),
            status=Status.SUBMITTED,
            submitted_at=timezone.now(),
            reference="EXP-2026-0001",
        )


def test_it_allows_the_same_reference_in_another_call():
    first = ApplicationFactory(status=Status.SUBMITTED, submitted_at=timezone.now(), reference="EXP-2026-0001")

    second = _application(
        call=CallFactory(),
        consortium=first.consortium,
        status=Status.SUBMITTED,
        submitted_at=timezone.now(),
        reference="EXP-2026-0001",
    )

    assert second.pk is not None


def test_it_allows_many_drafts_without_a_reference_in_a_call():
    call = CallFactory()

    for _ in range(3):
        _application(call=call, consortium=ConsortiumFactory(), reference="")

    assert Application.objects.filter(call=call, reference="").count() == 3


def test_it_refuses_an_unknown_status():
    with pytest.raises(IntegrityError), transaction.atomic():
        _application(consortium=ConsortiumFactory(), status="on_hold", submitted_at=timezone.now())


def test_it_refuses_a_submitted_application_without_a_submission_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        _application(consortium=ConsortiumFactory(), status=Status.SUBMITTED, submitted_at=None)
