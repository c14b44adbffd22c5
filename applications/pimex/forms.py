"""Forms of the participant's PIMEX pages: they parse and validate; the services write."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from applications.models import PimexActionPlan, PimexPlannedAction, PimexSwot
from portal.localization import LocalIntegerField, LocalSmallNumberInput, localized_formfield

# One action above this is a typing error, not a promotion action of a small firm.
MAX_ACTION_BUDGET = Decimal("10000000.00")


class SwotForm(forms.ModelForm):
    """The four parts; any may be left empty for now, the page says which are still missing."""

    class Meta:
        model = PimexSwot
        formfield_callback = localized_formfield
        fields = ["strengths", "weaknesses", "opportunities", "threats"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}
        help_texts = {
            "strengths": _("Inside the company: what it does better than its competitors abroad."),
            "weaknesses": _("Inside the company: what holds it back abroad (staff, languages, capacity...)."),
            "opportunities": _("Outside: demand, trends and openings in the target markets."),
            "threats": _("Outside: competitors, rules, tariffs and risks in the target markets."),
        }


class ActionPlanForm(forms.ModelForm):
    class Meta:
        model = PimexActionPlan
        formfield_callback = localized_formfield
        fields = ["target_markets", "objectives"]
        widgets = {"objectives": forms.Textarea(attrs={"rows": 3})}


class PlannedActionForm(forms.ModelForm):
    """One action; the model's clean puts "ends before it starts" next to the end date."""

    class Meta:
        model = PimexPlannedAction
        formfield_callback = localized_formfield
        fields = ["description", "market", "starts_on", "ends_on", "budget"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget"].validators.append(
            MaxValueValidator(
                MAX_ACTION_BUDGET, message=_("This amount is not plausible: check it (at most 10,000,000.00).")
            )
        )
        # The rows are drawn as a table, field by field: the widgets carry Bootstrap's classes.
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def full_clean(self):
        super().full_clean()
        # A field in error is marked invalid and points at its message, for screen readers too.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].id_for_label}-error"


class BasePlannedActionFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


PlannedActionFormSet = forms.formset_factory(
    PlannedActionForm,
    formset=BasePlannedActionFormSet,
    extra=1,
    can_delete=True,
    max_num=50,
    validate_max=True,
    absolute_max=60,
)


class SurveyForm(forms.Form):
    score = LocalIntegerField(
        label=_("How satisfied are you with PIMEX, from 0 to 10?"),
        help_text=_("0: not satisfied at all; 10: fully satisfied."),
        min_value=0,
        max_value=10,
        widget=LocalSmallNumberInput,
        error_messages={
            "required": _("Give a score from 0 to 10."),
            "invalid": _("Give a whole number from 0 to 10."),
            "min_value": _("Give a score from 0 to 10: %(limit_value)s is the lowest."),
            "max_value": _("Give a score from 0 to 10: %(limit_value)s is the highest."),
        },
    )
    comments = forms.CharField(
        label=_("Comments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What helped most, and what the agency could do better."),
    )
