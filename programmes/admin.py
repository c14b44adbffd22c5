from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from portal.money import format_eur, to_cents
from portal.refusals import show_refusal
from portal.scoping import AgencyScopedAdmin

from .models import Agency, AidAward, Call, CallRule, CostCategory, Programme, ReviewCriterion


@admin.register(Agency)
class AgencyAdmin(AgencyScopedAdmin):
    agency_path = "pk"
    list_display = ["name", "short_name", "country", "region", "timezone"]
    list_filter = ["country", "timezone"]
    search_fields = ["name", "short_name", "region"]
    prepopulated_fields = {"slug": ["name"]}


class CostCategoryInline(admin.TabularInline):
    model = CostCategory
    extra = 0
    fields = ["position", "code", "name", "description"]


class CallInline(admin.TabularInline):
    model = Call
    extra = 0
    fields = ["title", "opens_at", "closes_at", "budget", "is_published"]
    show_change_link = True


@admin.register(Programme)
class ProgrammeAdmin(AgencyScopedAdmin):
    agency_path = "agency"
    list_display = ["name", "agency", "kind", "applicant_type", "annual_budget_eur", "is_active"]
    list_filter = ["kind", "agency", "is_active"]
    list_select_related = ["agency"]
    search_fields = ["name", "agency__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CostCategoryInline, CallInline]
    fieldsets = (
        (None, {"fields": ("agency", "kind", "applicant_type", "name", "slug", "is_active")}),
        (_("Texts for applicants"), {"fields": ("summary", "who_can_apply", "funding_rules")}),
        (_("Funding"), {"fields": ("annual_budget", "funding_rate", "grant_min", "grant_max")}),
        (_("EU fund"), {"fields": ("fund", "specific_objective", "intervention_type", "eu_cofinancing_rate")}),
    )

    @admin.display(description=_("yearly budget"), ordering="annual_budget")
    def annual_budget_eur(self, obj):
        return format_eur(obj.annual_budget)


class CallRuleForm(forms.ModelForm):
    code = forms.ChoiceField(label=_("rule"), choices=())

    class Meta:
        model = CallRule
        fields = ["position", "code", "number", "amount", "limit", "rate", "choices", "category"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from programmes.rules import RULE_CHOICES

        self.fields["code"].choices = [("", "---------"), *RULE_CHOICES]


class CallRuleInline(admin.TabularInline):
    """The call's rules, in order; bad parameters are refused next to the field."""

    model = CallRule
    form = CallRuleForm
    extra = 0
    fields = ["position", "code", "number", "amount", "limit", "rate", "choices", "category", "in_plain_words"]
    readonly_fields = ["in_plain_words"]
    verbose_name_plural = _("eligibility and funding rules (checked in this order)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category", "call")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":
            call_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            queryset = CostCategory.objects.select_related("programme")
            if call_id:
                queryset = queryset.filter(programme__calls__pk=call_id)
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("in plain words"))
    def in_plain_words(self, obj):
        from programmes.rules import describe_rule

        return describe_rule(obj) if obj.pk else "—"


class ReviewCriterionInline(admin.TabularInline):
    """The criteria reviewers score, in order, each with its weight, maximum and minimum threshold."""

    model = ReviewCriterion
    extra = 0
    fields = ["position", "name", "weight", "max_score", "min_score"]
    verbose_name_plural = _("review criteria (weighted total on a 0–100 scale)")


@admin.register(Call)
class CallAdmin(AgencyScopedAdmin):
    agency_path = "programme__agency"
    inlines = [CallRuleInline, ReviewCriterionInline]
    change_form_template = "admin/programmes/call/change_form.html"
    list_display = ["title", "programme", "year", "opens_at", "closes_at", "budget_eur", "applications", "is_published"]
    list_filter = ["programme__agency", "programme__kind", "programme", "year", "is_published"]
    list_select_related = ["programme__agency"]
    search_fields = ["title", "programme__name", "reference_prefix"]
    date_hierarchy = "closes_at"
    readonly_fields = ["last_reference_number", "committed_eur", "remaining_eur"]
    prepopulated_fields = {"slug": ["title"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(application_count=Count("applications"))

    def save_model(self, request, obj, form, change):
        previous = {}
        if change and {"interim_report_due_on", "final_report_due_on"} & set(form.changed_data):
            previous = {
                "interim": form.initial.get("interim_report_due_on"),
                "final": form.initial.get("final_report_due_on"),
            }
        super().save_model(request, obj, form, change)
        if previous:
            from applications.beneficiary_reports import call_reports_reschedule

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
        from applications.decisions import call_committed

        return format_eur(call_committed(obj.pk)) if obj and obj.pk else "—"

    @admin.display(description=_("remaining budget"))
    def remaining_eur(self, obj):
        from applications.decisions import call_remaining

        return format_eur(call_remaining(obj)) if obj and obj.pk else "—"

    def ranking_view(self, request, pk):
        """The call's ranking with its cut-off line; POST applies it (approve above, reserve below)."""
        from applications.decisions import call_committed, next_reserve
        from applications.reviews import ranking, ranking_apply

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
        committed = call_committed(call.pk)
        remaining = to_cents(call.budget - committed)
        proposal = next_reserve(call) if remaining > 0 else None
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
        }
        return TemplateResponse(request, "admin/programmes/call/ranking.html", context)

    @admin.display(description=_("budget"), ordering="budget")
    def budget_eur(self, obj):
        return format_eur(obj.budget)

    @admin.display(description=_("applications"), ordering="application_count")
    def applications(self, obj):
        return obj.application_count


@admin.register(CostCategory)
class CostCategoryAdmin(AgencyScopedAdmin):
    agency_path = "programme__agency"
    list_display = ["name", "code", "programme", "position"]
    list_filter = ["programme__agency", "programme"]
    list_select_related = ["programme"]
    search_fields = ["name", "code"]


@admin.register(AidAward)
class AidAwardAdmin(AgencyScopedAdmin):
    """The de minimis ledger. Rows written by a grant decision cannot be edited or deleted here;
    aid declared from other authorities can be added by hand."""

    agency_path = "programme__agency"

    list_display = ["organisation", "programme", "amount_eur", "awarded_on", "legal_basis"]
    list_filter = ["legal_basis", "programme"]
    list_select_related = ["organisation", "programme"]
    search_fields = ["organisation__legal_name", "organisation__tax_id"]
    date_hierarchy = "awarded_on"
    autocomplete_fields = ["organisation", "programme", "application"]
    fields = ["organisation", "legal_basis", "amount", "awarded_on", "programme", "application", "granting_authority"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.application_id is not None:
            return [*self.fields, "created_at"]
        return ["created_at"]

    def get_fields(self, request, obj=None):
        return [*self.fields, "created_at"] if obj is not None else self.fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.application_id is not None:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("amount"), ordering="amount")
    def amount_eur(self, obj):
        return format_eur(obj.amount)


# --- Reports ------------------------------------------------------------------------------------

from django.urls import reverse  # noqa: E402

from .models import Report  # noqa: E402


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
        from programmes.reports import report_parameters_clean

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
        from programmes.reports import report_agency, report_request

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
        from django.http import FileResponse, Http404

        report = self.get_queryset(request).filter(pk=pk, status=Report.Status.DONE).first()
        if report is None or not report.file or not self.has_view_permission(request, report):
            raise Http404(gettext("No such report, or it is not ready."))
        return FileResponse(report.file.open("rb"), as_attachment=True, filename=report.file.name.rsplit("/", 1)[-1])

    def changelist_view(self, request, extra_context=None):
        in_progress = (
            self.get_queryset(request).filter(status__in=[Report.Status.QUEUED, Report.Status.RUNNING]).exists()
        )
        return super().changelist_view(request, {**(extra_context or {}), "reports_in_progress": in_progress})

    @admin.display(description=_("progress"), ordering="progress")
    def progress_percent(self, obj):
        return f"{obj.progress} %"

    @admin.display(description=_("file"))
    def download_link(self, obj):
        from django.utils.html import format_html

        if obj.status != Report.Status.DONE or not obj.file:
            return obj.error[:120] if obj.status == Report.Status.FAILED else "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:programmes_report_download", args=[obj.pk]), gettext("Download")
        )

    @admin.action(description=_("Retry the selected failed reports"), permissions=["add"])
    def retry_reports(self, request, queryset):
        from programmes.reports import report_retry

        retried = [report_retry(report) for report in queryset.filter(status=Report.Status.FAILED)]
        messages.info(
            request,
            ngettext("%(count)d report queued again.", "%(count)d reports queued again.", len(retried))
            % {"count": len(retried)},
        )


# PIMEX coaching: sessions and attendance, participants, commitments of calls.
from programmes.pimex import admin as pimex_admin  # noqa: E402, F401
