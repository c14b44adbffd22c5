from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from consortia import admin as consortia_admin
from consortia.models import Organisation
from consortia.pickers import PlaceForm
from portal.admin_translations import TranslationsSideBySide
from portal.money import format_eur
from portal.scoping import AgencyScopedAdmin, AgencyScopedInline
from portal.translated import translation_columns

from .call_copy import call_copy

# The formation of export consortia (seed 002) registers its admin when imported.
from .formation import admin as formation_admin  # noqa: F401
from .models import (
    FROZEN_MESSAGE,
    Agency,
    AidAward,
    Call,
    CallDocument,
    CallDocumentsFrozen,
    CallRule,
    CostCategory,
    EmailWording,
    FormSection,
    Programme,
    Question,
    QuestionChoice,
    ReviewCriterion,
    call_form_frozen,
)
from .models.emails import PLACEHOLDER_EXAMPLES, PLACEHOLDERS, EmailKind, fill
from .rules import RULE_CHOICES, describe_rule, validate_rule_parameters


class AgencyAdminForm(PlaceForm, forms.ModelForm):
    """The agency's country and region picked by their names, stored as codes."""

    class Meta:
        model = Agency
        fields = ["name", "short_name", "slug", "country", "region", "timezone", "website", "email", "language"]


@admin.register(Agency)
class AgencyAdmin(consortia_admin.NamesForCodesAdmin, AgencyScopedAdmin):
    agency_path = "pk"
    form = AgencyAdminForm
    list_display = ["name", "short_name", "country", consortia_admin.region_named, "timezone", "language"]
    list_filter = ["country", "timezone", "language"]
    search_fields = ["name", "short_name", "region"]
    prepopulated_fields = {"slug": ["name"]}


class CostCategoryInline(TranslationsSideBySide, admin.TabularInline):
    """The names in the four languages side by side; the descriptions on the category's own page."""

    model = CostCategory
    extra = 0
    fields = ["position", "code", *translation_columns("name")]
    show_change_link = True


class CallInlineForm(forms.ModelForm):
    """A call added here gets its budget; an existing call's budget is changed on the call's own page,
    which refuses a budget below what its decisions committed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding and "budget" in self.fields:
            self.fields["budget"].disabled = True


class CallInline(TranslationsSideBySide, admin.TabularInline):
    model = Call
    form = CallInlineForm
    extra = 0
    fields = [*translation_columns("title"), "opens_at", "closes_at", "budget", "is_published"]
    show_change_link = True


@admin.register(Programme)
class ProgrammeAdmin(TranslationsSideBySide, AgencyScopedAdmin):
    agency_path = "agency"
    list_display = ["name", "agency", "kind", "applicant_type", "is_active"]
    list_filter = ["kind", "agency", "is_active"]
    list_select_related = ["agency"]
    search_fields = [*translation_columns("name"), "agency__name"]
    # The slug follows the English name until it is typed (all four would be joined in one slug).
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [CostCategoryInline, CallInline]
    # Each text in the four languages side by side (portal.translated): the agency's own language or
    # English is required, the others fall back to it.
    fieldsets = (
        (None, {"fields": ("agency", "kind", "applicant_type", "slug", "is_active")}),
        (_("Name"), {"fields": (tuple(translation_columns("name")),)}),
        (
            _("Texts for applicants"),
            {
                "fields": tuple(
                    tuple(translation_columns(name)) for name in ("summary", "who_can_apply", "funding_rules")
                )
            },
        ),
        (
            _("EU fund"),
            {
                "fields": (
                    *(tuple(translation_columns(name)) for name in ("fund", "specific_objective", "intervention_type")),
                    "eu_cofinancing_rate",
                )
            },
        ),
    )


class CallRuleForm(forms.ModelForm):
    code = forms.ChoiceField(label=_("rule"), choices=())

    class Meta:
        model = CallRule
        fields = [
            "position",
            "code",
            "number",
            "amount",
            "limit",
            "rate",
            "choices",
            "category",
            "basis",
            *translation_columns("note"),
        ]
        widgets = {column: forms.Textarea(attrs={"rows": 2, "cols": 24}) for column in translation_columns("note")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", "---------"), *RULE_CHOICES]

    def _post_clean(self):
        super()._post_clean()
        # A rule written or changed here says where it comes from: the programme's words, or
        # the agency's reason (the public pages show it). Rows saved before the basis existed
        # are kept until someone edits them.
        notes = translation_columns("note")
        if (
            self.has_changed()
            and not any(self.cleaned_data.get(column) for column in notes)
            and not any(column in self.errors for column in notes)
        ):
            self.add_error(
                self._own_note_column(),
                _("Say where this rule comes from: the programme's words it follows, or why the agency set it."),
            )
        # The rule's own check of its parameters, each message next to its field.
        if self.cleaned_data.get("code"):
            try:
                validate_rule_parameters(self.instance)
            except ValidationError as error:
                self._update_errors(error)

    def _own_note_column(self):
        """The note in the agency's language, where the missing note is reported."""
        call = getattr(self.instance, "call", None) if self.instance.call_id else None
        language = call.programme.agency.language if call is not None else "en"
        return f"note_{language}"


