"""Pickers that show names and store codes: NUTS 2 regions, NACE activities (and, in
consortia.countries, countries).

Both are a text input with suggestions (a native <datalist>): the browser offers the names as the
user types a word or a code, keyboard and screen readers included, and the server reads what was
typed or chosen ("ES43", "Extremadura"; "10.51", "cheese", "10.51 – Operation of dairies and cheese
making") as the code it stores. A region input may follow a country select: the suggestions are that
country's regions, and static/js/pickers.js changes them when the country changes.
"""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from portal.regions import LISTED_COUNTRIES, NUTS2, nuts_country, region_code_of, regions_of, validate_nuts2

from .countries import country_name, eu_country_choices
from .nace import CLASSES, DIVISIONS, nace_code_of, nace_known, nace_named, nace_option, nace_search

# How many activities a message names when a word fits several.
SHOWN_MATCHES = 5


class DatalistInput(forms.TextInput):
    """A text input followed by its own <datalist>: (value, label) suggestions."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", **(attrs or {})})

    def options(self) -> list[tuple[str, str]]:
        return []

    def shown(self, value):
        """The stored code as the input shows it (its name)."""
        return value

    def datalist_attrs(self) -> dict:
        return {}

    def format_value(self, value):
        return super().format_value(self.shown(value) if value else value)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or 'id_' + name}-options"
        attrs["list"] = list_id
        html = super().render(name, value, attrs, renderer)
        extra = format_html_join("", ' {}="{}"', self.datalist_attrs().items())
        options = format_html_join("", '<option value="{}">{}</option>', self.options())
        return html + format_html('<datalist id="{}"{}>{}</datalist>', list_id, extra, options)


class RegionInput(DatalistInput):
    """NUTS 2 regions by name; with `country_field`, only that country's (the browser narrows them as it changes)."""

    def __init__(self, attrs=None, *, country_field=None):
        super().__init__(attrs)
        self.country_field = country_field
        self.country = None

    def options(self):
        if self.country_field:
            return [(name, code) for code, name in regions_of(self.country or "")]
        return [
            (name, f"{code} · {country_name(country)}")
            for country in sorted(LISTED_COUNTRIES)
            for code, name in regions_of(country)
        ]

    def shown(self, value):
        return NUTS2.get(str(value).upper(), value)

    def datalist_attrs(self):
        if not self.country_field:
            return {}
        # Every listed country's regions, for the script to offer when the country changes.
        regions = {country: regions_of(country) for country in sorted(LISTED_COUNTRIES)}
        return {"data-regions": json.dumps(regions, ensure_ascii=False), "data-country-field": self.country_field}

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if self.country_field:
            html += format_html('<script src="{}" defer></script>', static("js/pickers.js"))
        return html


class RegionField(forms.CharField):
    """A NUTS 2 region chosen by name or typed as its code; cleaned to the code ("ES43")."""

    widget = RegionInput

    def __init__(self, *, follows_country=False, **kwargs):
        kwargs.setdefault("max_length", 100)
        # The form names the country select (its id) once it is built: RegionInput.country_field.
        kwargs.setdefault("widget", RegionInput(country_field="id_country" if follows_country else None))
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return ""
        code = region_code_of(text)
        if code is None and " " not in text and len(text) <= 5:
            validate_nuts2(text.upper())  # a code mistyped ("E13"): the message says how codes are written
        if code is None:
            raise ValidationError(
                _("“%(value)s” is not a region we know: choose one from the list or type its NUTS 2 code, e.g. ES43."),
                code="unknown_region",
                params={"value": text},
            )
        validate_nuts2(code)
        return code


def region_in_country(code: str, country: str) -> None:
    """Refuse a region outside the country, naming both (the region by its name)."""
    if code and country and nuts_country(code) != country:
        shown = f"{NUTS2[code]} ({code})" if code in NUTS2 else code
        raise ValidationError(
            _("The region %(region)s is not in the country %(country)s."),
            code="region_not_in_country",
            params={"region": shown, "country": f"{country} ({country_name(country)})"},
        )


class NaceInput(DatalistInput):
    """NACE Rev. 2 divisions and classes, each offered as "10.51 – Operation of dairies and cheese making"."""

    def options(self):
        codes = sorted([*DIVISIONS, *CLASSES])
        return [(nace_option(code), "") for code in codes]

    def shown(self, value):
        return nace_option(value)


class NaceField(forms.CharField):
    """A main activity: its NACE code, the option chosen, or a word of its name; cleaned to the code ("10.51")."""

    widget = NaceInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault(
            "help_text",
            _(
                "Type a word of the activity or its code and choose it from the list, e.g. cheese or 10.51 "
                "(Operation of dairies and cheese making)."
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return ""
        code = nace_code_of(text)
        if code:
            if not nace_known(code):
                raise ValidationError(
                    _("“%(value)s” is not a NACE Rev. 2 code: choose the activity from the list, e.g. 10.51."),
                    code="unknown_nace",
                    params={"value": code},
                )
            return code
        named = nace_named(text)
        if named:
            return named
        found = nace_search(text)
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValidationError(
                _("No activity is named “%(value)s”: type a word of its name or its NACE code, e.g. 10.51."),
                code="no_nace",
                params={"value": text},
            )
        shown = "; ".join(nace_option(code) for code in found[:SHOWN_MATCHES])
        if len(found) > SHOWN_MATCHES:
            shown = _("%(shown)s and %(count)d more") % {"shown": shown, "count": len(found) - SHOWN_MATCHES}
        raise ValidationError(
            _("“%(value)s” fits several activities (%(shown)s): choose one from the list."),
            code="several_nace",
            params={"value": text, "shown": shown},
        )


class PlaceForm(forms.Form):
    """A country by its name and a NUTS 2 region by its name within that country: the fields a form
    of a place in the EU takes (an organisation, an agency), in the portal and in the admin alike.

    Mixed into a model form (`class OrganisationForm(PlaceForm, forms.ModelForm)`), its two fields
    take the place of the model's `country` and `region`, which store the codes.
    """

    country = forms.ChoiceField(label=_("Country"), choices=eu_country_choices)
    region = RegionField(
        label=_("Region (NUTS 2)"),
        follows_country=True,
        help_text=_(
            "Where the registered office is: type the region's name and choose it, e.g. Extremadura, "
            "or its NUTS 2 code (ES43)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        stored = getattr(instance, "country", "")
        if stored and stored not in dict(eu_country_choices()):
            # A country outside the EU stored before (an import, the admin of old): still offered, so
            # the page shows it and saving it unchanged keeps it.
            self.fields["country"].choices = [*eu_country_choices(), (stored, country_name(stored))]
        # The region suggestions are the chosen country's: the one posted, else the one stored, else
        # the first the country list shows.
        country = self.data.get(self.add_prefix("country")) if self.is_bound else None
        country = (
            country or self.initial.get("country") or getattr(instance, "country", "") or eu_country_choices()[0][0]
        )
        self.fields["region"].widget.country = country
        self.fields["region"].widget.country_field = self["country"].auto_id

    def clean_region(self):
        region, country = self.cleaned_data["region"], self.cleaned_data.get("country")
        region_in_country(region, country)
        return region

    def clean(self):
        cleaned = super().clean()
        instance = getattr(self, "instance", None)
        if self.has_error("region") and instance is not None:
            # The stored region is not the answer either: the model would refuse it for the new
            # country a second time, in its own words.
            instance.region = ""
        return cleaned
