"""The admin of the consortium formation pipeline (seed 002): formations with their candidates and
meetings, and the answer page. Everything is scoped to the user's agency. What follows the
establishment (managers, membership fees and payments, bids) is consortia.follow_up_admin's.

Establishing the consortium grants its seed funding as an application on the formation's call, so
its page, and the seed funding figures of the call, are added by the applications layer:
applications/admin_formation.py registers its FormationAdmin over this one.

Every write goes through the services of `programmes.formation.services` (portal.admin_services): a
new formation, candidate or meeting is recorded by its service; a status moves only by a button or a
list action calling one; the seed funding of a formation under way is changed by
`formation_seed_funding_set`. A refusal is shown next to the field it is about."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from consortia.models import Organisation
from consortia.selectors import acting_representations
from portal.admin_services import (
    ServiceAdmin,
    ServiceForm,
    ServiceInline,
    ServiceInlineFormSet,
    adopt,
)
from portal.money import format_eur
from portal.refusals import show_refusal
from portal.scoping import AgencyScopedAdmin, AgencyScopedInline
from programmes.models import Formation, FormationAttendance, FormationCandidate, FormationMeeting

from . import services as formation_services
from .forms import FormationAnswerForm


class FormationServiceAdmin(ServiceAdmin):
    """Mixin for an admin whose saves call the formation services: their refusals are shown on the page."""

    service_refusals = (formation_services.Refused,)


class FormationRows(ServiceInlineFormSet):
    refusals = (formation_services.Refused,)


def _parent_pk(request):
    """The primary key of the object whose change page is being shown (None on an add page)."""
    match = request.resolver_match
    object_id = match.kwargs.get("object_id") if match else None
    return int(object_id) if object_id and str(object_id).isdigit() else None


def _candidate_choices(request, formation_pk):
    """Companies staff may identify: those with their registered office in the agency's region
    (the formation's agency for a superuser), plus the formation's candidates already recorded.
    The rule is `formation_candidate_add`'s; the list only offers what it accepts."""
    region = getattr(getattr(request.user, "agency", None), "region", None)
    if region is None and formation_pk is not None:
        region = Formation.objects.filter(pk=formation_pk).values_list("agency__region", flat=True).first()
    companies = Organisation.objects.filter(kind=Organisation.Kind.COMPANY)
    if region is None:
        return companies.order_by("legal_name")
    condition = Q(region=region)
    if formation_pk is not None:
        condition |= Q(formation_candidacies__formation_id=formation_pk)
    return companies.filter(condition).distinct().order_by("legal_name")


def identifiable_by(agency_id):
    """The same choice as a scope (portal.scoping): companies of the region of the agency's formations,
    and its candidates already recorded. Wider than the organisations the agency follows: identifying
    a company of its region is how the agency starts following it (seed 002)."""
    return Q(region__in=Formation.objects.filter(agency=agency_id).values("agency__region")) | Q(
        formation_candidacies__formation__agency=agency_id
    )


class CandidateForm(ServiceForm):
    # A company identified by mistake is removed (never invited) and the right one added.
    set_once = ("organisation",)

    class Meta:
        model = FormationCandidate
        fields = ["organisation", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2, "cols": 40})}


class CandidateFormSet(FormationRows):
    """A new row identifies a company (`formation_candidate_add`)."""

    def record(self, form):
        return formation_services.formation_candidate_add(
            formation=self.instance,
            organisation=form.cleaned_data["organisation"],
            notes=form.cleaned_data.get("notes", ""),
            by=self.by,
        )

    def clean(self):
        super().clean()
        for form in self.forms:
            instance = form.instance
            deleting = self.can_delete and self._should_delete_form(form)
            if deleting and instance.pk and instance.status != FormationCandidate.Status.IDENTIFIED:
                raise ValidationError(
                    _("%(organisation)s was invited: it stays on the list with its answer.")
                    % {"organisation": instance.organisation}
                )


