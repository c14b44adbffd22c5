"""PIMEX coaching in the agency administration, scoped to the user's agency.

- Sessions, each with its attendance: staff register participants and record who attended;
  managers create and change the sessions themselves (portal.roles).
- Participants (approved PIMEX applications): tutorials, SWOT analysis, action plan and
  survey on one page, and a list showing where each company stands.
- The commitments of each call (how many sessions and tutorials).

Date-times on these pages are typed and shown in the agency's time zone.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from applications.models import (
    Application,
    PimexActionPlan,
    PimexAttendance,
    PimexCallSettings,
    PimexParticipant,
    PimexPlannedAction,
    PimexSession,
    PimexSurvey,
    PimexSwot,
    PimexTutorial,
)
from portal.models import User
from portal.money import format_eur
from portal.scoping import AgencyScopedAdmin, AgencyScopedInline, scope_queryset
from portal.translated import translation_columns
from programmes.models import Call, Programme

from .selectors import PARTICIPATING, RUNNING, _one, completion_problems, pimex_commitments
from .services import PimexRefused, pimex_session_capacity_check

SESSION_FIELDS = ["call", "title", "starts_at", "place", "capacity", "position"]


def _participant_label(application) -> str:
    return f"{application.reference or '—'} · {application.applicant_name}"


class AgencyTimeZoneMixin:
    """Forms read and pages show date-times in the agency's zone: the user's agency, else the object's."""

    def _zone(self, request, object_id=None):
        agency = getattr(request.user, "agency", None)
        if agency is None and object_id:
            obj = self.get_queryset(request).filter(pk=unquote(object_id)).select_related(self.zone_path).first()
            if obj is not None:
                agency = obj
                for part in self.zone_path.split("__"):
                    agency = getattr(agency, part)
        return agency.tzinfo if agency is not None else timezone.get_current_timezone()

    def _in_zone(self, zone, view, *args, **kwargs):
        with timezone.override(zone):
            response = view(*args, **kwargs)
            # Template responses render after the view returns: render them inside the zone.
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        zone = self._zone(request, object_id)
        return self._in_zone(zone, super().changeform_view, request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        return self._in_zone(self._zone(request), super().changelist_view, request, extra_context)


def _pimex_calls():
    return Call.objects.filter(programme__kind=Programme.Kind.PIMEX).select_related("programme")


@admin.register(PimexCallSettings)
class PimexCallSettingsAdmin(AgencyScopedAdmin):
    agency_path = "call__programme__agency"
    list_display = ["call", "group_sessions_required", "tutorials_required"]
    list_select_related = ["call"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "call":
            kwargs["queryset"] = _pimex_calls()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AttendanceFormSet(BaseInlineFormSet):
    """The session's registrations: never more than its places, counted under a lock on the session."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Every row offers the same participants: read them once, not once per row.
        field = form.fields.get("application")
        if field is not None:
            if not hasattr(self, "_participant_choices"):
                self._participant_choices = list(field.choices)
            field.choices = self._participant_choices

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        session = self.instance
        kept, deleted, new = set(), set(), 0
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data:
                continue
            if form.instance.pk:
                (deleted if data.get("DELETE") else kept).add(form.instance.pk)
            elif not data.get("DELETE"):
                new += 1
        registered = len(kept) + new
        if session.pk:
            # The admin saves in one transaction: the lock holds until these rows are written,
            # and rows another user added meanwhile are counted too.
            PimexSession.objects.select_for_update().filter(pk=session.pk).first()
            in_database = set(PimexAttendance.objects.filter(session=session).values_list("pk", flat=True))
            registered = len(in_database - deleted) + new
        try:
            pimex_session_capacity_check(session=session, registered=registered)
        except PimexRefused as refusal:
            raise ValidationError(str(refusal)) from refusal


class AttendanceInline(admin.TabularInline):
    model = PimexAttendance
    formset = AttendanceFormSet
    extra = 0
    fields = ["application", "attended", "recorded_by", "recorded_at"]
    readonly_fields = ["recorded_by", "recorded_at"]
    verbose_name = _("participant")
    verbose_name_plural = _("registered participants and attendance")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("application__organisation", "recorded_by")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "application":
            participants = Application.objects.filter(
                call__programme__kind=Programme.Kind.PIMEX, status__in=PARTICIPATING
            ).select_related("organisation", "consortium")
            session_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            if session_id:
                participants = participants.filter(call__pimex_sessions=unquote(session_id))
            kwargs["queryset"] = scope_queryset(
                participants.order_by("reference"), request.user, "call__programme__agency"
            )
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = _participant_label
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(PimexSession)
class PimexSessionAdmin(AgencyTimeZoneMixin, AgencyScopedAdmin):
    agency_path = "call__programme__agency"
    zone_path = "call__programme__agency"
    inlines = [AttendanceInline]
    list_display = ["title", "call", "starts_at", "place", "places_taken", "attended_count"]
    list_filter = ["call__programme__agency", "call"]
    list_select_related = ["call"]
    search_fields = ["title", "place", *(f"call__{column}" for column in translation_columns("title"))]
    date_hierarchy = "starts_at"
    fields = SESSION_FIELDS

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                registered=Count("attendances", distinct=True),
                attended=Count("attendances", filter=Q(attendances__attended=True), distinct=True),
            )
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "call":
            kwargs["queryset"] = _pimex_calls()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # Staff record attendance on the session's page without changing the session itself:
    # they may open it for change when they may change attendance, and see its fields read-only.
    def _configures(self, request):
        return request.user.has_perm("applications.change_pimexsession")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or request.user.has_perm(
            "applications.change_pimexattendance"
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not self._configures(request):
            return SESSION_FIELDS
        return super().get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change and not self._configures(request):
            return
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is PimexAttendance:
            now = timezone.now()
            for inline_form in formset.forms:
                if inline_form.has_changed() and not inline_form.cleaned_data.get("DELETE"):
                    inline_form.instance.recorded_by = request.user
                    inline_form.instance.recorded_at = now
        super().save_formset(request, form, formset, change)

    @admin.display(description=_("places taken"), ordering="registered")
    def places_taken(self, obj):
        return f"{obj.registered} / {obj.capacity}"

    @admin.display(description=_("attended"), ordering="attended")
    def attended_count(self, obj):
        return obj.attended


class ParticipantInlineMixin(AgencyScopedInline):
    agency_path = "application__call__programme__agency"
    extra = 0


class TutorialInline(ParticipantInlineMixin, admin.TabularInline):
    model = PimexTutorial
    fields = ["scheduled_at", "topic", "technician", "attended", "notes"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("technician")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "technician":
            kwargs["queryset"] = scope_queryset(User.objects.filter(is_staff=True), request.user, "agency")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "notes":
            field.widget.attrs["rows"] = 2
        return field


class SwotInline(ParticipantInlineMixin, admin.StackedInline):
    model = PimexSwot
    fields = ["strengths", "weaknesses", "opportunities", "threats", "updated_by", "updated_at"]
    readonly_fields = ["updated_by", "updated_at"]
    can_delete = False


class ActionPlanInline(ParticipantInlineMixin, admin.StackedInline):
    """The plan's header; its actions are on the plan's own page (the link "change")."""

    model = PimexActionPlan
    fields = ["target_markets", "objectives", "planned_actions", "updated_by", "updated_at"]
    readonly_fields = ["planned_actions", "updated_by", "updated_at"]
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("actions")

    @admin.display(description=_("planned actions"))
    def planned_actions(self, obj):
        if obj is None or not obj.pk:
            return "—"
        rows = [
            (a.description, a.market, date_format(a.starts_on), date_format(a.ends_on), format_eur(a.budget))
            for a in obj.actions.all()
        ]
        if not rows:
            return "—"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} · {} · {} – {} · {}</li>", rows))


class SurveyInline(ParticipantInlineMixin, admin.StackedInline):
    """The participant's answer: staff read it, never write it."""

    model = PimexSurvey
    fields = ["score", "comments", "submitted_at", "submitted_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _count(model, **filters):
    return Coalesce(
        Subquery(
            model.objects.filter(application=OuterRef("pk"), **filters)
            .order_by()
            .values("application")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


class ParticipationFilter(admin.SimpleListFilter):
    """Running operations, or closed ones (participants are never in the other statuses)."""

    title = _("operation")
    parameter_name = "operation"

    def lookups(self, request, model_admin):
        return [("running", _("Running")), ("closed", _("Closed"))]

    def queryset(self, request, queryset):
        if self.value() == "running":
            return queryset.filter(status=RUNNING)
        if self.value() == "closed":
            return queryset.exclude(status=RUNNING)
        return queryset


@admin.register(PimexParticipant)
class PimexParticipantAdmin(AgencyTimeZoneMixin, AgencyScopedAdmin):
    """One page per participant: where they stand, their tutorials and deliverables."""

    agency_path = "call__programme__agency"
    zone_path = "call__programme__agency"
    inlines = [TutorialInline, SwotInline, ActionPlanInline, SurveyInline]
    list_display = [
        "reference",
        "applicant",
        "call",
        "status",
        "sessions",
        "tutorials",
        "swot_done",
        "plan_done",
        "survey_score",
        "ready",
    ]
    list_filter = [ParticipationFilter, "call__programme__agency", "call"]
    search_fields = ["reference", "title", "organisation__legal_name"]
    fields = ["reference", "title", "applicant", "call", "status", "granted", "still_to_do"]
    readonly_fields = fields

    def get_queryset(self, request):
        action_count = Coalesce(
            Subquery(
                PimexPlannedAction.objects.filter(plan__application=OuterRef("pk"))
                .order_by()
                .values("plan__application")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        )
        return (
            super()
            .get_queryset(request)
            .filter(call__programme__kind=Programme.Kind.PIMEX, status__in=PARTICIPATING)
            .select_related(
                "call__pimex_settings", "organisation", "consortium", "pimex_swot", "pimex_action_plan", "pimex_survey"
            )
            .annotate(
                sessions_attended=_count(PimexAttendance, attended=True),
                tutorials_attended=_count(PimexTutorial, attended=True),
                action_count=action_count,
            )
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The application itself is read-only here (its workflow is on the application's page).
        pass

    def save_formset(self, request, form, formset, change):
        if formset.model in (PimexSwot, PimexActionPlan):
            for inline_form in formset.forms:
                if inline_form.has_changed():
                    inline_form.instance.updated_by = request.user
        super().save_formset(request, form, formset, change)

    def _problems(self, obj) -> list[str]:
        sessions_required, tutorials_required = pimex_commitments(obj.call)
        return completion_problems(
            sessions_attended=obj.sessions_attended,
            sessions_required=sessions_required,
            tutorials_attended=obj.tutorials_attended,
            tutorials_required=tutorials_required,
            swot=_one(obj, "pimex_swot"),
            plan=_one(obj, "pimex_action_plan"),
            action_count=obj.action_count,
            survey=_one(obj, "pimex_survey"),
        )

    @admin.display(description=_("applicant"))
    def applicant(self, obj):
        return obj.applicant_name

    @admin.display(description=_("granted"))
    def granted(self, obj):
        return format_eur(obj.granted_amount)

    @admin.display(description=_("group sessions"), ordering="sessions_attended")
    def sessions(self, obj):
        return f"{obj.sessions_attended} / {pimex_commitments(obj.call)[0]}"

    @admin.display(description=_("tutorials"), ordering="tutorials_attended")
    def tutorials(self, obj):
        return f"{obj.tutorials_attended} / {pimex_commitments(obj.call)[1]}"

    @admin.display(description=_("SWOT"), boolean=True)
    def swot_done(self, obj):
        swot = _one(obj, "pimex_swot")
        return swot is not None and not swot.missing_parts

    @admin.display(description=_("action plan"), boolean=True)
    def plan_done(self, obj):
        plan = _one(obj, "pimex_action_plan")
        return plan is not None and bool(plan.target_markets.strip()) and obj.action_count > 0

    @admin.display(description=_("survey"))
    def survey_score(self, obj):
        survey = _one(obj, "pimex_survey")
        return f"{survey.score}/10" if survey else "—"

    @admin.display(description=_("commitments met"), boolean=True)
    def ready(self, obj):
        return not self._problems(obj)

    @admin.display(description=_("still to do"))
    def still_to_do(self, obj):
        problems = self._problems(obj)
        if not problems:
            return gettext("Nothing: every commitment is met.")
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((p,) for p in problems)))


class PlannedActionInline(admin.TabularInline):
    model = PimexPlannedAction
    extra = 0
    fields = ["position", "description", "market", "starts_on", "ends_on", "budget"]


@admin.register(PimexActionPlan)
class PimexActionPlanAdmin(AgencyScopedAdmin):
    """A plan with its actions, reached from the participant's page."""

    agency_path = "application__call__programme__agency"
    inlines = [PlannedActionInline]
    list_display = ["application", "target_markets", "updated_at"]
    list_select_related = ["application"]
    search_fields = ["application__reference", "application__organisation__legal_name", "target_markets"]
    fields = ["application", "target_markets", "objectives", "updated_by", "updated_at"]
    readonly_fields = ["application", "updated_by", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_module_permission(self, request):
        # Reached from the participants' pages, not from the index.
        return False

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
