"""Writes on applications. Views, admin actions, tasks and commands call these."""

from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from consortia.services import active_memberships
from portal.figures import counted_data_changed
from portal.handover import hand_over
from portal.refusals import Refused
from portal.timezones import format_in_zone
from programmes.models import Call
from programmes.rules import evaluate_application
from programmes.rules.engine import FACT_RELATIONS, evaluation_date

from .answers import answer_rows, answers_by_question, asks_questions, unanswered, with_asks_questions
from .attachments import attachment_add
from .models import Application, Attachment, BudgetLine, Status, StatusChange
from .queries import _editable_filter
from .receipts import build_receipt
from .workflow import APPLICANT, check_move, may_move


def _reference_take(call_id: int) -> tuple[str, dict]:
    """The call's next reference, and the call's dates and publication as they are under its lock."""
    table = Call._meta.db_table
    column = Call._meta.get_field("last_reference_number").column
    returned = ["reference_prefix", "year", "last_reference_number", "opens_at", "closes_at", "is_published"]
    columns = ", ".join(f'"{Call._meta.get_field(name).column}"' for name in returned)
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{table}" SET "{column}" = "{column}" + 1 WHERE "id" = %s RETURNING {columns}',
            [call_id],
        )
        row = dict(zip(returned, cursor.fetchone(), strict=True))
    return f"{row['reference_prefix']}-{row['year']}-{row['last_reference_number']:04d}", row


def reference_allocate(*, call_id: int) -> str:
    """The next reference of a call, e.g. EXP-2026-0007: unique and gapless.

    One statement that increments the call's counter and returns it: it locks the
    call row until the transaction ends, so two submissions at the same moment get
    two numbers one after the other. Must run inside the transaction that stores
    the reference, and as late in it as possible: every submission to the call
    waits for the lock.
    """
    return _reference_take(call_id)[0]


def move_record(locked: Application, to_status: str, *, by=None, note: str = "", at) -> list[str]:
    """The one way a move is made, on a row the caller has locked: checked against the workflow
    table, the status (and for a submission its time) set, the move recorded in the history and
    the dashboard's figures made stale at commit. Returns the fields to save; the caller saves them
    (with the reference, for a submission, taken as late as it can)."""
    check_move(locked.status, to_status)
    from_status = locked.status
    locked.status = to_status
    fields = ["status", "updated_at"]
    if to_status == Status.SUBMITTED:
        locked.submitted_at = at
        fields.append("submitted_at")
    StatusChange.objects.create(
        application=locked, from_status=from_status, to_status=to_status, changed_by=by, changed_at=at, note=note
    )
    counted_data_changed()
    return fields


@transaction.atomic
def application_change_status(
    *, application: Application, to_status: str, by=None, note: str = "", at=None
) -> Application:
    """Move an application along the workflow table and record the move.

    The row is locked and re-read, so two staff members acting at once cannot
    both move it from the same status. Moving to "submitted" gives the
    application its reference and submission time. The dashboard's figures are
    fresh once the transaction commits, with what the caller writes after the
    move in the same transaction (the maximum grant, the granted amount).
    """
    at = at or timezone.now()
    locked = Application.objects.select_for_update().get(pk=application.pk)
    fields = move_record(locked, to_status, by=by, note=note, at=at)
    if to_status == Status.SUBMITTED and not locked.reference:
        locked.reference = reference_allocate(call_id=locked.call_id)
        fields.append("reference")
    locked.save(update_fields=fields)
    for field in fields:
        setattr(application, field, getattr(locked, field))
    return application


@transaction.atomic
def application_create(*, call, title: str, consortium=None, organisation=None, by=None, **fields) -> Application:
    """Start a draft application and record its first status."""
    application = Application(
        call=call, consortium=consortium, organisation=organisation, title=title, created_by=by, **fields
    )
    application.full_clean(exclude=["reference"], validate_constraints=False)
    application.save()
    StatusChange.objects.create(
        application=application, from_status="", to_status=Status.DRAFT, changed_by=by, changed_at=timezone.now()
    )
    counted_data_changed()
    return application


# --- the applicant's side: submission, clarification answers (withdrawal: renunciations) ---------------------


class SubmissionRefused(Refused):
    """The application cannot be submitted; `reasons` say why, in the user's language (the message joins them)."""

    def __init__(self, reasons):
        self.reasons = [str(r) for r in reasons]
        super().__init__("; ".join(self.reasons))


def _content_prefetches() -> list:
    """The rows the submitted content lists, in their order (the hash depends on it)."""
    return [
        Prefetch("budget_lines", queryset=BudgetLine.objects.select_related("category").order_by("position", "pk")),
        Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk")),
    ]


