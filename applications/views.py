"""The applicant's application: start, fill in step by step (saved at every step), submit, follow.

Every view fetches through applications.selectors (404 for someone else's
application), parses with a form and calls a service.
"""

from decimal import Decimal

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from applications.pimex.selectors import pimex_panel
from consortia import selectors as consortia_selectors
from consortia import services as consortia_services
from consortia.forms import InviteForm
from consortia.models import Stage
from consortia.selectors import consortia_of, organisations_of
from portal.arrival import arrival
from portal.money import format_eur
from portal.refusals import Refused, show_refusal
from programmes.models import Call
from programmes.rules import DECLARATIONS, evaluate_applicant

from . import selectors, services
from .answers import (
    AnswersForm,
    AnswersRefused,
    answer_rows,
    answers_by_question,
    answers_shown,
    form_questions,
    unanswered,
)
from .attachments import attachment_add, attachment_remove
from .beneficiary_reports import project_report_save, project_report_submit, report_row_add, report_row_remove
from .forms import (
    ApplicantChoiceForm,
    AttachmentForm,
    BudgetFormSet,
    ClarificationForm,
    ContractWonForm,
    DeclarationsForm,
    ExpenseForm,
    ProjectForm,
    ProjectReportForm,
    RenounceForm,
    ReportActivityForm,
    WithdrawForm,
)
from .guidance import panel_for, rejected_rows
from .models import Application, Status
from .post_award import PostAwardRefused, expense_claim_with_invoice, expense_remove, grant_accept
from .progress import STEP_NAMES, STEPS, application_progress, declaration_codes
from .queries import _editable_filter
from .receipts import receipt_build
from .workflow import APPLICANT, RENOUNCE, EndingRefused, check_end, may_end, may_withdraw


def _applicant_choices(user, call):
    """What the user may apply as to this call: consortia they lead, or organisations of the right kind."""
    applicant_type = call.programme.applicant_type
    if applicant_type == "consortium":
        represented = organisations_of(user)
        return [(f"consortium:{c.pk}", c.name) for c in consortia_of(user).filter(lead__in=represented)]
    kinds = ["company"] if applicant_type == "company" else ["non_profit", "public_body"]
    return [(f"organisation:{o.pk}", o.legal_name) for o in organisations_of(user).filter(kind__in=kinds)]


@login_required
def apply(request, call_pk):
    call = get_object_or_404(Call.objects.published().select_related("programme__agency"), pk=call_pk)
    if not call.is_open():
        messages.error(request, _("This call is not open."))
        return redirect(call.get_absolute_url())
    choices = _applicant_choices(request.user, call)
    if not choices:
        messages.info(
            request,
            _("To apply you need to represent a consortium you lead")
            if call.programme.applicant_type == "consortium"
            else _("To apply you need to represent an organisation of the right kind for this call."),
        )
        return redirect("my_portal")
    preselect = request.GET.get("consortium") and f"consortium:{request.GET['consortium']}"
    form = ApplicantChoiceForm(request.POST or None, choices=choices, initial={"applicant": preselect})
    if request.method == "POST" and form.is_valid():
        kind, pk = form.cleaned_data["applicant"].split(":")
        applicant = {"consortium_id": int(pk)} if kind == "consortium" else {"organisation_id": int(pk)}
        existing = Application.objects.filter(call=call, **applicant).exclude(status=Status.WITHDRAWN).first()
        if existing:
            messages.info(request, _("You already have an application in this call: here it is."))
            return redirect("applications:detail", pk=existing.pk)
        # The title is the applicant's own (asked here: a draft has one from the start), never the call's name.
        application = services.application_create(
            call=call, title=form.cleaned_data["title"], by=request.user, **applicant
        )
        return redirect("applications:edit", pk=application.pk, step="project")
    return render(
        request,
        "portal/form.html",
        {"form": form, "title": _("Apply to %(call)s") % {"call": call.title}, "submit_label": _("Start")},
    )


