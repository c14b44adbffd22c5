"""Deadline day's throwaway data: one call, applicants with a complete draft each, what is checked
after they submitted, and its deletion.

Shared by the in-process benchmark (`manage.py benchmark_submissions`) and the load test against a
running server (`manage.py loadtest`). Every user is `<role>-<n>-<call id>@` EMAIL_DOMAIN, so the
data of one call is found (and deleted) without touching another run's.
"""

import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction

from applications.models import Application, BudgetLine, StatusChange
from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from consortia.models import Organisation
from consortia.services import organisation_register
from consortia.tests.factories import OrganisationFactory
from portal.models import Notification, User
from programmes.models import Call
from programmes.tests.factories import AgencyFactory, CallFactory, ProgrammeFactory

EMAIL_DOMAIN = "benchmark-submissions.example.org"


def deadline_call(*, title: str = "Deadline day", closes_at: datetime | None = None) -> Call:
    """A throwaway agency, programme and open call (closing in 30 days unless `closes_at` says)."""
    token = uuid.uuid4().hex[:8]
    # The factories number what must be unique from where they start: past runs' leftovers are not met.
    start = int(time.time()) % 1_000_000 * 1_000
    for factory in (AgencyFactory, ProgrammeFactory, CallFactory, OrganisationFactory, ApplicationFactory):
        factory.reset_sequence(start)
    agency = AgencyFactory(slug=f"benchmark-{token}")
    programme = ProgrammeFactory(agency=agency, slug=f"benchmark-{token}")
    closing = {"closes_at": closes_at} if closes_at is not None else {}
    return CallFactory(programme=programme, slug=f"benchmark-{token}", title=title, **closing)


def applicant_with_draft(call: Call, index: int, *, role: str = "applicant") -> tuple[User, Application]:
    """A user representing a new company, with a draft to `call` that passes its rules."""
    user = User.objects.create_user(f"{role}-{index}-{call.pk}@{EMAIL_DOMAIN}")
    organisation = organisation_register(user=user, organisation=OrganisationFactory.build())
    application = ApplicationFactory(call=call, consortium=None, organisation=organisation)
    BudgetLineFactory(application=application, amount=Decimal("2500.00"))
    return user, application


@dataclass
class SubmissionFacts:
    """What deadline day must leave: one gapless reference, one receipt and one e-mail per submission."""

    references: list[str]
    gapless: bool
    receipts: int
    emails: int
    after_deadline: int
    drafts: int

    @property
    def submitted(self) -> int:
        return len(self.references)

    @property
    def receipts_pending(self) -> int:
        return max(0, self.submitted - self.receipts)

    @property
    def emails_pending(self) -> int:
        return max(0, self.submitted - self.emails)

    @property
    def sound(self) -> bool:
        """Gapless, a receipt and an e-mail for each, nothing after the deadline (pending counts as missing)."""
        return (
            self.gapless
            and self.receipts == self.submitted
            and self.emails == self.submitted
            and self.after_deadline == 0
        )

    def __str__(self) -> str:
        span = f" ({self.references[0]}..{self.references[-1]})" if self.references else ""
        return (
            f"references {self.submitted}{span}, gapless {self.gapless}; receipts {self.receipts}"
            f" ({self.receipts_pending} pending); submission e-mails {self.emails} ({self.emails_pending} pending);"
            f" accepted after the deadline {self.after_deadline}; drafts not submitted {self.drafts}"
        )


def _users_of(call: Call) -> str:
    return f"-{call.pk}@{EMAIL_DOMAIN}"


def submission_facts(call: Call, *, applicants: list[int] | None = None) -> SubmissionFacts:
    """The facts of the call's submissions; `drafts` counts the `applicants` (application ids) still drafts."""
    call.refresh_from_db(fields=["closes_at"])
    applications = Application.objects.filter(call=call)
    references = sorted(
        applications.exclude(reference="").values_list("reference", flat=True),
        key=lambda reference: int(reference.rsplit("-", 1)[1]),
    )
    numbers = [int(reference.rsplit("-", 1)[1]) for reference in references]
    drafts = applications.filter(status=Application.Status.DRAFT)
    return SubmissionFacts(
        references=references,
        gapless=numbers == list(range(1, len(numbers) + 1)),
        receipts=applications.exclude(reference="").exclude(receipt="").count(),
        emails=Notification.objects.filter(recipient__endswith=_users_of(call), kind="submitted").count(),
        # The service refuses from the closing time on (`now >= closes_at`).
        after_deadline=applications.filter(submitted_at__gte=call.closes_at).count(),
        drafts=(drafts.filter(pk__in=applicants) if applicants is not None else drafts).count(),
    )


def deadline_cleanup(call: Call, out=print) -> None:
    """Delete the call and all its throwaway data; the retention guard is bypassed on purpose (raw
    deletes of this call's rows), in one transaction. Receipts are deleted from the private storage
    too. A failure is said with `out` and raised: nothing is half deleted without the caller knowing."""
    applications = Application.objects.filter(call=call)
    organisations = list(applications.values_list("organisation_id", flat=True))
    try:
        for application in applications.exclude(receipt=""):
            application.receipt.delete(save=False)
        with transaction.atomic():
            _rows_delete(call, applications, organisations)
    except Exception as error:
        out(f"  (the throwaway data could not all be deleted: {type(error).__name__}: {error})")
        raise


def _rows_delete(call: Call, applications, organisations) -> None:
    Notification.objects.filter(recipient__endswith=_users_of(call)).delete()
    for queryset in (
        StatusChange.objects.filter(application__call=call),
        BudgetLine.objects.filter(application__call=call),
        Application.history.filter(call_id=call.pk),
        applications,
    ):
        queryset._raw_delete(queryset.db)
    Organisation.objects.filter(pk__in=organisations).delete()
    User.objects.filter(email__endswith=_users_of(call)).delete()
    programme, agency = call.programme, call.programme.agency
    Call.objects.filter(pk=call.pk).delete()
    programme.delete()
    agency.delete()