class CallRuleInline(TranslationsSideBySide, admin.TabularInline):
    """The call's rules, in order; bad parameters are refused next to the field."""

    model = CallRule
    form = CallRuleForm
    extra = 0
    fields = [
        "position",
        "code",
        "number",
        "amount",
        "limit",
        "rate",
        "choices",
        "category",
        "basis",
        *translation_columns("note"),
        "in_plain_words",
    ]
    readonly_fields = ["in_plain_words"]
    verbose_name_plural = _("eligibility and funding rules (checked in this order)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category__programme__agency", "call__programme__agency")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":
            call_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            queryset = CostCategory.objects.select_related("programme")
            if call_id:
                queryset = queryset.filter(programme__calls__pk=call_id)
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("in plain words"))
    def in_plain_words(self, obj):
        return describe_rule(obj) if obj.pk else "—"


class ReviewCriterionInline(TranslationsSideBySide, admin.TabularInline):
    """The criteria reviewers score, in order, each with its weight, maximum and minimum threshold."""

    model = ReviewCriterion
    extra = 0
    fields = ["position", *translation_columns("name"), "weight", "max_score", "min_score"]
    verbose_name_plural = _("review criteria (weighted total on a 0–100 scale)")


class FrozenAfterSubmissionInline:
    """An inline of a call's form (sections, questions, choices): read-only once the call has a submission.

    The submitted applications answered these questions as they are; the note above the rows says
    why they cannot change and that a copy of the call is the new version.
    """

    template = "admin/programmes/frozen_tabular.html"

    def frozen_call(self, obj):
        raise NotImplementedError

    def get_formset(self, request, obj=None, **kwargs):
        self.frozen_note = FROZEN_MESSAGE if call_form_frozen(self.frozen_call(obj)) else ""
        return super().get_formset(request, obj, **kwargs)

    def _frozen(self, obj):
        return call_form_frozen(self.frozen_call(obj))

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class OfTheCall:
    """Choices of sections and conditions limited to the questions' own call (the page's call)."""

    def call_of_page(self, request):
        raise NotImplementedError

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        call_id = self.call_of_page(request)
        if db_field.name == "section":
            kwargs["queryset"] = FormSection.objects.filter(call_id=call_id)
        elif db_field.name == "condition_question":
            kwargs["queryset"] = Question.objects.filter(call_id=call_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _page_object_id(request):
    return request.resolver_match.kwargs.get("object_id") if request.resolver_match else None


class FormSectionInline(FrozenAfterSubmissionInline, TranslationsSideBySide, admin.TabularInline):
    """The headings of the applicant form, in order."""

    model = FormSection
    extra = 0
    fields = ["position", *translation_columns("title")]
    verbose_name_plural = _("form sections (headings of the applicant's questions)")

    def frozen_call(self, obj):
        return obj


class QuestionInline(FrozenAfterSubmissionInline, OfTheCall, TranslationsSideBySide, admin.TabularInline):
    """The call's questions, in order; limits, help text, condition and choices on the question's page."""

    model = Question
    extra = 0
    fields = ["position", "code", "kind", "section", *translation_columns("label"), "required"]
    show_change_link = True
    verbose_name_plural = _("questions to applicants (limits, conditions and choices on each question's page)")

    def frozen_call(self, obj):
        return obj

    def call_of_page(self, request):
        return _page_object_id(request)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section", "call__programme__agency")


class QuestionChoiceInline(FrozenAfterSubmissionInline, TranslationsSideBySide, admin.TabularInline):
    model = QuestionChoice
    extra = 0
    fields = ["position", "code", *translation_columns("label")]
    verbose_name_plural = _("choices (for a question with a list)")

    def frozen_call(self, obj):
        return obj.call if obj is not None else None


@admin.register(Question)
class QuestionAdmin(OfTheCall, TranslationsSideBySide, AgencyScopedAdmin):
    """One question with its choices; read-only once an application to its call was submitted."""

    agency_path = "call__programme__agency"
    inlines = [QuestionChoiceInline]
    list_display = ["label", "code", "kind", "call", "position", "required"]
    list_filter = ["kind", "call__programme__agency", "call__programme"]
    list_select_related = ["call__programme__agency"]
    search_fields = [*translation_columns("label"), "code"]
    fieldsets = (
        (None, {"fields": ("call", "section", "position", "code", "kind", "required", "is_public")}),
        (_("Question"), {"fields": (tuple(translation_columns("label")), tuple(translation_columns("help_text")))}),
        (_("Limits"), {"fields": (("min_length", "max_length"), ("min_value", "max_value"))}),
        (_("Asked only if"), {"fields": (("condition_question", "condition_values"),)}),
    )

    def call_of_page(self, request):
        question_id = _page_object_id(request)
        if question_id is None:
            return None
        return Question.objects.filter(pk=question_id).values("call_id")[:1]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if _page_object_id(request) is None and db_field.name in ("section", "condition_question"):
            # A new question: its call is chosen on this page; the model refuses another call's row.
            return AgencyScopedAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            # Its call is chosen once: a question moved to another call would leave its answers behind.
            return [*super().get_readonly_fields(request, obj), "call"]
        return super().get_readonly_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        frozen = obj is not None and call_form_frozen(obj.call)
        return not frozen and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        frozen = obj is not None and call_form_frozen(obj.call)
        return not frozen and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # The bulk delete would pass over the check of each question's call.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        question = self.get_object(request, object_id)
        if question is not None and call_form_frozen(question.call):
            self.message_user(request, FROZEN_MESSAGE, level="warning")
        return super().change_view(request, object_id, form_url, extra_context)


class CallDocumentForm(forms.ModelForm):
    class Meta:
        model = CallDocument
        fields = [
            "position",
            "kind",
            *translation_columns("name"),
            *translation_columns("help_text"),
            "formats",
            "max_size_mb",
            "required",
        ]
        widgets = {
            **{column: forms.Textarea(attrs={"rows": 2, "cols": 24}) for column in translation_columns("help_text")},
            "formats": forms.TextInput(attrs={"size": 14}),
        }


class CallDocumentInline(AgencyScopedInline, TranslationsSideBySide, admin.TabularInline):
    """The documents the call asks for, each in the four languages; read-only once an application was submitted.

    The model refuses the change too (programmes.models.documents): this only shows it.
    """

    model = CallDocument
    form = CallDocumentForm
    agency_path = "call__programme__agency"
    extra = 0
    template = "admin/programmes/call/documents_inline.html"
    fields = CallDocumentForm.Meta.fields
    verbose_name_plural = _("documents applicants attach (checked at submission when required)")
    frozen_note = CallDocumentsFrozen.default_message

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("call__programme__agency")

    def get_readonly_fields(self, request, obj=None):
        return self.fields if call_form_frozen(obj) else []

    def has_add_permission(self, request, obj=None):
        return not call_form_frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not call_form_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not call_form_frozen(obj) and super().has_delete_permission(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.frozen = call_form_frozen(obj)
        return formset


@admin.register(Call)
class CallAdmin(TranslationsSideBySide, AgencyScopedAdmin):
    agency_path = "programme__agency"
    inlines = [CallRuleInline, CallDocumentInline, ReviewCriterionInline, FormSectionInline, QuestionInline]
    actions = ["copy_calls"]
    change_form_template = "admin/programmes/call/change_form.html"
    list_display = ["title", "programme", "year", "opens_at", "closes_at", "budget_eur", "applications", "is_published"]
    list_filter = ["programme__agency", "programme__kind", "programme", "year", "is_published"]
    list_select_related = ["programme__agency"]
    search_fields = [
        *translation_columns("title"),
        *(f"programme__{column}" for column in translation_columns("name")),
        "reference_prefix",
    ]
    date_hierarchy = "closes_at"
    readonly_fields = ["last_reference_number"]
    # The slug follows the English title until it is typed (all four would be joined in one slug).
    prepopulated_fields = {"slug": ["title_en"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(application_count=Count("applications"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            empty = (
                Question.objects.filter(call_id=object_id, kind__in=Question.CHOICE_KINDS, choices__isnull=True)
                .select_related("call__programme__agency")
                .order_by("position", "pk")
            )
            for question in empty:
                self.message_user(
                    request,
                    _(
                        "The question “%(question)s” offers no choices yet: applicants are not asked it "
                        "until it has some."
                    )
                    % {"question": question.label},
                    level=messages.WARNING,
                )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("budget"), ordering="budget")
    def budget_eur(self, obj):
        return format_eur(obj.budget)

    @admin.display(description=_("applications"), ordering="application_count")
    def applications(self, obj):
        return obj.application_count

    @admin.action(description=_("Copy the selected calls (new unpublished versions)"), permissions=["add"])
    def copy_calls(self, request, queryset):
        for call in queryset:
            copy = call_copy(call=call, by=request.user)
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("Copied, unpublished:"),
                    reverse("admin:programmes_call_change", args=[copy.pk]),
                    copy.title,
                ),
            )


@admin.register(EmailWording)
class EmailWordingAdmin(TranslationsSideBySide, AgencyScopedAdmin):
    """The agency's subject, opening and closing of each e-mail, in four languages, with a preview."""

    agency_path = "agency"
    list_display = ["kind", "agency", "updated_at"]
    list_filter = ["agency", "kind"]
    list_select_related = ["agency"]
    search_fields = translation_columns("subject", "opening", "closing")
    readonly_fields = ["placeholders", "preview", "updated_at"]
    fieldsets = (
        (None, {"fields": ("agency", "kind", "placeholders")}),
        (_("Subject"), {"fields": (tuple(translation_columns("subject")),)}),
        (_("Opening"), {"fields": (tuple(translation_columns("opening")),)}),
        (_("Closing"), {"fields": (tuple(translation_columns("closing")),)}),
        (_("What recipients read"), {"fields": ("preview", "updated_at")}),
    )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if request.user.agency_id and not request.user.is_superuser:
            initial.setdefault("agency", request.user.agency_id)
        return initial

    @admin.display(description=_("placeholders"))
    def placeholders(self, obj):
        return format_html_join(
            "",
            "<div><strong>{}</strong>: {}</div>",
            (
                (EmailKind(kind).label, ", ".join(f"{{{name}}}" for name in names))
                for kind, names in PLACEHOLDERS.items()
            ),
        )

    @admin.display(description=_("preview with example values"))
    def preview(self, obj):
        if obj is None or obj.pk is None:
            return _("Saved wordings are previewed here, in each language.")
        rows = []
        for code, name in settings.LANGUAGES:
            with translation.override(code):
                parts = [fill(getattr(obj, part), PLACEHOLDER_EXAMPLES) for part in ("subject", "opening", "closing")]
            rows.append((name, *(part or "–" for part in parts)))
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("language"),
            _("subject"),
            _("opening"),
            _("closing"),
            format_html_join(
                "",
                '<tr><td>{}</td><td>{}</td><td style="white-space: pre-line">{}</td>'
                '<td style="white-space: pre-line">{}</td></tr>',
                rows,
            ),
        )


@admin.register(CostCategory)
class CostCategoryAdmin(TranslationsSideBySide, AgencyScopedAdmin):
    agency_path = "programme__agency"
    list_display = ["name", "code", "programme", "position"]
    list_filter = ["programme__agency", "programme"]
    list_select_related = ["programme__agency"]
    search_fields = [*translation_columns("name"), "code"]
    fieldsets = (
        (None, {"fields": ("programme", "code", "position")}),
        (_("Name"), {"fields": (tuple(translation_columns("name")),)}),
        (_("Description"), {"fields": (tuple(translation_columns("description")),)}),
    )


@admin.register(AidAward)
class AidAwardAdmin(AgencyScopedAdmin):
    """The de minimis ledger. It keeps its history: no amount is ever edited here. Grants write their
    awards when decided and their corrections (negative, dated) when renounced or revoked; aid declared
    from other authorities is typed in once, then read-only like every row."""

    agency_path = "programme__agency"

    list_display = [
        "organisation",
        "programme",
        "application",
        "kind",
        "amount_eur",
        "awarded_on",
        "corrected_on",
        "legal_basis",
    ]
    list_filter = ["kind", "legal_basis", "programme"]
    list_select_related = ["organisation", "programme", "application"]
    search_fields = ["organisation__legal_name", "organisation__tax_id", "application__reference"]
    date_hierarchy = "awarded_on"
    autocomplete_fields = ["organisation", "programme"]
    # What can be typed in: aid declared from another authority (an award, never a correction).
    fields = ["organisation", "legal_basis", "amount", "awarded_on", "programme", "granting_authority"]
    # What a recorded row shows, all read-only.
    shown = [
        "organisation",
        "kind",
        "legal_basis",
        "amount",
        "awarded_on",
        "corrected_on",
        "corrects",
        "note",
        "programme",
        "application",
        "granting_authority",
        "created_at",
    ]

    def get_fields(self, request, obj=None):
        return self.shown if obj is not None else self.fields

    def get_readonly_fields(self, request, obj=None):
        # A recorded entry is history: corrections are new rows written by the services, never edits.
        return self.shown if obj is not None else ["created_at"]

    def has_delete_permission(self, request, obj=None):
        # A grant's awards and corrections stay; a declared aid typed by mistake may be removed.
        if obj is not None and (obj.application_id is not None or obj.kind == AidAward.Kind.CORRECTION):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # The bulk delete would pass over the rows a grant wrote.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("amount"), ordering="amount")
    def amount_eur(self, obj):
        return format_eur(obj.amount)


class AidAwardInline(admin.TabularInline):
    """The de minimis ledger of the organisation, read-only: grants record it when decided."""

    model = AidAward
    extra = 0
    fields = ["awarded_on", "kind", "legal_basis", "amount", "corrected_on", "programme", "application", "note"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("State aid received")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("programme", "application")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OrganisationAdmin(consortia_admin.OrganisationAdmin):
    """The organisation's page with its de minimis ledger."""

    inlines = [*consortia_admin.OrganisationAdmin.inlines, AidAwardInline]


admin.site.unregister(Organisation)
admin.site.register(Organisation, OrganisationAdmin)