def _evaluation_context(application, step, form=None):
    """The rules' panel, on an application just read by `application_for` (its rows are used as read).

    On the budget step, the rows the form refused are not counted (applications.guidance).
    """
    rejected = rejected_rows(form) if step == "budget" else []
    panel = panel_for(application, step=step, steps=STEP_NAMES, rejected=rejected)
    return {"evaluation": panel.evaluation, "panel": panel}


# Where a step goes back to once saved, when it was opened from the review page's "Change" links:
# only the review page (a target named in the URL is never followed as given).
RETURN_TARGETS = {"review"}


@login_required
def edit(request, pk, step):
    if step not in STEP_NAMES:
        raise Http404
    # A save reads the draft under its lock (held to the end of the request's transaction): a
    # submission under way in another tab is waited for, and nothing reaches it once submitted.
    application = selectors.application_for(
        request.user, pk, editable=True, rows=selectors.DRAFT_ROWS, lock=request.method == "POST"
    )
    if application.status != Status.DRAFT:
        return redirect("applications:detail", pk=application.pk)
    returning = request.GET.get("return") if request.GET.get("return") in RETURN_TARGETS and step != "review" else None
    handler = {
        "project": _project_step,
        "questions": _questions_step,
        "budget": _budget_step,
        "documents": _documents_step,
        "declarations": _declarations_step,
        "review": _review_step,
    }[step]
    form, done = handler(request, application)
    if done:
        target = reverse("applications:edit", kwargs={"pk": application.pk, "step": returning or _next(step)})
        if returning:
            # Back at the block just changed (and not at the field the Change link pointed to).
            target += f"#check-{step}"
        if request.htmx:
            return HttpResponseClientRedirect(target)
        return redirect(target)
    index = STEP_NAMES.index(step)
    if request.method == "POST":
        # The step may have saved some rows before it was refused: the page shows them as they are now.
        application = selectors.application_for(request.user, pk, editable=True, rows=selectors.DRAFT_ROWS)
    step_url = reverse("applications:edit", kwargs={"pk": application.pk, "step": step})
    context = {
        "application": application,
        "call": application.call,
        "form": form,
        "steps": STEPS,
        "step": step,
        "step_label": STEPS[index][1],
        "previous_step": STEP_NAMES[index - 1] if index else None,
        "progress": application_progress(application),
        # The step's own address (the forms post to it), keeping the way back to the review page.
        "step_url": f"{step_url}?return={returning}" if returning else step_url,
        "next_url": reverse("applications:edit", kwargs={"pk": application.pk, "step": returning or _next(step)}),
        "returning": returning,
        "error_links": getattr(form, "error_links", []),
        "checklist": selectors.document_checklist(application) if step in ("documents", "review") else None,
        **_evaluation_context(application, step, form),
    }
    if step == "review":
        context.update(_review_context(application, context["evaluation"]))
    return render(request, f"applications/step_{step}.html", context)


def _next(step):
    index = STEP_NAMES.index(step)
    return STEP_NAMES[min(index + 1, len(STEP_NAMES) - 1)]


def _project_step(request, application):
    form = ProjectForm(request.POST or None, instance=application)
    if request.method != "POST":
        return form, False
    if form.is_valid():
        form.save()
        return form, request.POST.get("action") != "save"
    # Keep what is valid, so nothing typed is lost even if the page is left now.
    valid = [name for name in form.fields if name not in form.errors]
    if valid:
        Application.objects.filter(pk=application.pk).update(**{n: form.cleaned_data[n] for n in valid})
    return form, False


def _questions_step(request, application):
    """The call's own questions (programmes.Question), grouped by section; saved as the applicant goes.

    An answer refused is shown next to its question; the others are saved at once, so nothing
    typed is lost. A question whose condition does not hold is hidden, not checked, and its
    stored answer goes.
    """
    questions = form_questions(application.call)
    answers = answers_by_question(application, questions)
    form = AnswersForm(request.POST or None, questions=questions, answers=answers)
    if request.method != "POST":
        return form, False
    valid = form.is_valid()
    values = form.valid_values()
    try:
        services.answers_save(application=application, data=values, by=request.user)
    except AnswersRefused as refusal:
        show_refusal(request, refusal)
        return form, False
    return form, valid and request.POST.get("action") != "save"


