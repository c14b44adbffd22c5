from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from portal.localization import LocalDecimalField, localized_formfield

from .countries import eu_country_choices
from .models import Consortium, Organisation
from .pickers import NaceField, PlaceForm
from .taxids import tax_id_compact

# EU member states (ISO 3166) by name in the reader's language, the three the portal serves first at the top.
COUNTRIES = eu_country_choices

# Beyond these a figure is a typing error, not a firm (the largest SMEs are far below).
MAX_STAFF = Decimal("1000000")
MAX_AMOUNT = Decimal("100000000000")


class OrganisationForm(PlaceForm, forms.ModelForm):
    nace_code = NaceField(label=_("Main activity (NACE code)"))

    class Meta:
        model = Organisation
        formfield_callback = localized_formfield
        fields = [
            "kind",
            "legal_name",
            "country",
            "tax_id",
            "region",
            "city",
            "nace_code",
            "founded_on",
            "employees",
            "turnover",
            "balance_sheet",
            "email",
            "website",
        ]
        widgets = {"founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employees"].validators.append(MaxValueValidator(MAX_STAFF))
        for name in ("turnover", "balance_sheet"):
            self.fields[name].validators.append(MaxValueValidator(MAX_AMOUNT))
        for name in ("employees", "turnover", "balance_sheet", "nace_code", "founded_on"):
            self.fields[name].required = True

    def clean(self):
        cleaned = super().clean()
        country, tax_id = cleaned.get("country"), cleaned.get("tax_id")
        if country and tax_id:
            compact = tax_id_compact(country, tax_id)
            duplicate = Organisation.objects.filter(country=country, tax_id=compact)
            if self.instance.pk:
                duplicate = duplicate.exclude(pk=self.instance.pk)
            if duplicate.exists():
                self.add_error(
                    "tax_id",
                    _(
                        "An organisation with this tax id is already registered. Ask its representatives to let you "
                        "act for it instead."
                    ),
                )
        return cleaned


class FindOrganisationForm(forms.Form):
    """Find a registered organisation by its country and tax id."""

    country = forms.ChoiceField(label=_("Country"), choices=COUNTRIES)
    tax_id = forms.CharField(label=_("Tax id"), max_length=30)

    def clean(self):
        cleaned = super().clean()
        country, tax_id = cleaned.get("country"), cleaned.get("tax_id")
        if country and tax_id:
            compact = tax_id_compact(country, tax_id)
            organisation = Organisation.objects.filter(country=country, tax_id=compact).first()
            if organisation is None:
                self.add_error("tax_id", _("No organisation with this tax id is registered on the portal."))
            cleaned["organisation"] = organisation
        return cleaned


class JoinRequestForm(FindOrganisationForm):
    note = forms.CharField(
        label=_("Message to the representatives"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _joint_action_fields(*, required: bool):
    """The evidence of the stage as a form asks for it: the date and what the members did together."""
    on = forms.DateField(
        label=_("Date of the members' first joint promotion action"),
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=None if required else _("Leave empty if the members have not yet promoted themselves together."),
    )
    what = forms.CharField(
        label=_("What the members did together"),
        max_length=300,
        required=required,
        help_text=_("E.g. a joint stand at a trade fair in Düsseldorf."),
    )
    return on, what


class JointActionForm(forms.Form):
    """The members' first joint promotion action: the evidence that ends the initiation stage."""

    first_joint_action_on, first_joint_action = _joint_action_fields(required=True)


class ConsortiumForm(forms.ModelForm):
    # The evidence of the stage, given to the service (consortia.evidence), never saved by the form.
    first_joint_action_on, first_joint_action = _joint_action_fields(required=False)
    field_order = [
        "lead",
        "name",
        "sector",
        "established_on",
        "first_joint_action_on",
        "first_joint_action",
        "target_markets",
        "description",
    ]

    class Meta:
        model = Consortium
        formfield_callback = localized_formfield
        fields = ["lead", "name", "sector", "established_on", "target_markets", "description"]
        widgets = {
            "established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"lead": _("Lead organisation (yours)")}

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = organisations
        self.fields["lead"].required = True
        self.fields["lead"].empty_label = None


class InviteForm(forms.Form):
    """Invite a registered organisation by tax id, or anyone by e-mail."""

    country = forms.ChoiceField(label=_("Country"), choices=COUNTRIES, required=False)
    tax_id = forms.CharField(label=_("Tax id of a registered organisation"), max_length=30, required=False)
    email = forms.EmailField(label=_("or the e-mail of someone not yet on the portal"), required=False)

    def clean(self):
        cleaned = super().clean()
        tax_id, email = cleaned.get("tax_id"), cleaned.get("email")
        if not tax_id and not email:
            raise ValidationError(_("Give the tax id of a registered organisation or an e-mail address."))
        if tax_id:
            country = cleaned.get("country") or "ES"
            organisation = Organisation.objects.filter(country=country, tax_id=tax_id_compact(country, tax_id)).first()
            if organisation is None:
                self.add_error(
                    "tax_id",
                    _("No organisation with this tax id is registered: invite its representative by e-mail instead."),
                )
            cleaned["organisation"] = organisation
        return cleaned


class ChooseOrganisationForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Join with"), queryset=Organisation.objects.none(), empty_label=None)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class OwnershipLinkForm(FindOrganisationForm):
    """Record a partner or linked enterprise (2003/361/EC) of one of the user's organisations."""

    direction = forms.ChoiceField(
        label=_("Relation"),
        choices=[
            ("holds", _("This organisation holds a share of the other enterprise")),
            ("held", _("The other enterprise holds a share of this organisation")),
        ],
    )
    share = LocalDecimalField(
        label=_("Share of capital or voting rights (%)"),
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        decimal_places=2,
    )
