from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.localization import LocalDecimalField, localized_formfield
from programmes.rules import DECLARATIONS

from .attachments import validate_upload
from .models import Application, BudgetLine, ContractWon, ProjectReport, ReportActivity

# One budget line above this is a typing error, not a project.
MAX_LINE_AMOUNT = Decimal("100000000.00")


class ApplicantChoiceForm(forms.Form):
    """Who applies, and the project's title: the applicant's own words from the start (changed on the project step)."""

    title = forms.CharField(
        label=_("Project title"),
        max_length=200,
        help_text=_("A short name for your project. You can change it later."),
    )
    applicant = forms.ChoiceField(label=_("Apply as"))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant"].choices = choices


class ProjectForm(forms.ModelForm):
    """The project, as every call asks it; what a call asks beyond it is its questions (applications.answers)."""

    class Meta:
        model = Application
        formfield_callback = localized_formfield
        fields = ["title", "summary", "target_markets"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "summary": _("What you will do, where, and what you expect from it."),
            "target_markets": _("Countries or areas, separated by commas."),
        }


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        formfield_callback = localized_formfield
        fields = ["category", "description", "amount"]

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

    def _construct_form(self, i, **kwargs):
        # The categories are read once for the whole set, not once per line (the select of each
        # line lists them; validation still checks a posted category against the queryset).
        form = super()._construct_form(i, **kwargs)
        if self.programme is not None:
            if getattr(self, "_category_choices", None) is None:
                self._category_choices = list(iter(form.fields["category"].choices))  # iter: no COUNT first
            form.fields["category"].choices = self._category_choices
        return form

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
    """A file for one of the call's documents, or for another document the call does not name."""

    OTHER = "other"

    document = forms.ChoiceField(label=_("Document"))
    file = forms.FileField(label=_("File"), help_text=_("PDF, image or office document."))

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = {str(document.pk): document for document in documents}
        self.fields["document"].choices = [
            *((key, document.title) for key, document in self.documents.items()),
            (self.OTHER, _("Another document")),
        ]

    def chosen_document(self):
        """The call's document chosen, or None for another document."""
        return self.documents.get(self.cleaned_data["document"])


class DeclarationsForm(forms.Form):
    """One checkbox per declaration the call asks for: each one must be ticked (the call's rule asks for all)."""

    def __init__(self, *args, codes, **kwargs):
        super().__init__(*args, **kwargs)
        for code in codes:
            self.fields[code] = forms.BooleanField(
                label=DECLARATIONS.get(code, code),
                error_messages={"required": _("Tick this declaration to continue: the call requires it.")},
            )

    def accepted(self):
        """The declarations ticked (also when others are missing: what is ticked is kept)."""
        return [code for code, value in getattr(self, "cleaned_data", {}).items() if value]


class ClarificationForm(forms.Form):
    text = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    file = forms.FileField(label=_("Document (optional)"), required=False)


class ProjectReportForm(forms.ModelForm):
    """The narrative and outcomes of a report; `smes_reached` only for collective actions."""

    class Meta:
        model = ProjectReport
        formfield_callback = localized_formfield
        fields = [
            "narrative",
            "export_turnover_before",
            "export_turnover_after",
            "jobs_created",
            "new_markets",
            "smes_reached",
        ]
        widgets = {
            "narrative": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "narrative": _("What you did, where, with whom, and what came of it (contacts, orders, new markets).")
        }

    def __init__(self, *args, programme_kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["narrative"].max_length = 20000
        if programme_kind != "collective_actions":
            del self.fields["smes_reached"]
        for name in ("export_turnover_before", "export_turnover_after"):
            self.fields[name].validators.append(MaxValueValidator(MAX_LINE_AMOUNT))

    def outcomes(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "narrative"}


class ExpenseForm(forms.Form):
    budget_line = forms.ModelChoiceField(label=_("Budget line"), queryset=BudgetLine.objects.none())
    description = forms.CharField(label=_("Description"), max_length=300)
    supplier = forms.CharField(label=_("Supplier"), max_length=200)
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=60)
    invoice_date = forms.DateField(label=_("Invoice date"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = LocalDecimalField(
        label=_("Amount (EUR)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_LINE_AMOUNT)],
    )
    invoice = forms.FileField(label=_("Invoice or receipt"), help_text=_("PDF or a picture of the receipt."))

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, prefix="expense", **kwargs)
        self.fields["budget_line"].queryset = BudgetLine.objects.filter(application=application).select_related(
            "category"
        )
        self.fields["budget_line"].label_from_instance = lambda line: f"{line.category.name}: {line.description}"

    def clean_invoice_date(self):
        value = self.cleaned_data["invoice_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("An invoice cannot be dated in the future."))
        return value

    def clean_invoice(self):
        upload = self.cleaned_data["invoice"]
        validate_upload(upload)
        return upload


class ContractWonForm(forms.ModelForm):
    class Meta:
        model = ContractWon
        formfield_callback = localized_formfield
        fields = ["description", "country", "value", "signed_on"]
        widgets = {"signed_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="contract", **kwargs)
        self.fields["value"].validators += [MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_LINE_AMOUNT)]

    def clean_country(self):
        return _country(self.cleaned_data["country"])


class ReportActivityForm(forms.ModelForm):
    class Meta:
        model = ReportActivity
        formfield_callback = localized_formfield
        fields = ["action_type", "category", "description", "country", "carried_out_on"]
        widgets = {"carried_out_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, prefix="activity", **kwargs)
        self.fields["category"].queryset = programme.cost_categories.all()

    def clean_country(self):
        value = self.cleaned_data["country"]
        return _country(value) if value else ""


def _country(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise forms.ValidationError(_("Write the country as its two-letter code, e.g. FR or US."))
    return code


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why do you withdraw? (optional)"), required=False, max_length=500)


class RenounceForm(forms.Form):
    """The beneficiary renounces its grant: all of it, or a part (it says the amount it keeps)."""

    WHOLE, PART = "whole", "part"
    extent = forms.ChoiceField(
        label=_("What do you renounce?"),
        choices=[(WHOLE, _("The whole grant")), (PART, _("Part of the grant"))],
        widget=forms.RadioSelect,
        initial=WHOLE,
    )
    amount = LocalDecimalField(
        label=_("Amount you keep (EUR)"),
        help_text=_("Only for a partial renunciation: the grant becomes this amount."),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    reason = forms.CharField(label=_("Why do you renounce?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("extent") == self.PART and cleaned.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Say how much of the grant you keep."))
        return cleaned

    def kept_amount(self):
        """The amount the grant keeps: None when the whole grant is renounced."""
        return self.cleaned_data["amount"] if self.cleaned_data["extent"] == self.PART else None
