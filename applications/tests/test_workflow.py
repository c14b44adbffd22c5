"""Creating applications and moving them along the workflow: history, references, illegal moves."""

import threading
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, Status, StatusChange
from applications.services import (
    SubmissionRefused,
    application_change_status,
    application_create,
    application_withdraw,
)
from applications.tests.factories import ApplicationFactory
from applications.workflow import IllegalTransition
from consortia.services import organisation_register
from consortia.tests.factories import ConsortiumFactory, OrganisationFactory
from portal.tests.factories import StaffFactory, UserFactory
from programmes.models import Call
from programmes.tests.factories import AgencyFactory, CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def _call(**fields):
    fields.setdefault("reference_prefix", "EXP")
    fields.setdefault("year", 2026)
    return CallFactory(**fields)


def _draft(call, **fields):
    fields.setdefault("consortium", ConsortiumFactory())
    return application_create(call=call, title="Trade fairs in Mexico", **fields)


def _submit(application, **kwargs):
    return application_change_status(application=application, to_status=Status.SUBMITTED, **kwargs)


def _history(application):
    return list(
        StatusChange.objects.filter(application=application)
        .order_by("pk")
        .values_list("from_status", "to_status", "changed_by", "note")
    )


# --- application_create --------------------------------------------------------------


def test_application_create_starts_a_draft():
    application = _draft(_call())

    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert application.reference == ""
    assert application.submitted_at is None


def test_application_create_records_the_first_status_change_from_nothing_to_draft():
    user = UserFactory(email="officer@agency.example")

    application = _draft(_call(), by=user)

    assert _history(application) == [("", Status.DRAFT, user.pk, "")]


def test_application_create_works_for_a_single_organisation():
    application = _draft(_call(), consortium=None, organisation=OrganisationFactory())

    assert application.organisation is not None
    assert application.consortium is None


# --- references ----------------------------------------------------------------------


def test_the_first_submission_of_a_call_gets_reference_number_0001():
    application = _draft(_call(reference_prefix="EXP", year=2026))

    _submit(application)

    application.refresh_from_db()
    assert application.reference == "EXP-2026-0001"


def test_the_next_submission_of_the_same_call_gets_0002():
    call = _call(reference_prefix="EXP", year=2026)
    first = _draft(call)
    second = _draft(call)

    _submit(first)
    _submit(second)

    second.refresh_from_db()
    assert second.reference == "EXP-2026-0002"


def test_references_follow_the_order_of_submission_not_of_creation():
    call = _call()
    created_first = _draft(call)
    created_second = _draft(call)

    _submit(created_second)
    _submit(created_first)

    created_first.refresh_from_db()
    created_second.refresh_from_db()
    assert (created_second.reference, created_first.reference) == ("EXP-2026-0001", "EXP-2026-0002")


def test_each_call_numbers_its_references_on_its_own():
    first_call = _call(reference_prefix="EXP", year=2026)
    other_call = _call(reference_prefix="COF", year=2026)
    _submit(_draft(first_call))
    _submit(_draft(first_call))

    application = _draft(other_call)
    _submit(application)

    application.refresh_from_db()
    assert application.reference == "COF-2026-0001"


def test_the_reference_uses_the_prefix_and_year_of_the_call():
    application = _draft(_call(reference_prefix="PIMEX", year=2027))

    _submit(application)

    assert application.reference == "PIMEX-2027-0001"


def test_the_call_remembers_the_last_reference_number():
    call = _call()
    _submit(_draft(call))
    _submit(_draft(call))

    call.refresh_from_db()
    assert call.last_reference_number == 2


def test_the_service_updates_the_application_object_it_was_given():
    application = _draft(_call())

    returned = _submit(application)

    assert returned is application
    assert application.status == Status.SUBMITTED
    assert application.reference == "EXP-2026-0001"
    assert application.submitted_at is not None


# --- submission time -----------------------------------------------------------------


def test_submitting_sets_submitted_at_to_the_given_moment():
    moment = datetime(2026, 4, 30, 13, 59, 59, tzinfo=ZoneInfo("Europe/Madrid"))
    application = _draft(_call())

    _submit(application, at=moment)

    application.refresh_from_db()
    assert application.submitted_at == moment


