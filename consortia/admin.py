from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.admin_services import ServiceAdmin, ServiceForm
from portal.money import format_eur
from portal.refusals import show_refusal
from portal.regions import region_name
from portal.scoping import AgencyScopedAdmin

# The admin of what follows a consortium's formation (seed 002) registers its models when imported.
from .follow_up_admin import ConsortiumManagerInline, consortium_of_agency
from .models import Consortium, Membership, Organisation, OwnershipLink, SmeSize
from .nace import nace_option
from .pickers import NaceField, PlaceForm
from .services import (
    EvidenceRefused,
    consortium_joint_action_check,
    consortium_joint_action_clear,
    consortium_joint_action_record,
    joint_action_clean,
    sme_size,
)


def applied_to_agency(agency_id):
    """Organisations that applied to one of the agency's calls, alone or as consortium members,
    that the agency identified as candidates of one of its consortium formations, or that are
    members of a consortium one of its formations established."""
    return (
        Q(applications__call__programme__agency=agency_id)
        | Q(memberships__consortium__applications__call__programme__agency=agency_id)
        | Q(formation_candidacies__formation__agency=agency_id)
        | Q(memberships__consortium__formation__agency=agency_id)
    )


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["organisation", "status", "joined_on", "left_on", "share"]
    autocomplete_fields = ["organisation"]


class OrganisationMembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    extra = 0
    fields = ["consortium", "status", "joined_on", "left_on", "share"]
    autocomplete_fields = ["consortium"]
    verbose_name_plural = _("consortium memberships")


class HoldingInline(admin.TabularInline):
    """The shares this organisation holds in other enterprises (SME size, single undertaking)."""

    model = OwnershipLink
    fk_name = "owner"
    extra = 0
    fields = ["owned", "share"]
    autocomplete_fields = ["owned"]
    verbose_name = _("holding in another enterprise")
    verbose_name_plural = _("holdings in other enterprises")