def _budget_step(request, application):
    programme = application.call.programme
    if request.method != "POST":
        return BudgetFormSet(instance=application, programme=programme), False
    formset = BudgetFormSet(request.POST, instance=application, programme=programme)
    # A change in a field (htmx, no button pressed) saves and refreshes the panel.
    action = request.POST.get("action") or ("save" if request.htmx else "next")
    if formset.is_valid():
        # A new line left blank (just added, not typed into yet) is not saved, and stays on the page.
        blank = [
            index
            for index in range(formset.initial_form_count(), formset.total_form_count())
            if not formset.forms[index].has_changed()
        ]
        _place_new_lines(formset)
        formset.save()
        posted_at = {
            form.instance.pk: index
            for index, form in enumerate(formset.forms)
            if form.instance.pk is not None and form not in formset.deleted_forms
        }
        # Drawn again from the database: new lines get their ids (the next save updates them rather
        # than adding them again) and amounts are shown the local way.
        formset = BudgetFormSet(instance=application, programme=programme)
        formset.extra = len(blank) + (1 if action == "add_line" else 0)
        _mark_posted_at(formset, [posted_at.get(form.instance.pk) for form in formset.initial_forms] + blank)
        return formset, action == "next"
    # Save the rows that are complete and correct, remove the rows ticked "Remove", and show the
    # others with their errors. An error of the whole set (too many lines) saves nothing.
    if formset.non_form_errors():
        _mark_posted_at(formset, range(formset.total_form_count()))
        return formset, False
    saved, removed = {}, set()
    _place_new_lines(formset)
    for index, form in enumerate(formset.forms):
        if form.cleaned_data.get("DELETE"):
            removed.add(index)
            if form.instance.pk:
                form.instance.delete()
        elif form.is_valid() and form.has_changed():
            line = form.save(commit=False)
            line.application = application
            line.save()
            if index >= formset.initial_form_count():
                saved[index] = line.pk
    if not saved and not removed:
        _mark_posted_at(formset, range(formset.total_form_count()))
        return formset, False
    formset_posted = formset
    # The page is drawn again from what is stored now: the rows removed are gone, and the new rows
    # just saved come back as saved rows (with their ids), so correcting the others and saving
    # again updates them instead of adding them a second time.
    formset = BudgetFormSet(_as_saved_rows(formset, saved, removed), instance=application, programme=programme)
    formset.is_valid()
    _mark_posted_at(formset, _rows_order(formset_posted, saved, removed))
    return formset, False


def _place_new_lines(formset) -> None:
    """New lines go after the stored ones, in the order typed (a line numbered by an import keeps its place)."""
    position = max((form.instance.position for form in formset.initial_forms), default=0)
    for form in formset.extra_forms:
        if form.has_changed():
            position += 1
            form.instance.position = position


def _mark_posted_at(formset, indexes):
    """Each redrawn row with the index it was posted at (None for a row not posted), which the page
    reads (`data-posted-at`) to put back what was typed in it while the save was on its way."""
    indexes = list(indexes)
    for position, form in enumerate(formset.forms):
        form.posted_at = indexes[position] if position < len(indexes) else None


def _rows_order(formset, saved: dict[int, int], removed) -> list[int]:
    """The posted indexes of the rows in the order `_as_saved_rows` redraws them: the saved rows
    kept, the new rows just saved, then the new rows refused."""
    initial = formset.initial_form_count()
    kept = [index for index in range(initial) if index not in removed]
    new = [index for index in range(initial, formset.total_form_count()) if index not in saved and index not in removed]
    return [*kept, *saved, *new]


