from django import forms
from django.contrib import admin, messages
from django.db.models import OuterRef, Q, Subquery, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from consortia.models import Stage
from consortia.services import consortium_stage
from portal.money import format_eur
from portal.refusals import show_refusal
from portal.regions import NUTS2
from portal.scoping import AgencyScopedAdmin, scope_queryset
from programmes.rules import evaluate_application

from . import (
    admin_budgets,  # noqa: F401  (programme-year budgets, their lines, the agency's spending)
    admin_formation,  # noqa: F401  (the formation's establish page and its grant, seed 002)
    admin_programmes,  # noqa: F401  (the call page completed, the reports)
)
from .admin_workflow import approve_at_maximum, available_moves, put_on_reserve, start_review, workflow_urls

# The PIMEX admin (sessions and attendance, participants, commitments of calls) registers itself.
from .answers import answers_shown
from .decision_facts import decision_record
from .exports import export_applications_csv, export_applications_xlsx, export_budget_lines_csv
from .indicators import decided_stage
from .models import (
    Application,
    Attachment,
    BudgetLine,
    ContractWon,
    Expense,
    Payment,
    ProjectReport,
    ReportActivity,
    Status,
    StatusChange,
)
from .pimex import admin as pimex_admin  # noqa: F401
from .post_award import PostAwardRefused, accepted_costs, expense_verify, paid_amount, payable_amount
from .retention import application_of, deletable
from .review_admin import ReviewInline, review_urls
from .reviews import review_summary, reviews_prefetch


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0
    fields = ["position", "category", "description", "amount"]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["kind", "download", "content_type", "size", "sha256", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("file"))
    def download(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("applications:attachment", args=[obj.pk]), obj.original_name)


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    fk_name = "application"
    extra = 0
    fields = ["changed_at", "from_status", "to_status", "changed_by", "note", "amounts", "proposed_next"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("status history")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by", "proposed_next")

    @admin.display(description=_("granted amount"))
    def amounts(self, obj):
        if obj.amount_after is None:
            return "—"
        return f"{format_eur(obj.amount_before)} → {format_eur(obj.amount_after)}"


class ProjectReportInline(admin.TabularInline):
    """The beneficiary's reports: staff may move a due date (an extension); the rest is the applicant's."""

    model = ProjectReport
    extra = 0
    fields = ["kind", "due_on", "status", "submitted_at", "late"]
    readonly_fields = ["kind", "status", "submitted_at", "late"]
    can_delete = False
    verbose_name_plural = _("beneficiary reports")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("late"), boolean=True)
    def late(self, obj):
        return obj.is_late if obj.pk else None


