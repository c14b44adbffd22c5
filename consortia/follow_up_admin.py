"""The admin of what follows a consortium's formation (seed 002): its managers, the members' fees and
their payments, its international bids. Everything is scoped to the user's agency (the consortia it
follows: applicants to its calls, or formed by one of its formations). The formation's own admin is
programmes.formation.admin.

Every write goes through the services of `follow_up.py` (portal.admin_services): a new manager, fee,
payment or bid is recorded by its service; a bid's outcome is recorded only by a button or a list
action calling one; an amount is set once by its service and read-only afterwards. A refusal is shown
next to the field it is about."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from portal.admin_services import ServiceAdmin, ServiceForm, ServiceInline, ServiceInlineFormSet, adopt
from portal.money import format_eur
from portal.refusals import show_refusal
from portal.scoping import AgencyScopedAdmin, scope_queryset

from . import follow_up as follow_up_services
from .models import Consortium, ConsortiumBid, ConsortiumManager, FeePayment, MembershipFee, Organisation
from .selectors import consortium_fees_outstanding


def consortium_of_agency(agency_id, prefix=""):
    """Consortia an agency follows: applicants to its calls, or formed by one of its formations."""
    return Q(**{f"{prefix}applications__call__programme__agency": agency_id}) | Q(
        **{f"{prefix}formation__agency": agency_id}
    )


class FollowUpServiceAdmin(ServiceAdmin):
    """Mixin for an admin whose saves call the follow-up services: their refusals are shown on the page."""

    service_refusals = (follow_up_services.Refused,)


class FollowUpRows(ServiceInlineFormSet):
    refusals = (follow_up_services.Refused,)


class ConsortiumManagerInline(admin.TabularInline):
    """The consortium's managers, read-only: one is appointed on the consortium managers' add page."""

    model = ConsortiumManager
    extra = 0
    fields = ["full_name", "email", "phone", "appointed_on", "ended_on"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ConsortiumManager)
class ConsortiumManagerAdmin(FollowUpServiceAdmin, AgencyScopedAdmin):
    """The person appointed to run a consortium (the seed's process appoints one when it is established).

    Appointed by `consortium_manager_appoint`, which ends the current one's term on the new appointment's
    day; the appointment and the term's end are read-only afterwards, the person's details are not."""

    form = ServiceForm
    agency_path = staticmethod(lambda agency_id: consortium_of_agency(agency_id, "consortium__"))
    list_display = ["full_name", "consortium", "email", "phone", "appointed_on", "ended_on"]
    list_select_related = ["consortium"]
    list_filter = ["appointed_on"]
    search_fields = ["full_name", "email", "consortium__name"]
    autocomplete_fields = ["consortium"]

    def get_fields(self, request, obj=None):
        fields = ["consortium", "full_name", "email", "phone", "appointed_on"]
        return fields if obj is None else [*fields, "ended_on"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["consortium", "appointed_on", "ended_on"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        manager = follow_up_services.consortium_manager_appoint(
            consortium=data["consortium"],
            full_name=data["full_name"],
            email=data["email"],
            phone=data.get("phone", ""),
            appointed_on=data["appointed_on"],
            by=request.user,
        )
        adopt(obj, manager)


def _parent_pk(request):
    """The primary key of the object whose change page is being shown (None on an add page)."""
    match = request.resolver_match
    object_id = match.kwargs.get("object_id") if match else None
    return int(object_id) if object_id and str(object_id).isdigit() else None


class PaymentForm(ServiceForm):
    # A payment is recorded once, as it was made.
    set_once = ("organisation", "amount", "paid_on")


class PaymentRows(FollowUpRows):
    """A new row records a member's payment (`fee_payment_record`)."""

    def record(self, form):
        data = form.cleaned_data
        return follow_up_services.fee_payment_record(
            fee=self.instance,
            organisation=data["organisation"],
            amount=data["amount"],
            paid_on=data["paid_on"],
            by=self.by,
        )


class FeePaymentInline(ServiceInline, admin.TabularInline):
    model = FeePayment
    form = PaymentForm
    formset = PaymentRows
    extra = 0
    fields = ["organisation", "amount", "paid_on", "recorded_by"]
    readonly_fields = ["recorded_by"]

    def has_add_permission(self, request, obj=None):
        # Payments are recorded against a fee that exists, by the members who owe it.
        return obj is not None and super().has_add_permission(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "recorded_by")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = (
                Organisation.objects.filter(memberships__consortium__fees=_parent_pk(request))
                .distinct()
                .order_by("legal_name")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(MembershipFee)
class MembershipFeeAdmin(FollowUpServiceAdmin, AgencyScopedAdmin):
    form = ServiceForm
    agency_path = staticmethod(lambda agency_id: consortium_of_agency(agency_id, "consortium__"))
    list_display = ["consortium", "period", "amount_eur", "due_on", "payment_count"]
    list_select_related = ["consortium"]
    list_filter = ["due_on"]
    search_fields = ["consortium__name", "period"]
    autocomplete_fields = ["consortium"]
    inlines = [FeePaymentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(paid_by=Count("payments"))

    def get_fields(self, request, obj=None):
        fields = ["consortium", "period", "amount", "due_on"]
        return fields if obj is None else [*fields, "outstanding_by_member"]

    def get_readonly_fields(self, request, obj=None):
        # Set once by `membership_fee_set`: the amount, and the due date that decides who owes it.
        return ["consortium", "amount", "due_on", "outstanding_by_member"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        fee = follow_up_services.membership_fee_set(
            consortium=data["consortium"],
            period=data["period"],
            amount=data["amount"],
            due_on=data["due_on"],
            by=request.user,
        )
        adopt(obj, fee)

    @admin.display(description=_("amount per member"), ordering="amount")
    def amount_eur(self, obj):
        return format_eur(obj.amount)

    @admin.display(description=_("payments"), ordering="paid_by")
    def payment_count(self, obj):
        return obj.paid_by

    @admin.display(description=_("outstanding, by member"))
    def outstanding_by_member(self, obj):
        rows = []
        for member in consortium_fees_outstanding(consortium=obj.consortium):
            for line in member.lines:
                if line.fee.pk == obj.pk:
                    rows.append((member.organisation.legal_name, format_eur(line.paid), format_eur(line.outstanding)))
        if not rows:
            return gettext("No member owes this fee.")
        header = format_html(
            "<tr><th>{}</th><th>{}</th><th>{}</th></tr>", gettext("Member"), gettext("Paid"), gettext("Outstanding")
        )
        body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
        return format_html("<table>{}{}</table>", header, body)


@admin.register(FeePayment)
class FeePaymentAdmin(AgencyScopedAdmin):
    """Every payment, to search and check, read-only; they are recorded on the fee's page."""

    agency_path = staticmethod(lambda agency_id: consortium_of_agency(agency_id, "fee__consortium__"))
    list_display = ["organisation", "fee", "amount_eur", "paid_on", "recorded_by"]
    list_select_related = ["organisation", "fee__consortium", "recorded_by"]
    list_filter = ["paid_on"]
    search_fields = ["organisation__legal_name", "organisation__tax_id", "fee__consortium__name", "fee__period"]
    fields = ["fee", "organisation", "amount", "paid_on", "recorded_by"]
    readonly_fields = ["fee", "organisation", "recorded_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Recorded once by `fee_payment_record`, as the payment was made.
        return False

    @admin.display(description=_("amount"), ordering="amount")
    def amount_eur(self, obj):
        return format_eur(obj.amount)


class BidDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("The client's decision"),
        choices=[("won", _("Won: a contract won")), ("lost", _("Lost"))],
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=forms.DateInput(attrs={"type": "date"}))


@admin.register(ConsortiumBid)
class ConsortiumBidAdmin(FollowUpServiceAdmin, AgencyScopedAdmin):
    """International bids; a won one is a contract won (value, country, date, members involved).

    Recorded by `bid_submit`; what is offered, the client and the country may be corrected, the rest
    is read-only. The client's decision is recorded by `bid_decide`, on the decision page or by the
    list actions."""

    form = ServiceForm
    change_form_template = "admin/consortia/consortiumbid/change_form.html"
    agency_path = staticmethod(lambda agency_id: consortium_of_agency(agency_id, "consortium__"))
    list_display = [
        "title",
        "consortium",
        "country",
        "value_eur",
        "status",
        "submitted_on",
        "decided_on",
        "member_names",
    ]
    list_select_related = ["consortium"]
    list_filter = ["status", "country", "decided_on"]
    search_fields = ["title", "client", "consortium__name", "members__legal_name"]
    autocomplete_fields = ["consortium"]
    filter_horizontal = ["members"]
    actions = ["decide_won_today", "decide_lost_today"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("members")

    def get_fields(self, request, obj=None):
        fields = ["consortium", "title", "client", "country", "submitted_on", "value", "members"]
        return fields if obj is None else [*fields, "status", "decided_on"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["consortium", "submitted_on", "value", "members", "status", "decided_on"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        bid = follow_up_services.bid_submit(
            consortium=data["consortium"],
            title=data["title"],
            client=data.get("client", ""),
            country=data["country"],
            submitted_on=data["submitted_on"],
            value=data["value"],
            members=data["members"],
            by=request.user,
        )
        adopt(obj, bid)

    def save_related(self, request, form, formsets, change):
        # The members involved are recorded by `bid_submit`, and read-only afterwards.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "members":
            bid_pk = _parent_pk(request)
            if bid_pk is not None:
                members = Organisation.objects.filter(memberships__consortium__bids=bid_pk)
            else:
                consortia = scope_queryset(Consortium.objects.all(), request.user, consortium_of_agency)
                members = Organisation.objects.filter(memberships__consortium__in=consortia)
            kwargs["queryset"] = members.distinct().order_by("legal_name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("value"), ordering="value")
    def value_eur(self, obj):
        return format_eur(obj.value)

    @admin.display(description=_("members involved"))
    def member_names(self, obj):
        return ", ".join(member.legal_name for member in obj.members.all())

    # --- the client's decision ---

    def _decide_all(self, request, queryset, won):
        decided = 0
        for bid in queryset:
            try:
                follow_up_services.bid_decide(bid=bid, won=won, decided_on=timezone.localdate(), by=request.user)
            except follow_up_services.Refused as refusal:
                self.message_user(request, f"{bid}: {refusal}", messages.ERROR)
            else:
                decided += 1
        if decided:
            self.message_user(
                request,
                ngettext("%(count)s bid decided.", "%(count)s bids decided.", decided) % {"count": decided},
                messages.SUCCESS,
            )

    @admin.action(description=_("Won today: record the selected bids as contracts won"), permissions=["change"])
    def decide_won_today(self, request, queryset):
        self._decide_all(request, queryset, won=True)

    @admin.action(description=_("Lost today: record the selected bids as lost"), permissions=["change"])
    def decide_lost_today(self, request, queryset):
        self._decide_all(request, queryset, won=False)

    def get_urls(self):
        return [
            path(
                "<int:pk>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="consortia_consortiumbid_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, pk):
        """The button page: the client's decision and its date; `bid_decide` records it."""
        bid = self.get_queryset(request).select_related("consortium").filter(pk=pk).first()
        if bid is None or not self.has_change_permission(request, bid):
            messages.error(request, gettext("This bid does not exist or is not of your agency."))
            return redirect("admin:index")
        change_url = reverse("admin:consortia_consortiumbid_change", args=[pk])
        form = BidDecisionForm(request.POST or None, initial={"decided_on": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            try:
                follow_up_services.bid_decide(
                    bid=bid,
                    won=form.cleaned_data["outcome"] == "won",
                    decided_on=form.cleaned_data["decided_on"],
                    by=request.user,
                )
            except follow_up_services.Refused as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, gettext("The client's decision on %(bid)s is recorded.") % {"bid": bid})
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("The client's decision: %(bid)s") % {"bid": bid},
            "bid": bid,
            "form": form,
            "opts": self.model._meta,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/consortia/consortiumbid/decide.html", context)