def _as_saved_rows(formset, saved: dict[int, int], removed: set[int] = frozenset()):
    """The formset's data without the rows `removed`, and with the new rows numbered in `saved`
    (index -> id) moved among the saved rows."""
    data, prefix = formset.data, formset.prefix
    order = _rows_order(formset, saved, removed)
    kept = [index for index in order if index < formset.initial_form_count()]
    rows = QueryDict(mutable=True)
    for key, values in data.lists():
        if not key.startswith(f"{prefix}-"):
            rows.setlist(key, values)
    for position, index in enumerate(order):
        old = f"{prefix}-{index}-"
        for key, values in data.lists():
            if key.startswith(old):
                rows.setlist(f"{prefix}-{position}-{key[len(old) :]}", values)
        if index in saved:
            rows[f"{prefix}-{position}-id"] = str(saved[index])
    rows[f"{prefix}-TOTAL_FORMS"] = str(len(order))
    rows[f"{prefix}-INITIAL_FORMS"] = str(len(kept) + len(saved))
    rows[f"{prefix}-MIN_NUM_FORMS"] = data.get(f"{prefix}-MIN_NUM_FORMS", "0")
    rows[f"{prefix}-MAX_NUM_FORMS"] = data.get(f"{prefix}-MAX_NUM_FORMS", "1000")
    return rows


def _documents_step(request, application):
    # The call's documents come with the application (selectors.DRAFT_ROWS): the rules panel reads the same.
    documents = list(application.call.documents.all())
    form = AttachmentForm(request.POST or None, request.FILES or None, documents=documents)
    if request.method != "POST":
        return form, False
    if request.POST.get("action") == "next":
        # Continuing is refused while a required document has no file (saving and leaving is not):
        # the required documents are the rules engine's own list (`document_checklist(...).missing`).
        missing = selectors.document_checklist(application).missing
        if not missing:
            return form, True
        form = AttachmentForm(documents=documents)
        form.error_links = [
            {
                "target": f"call-document-{document.pk}",
                "text": _("Attach “%(document)s”: the call requires it.") % {"document": document.title},
            }
            for document in missing
        ]
        return form, False
    if form.is_valid():
        try:
            attachment_add(
                application=application,
                uploaded_file=form.cleaned_data["file"],
                document=form.chosen_document(),
                by=request.user,
            )
        except ValidationError as error:
            # Next to the file; the document chosen stays chosen.
            form.add_error("file", error)
            return form, False
        messages.success(request, _("The document is attached."))
        return AttachmentForm(documents=documents), False
    return form, False


def _declarations_step(request, application):
    """Every declaration the call asks for must be ticked to continue; those ticked are saved all the same."""
    codes = declaration_codes(application)
    initial = {code: code in (application.declarations or []) for code in codes}
    form = DeclarationsForm(request.POST if request.method == "POST" else None, codes=codes, initial=initial)
    if request.method != "POST":
        return form, False
    valid = form.is_valid()
    application.declarations = form.accepted()
    application.save(update_fields=["declarations", "updated_at"])
    return form, valid


def _review_step(request, application):
    return None, False


def _review_context(application, evaluation):
    """Everything that will be submitted, as the applicant checks it: the answers, the budget lines and
    their total, the consortium's members, the documents and the declarations; and what is missing."""
    lines = list(application.budget_lines.all())
    accepted = set(application.declarations or [])
    members = []
    if application.consortium is not None:
        # The members the rules count (on the day they are checked for), read with the rules' facts.
        members = consortia_services.active_memberships(application.consortium, on=evaluation.evaluated_on)
    return {
        "answers": answer_rows(application),
        "unanswered": unanswered(application),
        "budget_lines": lines,
        "budget_total": sum((line.amount for line in lines), Decimal("0.00")),
        "members": members,
        "declarations": [
            {"code": code, "label": DECLARATIONS.get(code, code), "accepted": code in accepted}
            for code in declaration_codes(application)
        ],
    }


