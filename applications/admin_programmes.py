"""The admin of programmes' calls and reports, completed with what only the case file knows.

programmes/admin.py configures calls (rules, criteria, dates, budget). This module, above it,
adds to the call's page the money committed by decisions, what remains, the ranking with its
cut-off, and the rescheduling of beneficiary reports; and it registers the reports' admin,
whose builders read applications.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from applications.exports import AnswerColumns
from applications.models import Application
from applications.review_summary import conflicted_applications
from applications.reviews import ranking, ranking_apply
from portal.admin_services import ServiceAdmin, ServiceForm
from portal.money import format_eur, to_cents
from portal.refusals import Refused, show_refusal
from portal.scoping import AgencyScopedAdmin
from programmes import admin as programmes_admin
from programmes.models import Call, Report

from .beneficiary_reports import call_reports_reschedule
from .budgets import BudgetRefused, call_budget_set
from .decisions import call_committed, call_remaining, next_reserve
from .reports import (
    is_building,
    is_retryable,
    is_stale,
    report_agency,
    report_parameters_clean,
    report_request,
    report_retry,
)


class CallForm(ServiceForm):
    """The call's page: its budget (and budget year) is set by `call_budget_set`, refused next to the field.

    Its programme is chosen once: a call's grants are committed on its programme's budget, and
    moving them to another programme would commit them there without a check.
    """

    set_once = ("programme",)

    def validate_unique(self):
        # The call itself is saved by the admin: its slug is checked here, as on any page.
        super(ServiceForm, self).validate_unique()


class CallAdmin(ServiceAdmin, programmes_admin.CallAdmin):
    form = CallForm
    service_refusals = (BudgetRefused,)
    readonly_fields = [
        *programmes_admin.CallAdmin.readonly_fields,
        "committed_eur",
        "remaining_eur",
        "next_reserve_proposed",
    ]

    def save_model(self, request, obj, form, change):
        if change and {"budget", "budget_year"} & set(form.changed_data):
            # Under the call's lock, never below what is committed (applications/budgets.py).
            call_budget_set(call=obj, budget=obj.budget, budget_year=obj.budget_year, by=request.user)
        previous = {}
        if change and {"interim_report_due_on", "final_report_due_on"} & set(form.changed_data):
            previous = {
                "interim": form.initial.get("interim_report_due_on"),
                "final": form.initial.get("final_report_due_on"),
            }
        super().save_model(request, obj, form, change)
        if previous:
            changed = call_reports_reschedule(call=obj, previous=previous)
            if changed:
                messages.info(
                    request,
                    ngettext(
                        "%(count)d beneficiary report scheduled or moved to the new date.",
                        "%(count)d beneficiary reports scheduled or moved to the new date.",
                        changed,
                    )
                    % {"count": changed},
                )

    def get_urls(self):
        ranking = path(
            "<int:pk>/ranking/", self.admin_site.admin_view(self.ranking_view), name="programmes_call_ranking"
        )
        return [ranking, *super().get_urls()]

    @admin.display(description=_("committed (approved grants)"))
    def committed_eur(self, obj):
        return format_eur(call_committed(obj.pk)) if obj and obj.pk else "—"

    @admin.display(description=_("remaining budget"))
    def remaining_eur(self, obj):
        return format_eur(call_remaining(obj)) if obj and obj.pk else "—"

    @admin.display(description=_("next on the reserve list"))
    def next_reserve_proposed(self, obj):
        """The reserve application the money left could fund (freed by a renunciation or revocation, say)."""
        if not (obj and obj.pk) or call_remaining(obj) <= 0:
            return "—"
        proposal = next_reserve(obj)
        if proposal is None:
            return gettext("No application on the reserve list fits what is left.")
        # Not named here: the ranking names it to those who may see it (not to a reviewer in conflict).
        return format_html(
            '<a href="{}" class="next-reserve">{}</a>',
            reverse("admin:programmes_call_ranking", args=[obj.pk]),
            gettext("An application on the reserve list fits (maximum grant %(amount)s): see the ranking.")
            % {"amount": format_eur(proposal.max_grant)},
        )

    def ranking_view(self, request, pk):
        """The call's ranking with its cut-off line; POST applies it (approve above, reserve below)."""

        call = self.get_queryset(request).select_related("programme__agency").filter(pk=pk).first()
        if call is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(pk))
        if not self.has_view_permission(request, call):
            raise PermissionDenied
        # Applying the ranking takes decisions: it needs the right to change the call and its applications.
        can_apply = self.has_change_permission(request, call) and request.user.has_perm(
            "applications.change_application"
        )
        if request.method == "POST":
            if not can_apply:
                raise PermissionDenied
            approved, reserved = outcome = ranking_apply(call=call, by=request.user)
            for application in approved:
                messages.success(
                    request,
                    gettext("%(application)s approved: %(amount)s.")
                    % {"application": application, "amount": format_eur(application.granted_amount)},
                )
            if reserved:
                messages.info(
                    request,
                    ngettext(
                        "%(count)d application put on the reserve list: %(list)s.",
                        "%(count)d applications put on the reserve list: %(list)s.",
                        len(reserved),
                    )
                    % {"count": len(reserved), "list": ", ".join(str(a) for a in reserved)},
                )
            for application, refusal in outcome.refused:
                show_refusal(request, refusal, about=application)
            if not (approved or reserved or outcome.refused):
                messages.info(request, gettext("Nothing to decide: no ready application changes place."))
            return HttpResponseRedirect(request.path)

        rows = ranking(call)
        # A reviewer who declared a conflict of interest sees the row's place and money, not whose it is.
        withheld = {row["application_id"] for row in conflicted_applications(request.user)}
        # The answers to the call's own questions, a column each, in the reader's language.
        answers = AnswerColumns(Application.objects.filter(pk__in=[row.application.pk for row in rows]), as_text=True)
        for row in rows:
            row.withheld = row.application.pk in withheld
            row.answers = [""] * len(answers.codes) if row.withheld else answers.row(row.application.pk)
        committed = call_committed(call.pk)
        remaining = to_cents(call.budget - committed)
        proposal = next_reserve(call) if remaining > 0 else None
        if proposal is not None and proposal.pk in withheld:
            proposal = None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Ranking of %(call)s") % {"call": call},
            "call": call,
            "rows": rows,
            "budget": call.budget,
            "committed": committed,
            "remaining": remaining,
            "next_reserve": proposal,
            "can_apply": can_apply,
            "line_drawn": any(row.first_below_line for row in rows),
            "answer_labels": answers.labels,
            "columns": 11 + len(answers.labels),
        }
        return TemplateResponse(request, "admin/programmes/call/ranking.html", context)


