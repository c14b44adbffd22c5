"""Reads for the applicant side: only applications the user acts for; 404 for any other."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from consortia.models import Consortium, Membership
from consortia.selectors import consortium_ids_of, organisation_ids_of
from portal.money import to_cents
from portal.scoping import withheld_excluded
from programmes.models import CallDocument, CallRule

from .answers import asks_questions, with_asks_questions
from .models import Application, Attachment, BudgetLine, ProjectReport, StatusChange

NEXT_STEPS = {
    "draft": _("Complete and submit before the deadline"),
    "submitted": _("Wait for the agency's review"),
    "under_review": _("The agency is reviewing it"),
    "clarification_requested": _("Answer the agency's question"),
    "approved": _("Accept the grant"),
    "reserve": _("On the reserve list: wait for freed budget"),
    "rejected": pgettext_lazy("next step", "None"),
    "withdrawn": pgettext_lazy("next step", "None"),
    "closed": pgettext_lazy("next step", "None"),
}


# Who may see or change an application, as `pk__in` of a union of reads that each use an index
# (applications by organisation, by consortium). One condition across the relations (organisation
# OR consortium lead OR consortium membership) makes PostgreSQL read the whole applications and
# memberships tables, however few rows the user has: the applicant's pages then slow down as the
# portal grows.


def visible_application_ids(user):
    """The pks of the applications of an organisation the user represents, or of a consortium one of
    them leads or belongs to (active membership), as a subquery."""
    own = Application.objects.filter(organisation__in=organisation_ids_of(user)).order_by().values("pk")
    consortia = consortium_ids_of(user, statuses=[Membership.Status.ACTIVE])
    of_consortia = Application.objects.filter(consortium__in=consortia).order_by().values("pk")
    return own.union(of_consortia)


def editable_application_ids(user):
    """The pks of the applications the user may change and submit: the organisation's
    representatives', or the consortium lead's, as a subquery."""
    represented = organisation_ids_of(user)
    own = Application.objects.filter(organisation__in=represented).order_by().values("pk")
    led = Consortium.objects.filter(lead__in=represented).order_by().values("pk")
    of_led = Application.objects.filter(consortium__in=led).order_by().values("pk")
    return own.union(of_led)


def _visible_filter(user):
    """Applications of an organisation the user represents, or of a consortium one of them leads or belongs to."""
    return Q(pk__in=visible_application_ids(user))


def _editable_filter(user):
    """Who may change and submit: the organisation's representatives, or the consortium lead's."""
    return Q(pk__in=editable_application_ids(user))


def applications_of(user):
    """The user's applications, newest first, with what the list shows; a fixed number of queries."""
    applications = (
        Application.objects.filter(_visible_filter(user))
        .select_related("call", "consortium", "organisation")
        .order_by("-created_at")
    )
    for application in applications:
        application.next_step = NEXT_STEPS[application.status]
        if application.status == "approved" and application.accepted_at is not None:
            application.next_step = _("Report the expenses and results; the agency then pays")
        yield application


def _rows():
    return {
        "budget_lines": BudgetLine.objects.select_related("category").order_by("position", "pk"),
        "attachments": Attachment.objects.order_by("uploaded_at", "pk"),
        "status_changes": StatusChange.objects.order_by("changed_at", "pk"),
        "project_reports": ProjectReport.objects.order_by("due_on"),
        "call__documents": CallDocument.objects.order_by("position", "pk"),
        # As the rules engine reads them (`fact_prefetches`): a page that reads a rule itself (the
        # declarations asked) and the panel share one query.
        "call__rules": CallRule.objects.select_related("category").order_by("position", "pk"),
    }


# What a draft's steps show: its budget lines and documents, the documents its call asks for and
# its rules (no history, no reports yet).
DRAFT_ROWS = ("budget_lines", "attachments", "call__documents", "call__rules")
# Rows read only when named in `rows`.
_NAMED_ONLY = {"call__documents", "call__rules"}


