"""The dashboard's filters: agency (superusers), programme, call and year, limited to what the user may see."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.translated import translated_value
from programmes.models import Agency, Call, Programme

from .selectors import Scope


class DashboardFilterForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none(), required=False)
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none(), required=False)
    call = forms.ModelChoiceField(label=_("Call"), queryset=Call.objects.none(), required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)

    def __init__(self, data, *, user):
        # No filter chosen yet: this year's figures.
        if not data:
            data = {"year": str(timezone.localdate().year)}
        super().__init__(data)
        self.user = user
        programmes = Programme.objects.select_related("agency").order_by(
            "agency__name", translated_value("name", agency_language="agency__language")
        )
        calls = Call.objects.select_related("programme__agency").order_by(
            "-year",
            translated_value("programme__name", agency_language="programme__agency__language"),
            translated_value("title", agency_language="programme__agency__language"),
        )
        if user.is_superuser:
            self.fields["agency"].queryset = Agency.objects.order_by("name")
        else:
            del self.fields["agency"]
            programmes = programmes.filter(agency_id=user.agency_id)
            calls = calls.filter(programme__agency_id=user.agency_id)
        self.fields["programme"].queryset = programmes
        self.fields["call"].queryset = calls
        years = sorted(set(calls.values_list("year", flat=True)) | {timezone.localdate().year}, reverse=True)
        self.fields["year"].choices = [("", _("All years")), *[(y, str(y)) for y in years]]

    def clean(self):
        cleaned = super().clean()
        agency, programme, call = cleaned.get("agency"), cleaned.get("programme"), cleaned.get("call")
        if agency and programme and programme.agency_id != agency.pk:
            self.add_error("programme", _("This programme is not run by the chosen agency."))
        if programme and call and call.programme_id != programme.pk:
            self.add_error("call", _("This call is not of the chosen programme."))
        if call and cleaned.get("year") and call.year != cleaned["year"]:
            self.add_error("year", _("The chosen call is of %(year)s.") % {"year": call.year})
        return cleaned

    def scope(self) -> Scope:
        """The figures' scope from the valid filters (a filter with an error is left out)."""
        cleaned = getattr(self, "cleaned_data", {})
        agency = cleaned.get("agency") if self.user.is_superuser else None
        programme = cleaned.get("programme") if "programme" not in self.errors else None
        call = cleaned.get("call") if "call" not in self.errors else None
        year = cleaned.get("year") if "year" not in self.errors else None
        if call is not None:
            year = call.year
        return Scope(
            agency_id=agency.pk if agency else (None if self.user.is_superuser else self.user.agency_id),
            programme_id=programme.pk if programme else None,
            call_id=call.pk if call else None,
            year=year,
        )

    def zone(self):
        """The time zone the figures' days are counted in: the agency's, when there is one."""
        cleaned = getattr(self, "cleaned_data", {})
        for key in ("call", "programme"):
            if cleaned.get(key) is not None and key not in self.errors:
                obj = cleaned[key]
                return (obj.programme.agency if key == "call" else obj.agency).tzinfo
        if cleaned.get("agency") is not None:
            return cleaned["agency"].tzinfo
        agency = getattr(self.user, "agency", None)
        return agency.tzinfo if agency else None