@login_required
@require_POST
def attachment_delete(request, pk, attachment_pk):
    application = selectors.application_for(request.user, pk, editable=True, lock=True)
    if application.status != Status.DRAFT:
        raise Http404
    attachment = get_object_or_404(application.attachments.all(), pk=attachment_pk)
    attachment_remove(attachment=attachment, by=request.user)
    messages.info(request, _("The document is removed."))
    target = reverse("applications:edit", kwargs={"pk": pk, "step": "documents"})
    # Opened from the review page: the way back to it is kept.
    return redirect(f"{target}?return=review" if request.GET.get("return") in RETURN_TARGETS else target)


# The service's transaction is the request's only one (no savepoint around it): the view writes
# nothing itself, and the messages are stored after the view returns.
@transaction.non_atomic_requests
@login_required
@require_POST
def submit(request, pk):
    try:
        # Judged by when the request arrived, not when its turn came (a queue, another submission's lock).
        # The access check is the lock's read itself: an application the user may not change is a 404.
        application = services.application_submit(
            application=Application(pk=pk), by=request.user, now=arrival(request), editable_by=request.user
        )
    except Application.DoesNotExist:
        raise Http404 from None
    except services.SubmissionRefused as refusal:
        for reason in refusal.reasons:
            messages.error(request, reason)
        return redirect("applications:edit", pk=pk, step="review")
    messages.success(
        request,
        _("Your application is submitted with the reference %(reference)s.") % {"reference": application.reference},
    )
    return redirect("applications:detail", pk=pk)


@login_required
def detail(request, pk):
    application = selectors.application_for(request.user, pk)
    editable = Application.objects.filter(pk=pk).filter(_editable_filter(request.user)).exists()
    clarification = None
    if application.status == Status.CLARIFICATION_REQUESTED:
        clarification = next(
            (
                c
                for c in reversed(list(application.status_changes.all()))
                if c.to_status == Status.CLARIFICATION_REQUESTED
            ),
            None,
        )
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "editable": editable,
            "clarification": clarification,
            "payments": list(application.payments.order_by("paid_on", "pk")),
            "answers": answers_shown(application),
            "pimex": pimex_panel(application=application),
            "decision": selectors.decision_record(application),
            "clarification_form": ClarificationForm(),
            "withdraw_form": WithdrawForm(),
            "can_withdraw": editable and may_withdraw(application.status, actor=APPLICANT),
            "can_renounce": editable and may_end(RENOUNCE, application.status, actor=APPLICANT),
        },
    )


@login_required
def receipt(request, pk):
    application = selectors.application_for(request.user, pk)
    if not application.receipt and application.submitted_content is not None:
        # Not built yet by the worker: built now, from what was fixed at submission.
        receipt_build(application_id=application.pk)
        application.refresh_from_db(fields=["receipt"])
    if not application.receipt:
        raise Http404
    return FileResponse(
        application.receipt.open("rb"), as_attachment=True, filename=f"receipt-{application.reference}.pdf"
    )


@login_required
def attachment_download(request, pk):
    # Staff see their agency's documents only with the admin's own checks (second factor).
    attachment = selectors.attachment_for(request.user, pk, as_staff=admin.site.has_permission(request))
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@login_required
@require_POST
def withdraw(request, pk):
    application = selectors.application_for(request.user, pk, editable=True)
    form = WithdrawForm(request.POST)
    form.is_valid()
    try:
        services.application_withdraw(
            application=application, by=request.user, note=form.cleaned_data.get("reason", "")
        )
    except services.SubmissionRefused as refusal:
        show_refusal(request, refusal)
    else:
        messages.info(request, _("The application is withdrawn."))
    return redirect("applications:detail", pk=pk)