def test_submitting_without_a_moment_sets_submitted_at_to_now():
    application = _draft(_call())
    before = timezone.now()

    _submit(application)

    application.refresh_from_db()
    assert before <= application.submitted_at <= timezone.now()


# --- history -------------------------------------------------------------------------


def test_every_move_writes_a_status_change_with_who_and_why():
    applicant = UserFactory(email="applicant@example.com")
    officer = UserFactory(email="officer@agency.example")
    application = _draft(_call(), by=applicant)
    moves = [
        (Status.SUBMITTED, applicant, ""),
        (Status.UNDER_REVIEW, officer, "Assigned to the export desk."),
        (Status.CLARIFICATION_REQUESTED, officer, "Send the consortium agreement."),
        (Status.UNDER_REVIEW, applicant, "Agreement attached."),
        (Status.APPROVED, officer, "Meets every criterion."),
        (Status.CLOSED, officer, "Final report accepted."),
    ]

    for to_status, by, note in moves:
        application_change_status(application=application, to_status=to_status, by=by, note=note)

    assert _history(application) == [
        ("", Status.DRAFT, applicant.pk, ""),
        (Status.DRAFT, Status.SUBMITTED, applicant.pk, ""),
        (Status.SUBMITTED, Status.UNDER_REVIEW, officer.pk, "Assigned to the export desk."),
        (Status.UNDER_REVIEW, Status.CLARIFICATION_REQUESTED, officer.pk, "Send the consortium agreement."),
        (Status.CLARIFICATION_REQUESTED, Status.UNDER_REVIEW, applicant.pk, "Agreement attached."),
        (Status.UNDER_REVIEW, Status.APPROVED, officer.pk, "Meets every criterion."),
        (Status.APPROVED, Status.CLOSED, officer.pk, "Final report accepted."),
    ]


def test_a_status_change_records_when_the_move_happened():
    moment = datetime(2026, 4, 1, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))
    application = _draft(_call())

    _submit(application, at=moment)

    change = StatusChange.objects.filter(application=application).latest("pk")
    assert change.changed_at == moment


def test_a_move_without_a_user_records_no_one():
    application = _draft(_call())

    _submit(application, by=None, note="Submitted by the deadline job.")

    assert _history(application)[-1] == (Status.DRAFT, Status.SUBMITTED, None, "Submitted by the deadline job.")


def test_a_later_move_keeps_the_reference_and_the_submission_time():
    application = _draft(_call())
    _submit(application)
    application.refresh_from_db()
    reference, submitted_at = application.reference, application.submitted_at

    application_change_status(application=application, to_status=Status.UNDER_REVIEW)

    application.refresh_from_db()
    assert (application.reference, application.submitted_at) == (reference, submitted_at)


def test_withdrawing_a_draft_gives_it_no_reference():
    application = _draft(_call())

    application_change_status(application=application, to_status=Status.WITHDRAWN)

    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert application.reference == ""


# --- illegal moves -------------------------------------------------------------------


def _snapshot(application):
    application.refresh_from_db()
    call = Call.objects.get(pk=application.call_id)
    return (
        application.status,
        application.reference,
        application.submitted_at,
        call.last_reference_number,
        StatusChange.objects.count(),
    )


def test_moving_a_draft_straight_to_approved_raises_illegal_transition():
    application = _draft(_call())

    with pytest.raises(IllegalTransition):
        application_change_status(application=application, to_status=Status.APPROVED)


def test_an_illegal_move_from_draft_writes_nothing():
    application = _draft(_call())
    before = _snapshot(application)

    with pytest.raises(IllegalTransition):
        application_change_status(
            application=application,
            to_status=Status.APPROVED,
            by=UserFactory(email="officer@agency.example"),
            note="Too early",
        )

    assert _snapshot(application) == before


def test_moving_a_rejected_application_back_to_under_review_raises_illegal_transition():
    application = ApplicationFactory(status=Status.REJECTED, submitted_at=timezone.now(), reference="EXP-2026-0001")

    with pytest.raises(IllegalTransition):
        application_change_status(application=application, to_status=Status.UNDER_REVIEW)


