from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from portal.money import format_eur

from .models import Agency, Call, CostCategory, Programme


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
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
class ProgrammeAdmin(admin.ModelAdmin):
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


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "year", "opens_at", "closes_at", "budget_eur", "applications", "is_published"]
    list_filter = ["programme__agency", "programme__kind", "programme", "year", "is_published"]
    list_select_related = ["programme__agency"]
    search_fields = ["title", "programme__name", "reference_prefix"]
    date_hierarchy = "closes_at"
    readonly_fields = ["last_reference_number"]
    prepopulated_fields = {"slug": ["title"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(application_count=Count("applications"))

    @admin.display(description=_("budget"), ordering="budget")
    def budget_eur(self, obj):
        return format_eur(obj.budget)

    @admin.display(description=_("applications"), ordering="application_count")
    def applications(self, obj):
        return obj.application_count


@admin.register(CostCategory)
class CostCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "programme", "position"]
    list_filter = ["programme__agency", "programme"]
    list_select_related = ["programme"]
    search_fields = ["name", "code"]