@login_required
def renounce(request, pk):
    """The beneficiary renounces its grant, whole or in part: a form, a confirmation step, then the service.

    The first POST checks the request (`renunciation_check`) and shows what will happen; only the
    POST of the confirmation (`confirmed=yes`) renounces. A refusal comes back next to its field.
    """
    application = selectors.application_for(request.user, pk, editable=True)
    try:
        check_end(RENOUNCE, application.status, actor=APPLICANT)
    except EndingRefused as refusal:
        show_refusal(request, refusal)
        return redirect("applications:detail", pk=pk)
    form = RenounceForm(request.POST or None)
    confirming, kept = False, None
    if request.method == "POST" and form.is_valid():
        kept = form.kept_amount()
        try:
            if request.POST.get("confirmed") == "yes":
                services.grant_renounce(
                    application=application,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    amount=kept,
                    as_staff=False,
                )
                messages.success(
                    request,
                    _("The grant is renounced; the agency is told.")
                    if kept is None
                    else _("Your renunciation is recorded: the grant is now %(amount)s.")
                    % {"amount": format_eur(kept)},
                )
                return redirect("applications:detail", pk=pk)
            selectors.renunciation_check(application=application, amount=kept)
            confirming = True
        except Refused as refusal:
            show_refusal(form, refusal)
    granted = application.granted_amount
    return render(
        request,
        "applications/renounce.html",
        {
            "application": application,
            "form": form,
            "confirming": confirming,
            "kept": kept,
            "given_up": (granted - kept) if kept is not None else granted,
            "paid": selectors.paid_amount(application),
        },
    )


@login_required
@require_POST
def clarify(request, pk):
    application = selectors.application_for(request.user, pk, editable=True)
    form = ClarificationForm(request.POST, request.FILES)
    if form.is_valid():
        files = [form.cleaned_data["file"]] if form.cleaned_data.get("file") else []
        try:
            services.clarification_answer(
                application=application, by=request.user, text=form.cleaned_data["text"], files=files
            )
        except services.SubmissionRefused as refusal:
            show_refusal(request, refusal)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, _("Your answer is sent; the agency resumes the review."))
            return redirect("applications:detail", pk=pk)
    else:
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, error)
    return redirect("applications:detail", pk=pk)


@login_required
def report(request, pk, kind):
    """A beneficiary report: read by whoever sees the operation, written and sent by its representatives.

    One page, several forms (expenses with invoices, contracts won, actions carried out, the
    narrative and outcomes); each POST names its `action`. A form with an error is shown again
    with its message and everything typed, the others untouched.
    """
    report = selectors.project_report_for(request.user, pk, kind)
    application = report.application
    editable = Application.objects.filter(pk=pk).filter(_editable_filter(request.user)).exists()
    can_write = editable and report.status == report.Status.DUE and application.status == Status.APPROVED
    programme = application.call.programme
    action = request.POST.get("action") if request.method == "POST" else None
    if action and not can_write:
        raise Http404
    if action and application.accepted_at is None:
        messages.error(request, _("Accept the grant first."))
        return redirect("applications:detail", pk=pk)
    data, files = (request.POST, request.FILES) if action else (None, None)
    forms = {
        "report": ProjectReportForm(
            data if action in ("save", "submit") else None, instance=report, programme_kind=programme.kind
        ),
        "expense": ExpenseForm(data if action == "expense" else None, files, application=application),
        "contract": ContractWonForm(data if action == "contract" else None),
        "activity": ReportActivityForm(data if action == "activity" else None, programme=programme),
    }
    # Where a refusal is shown: next to its field in the form that was sent.
    target = forms["report"] if action in ("save", "submit") else forms.get(action, forms["expense"])
    try:
        if action == "expense" and forms["expense"].is_valid():
            fields = dict(forms["expense"].cleaned_data)
            expense_claim_with_invoice(report=report, by=request.user, invoice_file=fields.pop("invoice"), **fields)
            messages.success(request, _("Expense added."))
            return redirect(request.path)
        if action in ("contract", "activity") and forms[action].is_valid():
            report_row_add(report=report, row=forms[action].save(commit=False), by=request.user)
            return redirect(request.path)
        if action and action.startswith("remove-"):
            _remove_row(report, action, request.POST.get("row"), request.user)
            return redirect(request.path)
        if action in ("save", "submit") and forms["report"].is_valid():
            form = forms["report"]
            content = {"narrative": form.cleaned_data["narrative"], "outcomes": form.outcomes()}
            if action == "submit":
                # Sent when it arrived: a report sent on its due day is not late for waiting on a worker.
                project_report_submit(report=report, by=request.user, now=arrival(request), **content)
                messages.success(request, _("Your report is sent to the agency."))
                return redirect("applications:detail", pk=pk)
            project_report_save(report=report, by=request.user, **content)
            messages.success(request, _("Saved."))
            return redirect(request.path)
    except PostAwardRefused as refusal:
        show_refusal(target, refusal)
    except ValidationError as error:  # the invoice file, judged by its content
        forms["expense"].add_error("invoice", error)
    context = {
        "report": report,
        "application": application,
        "forms": forms,
        "can_write": can_write and application.accepted_at is not None,
        "needs_acceptance": can_write and application.accepted_at is None,
        "expenses": report.expenses.select_related("budget_line__category", "invoice").order_by("invoice_date", "pk"),
        "contracts": report.contracts.order_by("signed_on", "pk"),
        "activities": report.activities.select_related("category").order_by("carried_out_on", "pk"),
        "lines": selectors.budget_lines_with_claims(application),
    }
    return render(request, "applications/report.html", context, status=400 if action else 200)