def test_an_illegal_move_from_rejected_writes_nothing():
    application = _draft(_call())
    for to_status in (Status.SUBMITTED, Status.UNDER_REVIEW, Status.REJECTED):
        application_change_status(application=application, to_status=to_status)
    before = _snapshot(application)

    with pytest.raises(IllegalTransition):
        application_change_status(application=application, to_status=Status.UNDER_REVIEW)

    assert _snapshot(application) == before
    assert application.status == Status.REJECTED


def test_the_illegal_transition_says_both_statuses():
    application = _draft(_call())

    with pytest.raises(IllegalTransition) as caught:
        application_change_status(application=application, to_status=Status.APPROVED)

    assert caught.value.from_status == Status.DRAFT
    assert caught.value.to_status == Status.APPROVED
    assert "Draft" in str(caught.value)
    assert "Approved" in str(caught.value)


def test_the_move_is_checked_against_the_stored_status_not_the_object_in_memory():
    application = _draft(_call())
    stale = Application.objects.get(pk=application.pk)
    _submit(application)

    with pytest.raises(IllegalTransition):
        _submit(stale)  # the stored status is already "submitted"

    assert StatusChange.objects.filter(application=application, to_status=Status.SUBMITTED).count() == 1


# --- concurrency (PostgreSQL) ----------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_of_one_call_get_gapless_unique_references():
    count = 8
    call = _call(reference_prefix="EXP", year=2026)
    ids = [_draft(call).pk for _ in range(count)]
    barrier = threading.Barrier(count)
    references, errors = [], []
    lock = threading.Lock()

    def submit(pk):
        try:
            application = Application.objects.get(pk=pk)
            barrier.wait(timeout=30)
            _submit(application)
            with lock:
                references.append(application.reference)
        except Exception as error:
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(pk,)) for pk in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(references) == [f"EXP-2026-{n:04d}" for n in range(1, count + 1)]
    stored = sorted(Application.objects.filter(call=call).values_list("reference", flat=True))
    assert stored == [f"EXP-2026-{n:04d}" for n in range(1, count + 1)]
    call.refresh_from_db()
    assert call.last_reference_number == count


# --- who may withdraw: the button shown is the move the service accepts ---------------------------

WITHDRAWABLE = {
    "applicant": {Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW, Status.CLARIFICATION_REQUESTED},
    # Staff also withdraw from the reserve list; an approved grant is renounced or revoked instead
    # (applications/tests/test_renunciations.py), so no withdrawal is offered for it.
    "staff": {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.UNDER_REVIEW,
        Status.CLARIFICATION_REQUESTED,
        Status.RESERVE,
    },
}


@pytest.mark.parametrize("actor", ["applicant", "staff"])
@pytest.mark.parametrize("status", Status.values)
def test_the_withdraw_button_is_shown_exactly_when_the_service_accepts_the_withdrawal(client, status, actor):
    agency = AgencyFactory()
    applicant = UserFactory(email="lucia@example.org")
    organisation = organisation_register(user=applicant, organisation=OrganisationFactory.build())
    submitted_at = None if status in (Status.DRAFT, Status.WITHDRAWN) else timezone.now()
    application = ApplicationFactory(
        call=_call(programme=ProgrammeFactory(agency=agency)),
        consortium=None,
        organisation=organisation,
        status=status,
        submitted_at=submitted_at,
        granted_amount=Decimal("4000.00") if status in (Status.APPROVED, Status.CLOSED) else None,
    )
    if actor == "staff":
        user = StaffFactory(email="officer@agency.example", agency=agency)
        page = reverse("admin:applications_application_change", args=[application.pk])
        button = reverse("admin:applications_application_move", args=[application.pk, "withdraw"])
    else:
        user = applicant
        page = reverse("applications:detail", args=[application.pk])
        button = reverse("applications:withdraw", args=[application.pk])
    client.force_login(user)

    response = client.get(page)
    assert response.status_code == 200
    shown = f'"{button}"' in response.content.decode()
    try:
        application_withdraw(application=application, by=user, as_staff=actor == "staff")
    except SubmissionRefused:
        accepted = False
    else:
        accepted = True

    assert shown == accepted == (status in WITHDRAWABLE[actor])
    application.refresh_from_db()
    assert (application.status == Status.WITHDRAWN) == (accepted or status == Status.WITHDRAWN)