class FormationCandidateInline(ServiceInline, AgencyScopedInline, admin.TabularInline):
    model = FormationCandidate
    form = CandidateForm
    formset = CandidateFormSet
    agency_path = "formation__agency"
    scoped_foreign_keys = {"organisation": identifiable_by}
    extra = 0
    fields = ["organisation", "notes", "status", "invited_at", "decided_at", "reason", "answer_link"]
    readonly_fields = ["status", "invited_at", "decided_at", "reason", "answer_link"]
    verbose_name_plural = _("candidate companies (identified by the agency; they answer in the portal)")

    @admin.display(description=_("answer given outside the portal"))
    def answer_link(self, obj):
        if obj.pk is None or obj.status != FormationCandidate.Status.INVITED:
            return ""
        url = reverse("admin:programmes_formation_answer", args=[obj.formation_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Record the answer"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = _candidate_choices(request, _parent_pk(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MeetingRows(FormationRows):
    """A new row records an introductory meeting (`formation_meeting_record`); who came is recorded on its page."""

    def record(self, form):
        data = form.cleaned_data
        return formation_services.formation_meeting_record(
            formation=self.instance,
            held_on=data["held_on"],
            place=data["place"],
            agenda=data.get("agenda", ""),
            by=self.by,
        )


class FormationMeetingInline(ServiceInline, AgencyScopedInline, admin.TabularInline):
    model = FormationMeeting
    form = ServiceForm
    formset = MeetingRows
    agency_path = "formation__agency"
    extra = 0
    fields = ["held_on", "place", "agenda", "attendee_count"]
    readonly_fields = ["attendee_count"]
    show_change_link = True
    verbose_name_plural = _("introductory meetings (open one to record who attended)")

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(attendees=Count("attendances", filter=Q(attendances__attended=True)))
        )

    @admin.display(description=_("companies present"))
    def attendee_count(self, obj):
        return getattr(obj, "attendees", None) if obj.pk else "—"


@admin.register(Formation)
class FormationAdmin(FormationServiceAdmin, AgencyScopedAdmin):
    agency_path = "agency"
    form = ServiceForm
    change_form_template = "admin/programmes/formation/change_form.html"
    list_display = [
        "name",
        "sector",
        "programme",
        "status",
        "opened_on",
        "seed_funding_eur",
        "candidate_count",
        "joined_count",
        "consortium",
    ]
    list_filter = ["status", "sector", ("programme", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["programme", "consortium"]
    search_fields = ["name", "candidates__organisation__legal_name"]
    date_hierarchy = "opened_on"
    inlines = [FormationCandidateInline, FormationMeetingInline]
    actions = ["invite_candidates", "move_to_meetings", "abandon"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                candidates_total=Count("candidates", distinct=True),
                candidates_joined=Count(
                    "candidates", filter=Q(candidates__status=FormationCandidate.Status.JOINED), distinct=True
                ),
            )
        )

    def get_fields(self, request, obj=None):
        fields = ["programme", "sector", "name", "opened_on", "seed_funding", "call", "coordinator", "notes"]
        if obj is None:
            return fields
        return ["status", *fields, "consortium_link", "statutes_reference"]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["status", "consortium_link", "statutes_reference"]
        if obj is not None:
            # The programme (and so the agency) is fixed once opened; closed formations are a record.
            readonly.append("programme")
            if not obj.is_open:
                readonly += ["sector", "name", "opened_on", "seed_funding", "call", "coordinator"]
        return readonly

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        agency = getattr(request.user, "agency", None)
        if agency is not None:
            initial.setdefault("opened_on", formation_services.agency_today(agency))
        initial.setdefault("coordinator", request.user.pk)
        return initial

    def get_inline_instances(self, request, obj=None):
        # Candidates and meetings are recorded once the formation exists.
        return super().get_inline_instances(request, obj) if obj is not None else []

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            formation = formation_services.formation_open(
                programme=data["programme"],
                sector=data["sector"],
                name=data["name"],
                seed_funding=data["seed_funding"],
                call=data.get("call"),
                opened_on=data["opened_on"],
                coordinator=data.get("coordinator"),
                notes=data.get("notes", ""),
                by=request.user,
            )
            adopt(obj, formation)
            return
        # The other fields describe the formation and are saved as typed; the seed funding is saved as
        # it was, and then changed by the service.
        typed = obj.seed_funding
        changed = "seed_funding" in form.changed_data
        if changed:
            obj.seed_funding = form.initial["seed_funding"]
        super().save_model(request, obj, form, change)
        if changed:
            adopt(obj, formation_services.formation_seed_funding_set(formation=obj, amount=typed, by=request.user))

    @admin.display(description=_("seed funding"), ordering="seed_funding")
    def seed_funding_eur(self, obj):
        return format_eur(obj.seed_funding)

    @admin.display(description=_("candidates"), ordering="candidates_total")
    def candidate_count(self, obj):
        return obj.candidates_total

    @admin.display(description=_("joined"), ordering="candidates_joined")
    def joined_count(self, obj):
        return obj.candidates_joined

    @admin.display(description=_("consortium"))
    def consortium_link(self, obj):
        if obj.consortium_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:consortia_consortium_change", args=[obj.consortium_id]),
            obj.consortium,
        )

    @admin.action(description=_("Invite the identified candidates to decide"), permissions=["change"])
    def invite_candidates(self, request, queryset):
        for formation in queryset:
            try:
                invited = formation_services.formation_invite(formation=formation, by=request.user)
            except formation_services.Refused as refusal:
                show_refusal(request, refusal)
                continue
            self.message_user(
                request,
                ngettext(
                    "%(formation)s: %(count)s company invited to decide.",
                    "%(formation)s: %(count)s companies invited to decide.",
                    len(invited),
                )
                % {"formation": formation, "count": len(invited)},
                messages.SUCCESS,
            )
            unreachable = (
                Organisation.objects.filter(pk__in=[candidate.organisation_id for candidate in invited])
                .exclude(pk__in=acting_representations().values("organisation_id"))
                .order_by("legal_name")
            )
            names = [organisation.legal_name for organisation in unreachable]
            if names:
                self.message_user(
                    request,
                    gettext("No representative on the portal, to contact directly: %(names)s.")
                    % {"names": ", ".join(names)},
                    messages.WARNING,
                )

    def _move(self, request, queryset, to_status):
        moved = 0
        for formation in queryset:
            try:
                formation_services.formation_move(formation=formation, to_status=to_status, by=request.user)
                moved += 1
            except formation_services.Refused as refusal:
                show_refusal(request, refusal)
        if moved:
            self.message_user(
                request,
                ngettext("%(count)s formation moved.", "%(count)s formations moved.", moved) % {"count": moved},
                messages.SUCCESS,
            )

    @admin.action(description=_("Move on to the introductory meetings"), permissions=["change"])
    def move_to_meetings(self, request, queryset):
        self._move(request, queryset, Formation.Status.MEETING)

    @admin.action(description=_("Abandon the selected formations"), permissions=["change"])
    def abandon(self, request, queryset):
        self._move(request, queryset, Formation.Status.ABANDONED)

    def get_urls(self):
        return [
            path(
                "<int:pk>/candidates/<int:candidate_pk>/answer/",
                self.admin_site.admin_view(self.answer_view),
                name="programmes_formation_answer",
            ),
            *super().get_urls(),
        ]

    def answer_view(self, request, pk, candidate_pk):
        """Record the answer a company gave outside the portal (at a meeting, by phone, by letter)."""

        formation = self.get_queryset(request).filter(pk=pk).first()
        candidate = (
            FormationCandidate.objects.filter(formation=formation, pk=candidate_pk)
            .select_related("organisation")
            .first()
            if formation is not None
            else None
        )
        if candidate is None or not self.has_change_permission(request, formation):
            messages.error(request, gettext("This formation does not exist or is not of your agency."))
            return redirect("admin:index")
        change_url = reverse("admin:programmes_formation_change", args=[pk])
        form = FormationAnswerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                formation_services.formation_candidate_answer(
                    candidate=candidate,
                    join=form.cleaned_data["decision"] == "join",
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except formation_services.Refused as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(
                    request,
                    gettext("The answer of %(organisation)s is recorded.") % {"organisation": candidate.organisation},
                )
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Answer of %(organisation)s") % {"organisation": candidate.organisation},
            "formation": formation,
            "candidate": candidate,
            "form": form,
            "opts": self.model._meta,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/programmes/formation/answer.html", context)


class FormationAttendanceInline(admin.TabularInline):
    model = FormationAttendance
    extra = 0
    fields = ["candidate", "attended"]

    def has_add_permission(self, request, obj=None):
        # Attendance is recorded on a meeting that exists: its candidates are the formation's.
        return obj is not None and super().has_add_permission(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("candidate__organisation")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "candidate":
            kwargs["queryset"] = FormationCandidate.objects.filter(
                formation__meetings=_parent_pk(request)
            ).select_related("organisation", "formation")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(FormationMeeting)
class FormationMeetingAdmin(FormationServiceAdmin, AgencyScopedAdmin):
    agency_path = "formation__agency"
    form = ServiceForm
    list_display = ["formation", "held_on", "place", "attendee_count"]
    list_select_related = ["formation"]
    list_filter = ["held_on"]
    search_fields = ["formation__name", "place"]
    fields = ["formation", "held_on", "place", "agenda", "notes"]
    inlines = [FormationAttendanceInline]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(attendees=Count("attendances", filter=Q(attendances__attended=True)))
        )

    def get_readonly_fields(self, request, obj=None):
        return ["formation"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        meeting = formation_services.formation_meeting_record(
            formation=data["formation"],
            held_on=data["held_on"],
            place=data["place"],
            agenda=data.get("agenda", ""),
            notes=data.get("notes", ""),
            by=request.user,
        )
        adopt(obj, meeting)

    @admin.display(description=_("companies present"), ordering="attendees")
    def attendee_count(self, obj):
        return obj.attendees