def application_for(user, pk, *, editable=False, rows=None, lock=False) -> Application:
    """One application the user may see (or, with editable=True, change); 404 otherwise.

    Read with its call, programme, agency and applicant, and its rows prefetched: all of them, or
    those named in `rows` (e.g. `DRAFT_ROWS`).

    `lock`: the application's row is locked to the end of the transaction, as the submission and
    every move of its status lock it. A request that changes a draft reads it so: a submission
    under way is waited for, and the status is then read as the submission left it.
    """
    queryset = Application.objects.filter(_editable_filter(user) if editable else _visible_filter(user))
    if lock:
        # Only the application's row: its call's row is the submission's reference counter.
        queryset = queryset.select_for_update(of=("self",))
    queryset = (
        queryset.select_related("call__programme__agency", "consortium", "organisation")
        # Whether the call asks questions of its own: no query for them on its pages when it asks none.
        .annotate(asks_questions=asks_questions())
        .prefetch_related(
            *(
                Prefetch(name, queryset=rows_of)
                for name, rows_of in _rows().items()
                if (rows is None and name not in _NAMED_ONLY) or (rows is not None and name in rows)
            )
        )
    )
    return with_asks_questions(get_object_or_404(queryset, pk=pk))


@dataclass
class DocumentChecklist:
    """The documents step: each document the call asks for with the files that answer it, then the others."""

    documents: list[tuple[CallDocument, list[Attachment]]]
    others: list[Attachment]

    @property
    def missing(self) -> list[CallDocument]:
        return [document for document, files in self.documents if document.required and not files]


def document_checklist(application) -> DocumentChecklist:
    """The checklist of an application read with `DRAFT_ROWS` (no query of its own)."""
    documents = list(application.call.documents.all())
    files: dict[int, list[Attachment]] = {document.pk: [] for document in documents}
    others = []
    for attachment in application.attachments.all():
        if attachment.document_id in files:
            files[attachment.document_id].append(attachment)
        else:
            others.append(attachment)
    return DocumentChecklist(documents=[(document, files[document.pk]) for document in documents], others=others)


def project_report_for(user, pk, kind, *, editable=False) -> ProjectReport:
    """A report of an application the user may see (or, with editable=True, submit); 404 otherwise."""
    application = application_for(user, pk, editable=editable)
    report = next((r for r in application.project_reports.all() if r.kind == kind), None)
    if report is None:
        raise Http404
    report.application = application
    return report


def attachment_for(user, pk, *, as_staff: bool = True) -> Attachment:
    """An attachment of an application the user may see: its applicant's, or its agency's staff.

    `as_staff` is False when the user is staff but not admitted to the admin
    (e.g. no second factor yet): they then see only what an applicant would.
    """
    queryset = Attachment.objects.select_related("application")
    if as_staff and user.is_staff:
        # Staff never download a document of an application they declared a conflict of interest on.
        queryset = withheld_excluded(queryset, user)
    if user.is_superuser and as_staff:
        return get_object_or_404(queryset, pk=pk)
    visible = Q(application__in=visible_application_ids(user))
    if as_staff and user.is_staff and user.agency_id:
        visible |= Q(application__call__programme__agency_id=user.agency_id)
    return get_object_or_404(queryset.filter(visible), pk=pk)


def budget_lines_with_claims(application) -> list[BudgetLine]:
    """The application's budget lines, each with `claimed` (not rejected) and `left`. One query."""
    from django.db.models import Q, Sum
    from django.db.models.functions import Coalesce

    lines = (
        BudgetLine.objects.filter(application=application)
        .select_related("category")
        .annotate(claimed=Coalesce(Sum("expenses__amount", filter=~Q(expenses__status="rejected")), Decimal(0)))
        .order_by("position", "pk")
    )
    result = []
    for line in lines:
        line.claimed = to_cents(line.claimed)
        line.left = to_cents(line.amount - line.claimed)
        result.append(line)
    return result
