"""The admin of programme-year budgets, their lines and the agency's own spending.

The models are programmes' (`ProgrammeBudget`, `ProgrammeBudgetLine`, `AgencySpending`); their
admin lives here because what is committed on a line needs the applications. Every write of money
goes through applications/budgets.py (portal.admin_services): a line is added, changed and removed
by its service, which locks the programme-year and refuses an amount below what is committed (next
to the row's amount); spending is recorded by `agency_spending_record`, refused above what is left
on its line, and its amount is read-only afterwards.
"""

from django.contrib import admin
from django.db.models import Sum
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.admin_services import RefusedOn, ServiceAdmin, ServiceForm, ServiceInline, ServiceInlineFormSet, adopt
from portal.money import format_eur
from portal.refusals import show_refusal
from portal.scoping import AgencyScopedAdmin
from portal.translated import translation_columns
from programmes.models import AgencySpending, ProgrammeBudget, ProgrammeBudgetLine

from .budgets import (
    BudgetRefused,
    agency_spending_record,
    budget_line_figures,
    line_committed,
    programme_budget_delete,
    programme_budget_line_add,
    programme_budget_line_delete,
    programme_budget_line_set,
)


class LineForm(ServiceForm):
    # A line's purpose decides what draws from it: set when it is added.
    set_once = ("purpose",)

    class Meta:
        model = ProgrammeBudgetLine
        fields = ["position", "name", "purpose", "amount"]


class LineRows(ServiceInlineFormSet):
    """Each new, changed or removed line goes through its service, under the programme-year's lock."""

    refusals = (BudgetRefused,)

    def record(self, form):
        data = form.cleaned_data
        return programme_budget_line_add(
            budget=self.instance,
            name=data["name"],
            purpose=data["purpose"],
            amount=data["amount"],
            position=data.get("position") or 0,
            by=self.by,
        )

    def save_existing(self, form, obj, commit=True):
        data = form.cleaned_data
        try:
            return programme_budget_line_set(
                line=obj, amount=data["amount"], name=data["name"], position=data.get("position") or 0, by=self.by
            )
        except BudgetRefused as refusal:
            raise RefusedOn(refusal, form.prefix) from refusal

    def delete_existing(self, obj, commit=True):
        try:
            programme_budget_line_delete(line=obj, by=self.by)
        except BudgetRefused as refusal:
            prefix = next((f.prefix for f in self.initial_forms if f.instance.pk == obj.pk), None)
            raise RefusedOn(refusal, prefix) from refusal


class ProgrammeBudgetLineInline(ServiceInline, admin.TabularInline):
    model = ProgrammeBudgetLine
    form = LineForm
    formset = LineRows
    extra = 0
    fields = ["position", "name", "purpose", "amount", "committed_eur", "remaining_eur"]
    readonly_fields = ["committed_eur", "remaining_eur"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("budget__programme")

    @admin.display(description=_("committed"))
    def committed_eur(self, obj):
        return format_eur(line_committed(obj)) if obj and obj.pk else "—"

    @admin.display(description=_("remaining"))
    def remaining_eur(self, obj):
        return format_eur(obj.amount - line_committed(obj)) if obj and obj.pk else "—"


class ProgrammeBudgetForm(ServiceForm):
    # The programme and year say which calls draw from the budget: set when it is created.
    set_once = ("programme", "year")

    class Meta:
        model = ProgrammeBudget
        fields = ["programme", "year", "note"]

    def validate_unique(self):
        # The budget itself is saved by the admin, not by a service: one per programme and year.
        super(ServiceForm, self).validate_unique()


@admin.register(ProgrammeBudget)
class ProgrammeBudgetAdmin(ServiceAdmin, AgencyScopedAdmin):
    """A programme's budget for one year, split into lines; each line's committed and remaining."""

    form = ProgrammeBudgetForm
    service_refusals = (BudgetRefused,)
    agency_path = "programme__agency"
    inlines = [ProgrammeBudgetLineInline]
    list_display = ["programme", "year", "total_eur"]
    list_filter = ["programme__agency", "programme", "year"]
    list_select_related = ["programme"]
    search_fields = [f"programme__{column}" for column in translation_columns("name")]
    fields = ["programme", "year", "note", "figures"]
    readonly_fields = ["figures"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(total=Sum("lines__amount"))

    @admin.display(description=_("total"), ordering="total")
    def total_eur(self, obj):
        return format_eur(obj.total or 0)

    @admin.display(description=_("budget, committed, paid and remaining per line"))
    def figures(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        rows = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    f.line.name,
                    format_eur(f.budget),
                    format_eur(f.committed),
                    format_eur(f.paid),
                    format_eur(f.remaining),
                )
                for f in budget_line_figures(obj)
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            gettext("line"),
            gettext("budget"),
            gettext("committed"),
            gettext("paid"),
            gettext("remaining"),
            rows,
        )

    def delete_model(self, request, obj):
        programme_budget_delete(budget=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for budget in queryset:
            try:
                programme_budget_delete(budget=budget, by=request.user)
            except BudgetRefused as refusal:
                show_refusal(request, refusal, about=budget)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except BudgetRefused as refusal:
            show_refusal(request, refusal)
            return redirect(reverse("admin:programmes_programmebudget_change", args=[object_id]))


class SpendingForm(ServiceForm):
    # Money spent is recorded once, as it was spent.
    set_once = ("line", "spent_on", "amount")

    class Meta:
        model = AgencySpending
        fields = ["line", "spent_on", "amount", "description"]


@admin.register(AgencySpending)
class AgencySpendingAdmin(ServiceAdmin, AgencyScopedAdmin):
    """Money the agency spends itself on a line of a programme's yearly budget (training, consultancy)."""

    form = SpendingForm
    service_refusals = (BudgetRefused,)
    agency_path = "line__budget__programme__agency"
    list_display = ["line", "spent_on", "amount_eur", "recorded_by"]
    list_filter = ["spent_on"]
    list_select_related = ["line__budget__programme", "recorded_by"]
    search_fields = [
        "description",
        "line__name",
        *(f"line__budget__programme__{column}" for column in translation_columns("name")),
    ]
    date_hierarchy = "spent_on"
    fields = ["line", "spent_on", "amount", "description", "recorded_by", "created_at"]
    readonly_fields = ["recorded_by", "created_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "line":
            kwargs["queryset"] = ProgrammeBudgetLine.objects.filter(
                purpose=ProgrammeBudgetLine.Purpose.AGENCY_SPENDING
            ).select_related("budget__programme")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("amount"), ordering="amount")
    def amount_eur(self, obj):
        return format_eur(obj.amount)

    def save_model(self, request, obj, form, change):
        if change:
            # Only the description changes once recorded (the other fields are disabled).
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        spending = agency_spending_record(
            line=data["line"],
            spent_on=data["spent_on"],
            amount=data["amount"],
            description=data["description"],
            by=request.user,
        )
        adopt(obj, spending)
