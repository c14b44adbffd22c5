"""The formation's admin completed with its grant (seed 002): the establish page and the seed funding figures.

programmes/formation/admin.py runs the formation pipeline (candidates, meetings, answers). Establishing
the consortium grants its seed funding as an application on the formation's call, which only this
layer knows: this module registers the formation's admin over that one, with the establish page (it
calls the one door, applications.formation_grants.formation_establish), the figures of the call's one
pool, and the link to the grant's application.
"""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from consortia.models import Organisation
from portal.localization import LocalDecimalField
from portal.money import format_eur
from portal.refusals import Refused, show_refusal
from programmes.formation import admin as formation_admin
from programmes.formation.services import MIN_FOUNDING_MEMBERS, agency_today
from programmes.models import Formation, FormationCandidate
from programmes.rules import DECLARATIONS

from .formation_grants import formation_establish, formation_grant_of, formation_seed_funding, may_establish


class EstablishForm(forms.Form):
    name = forms.CharField(label=_("Name of the consortium"), max_length=200)
    established_on = forms.DateField(label=_("Established on"), widget=forms.DateInput(attrs={"type": "date"}))
    statutes_reference = forms.CharField(
        label=_("Statutes"),
        max_length=300,
        help_text=_("Where the signed statutes are: notarial deed and registry entry."),
    )
    lead = forms.ModelChoiceField(label=_("Lead organisation"), queryset=Organisation.objects.none())
    seed_funding = LocalDecimalField(
        label=_("Seed funding (EUR)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        help_text=_("Granted to the consortium on the formation's call: it must fit in what is left of the call."),
    )
    declarations = forms.MultipleChoiceField(
        label=_("Declarations signed by the founding members"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The declarations the call requires of its applicants, signed with the statutes."),
    )
    manager_name = forms.CharField(label=_("Consortium manager"), max_length=200, required=False)
    manager_email = forms.EmailField(label=_("Manager's e-mail"), required=False)
    manager_phone = forms.CharField(label=_("Manager's phone"), max_length=40, required=False)

    def __init__(self, *args, joined, declarations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = joined
        self.fields["declarations"].choices = [(code, DECLARATIONS.get(code, code)) for code in declarations]
        if not declarations:
            del self.fields["declarations"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("manager_name") and not cleaned.get("manager_email"):
            self.add_error("manager_email", _("Give the manager's e-mail."))
        if cleaned.get("manager_email") and not cleaned.get("manager_name"):
            self.add_error("manager_name", _("Give the manager's name."))
        return cleaned


def _call_declarations(call) -> list[str]:
    if call is None:
        return []
    rule = call.rules.filter(code="declarations").first()
    return rule.choice_list if rule else []


class FormationAdmin(formation_admin.FormationAdmin):
    change_form_template = "admin/applications/formation/change_form.html"

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if obj is None else [*fields, "seed_funding_summary", "grant_link"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "seed_funding_summary", "grant_link"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        formation = self.get_queryset(request).filter(pk=object_id).first() if str(object_id).isdigit() else None
        extra_context = {
            **(extra_context or {}),
            "may_establish": formation is not None and may_establish(request.user, formation),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("seed funding of the call (one pool)"))
    def seed_funding_summary(self, obj):
        if obj is None or obj.call_id is None:
            return gettext("Choose the seed-funding call the formation draws from.")
        funding = formation_seed_funding(call=obj.call)
        return gettext(
            "%(call)s: budget %(budget)s · committed by its grants %(committed)s (of which to formed consortia "
            "%(formations)s) · left %(remaining)s · planned by formations under way %(planned)s"
        ) % {
            "call": obj.call,
            "budget": format_eur(funding.budget),
            "committed": format_eur(funding.committed),
            "formations": format_eur(funding.granted_to_formations),
            "remaining": format_eur(funding.remaining),
            "planned": format_eur(funding.planned),
        }

    @admin.display(description=_("grant of the seed funding"))
    def grant_link(self, obj):
        application = formation_grant_of(obj) if obj is not None and obj.pk else None
        if application is None:
            return "—"
        return format_html(
            '<a href="{}">{} — {}</a> ({})',
            reverse("admin:applications_application_change", args=[application.pk]),
            application.reference,
            application.get_status_display(),
            format_eur(application.granted_amount),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/establish/",
                self.admin_site.admin_view(self.establish_view),
                name="programmes_formation_establish",
            ),
            *super().get_urls(),
        ]

    def establish_view(self, request, pk):
        """The button page: name the consortium, its statutes, lead, manager and the seed funding; the door
        (formation_establish) does the rest, or says why not next to the field."""
        formation = self.get_queryset(request).select_related("agency", "programme", "call").filter(pk=pk).first()
        if formation is None or not self.has_change_permission(request, formation):
            messages.error(request, gettext("This formation does not exist or is not of your agency."))
            return redirect("admin:index")
        change_url = reverse("admin:programmes_formation_change", args=[pk])
        if not may_establish(request.user, formation):
            messages.error(
                request,
                gettext(
                    "Establishing a consortium grants its seed funding: only a programme manager of the agency "
                    "can do it."
                ),
            )
            return redirect(change_url)
        joined = Organisation.objects.filter(
            formation_candidacies__formation=formation,
            formation_candidacies__status=FormationCandidate.Status.JOINED,
        ).order_by("legal_name")
        form = EstablishForm(
            request.POST or None,
            joined=joined,
            declarations=_call_declarations(formation.call),
            initial={
                "name": formation.name,
                "established_on": agency_today(formation.agency),
                "seed_funding": formation.seed_funding,
            },
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                established = formation_establish(
                    formation=formation,
                    name=data["name"],
                    established_on=data["established_on"],
                    statutes_reference=data["statutes_reference"],
                    lead=data["lead"],
                    seed_funding=data["seed_funding"],
                    declarations=data.get("declarations", []),
                    manager_name=data["manager_name"],
                    manager_email=data["manager_email"],
                    manager_phone=data["manager_phone"],
                    by=request.user,
                )
            except Refused as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(
                    request,
                    gettext(
                        "The consortium %(consortium)s is established with its founding members; its seed funding "
                        "of %(amount)s is granted (%(reference)s)."
                    )
                    % {
                        "consortium": established.consortium,
                        "amount": format_eur(established.application.granted_amount),
                        "reference": established.application.reference,
                    },
                )
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Establish the consortium: %(formation)s") % {"formation": formation},
            "formation": formation,
            "form": form,
            "joined": list(joined),
            "minimum": MIN_FOUNDING_MEMBERS,
            "funding": formation_seed_funding(call=formation.call) if formation.call_id else None,
            "opts": self.model._meta,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/applications/formation/establish.html", context)


admin.site.unregister(Formation)
admin.site.register(Formation, FormationAdmin)