class PaymentInline(admin.TabularInline):
    """Payments are recorded through "Record a payment" (the rules on money), never edited."""

    model = Payment
    extra = 0
    can_delete = False
    fields = ["paid_on", "amount", "note", "recorded_by", "recorded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class StageFilter(admin.SimpleListFilter):
    """The consortium stage an application counts in: the one frozen at its decision, else today's.

    The same SQL expression as the dashboards (`applications.indicators.decided_stage`), built on the
    consortia's own rule, so the list, its filter and the dashboards agree.
    """

    title = _("consortium stage")
    parameter_name = "stage"

    def lookups(self, request, model_admin):
        return Stage.choices

    def queryset(self, request, queryset):
        if self.value() not in Stage.values:
            return queryset
        return (
            queryset.filter(consortium__isnull=False)
            .alias(counted_stage=decided_stage(timezone.localdate()))
            .filter(counted_stage=self.value())
        )


class RegionFilter(admin.SimpleListFilter):
    """NUTS 2 region of the applicant: the organisation's, or the consortium lead's."""

    title = _("region")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        return [(code, f"{code} {name}") for code, name in NUTS2.items()]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(Q(organisation__region=self.value()) | Q(consortium__lead__region=self.value()))


class KeptUntilRetention:
    """Admin mixin for an operation's records (applications.retention): no delete button before the
    retention date, and a bulk delete that includes a kept record deletes nothing and says why."""

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not deletable(application_of(obj)):
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        kept = {application_of(obj) for obj in queryset}
        kept = sorted(str(a) for a in kept if not deletable(a))
        if kept:
            messages.error(
                request,
                _("Not deleted: %(list)s must be kept until their retention date.") % {"list": ", ".join(kept)},
            )
            return
        super().delete_queryset(request, queryset)


@admin.register(Application)
class ApplicationAdmin(KeptUntilRetention, AgencyScopedAdmin):
    agency_path = "call__programme__agency"
    list_display = [
        "reference",
        "title",
        "applicant",
        "call",
        "status",
        "submitted_at",
        "eligible_costs_eur",
        "max_grant_eur",
        "granted",
        "stage",
        "average_score",
    ]
    actions = [
        start_review,
        approve_at_maximum,
        put_on_reserve,
        export_applications_xlsx,
        export_applications_csv,
        export_budget_lines_csv,
    ]

    def get_urls(self):
        return review_urls(self) + workflow_urls(self) + super().get_urls()

    def get_readonly_fields(self, request, obj=None):
        # What the applicant submitted is evidence: once submitted, staff read it, never edit it.
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != Status.DRAFT:
            fields += [
                f
                for f in (
                    "call",
                    "consortium",
                    "organisation",
                    "title",
                    "summary",
                    "target_markets",
                    "granted_amount",
                    "clarification_due_on",
                )
                if f not in fields
            ]
        return fields

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is not None and obj.status != Status.DRAFT:
            for inline in inlines:
                if isinstance(inline, BudgetLineInline):
                    inline.readonly_fields = inline.fields
                    inline.can_delete = False
                    inline.max_num = 0
        return inlines

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST" and str(object_id).isdigit():
            # A save reads the application under its lock, as the submission and every move of its
            # status take it (held to the end of the request's transaction): a submission or a
            # decision under way is waited for, and the page is then judged on the status it left.
            # What only a draft lets staff edit (the project, the budget lines) is then read-only.
            scoped = scope_queryset(Application.objects.all(), request.user, self.agency_path)
            list(scoped.select_for_update(of=("self",)).filter(pk=object_id).values_list("pk", flat=True))
        application = self.get_queryset(request).filter(pk=object_id).first()
        extra_context = {**(extra_context or {}), "workflow_moves": available_moves(application) if application else []}
        return super().change_view(request, object_id, form_url, extra_context)

    list_display_links = ["reference", "title"]
    list_filter = ["status", "call__programme__agency", "call__programme", "call", StageFilter, RegionFilter]
    list_select_related = ["call", "consortium", "organisation"]
    search_fields = [
        "reference",
        "title",
        "consortium__name",
        "organisation__legal_name",
        "organisation__tax_id",
    ]
    date_hierarchy = "submitted_at"
    # Status moves go through the workflow (services), never by editing the field.
    readonly_fields = [
        "status",
        "reference",
        "submitted_at",
        "created_by",
        "created_at",
        "updated_at",
        "declarations",
        "rules_evaluation",
        "accepted_at",
        "accepted_by",
        "retention_until",
        "money_after_grant",
        "decision",
        "from_formation",
        "decision_override_reason",
        "questions_answered",
    ]
    inlines = [BudgetLineInline, AttachmentInline, StatusChangeInline, ProjectReportInline, PaymentInline, ReviewInline]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return [
                (name, {**opts, "fields": [f for f in opts["fields"] if f not in ("rules_evaluation", "decision")]})
                for name, opts in fieldsets
            ]
        main = [f for f in fieldsets[0][1]["fields"] if f not in ("rules_evaluation", "decision", "questions_answered")]
        blocks = [
            (None, {"fields": main}),
            (_("Answers to the call's questions"), {"fields": ["questions_answered"]}),
            (_("Eligibility and maximum grant"), {"fields": ["rules_evaluation"]}),
        ]
        if obj.decision_rules:
            blocks.append((_("Decision"), {"fields": ["decision"]}))
        return blocks

    @admin.display(description=_("answers"))
    def questions_answered(self, obj):
        # In the reader's language: the questions and the answers cannot change once the application is
        # submitted (a call's questions are frozen then, answers change only in a draft), so these are
        # the submitted answers; the receipt keeps them in the language of the submission.
        if obj is None:
            return "—"
        rows = answers_shown(obj)
        if not rows:
            return "—"
        return format_html(
            '<table class="answers">{}</table>',
            format_html_join(
                "", '<tr><th scope="row">{}</th><td>{}</td></tr>', ((r["label"], r["value"] or "—") for r in rows)
            ),
        )

    @admin.display(description=_("facts the decision rested on"))
    def decision(self, obj):
        # Frozen at approval (applications.decision_facts): read back, never worked out again.
        record = decision_record(obj) if obj is not None else None
        if record is None:
            return "—"
        return render_to_string("applications/_decision.html", {"decision": record})

    @admin.display(description=_("consortium formation"))
    def from_formation(self, obj):
        # The seed funding of a consortium the agency formed (seed 002): the grant comes from its formation.
        if obj is None or obj.formation_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:programmes_formation_change", args=[obj.formation_id]),
            _("Seed funding of the formation “%(formation)s”") % {"formation": obj.formation},
        )

    @admin.display(description=_("after the grant"))
    def money_after_grant(self, obj):
        if obj is None or obj.status not in (Status.APPROVED, Status.CLOSED):
            return "—"

        return _("Accepted costs %(costs)s · payable %(payable)s · paid %(paid)s") % {
            "costs": format_eur(accepted_costs(obj)),
            "payable": format_eur(payable_amount(obj)),
            "paid": format_eur(paid_amount(obj)),
        }

    @admin.display(description=_("rules of the call"))
    def rules_evaluation(self, obj):
        evaluation = evaluate_application(obj)
        return render_to_string("admin/applications/evaluation.html", {"evaluation": evaluation})

    def get_queryset(self, request):
        # A correlated subquery, not a join: the database sums the lines of the rows shown only,
        # and the count and date queries of the list do not group 350,000 budget lines.
        total = (
            BudgetLine.objects.filter(application=OuterRef("pk"))
            .order_by()
            .values("application")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(budget_total=Subquery(total), counted_stage=decided_stage(timezone.localdate()))
        )

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # Scores for the average column, fetched once for the page.
        changelist.result_list = changelist.result_list.prefetch_related(reviews_prefetch())
        return changelist

    @admin.display(description=_("stage"))
    def stage(self, obj):
        """The stage frozen at the decision, else today's (the dashboards' rule, worked out in the list's query)."""
        if obj.consortium_id is None:
            return "—"
        stage = getattr(obj, "counted_stage", None) or obj.decided_stage or consortium_stage(obj.consortium)
        return Stage(stage).label

    @admin.display(description=_("average score"))
    def average_score(self, obj):
        summary = review_summary(obj)
        if summary.average is None:
            return "—"
        flag = " ⚠" if summary.diverges else ""
        return f"{summary.average} ({summary.completed}/{summary.required}){flag}"

    @admin.display(description=_("applicant"))
    def applicant(self, obj):
        return obj.applicant_name

    @admin.display(description=_("eligible costs"), ordering="eligible_costs")
    def eligible_costs_eur(self, obj):
        # Submitted: what the rules counted then; a draft: its budget so far.
        return format_eur(obj.eligible_costs if obj.eligible_costs is not None else obj.budget_total)

    @admin.display(description=_("maximum grant"), ordering="max_grant")
    def max_grant_eur(self, obj):
        return format_eur(obj.max_grant)

    @admin.display(description=_("granted"), ordering="granted_amount")
    def granted(self, obj):
        return format_eur(obj.granted_amount) if obj.granted_amount is not None else "—"