def submitted_content(application) -> dict:
    """What was submitted, as plain data: the receipt's SHA-256 is computed over it.

    The budget lines and attachments are read once (nothing is read again when the caller
    prefetched them with `_content_prefetches`, as the submission does).
    """
    prefetch_related_objects([application], *_content_prefetches())
    attachments = sorted(application.attachments.all(), key=lambda a: (a.uploaded_at, a.pk))
    # The call's documents as the rules read them (prefetched by the submission's evaluation).
    documents = (
        {document.pk: document for document in application.call.documents.all()}
        if any(a.document_id for a in attachments)
        else {}
    )
    applicant = application.consortium or application.organisation
    members = []
    if application.consortium_id:
        members = [
            {
                "legal_name": m.organisation.legal_name,
                "country": m.organisation.country,
                "tax_id": m.organisation.tax_id,
            }
            for m in active_memberships(application.consortium, on=evaluation_date(application))
        ]
    return {
        "reference": application.reference,
        "call": {
            "id": application.call_id,
            "title": application.call.title,
            "agency": application.call.programme.agency.name,
        },
        "submitted_at": application.submitted_at.isoformat(),
        "applicant": {
            "kind": "consortium" if application.consortium_id else application.organisation.kind,
            "name": str(applicant),
            "tax_id": getattr(applicant, "tax_id", ""),
            "country": getattr(applicant, "country", ""),
            "members": members,
        },
        "title": application.title,
        "summary": application.summary,
        "target_markets": application.target_markets,
        # The call's questions asked, in order, each with its answer as shown in the submission's
        # language and as stored (applications.answers).
        "answers": answer_rows(application),
        "declarations": sorted(application.declarations or []),
        "budget_lines": [
            {
                "category": line.category.code,
                "category_name": str(line.category.name),
                "description": line.description,
                "amount": str(line.amount),
            }
            # Ordered here, whatever order a caller prefetched them in: the hash depends on it.
            for line in sorted(application.budget_lines.all(), key=lambda line: (line.position, line.pk))
        ],
        "attachments": [
            {"kind": a.kind, "document": _document_title(a, documents), "name": a.original_name, "sha256": a.sha256}
            for a in attachments
        ],
    }


def _document_title(attachment, documents) -> str:
    """What the file is, in the active language (the submission's): its document's name, or its kind's."""
    document = documents.get(attachment.document_id)
    return str(document.title) if document is not None else str(attachment.get_kind_display())


def content_hash(content: dict) -> str:
    import hashlib
    import json

    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _call_refusal(call, now) -> SubmissionRefused | None:
    """Why the call does not take a submission that arrived at `now`, or None."""
    if now >= call.closes_at:
        return SubmissionRefused(
            [
                _("The call closed on %(moment)s; applications are no longer accepted.")
                % {"moment": format_in_zone(call.closes_at, call.tzinfo)}
            ]
        )
    if now < call.opens_at or not call.is_published:
        return SubmissionRefused([_("The call is not open yet.")])
    return None


def application_submit(*, application, by, now=None, editable_by=None) -> Application:
    """Submit a draft: deadline and rules checked by the server, reference; receipt and e-mail after commit.

    The application row is locked first, so a double click or a replayed POST
    waits for the first submission and then finds it already submitted: one
    reference, one receipt. Raises SubmissionRefused with the reasons otherwise.

    Everything that does not need the reference (rules, content, history) is done
    before the call's counter is taken, as the last write: the call row is locked
    only from there to the commit, which is what lets many applicants submit to
    one call at once. The content hashed and the language are stored, and the
    receipt is built from them after commit (build_receipt, by the worker, or on
    the first download), so it is the same whenever it is built; its task then
    writes the e-mail with the receipt attached.
    """
    now = now or timezone.now()
    language = translation.get_language() or settings.LANGUAGE_CODE
    with transaction.atomic():
        # Only the application's row is locked (`of`): the call's row is locked last, by the reference.
        rows = Application.objects.select_for_update(of=("self",))
        if editable_by is not None:
            # The applicant's door: the access check is part of the lock's read (one statement, not
            # two); an application the user may not change is not found (Application.DoesNotExist).
            rows = rows.filter(_editable_filter(editable_by))
        locked = with_asks_questions(
            rows.select_related(*FACT_RELATIONS).annotate(asks_questions=asks_questions()).get(pk=application.pk)
        )
        if not may_move(locked.status, Status.SUBMITTED, actor=APPLICANT):
            if locked.submitted_at is not None:
                return locked  # already submitted: the same submission again
            raise SubmissionRefused([_("Only a draft can be submitted.")])
        call = locked.call
        if refusal := _call_refusal(call, now):
            raise refusal
        # The rows the rules and the content read, once, on the locked instance: with the call's
        # questions and the answers (no query for them when the call asks nothing of its own).
        prefetch_related_objects([locked], *_content_prefetches())
        answers_by_question(locked)
        evaluation = evaluate_application(locked, fresh=False)
        missing = unanswered(locked)
        if not evaluation.eligible or missing:
            raise SubmissionRefused([*missing, *[r.message for r in evaluation.failures]])
        # Everything that does not need the reference first; the row is already locked, so the
        # move is recorded here (move_record, as every move is) without a second lock.
        fields = move_record(locked, Status.SUBMITTED, by=by, at=now)
        content = submitted_content(locked)
        # Last: the call row stays locked from here to the commit (one more update of this row).
        locked.reference, current = _reference_take(locked.call_id)
        # The dates as they are under the call's lock: a change committed by staff since the
        # application was read is judged here (raising rolls the whole submission back).
        for name in ("opens_at", "closes_at", "is_published"):
            setattr(call, name, current[name])
        if refusal := _call_refusal(call, now):
            raise refusal
        content["reference"] = locked.reference
        locked.submitted_content = content
        locked.content_hash = content_hash(content)
        locked.receipt_language = language
        locked.eligible_costs = evaluation.eligible_costs
        locked.max_grant = evaluation.max_grant
        locked.save(
            update_fields=[
                *fields,
                "reference",
                "submitted_content",
                "content_hash",
                "receipt_language",
                "eligible_costs",
                "max_grant",
            ]
        )
        transaction.on_commit(partial(hand_over, build_receipt, locked.pk), robust=True)
    return locked


@transaction.atomic
def clarification_answer(*, application, by, text: str, files=()) -> Application:
    """The applicant answers a clarification request (text and files): back to review."""

    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not may_move(locked.status, Status.UNDER_REVIEW, actor=APPLICANT):
        raise SubmissionRefused([_("No clarification is requested for this application.")])
    for uploaded in files:
        attachment_add(application=locked, uploaded_file=uploaded, kind="clarification", by=by)
    return application_change_status(application=locked, to_status=Status.UNDER_REVIEW, by=by, note=text)
