from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from portal.money import format_eur

from .models import Consortium, Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["organisation", "status", "joined_on", "left_on"]
    autocomplete_fields = ["organisation"]


class OrganisationMembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    extra = 0
    fields = ["consortium", "status", "joined_on", "left_on"]
    autocomplete_fields = ["consortium"]
    verbose_name_plural = _("consortium memberships")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "kind", "country", "tax_id", "region", "nace_code", "employees", "turnover_eur"]
    list_filter = ["kind", "country", "region"]
    search_fields = ["legal_name", "tax_id"]
    inlines = [OrganisationMembershipInline]
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(description=_("turnover"), ordering="turnover")
    def turnover_eur(self, obj):
        return format_eur(obj.turnover)


@admin.register(Consortium)
class ConsortiumAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "established_on", "has_joint_actions", "active_members"]
    list_filter = ["sector", "has_joint_actions"]
    search_fields = ["name", "memberships__organisation__legal_name", "memberships__organisation__tax_id"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(active_member_count=Count("memberships", filter=Q(memberships__status="active")))
        )

    @admin.display(description=_("active members"), ordering="active_member_count")
    def active_members(self, obj):
        return obj.active_member_count


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["organisation", "consortium", "status", "joined_on", "left_on"]
    list_filter = ["status", "consortium__sector"]
    list_select_related = ["organisation", "consortium"]
    search_fields = ["organisation__legal_name", "organisation__tax_id", "consortium__name"]
    autocomplete_fields = ["organisation", "consortium"]
