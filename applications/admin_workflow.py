"""The workflow in the admin: one page per move, offered as buttons on the application page and as list actions."""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal.localization import LocalDecimalField
from portal.money import format_eur
from portal.refusals import Refused, show_refusal

from . import decisions
from .models import Status
from .post_award import paid_amount, payable_amount, payment_record
from .renunciations import GrantEnded, application_withdraw, grant_renounce, grant_revoke
from .review_summary import OVERRIDE_FIELD, conflicted_applications, may_override, review_problems, review_summary
from .workflow import RENOUNCE, REVOKE, STAFF, WITHDRAW, check_end, may_end, may_move


class NoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Reason (sent to the applicant)"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )


class ClarificationForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Question for the applicant"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    due_on = forms.DateField(label=gettext_lazy("Answer due on"), widget=forms.DateInput(attrs={"type": "date"}))


class ApproveForm(forms.Form):
    amount = LocalDecimalField(
        label=gettext_lazy("Granted amount (EUR)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    # Shown only to a programme manager, on an application its reviews do not yet allow to approve.
    override_reason = forms.CharField(
        label=gettext_lazy("Reason to approve against the reviews"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Only if you approve although the reviews are missing or below the minimums: "
            "kept with the decision and in its history, not sent to the applicant."
        ),
    )


class RenounceForm(forms.Form):
    """A renunciation the beneficiary sent the agency: the whole grant, or a part (the amount it keeps)."""

    amount = LocalDecimalField(
        label=gettext_lazy("Amount the beneficiary keeps (EUR)"),
        help_text=gettext_lazy("Empty: the whole grant is renounced. Never below what was already paid."),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.00"),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason given by the beneficiary"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the revocation (sent to the beneficiary)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


class PaymentForm(forms.Form):
    amount = LocalDecimalField(
        label=gettext_lazy("Amount paid (EUR)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    paid_on = forms.DateField(label=gettext_lazy("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=gettext_lazy("Note (optional)"), required=False, max_length=300)


# name: (target status, label, form, service call)
MOVES = {
    "review": (Status.UNDER_REVIEW, gettext_lazy("Start the review"), None),
    "clarify": (Status.CLARIFICATION_REQUESTED, gettext_lazy("Request a clarification"), ClarificationForm),
    "approve": (Status.APPROVED, gettext_lazy("Approve"), ApproveForm),
    "reserve": (Status.RESERVE, gettext_lazy("Put on the reserve list"), NoteForm),
    "reject": (Status.REJECTED, gettext_lazy("Reject"), ReasonForm),
    "withdraw": (Status.WITHDRAWN, gettext_lazy("Withdraw"), ReasonForm),
    "renounce": (Status.WITHDRAWN, gettext_lazy("Record a renunciation"), RenounceForm),
    "revoke": (Status.WITHDRAWN, gettext_lazy("Revoke the grant"), RevokeForm),
    "close": (Status.CLOSED, gettext_lazy("Close"), NoteForm),
}
# Moves that end an application early: who may make them is the workflow's rule on endings.
ENDING_MOVES = {"withdraw": WITHDRAW, "renounce": RENOUNCE, "revoke": REVOKE}


def move_allowed(name, status) -> bool:
    if name in ENDING_MOVES:
        return may_end(ENDING_MOVES[name], status, actor=STAFF)
    return may_move(status, MOVES[name][0], actor=STAFF)


def available_moves(application):
    return [(name, label) for name, (_target, label, _form) in MOVES.items() if move_allowed(name, application.status)]


def perform(name, *, application, by, data):
    """Carry out one move with the cleaned form data; raises a refusal (DecisionRefused, IllegalTransition...)."""

    note = data.get("note", "")
    if name == "review":
        return decisions.review_start(application=application, by=by)
    if name == "clarify":
        return decisions.clarification_request(application=application, by=by, message=note, due_on=data["due_on"])
    if name == "approve":
        return decisions.application_approve(
            application=application,
            by=by,
            amount=data["amount"],
            note=note,
            override_reason=data.get("override_reason", ""),
        )
    if name == "reserve":
        return decisions.application_reserve(application=application, by=by, note=note)
    if name == "reject":
        return decisions.application_reject(application=application, by=by, reason=note)
    if name == "withdraw":
        return application_withdraw(application=application, by=by, note=note, as_staff=True)
    if name == "renounce":
        return grant_renounce(
            application=application, by=by, reason=data["reason"], amount=data.get("amount"), as_staff=True
        )
    if name == "revoke":
        return grant_revoke(application=application, by=by, reason=data["reason"])
    return decisions.application_close(application=application, by=by, note=note)


def workflow_urls(model_admin):
    def move_view(request, pk, name):
        if name not in MOVES:
            raise PermissionDenied
        application = model_admin.get_queryset(request).filter(pk=pk).first()
        if application is None or not model_admin.has_change_permission(request, application):
            messages.error(request, _("This application does not exist or is not of your agency."))
            return redirect("admin:index")
        target, label, form_class = MOVES[name]
        change_url = reverse("admin:applications_application_change", args=[pk])
        if not move_allowed(name, application.status):
            if name in ENDING_MOVES:
                try:
                    check_end(ENDING_MOVES[name], application.status, actor=STAFF)
                except Refused as refusal:
                    show_refusal(request, refusal)
            else:
                messages.error(
                    request,
                    _("An application that is “%(from)s” cannot become “%(to)s”.")
                    % {"from": application.get_status_display(), "to": Status(target).label},
                )
            return redirect(change_url)
        initial = {"amount": application.max_grant} if name == "approve" else {}
        form = form_class(request.POST or None, initial=initial) if form_class else None
        lacking = []
        if name == "approve":
            # What the reviews lack, for everyone; the reason to approve anyway, for a manager only.
            lacking = review_problems(review_summary(application))
            if not lacking or not may_override(request.user, application):
                del form.fields[OVERRIDE_FIELD]
        if request.method == "POST" and (form is None or form.is_valid()):
            try:
                result = perform(name, application=application, by=request.user, data=form.cleaned_data if form else {})
            except Refused as refusal:
                if form is None:
                    show_refusal(request, refusal)
                    return redirect(change_url)
                show_refusal(form, refusal)
            else:
                messages.success(request, _("Done: %(move)s.") % {"move": label})
                if isinstance(result, GrantEnded):
                    _say_what_is_freed(request, result)
                return redirect(change_url)
        context = {
            **model_admin.admin_site.each_context(request),
            "title": f"{label}: {application}",
            "application": application,
            "form": form,
            "label": label,
            "opts": model_admin.model._meta,
            "change_url": change_url,
            "remaining": decisions.call_remaining(application.call) if name == "approve" else None,
            "granted": application.granted_amount if name in ("renounce", "revoke") else None,
            "paid": paid_amount(application) if name in ("renounce", "revoke") else None,
            "review_problems": lacking,
        }
        return TemplateResponse(request, "admin/applications/move.html", context)

    def payment_view(request, pk):
        """Record a payment: the form proposes what is left to pay; the service enforces the rules."""
        from django.utils import timezone

        application = model_admin.get_queryset(request).filter(pk=pk).first()
        if application is None or not model_admin.has_change_permission(request, application):
            messages.error(request, _("This application does not exist or is not of your agency."))
            return redirect("admin:index")
        change_url = reverse("admin:applications_application_change", args=[pk])
        payable, paid = payable_amount(application), paid_amount(application)
        label = _("Record a payment")
        form = PaymentForm(request.POST or None, initial={"amount": payable - paid, "paid_on": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            try:
                payment_record(application=application, by=request.user, **form.cleaned_data)
            except Refused as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, _("Payment recorded."))
                return redirect(change_url)
        context = {
            **model_admin.admin_site.each_context(request),
            "title": f"{label}: {application}",
            "application": application,
            "form": form,
            "label": label,
            "opts": model_admin.model._meta,
            "change_url": change_url,
            "payable": payable,
            "paid": paid,
        }
        return TemplateResponse(request, "admin/applications/move.html", context)

    return [
        path(
            "<int:pk>/move/<str:name>/",
            model_admin.admin_site.admin_view(move_view),
            name="applications_application_move",
        ),
        path(
            "<int:pk>/payment/",
            model_admin.admin_site.admin_view(payment_view),
            name="applications_application_payment",
        ),
    ]


def _say_what_is_freed(request, result: GrantEnded):
    """After a renunciation or revocation: the money freed on the call, and the reserve application it could fund."""
    withheld = {row["application_id"] for row in conflicted_applications(request.user)}
    if result.next_reserve is not None and result.next_reserve.pk in withheld:
        # A reviewer in conflict on the proposed application is not told whose it is.
        messages.info(
            request,
            _(
                "%(freed)s freed on the call; an application on the reserve list fits it: another member of the "
                "agency will propose it."
            )
            % {"freed": format_eur(result.freed)},
        )
        return
    if result.next_reserve is None:
        messages.info(
            request,
            _("%(freed)s freed on the call; no application on the reserve list fits it.")
            % {"freed": format_eur(result.freed)},
        )
        return
    url = reverse("admin:applications_application_change", args=[result.next_reserve.pk])
    messages.info(
        request,
        format_html(
            _('{freed} freed on the call. Next on the reserve list: <a href="{url}">{application}</a>.'),
            freed=format_eur(result.freed),
            url=url,
            application=result.next_reserve,
        ),
    )


def _bulk(modeladmin, request, queryset, name, amount_from_max=False):
    if name == "approve":
        decisions.calls_lock(queryset.values("call_id"))
    done = 0
    for application in queryset.select_related("call"):
        data = {"amount": application.max_grant} if amount_from_max else {}
        if amount_from_max and application.max_grant is None:
            modeladmin.message_user(
                request,
                _("%(application)s: no maximum grant recorded") % {"application": application},
                messages.ERROR,
            )
            continue
        try:
            perform(name, application=application, by=request.user, data=data)
            done += 1
        except Refused as refusal:
            show_refusal(request, refusal, about=application)
    if done:
        modeladmin.message_user(
            request,
            ngettext("%(count)s application moved.", "%(count)s applications moved.", done) % {"count": done},
            messages.SUCCESS,
        )


@admin.action(description=gettext_lazy("Start the review of the selected applications"), permissions=["change"])
def start_review(modeladmin, request, queryset):
    _bulk(modeladmin, request, queryset, "review")


@admin.action(description=gettext_lazy("Approve at the maximum grant"), permissions=["change"])
def approve_at_maximum(modeladmin, request, queryset):
    _bulk(modeladmin, request, queryset, "approve", amount_from_max=True)


@admin.action(description=gettext_lazy("Put on the reserve list"), permissions=["change"])
def put_on_reserve(modeladmin, request, queryset):
    _bulk(modeladmin, request, queryset, "reserve")
