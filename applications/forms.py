from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from programmes.rules import DECLARATIONS

from .models import Application, Attachment, BudgetLine

# One budget line above this is a typing error, not a project.
MAX_LINE_AMOUNT = Decimal("100000000.00")


class ApplicantChoiceForm(forms.Form):
    applicant = forms.ChoiceField(label=_("Apply as"))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant"].choices = choices


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["title", "summary", "target_markets"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "summary": _("What you will do, where, and what you expect from it."),
            "target_markets": _("Countries or areas, separated by commas."),
        }


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["category", "description", "amount"]
        widgets = {"amount": forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"})}

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].validators += [
            MinValueValidator(Decimal("0.01"), message=_("Enter an amount above zero.")),
            MaxValueValidator(
                MAX_LINE_AMOUNT, message=_("This amount is not plausible: check it (at most 100,000,000.00).")
            ),
        ]
        if programme is not None:
            self.fields["category"].queryset = programme.cost_categories.all()


BaseBudgetFormSet = inlineformset_factory(
    Application, BudgetLine, form=BudgetLineForm, extra=0, can_delete=True, max_num=100, validate_max=True
)


class BudgetFormSet(BaseBudgetFormSet):
    def __init__(self, *args, programme=None, **kwargs):
        self.programme = programme
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "programme": self.programme}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            programme=self.programme,
        )
        self.add_fields(form, None)
        return form


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=Attachment.Kind.choices)
    file = forms.FileField(label=_("File"), help_text=_("PDF, image or office document, up to 10 MB."))


class DeclarationsForm(forms.Form):
    """One checkbox per declaration the call asks for."""

    def __init__(self, *args, codes, **kwargs):
        super().__init__(*args, **kwargs)
        for code in codes:
            self.fields[code] = forms.BooleanField(label=DECLARATIONS.get(code, code), required=False)

    def accepted(self):
        return [code for code, value in self.cleaned_data.items() if value]


class ClarificationForm(forms.Form):
    text = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    file = forms.FileField(label=_("Document (optional)"), required=False)


class ProjectReportForm(forms.Form):
    narrative = forms.CharField(
        label=_("Activities carried out and results"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
        help_text=_("What you did, where, with whom, and what came of it (contacts, orders, new markets)."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why do you withdraw? (optional)"), required=False, max_length=500)
