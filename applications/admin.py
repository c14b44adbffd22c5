from django.contrib import admin
from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from portal.money import format_eur
from portal.scoping import AgencyScopedAdmin

from .admin_workflow import approve_at_maximum, available_moves, put_on_reserve, start_review, workflow_urls
from .exports import export_applications_csv, export_applications_xlsx, export_budget_lines_csv
from .models import Application, Attachment, BudgetLine, StatusChange


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0
    fields = ["position", "category", "description", "amount"]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["kind", "original_name", "content_type", "size", "sha256", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    fields = ["changed_at", "from_status", "to_status", "changed_by", "note"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("status history")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(AgencyScopedAdmin):
    agency_path = "call__programme__agency"
    scoped_foreign_keys = {"call": "programme__agency"}
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
        return workflow_urls(self) + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self.get_queryset(request).filter(pk=object_id).first()
        extra_context = {**(extra_context or {}), "workflow_moves": available_moves(application) if application else []}
        return super().change_view(request, object_id, form_url, extra_context)

    list_display_links = ["reference", "title"]
    list_filter = ["status", "call__programme__agency", "call__programme", "call"]
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
    ]
    inlines = [BudgetLineInline, AttachmentInline, StatusChangeInline]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return [
                (name, {**opts, "fields": [f for f in opts["fields"] if f != "rules_evaluation"]})
                for name, opts in fieldsets
            ]
        main = [f for f in fieldsets[0][1]["fields"] if f != "rules_evaluation"]
        return [(None, {"fields": main}), (_("Eligibility and maximum grant"), {"fields": ["rules_evaluation"]})]

    @admin.display(description=_("rules of the call"))
    def rules_evaluation(self, obj):
        from programmes.rules import evaluate_application

        evaluation = evaluate_application(obj)
        return render_to_string("admin/applications/evaluation.html", {"evaluation": evaluation})

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(budget_total=Sum("budget_lines__amount"))

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
class BudgetLineAdmin(AgencyScopedAdmin):
    agency_path = "application__call__programme__agency"
    list_display = ["application", "category", "description", "amount_eur"]
    list_filter = ["category__programme", "category"]
    list_select_related = ["application", "category"]
    search_fields = ["description", "application__reference"]

    @admin.display(description=_("amount"), ordering="amount")
    def amount_eur(self, obj):
        return format_eur(obj.amount)


@admin.register(Attachment)
class AttachmentAdmin(AgencyScopedAdmin):
    agency_path = "application__call__programme__agency"
    list_display = ["original_name", "application", "kind", "size", "uploaded_at"]
    list_filter = ["kind"]
    list_select_related = ["application"]
    search_fields = ["original_name", "application__reference"]
    readonly_fields = ["original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]


@admin.register(StatusChange)
class StatusChangeAdmin(AgencyScopedAdmin):
    agency_path = "application__call__programme__agency"
    list_display = ["application", "from_status", "to_status", "changed_by", "changed_at"]
    list_filter = ["to_status"]
    list_select_related = ["application", "changed_by"]
    search_fields = ["application__reference"]
    readonly_fields = ["application", "from_status", "to_status", "changed_by", "changed_at", "note"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