def _remove_row(report, action, row_id, user):
    rows = {
        "remove-expense": report.expenses,
        "remove-contract": report.contracts,
        "remove-activity": report.activities,
    }
    if action not in rows or not str(row_id or "").isdigit():
        raise Http404
    row = rows[action].filter(pk=int(row_id)).first()
    if row is None:
        raise Http404
    if action == "remove-expense":
        expense_remove(expense=row, by=user)
    else:
        report_row_remove(report=report, row=row, by=user)


@login_required
@require_POST
def accept(request, pk):
    """The beneficiary accepts the grant and its conditions."""
    application = selectors.application_for(request.user, pk, editable=True)
    if request.POST.get("conditions") != "accepted":
        messages.error(request, _("Tick the box to accept the conditions of the grant."))
        return redirect("applications:detail", pk=pk)
    try:
        grant_accept(application=application, by=request.user)
    except PostAwardRefused as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, _("You accepted the grant. Keep the invoices of every expense for the report."))
    return redirect("applications:detail", pk=pk)


@login_required
def my_portal(request):
    """The applicant's home: organisations, consortia, applications with their next step, things to answer."""
    return render(
        request,
        "portal/my_portal.html",
        {
            "organisations": list(consortia_selectors.organisations_of(request.user).order_by("legal_name")),
            "consortia": list(consortia_selectors.consortia_of(request.user).order_by("name")),
            "applications": list(selectors.applications_of(request.user)),
            "invitations": list(consortia_selectors.pending_invitations(request.user)),
            "requests": list(consortia_selectors.pending_requests(request.user)),
        },
    )


@login_required
def consortium_detail(request, pk):
    """A consortium's page: its members and stage, and its eligibility for each open call."""
    consortium = consortia_selectors.consortium_for(request.user, pk)
    open_calls = (
        Call.objects.open_now()
        .filter(programme__applicant_type="consortium")
        .select_related("programme__agency")
        .prefetch_related("rules")
        .order_by("closes_at")
    )
    applied = set(
        Application.objects.filter(consortium=consortium)
        .exclude(status=Application.Status.WITHDRAWN)
        .values_list("call_id", flat=True)
    )
    calls = [(call, evaluate_applicant(call, consortium=consortium, applied_call_ids=applied)) for call in open_calls]
    return render(
        request,
        "consortia/consortium_detail.html",
        {
            "consortium": consortium,
            "memberships": list(consortium.memberships.all()),
            "stage": Stage(consortia_services.consortium_stage(consortium)).in_sentence,
            "can_manage": consortia_services.can_manage_consortium(request.user, consortium),
            "calls": calls,
            "invite_form": InviteForm(),
            "follow_up": consortia_selectors.consortium_follow_up(consortium=consortium, user=request.user),
        },
    )