class RegionFilter(admin.SimpleListFilter):
    """The regions of the rows the reader may see, by name (the code beside it)."""

    title = _("region (NUTS 2)")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        codes = model_admin.get_queryset(request).order_by().values_list("region", flat=True).distinct()
        return sorted(((code, f"{region_name(code)} ({code})") for code in codes if code), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(region=self.value()) if self.value() else queryset


@admin.display(description=_("region (NUTS 2)"), ordering="region")
def region_named(obj):
    """ "Extremadura (ES43)": the region's name, its code beside it."""
    return f"{region_name(obj.region)} ({obj.region})" if obj.region else ""


class NamesForCodesAdmin:
    """Staff who may only read a page see the region and the activity by name as well: the fields
    the page shows as text take the named versions of the codes."""

    named_fields = {"region": "region_shown", "nace_code": "activity"}

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            fields = [self.named_fields.get(name, name) for name in fields]
        return fields

    @admin.display(description=_("region (NUTS 2)"))
    def region_shown(self, obj):
        return region_named(obj)

    @admin.display(description=_("NACE code"), ordering="nace_code")
    def activity(self, obj):
        return nace_option(obj.nace_code) if obj.nace_code else ""


class OrganisationAdminForm(PlaceForm, forms.ModelForm):
    """The organisation's page: its country, region and activity picked by their names, as on the
    applicants' own form, and stored as codes."""

    nace_code = NaceField(label=_("NACE code"), required=False)


@admin.register(Organisation)
class OrganisationAdmin(NamesForCodesAdmin, AgencyScopedAdmin):
    agency_path = staticmethod(applied_to_agency)
    form = OrganisationAdminForm
    list_display = [
        "legal_name",
        "kind",
        "country",
        "tax_id",
        region_named,
        "activity",
        "employees",
        "turnover_eur",
        "size_class",
    ]
    list_filter = ["kind", "country", RegionFilter]
    search_fields = ["legal_name", "tax_id"]
    # programmes/admin.py adds the de minimis ledger (AidAward belongs to programmes).
    inlines = [OrganisationMembershipInline, HoldingInline]
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(description=_("turnover"), ordering="turnover")
    def turnover_eur(self, obj):
        return format_eur(obj.turnover)

    def get_queryset(self, request):
        # The SME size reads the ownership links: fetched once for the page.
        return super().get_queryset(request).prefetch_related("holdings__owned", "holders__owner")

    @admin.display(description=_("SME size"))
    def size_class(self, obj):
        return SmeSize(sme_size(obj)).label


class ConsortiumAdminForm(ServiceForm):
    """The consortium's page: the first joint action typed here is recorded by the evidence service."""

    def clean(self):
        cleaned = super().clean()
        on, what = cleaned.get("first_joint_action_on"), cleaned.get("first_joint_action") or ""
        if (on is not None or what) and "first_joint_action_on" not in self.errors:
            try:
                joint_action_clean(on=on, description=what)
            except EvidenceRefused as refusal:
                show_refusal(self, refusal)
        return cleaned


@admin.register(Consortium)
class ConsortiumAdmin(ServiceAdmin, AgencyScopedAdmin):
    agency_path = staticmethod(consortium_of_agency)
    form = ConsortiumAdminForm
    service_refusals = (EvidenceRefused,)
    list_display = [
        "name",
        "sector",
        "established_on",
        "first_joint_action_on",
        "joint_action_checked",
        "active_members",
    ]
    list_filter = ["sector", "has_joint_actions"]
    search_fields = ["name", "memberships__organisation__legal_name", "memberships__organisation__tax_id"]
    inlines = [MembershipInline, ConsortiumManagerInline]
    readonly_fields = [
        "first_joint_action_recorded_by",
        "first_joint_action_checked_by",
        "first_joint_action_checked_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "sector", "established_on", "lead", "target_markets", "description"]}),
        (
            _("Evidence of the stage: the members' first joint promotion action"),
            {
                "fields": [
                    "first_joint_action_on",
                    "first_joint_action",
                    "first_joint_action_recorded_by",
                    "first_joint_action_checked_by",
                    "first_joint_action_checked_at",
                ],
                "description": _(
                    "The consortium is in the initiation stage until the date of this action. Changing it takes "
                    "the check away; check it with the action of the consortia list."
                ),
            },
        ),
    ]
    actions = ["check_joint_action"]

    @admin.display(description=_("joint action checked"), boolean=True, ordering="first_joint_action_checked_at")
    def joint_action_checked(self, obj):
        if obj.first_joint_action_on is None:
            return None
        return obj.first_joint_action_checked_at is not None

    def save_model(self, request, obj, form, change):
        # The evidence is the evidence services' to write: the row is saved with what it had, then the
        # service records (or, emptied, removes) what staff typed.
        on, what = form.cleaned_data.get("first_joint_action_on"), form.cleaned_data.get("first_joint_action") or ""
        if change:
            stored = Consortium.objects.values_list("first_joint_action_on", "first_joint_action").get(pk=obj.pk)
        else:
            stored = (None, "")
            obj.has_joint_actions = False
        obj.first_joint_action_on, obj.first_joint_action = stored
        super().save_model(request, obj, form, change)
        if on is None and not what:
            if stored[0] is not None:
                consortium_joint_action_clear(by=request.user, consortium=obj)
        elif (on, what.strip()) != stored:
            consortium_joint_action_record(by=request.user, consortium=obj, on=on, description=what)

    @admin.action(description=_("Check the first joint action of the selected consortia"), permissions=["change"])
    def check_joint_action(self, request, queryset):
        checked = 0
        for consortium in queryset:
            try:
                consortium_joint_action_check(by=request.user, consortium=consortium)
            except EvidenceRefused as refusal:
                show_refusal(request, refusal, about=consortium)
            else:
                checked += 1
        if checked:
            messages.success(
                request,
                ngettext("%(count)d first joint action checked.", "%(count)d first joint actions checked.", checked)
                % {"count": checked},
            )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(active_member_count=Count("memberships", filter=Q(memberships__status="active")))
            # The count groups the rows, which drops the model's default order: say it again, so the
            # autocomplete's pages (which set no order of their own) are stable.
            .order_by("name", "pk")
        )

    @admin.display(description=_("active members"), ordering="active_member_count")
    def active_members(self, obj):
        return obj.active_member_count


@admin.register(Membership)
class MembershipAdmin(AgencyScopedAdmin):
    agency_path = staticmethod(lambda agency_id: consortium_of_agency(agency_id, "consortium__"))
    list_display = ["organisation", "consortium", "status", "joined_on", "left_on", "share"]
    list_filter = ["status", "consortium__sector"]
    list_select_related = ["organisation", "consortium"]
    search_fields = ["organisation__legal_name", "organisation__tax_id", "consortium__name"]
    autocomplete_fields = ["organisation", "consortium"]


@admin.register(OwnershipLink)
class OwnershipLinkAdmin(AgencyScopedAdmin):
    agency_path = staticmethod(lambda agency_id: Q(owner__in=Organisation.objects.filter(applied_to_agency(agency_id))))
    list_display = ["owner", "owned", "share", "relation"]
    list_select_related = ["owner", "owned"]
    search_fields = ["owner__legal_name", "owner__tax_id", "owned__legal_name", "owned__tax_id"]
    autocomplete_fields = ["owner", "owned"]

    @admin.display(description=_("relation (2003/361/EC)"))
    def relation(self, obj):
        if obj.share > 50:
            return _("linked enterprises")
        if obj.share >= 25:
            return _("partner enterprises")
        return _("autonomous")