@admin.register(BudgetLine)
class BudgetLineAdmin(KeptUntilRetention, AgencyScopedAdmin):
    agency_path = "application__call__programme__agency"
    list_display = ["application", "category", "description", "amount_eur"]
    list_filter = ["category__programme", "category"]
    list_select_related = ["application", "category"]
    search_fields = ["description", "application__reference"]

    @admin.display(description=_("amount"), ordering="amount")
    def amount_eur(self, obj):
        return format_eur(obj.amount)


@admin.register(Attachment)
class AttachmentAdmin(KeptUntilRetention, AgencyScopedAdmin):
    agency_path = "application__call__programme__agency"
    list_display = ["original_name", "application", "kind", "size", "uploaded_at"]
    list_filter = ["kind"]
    list_select_related = ["application"]
    search_fields = ["original_name", "application__reference"]
    readonly_fields = ["original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    private_file_urls = {"file": "applications:attachment"}

    def has_add_permission(self, request):
        # Documents come from the applicants' pages, through the service that checks their content.
        return False


@admin.register(StatusChange)
class StatusChangeAdmin(AgencyScopedAdmin):
    agency_path = "application__call__programme__agency"
    list_display = ["application", "from_status", "to_status", "changed_by", "changed_at"]
    list_filter = ["to_status"]
    list_select_related = ["application", "changed_by"]
    search_fields = ["application__reference"]
    readonly_fields = [
        "application",
        "from_status",
        "to_status",
        "changed_by",
        "changed_at",
        "note",
        "amount_before",
        "amount_after",
        "proposed_next",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ExpenseForm(forms.ModelForm):
    class Meta:
        model = Expense
        fields = ["status", "rejection_reason"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Expense.Status.REJECTED and not (cleaned.get("rejection_reason") or "").strip():
            self.add_error("rejection_reason", _("Give the reason: the beneficiary is told."))
        return cleaned


class ExpenseInline(admin.TabularInline):
    """Each expense of the report, to accept or reject (with a reason) once the report is sent."""

    model = Expense
    form = ExpenseForm
    extra = 0
    can_delete = False
    fields = ["budget_line", "description", "supplier", "invoice_link", "invoice_date", "amount", "status",
              "rejection_reason", "verified_by", "verified_at"]  # fmt: skip
    readonly_fields = ["budget_line", "description", "supplier", "invoice_link", "invoice_date", "amount",
                       "verified_by", "verified_at"]  # fmt: skip

    def has_add_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is None or obj.status != ProjectReport.Status.SUBMITTED or obj.application.status != Status.APPROVED:
            return [*self.readonly_fields, "status", "rejection_reason"]
        return self.readonly_fields

    @admin.display(description=_("invoice"))
    def invoice_link(self, obj):
        if obj.invoice_id is None:
            return obj.invoice_number
        return format_html(
            '<a href="{}">{}</a>', reverse("applications:attachment", args=[obj.invoice_id]), obj.invoice_number
        )


class ReportActivityInline(admin.TabularInline):
    model = ReportActivity
    extra = 0
    can_delete = False
    fields = ["carried_out_on", "action_type", "category", "description", "country"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ContractWonInline(admin.TabularInline):
    model = ContractWon
    extra = 0
    can_delete = False
    fields = ["signed_on", "description", "country", "value"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProjectReport)
class ProjectReportAdmin(AgencyScopedAdmin):
    agency_path = "application__call__programme__agency"
    list_display = ["application", "applicant", "kind", "due_on", "status", "submitted_at"]
    list_filter = ["status", "kind", "application__call__programme", "application__call"]
    list_select_related = ["application__consortium", "application__organisation"]
    search_fields = ["application__reference", "application__title"]
    date_hierarchy = "due_on"
    fields = [
        "application",
        "kind",
        "due_on",
        "status",
        "submitted_at",
        "submitted_by",
        "narrative",
        "export_turnover_before",
        "export_turnover_after",
        "jobs_created",
        "new_markets",
        "smes_reached",
        "money",
    ]
    readonly_fields = [f for f in fields if f != "due_on"]
    inlines = [ExpenseInline, ReportActivityInline, ContractWonInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        # A submitted report is evidence: its due date no longer moves.
        if obj is not None and obj.status != ProjectReport.Status.DUE:
            return [*self.readonly_fields, "due_on"]
        return self.readonly_fields

    @admin.display(description=_("accepted costs and payable amount"))
    def money(self, obj):
        application = obj.application
        return _("Accepted costs %(costs)s · payable %(payable)s (granted %(granted)s) · paid %(paid)s") % {
            "costs": format_eur(accepted_costs(application)),
            "payable": format_eur(payable_amount(application)),
            "granted": format_eur(application.granted_amount),
            "paid": format_eur(paid_amount(application)),
        }

    def save_formset(self, request, form, formset, change):
        """Verification goes through the service: rules on money, a reason for each rejection, who and when."""

        if formset.model is not Expense:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # what changed, for the admin's history message; saved below
        for inline_form in formset.forms:
            expense = inline_form.instance
            if not inline_form.has_changed() or expense.pk is None:
                continue
            status = inline_form.cleaned_data.get("status")
            if status == Expense.Status.CLAIMED:
                continue
            try:
                expense_verify(
                    expense=expense,
                    accepted=status == Expense.Status.ACCEPTED,
                    reason=inline_form.cleaned_data.get("rejection_reason", ""),
                    by=request.user,
                )
            except PostAwardRefused as refusal:
                show_refusal(request, refusal, about=expense)

    @admin.display(description=_("applicant"))
    def applicant(self, obj):
        return obj.application.applicant_name
