"""The filters of the public list of operations (a GET form whose choices come from the data)."""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .selectors import FilterChoices

NOT_IN_LIST = _("“%(value)s” is not one of the values in the list: choose one of them.")


class OperationFilterForm(forms.Form):
    agency = forms.TypedChoiceField(label=_("Agency"), coerce=int, empty_value=None, required=False)
    programme = forms.TypedChoiceField(label=_("Programme"), coerce=int, empty_value=None, required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, empty_value=None, required=False)
    region = forms.ChoiceField(label=_("Location (NUTS 2)"), required=False)
    fund = forms.ChoiceField(label=_("Fund"), required=False)

    def __init__(self, data, *, choices: FilterChoices):
        super().__init__(data)
        self.choices = choices
        options = {
            "agency": [("", _("All agencies")), *choices.agencies],
            "programme": [("", _("All programmes")), *choices.programmes],
            "year": [("", _("All years")), *((year, str(year)) for year in choices.years)],
            "region": [("", _("All regions")), *choices.regions],
            "fund": [("", _("All funds")), *choices.funds],
        }
        for name, field_choices in options.items():
            self.fields[name].choices = field_choices
            self.fields[name].error_messages["invalid_choice"] = NOT_IN_LIST

    def filters(self) -> dict:
        """The filters whose values are valid, as keyword arguments of `published_operations`.

        An invalid value is left out (its field shows why); the other filters still apply.
        """
        data = getattr(self, "cleaned_data", {})
        return {
            "agency_id": data.get("agency"),
            "programme_id": data.get("programme"),
            "year": data.get("year"),
            "region": data.get("region") or "",
            "fund": data.get("fund") or "",
        }

    def applied(self) -> dict:
        """Each filter's valid value, None when not given or refused (for the JSON's metadata)."""
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or None for name in self.fields}

    def valid_query(self) -> QueryDict:
        """The valid filters as a query string (for the download links)."""
        query = QueryDict(mutable=True)
        data = getattr(self, "cleaned_data", {})
        for name in self.fields:
            value = data.get(name)
            if value not in (None, ""):
                query[name] = str(value)
        return query

    def zone_name(self) -> str | None:
        """The time zone of the agency filtered on, if one is."""
        agency_id = getattr(self, "cleaned_data", {}).get("agency")
        return self.choices.zones.get(agency_id) if agency_id else None