admin.site.unregister(Call)
admin.site.register(Call, CallAdmin)


class ReportRequestForm(forms.ModelForm):
    """Kind, format and parameters of a report; the parameters are checked against the user's agency."""

    class Meta:
        model = Report
        fields = ["kind", "format", "parameters"]
        help_texts = {
            "parameters": _(
                'For the list of operations: {"year": 2026} (optional) and {"programme_id": …} (optional); '
                'for a ranking list: {"call_id": …}; for an annual report: {"programme_id": …, "year": 2026}.'
            )
        }

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        user = self.request.user
        agency_id = None if user.is_superuser else getattr(user, "agency_id", None)
        if not user.is_superuser and agency_id is None:
            raise forms.ValidationError(_("Your account belongs to no agency: you cannot request reports."))
        try:
            cleaned["parameters"] = report_parameters_clean(
                kind=cleaned["kind"],
                format=cleaned["format"],
                parameters=cleaned.get("parameters"),
                agency_id=agency_id,
            )
        except forms.ValidationError as error:
            self.add_error("parameters", error)
        return cleaned


@admin.register(Report)
class ReportAdmin(AgencyScopedAdmin):
    agency_path = "agency"
    form = ReportRequestForm
    change_list_template = "programmes/reports/admin_change_list.html"
    change_form_template = "programmes/reports/admin_change_form.html"
    list_display = [
        "__str__",
        "kind",
        "format",
        "parameters",
        "status",
        "progress_percent",
        "requested_by",
        "created_at",
        "download_link",
    ]
    list_filter = ["status", "kind", "format"]
    list_select_related = ["requested_by"]
    actions = ["retry_reports"]
    readonly_fields = [
        "kind",
        "format",
        "parameters",
        "agency",
        "requested_by",
        "status",
        "progress",
        "error",
        "created_at",
        "started_at",
        "heartbeat_at",
        "attempts",
        "finished_at",
        "download_link",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            return form_class

        class RequestForm(form_class):
            def __init__(self, *args, **inner):
                super().__init__(*args, request=request, **inner)

        return RequestForm

    def get_fields(self, request, obj=None):
        return ["kind", "format", "parameters"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        # A report is never edited: it is requested, built, downloaded or retried.
        return False

    def save_model(self, request, obj, form, change):
        parameters = form.cleaned_data["parameters"]
        report = report_request(
            kind=obj.kind,
            format=obj.format,
            parameters=parameters,
            by=request.user,
            agency=report_agency(request.user, parameters),
        )
        obj.pk = report.pk
        obj.__dict__.update({k: v for k, v in report.__dict__.items() if not k.startswith("_")})

    def response_add(self, request, obj, post_url_continue=None):
        messages.success(request, gettext("Report requested: it is being built; this list refreshes itself."))
        return HttpResponseRedirect(reverse("admin:programmes_report_changelist"))

    def get_urls(self):
        download = path(
            "<int:pk>/download/", self.admin_site.admin_view(self.download_view), name="programmes_report_download"
        )
        return [download, *super().get_urls()]

    def download_view(self, request, pk):
        report = self.get_queryset(request).filter(pk=pk, status=Report.Status.DONE).first()
        if report is None or not report.file or not self.has_view_permission(request, report):
            raise Http404(gettext("No such report, or it is not ready."))
        return FileResponse(report.file.open("rb"), as_attachment=True, filename=report.file.name.rsplit("/", 1)[-1])

    def changelist_view(self, request, extra_context=None):
        # Refreshes while a report is being built; one whose build stopped ends the refreshing.
        building = self.get_queryset(request).filter(status__in=[Report.Status.QUEUED, Report.Status.RUNNING])
        in_progress = any(
            is_building(report) for report in building.only("status", "heartbeat_at", "started_at", "created_at")
        )
        return super().changelist_view(request, {**(extra_context or {}), "reports_in_progress": in_progress})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = self.get_object(request, object_id)
        retry = report is not None and is_retryable(report) and self.has_add_permission(request)
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "report_retryable": retry})

    @admin.display(description=_("progress"), ordering="progress")
    def progress_percent(self, obj):
        return f"{obj.progress} %"

    @admin.display(description=_("file"))
    def download_link(self, obj):
        if is_stale(obj):
            return gettext("Stopped: no sign of life since %(time)s. Retry it.") % {
                "time": date_format(timezone.localtime(obj.heartbeat_at or obj.started_at or obj.created_at), "H:i")
            }
        if obj.status != Report.Status.DONE or not obj.file:
            return obj.error[:120] if obj.status == Report.Status.FAILED else "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:programmes_report_download", args=[obj.pk]), gettext("Download")
        )

    @admin.action(description=_("Retry the selected failed or stopped reports"), permissions=["add"])
    def retry_reports(self, request, queryset):
        retried = 0
        for report in queryset:
            try:
                report_retry(report)
            except Refused as refusal:
                show_refusal(request, refusal, about=report)
            else:
                retried += 1
        messages.info(
            request,
            ngettext("%(count)d report queued again.", "%(count)d reports queued again.", retried) % {"count": retried},
        )
