"""The reviewer's page in the admin and the reviews inline of the application change page.

Mount them on ApplicationAdmin:

    def get_urls(self):
        return review_urls(self) + super().get_urls()

    inlines = [..., ReviewInline]
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.money import to_cents
from portal.refusals import show_refusal
from programmes.models import ReviewCriterion

from .answers import answers_shown
from .models import Attachment, BudgetLine, Review, Score
from .reviews import REVIEWABLE, ReviewRefused, review_declare, review_score, review_weighted_total


class DeclarationForm(forms.Form):
    """The conflict-of-interest declaration a reviewer makes before seeing the application."""

    has_conflict = forms.TypedChoiceField(
        label=_("Conflict of interest"),
        choices=[
            ("no", _("I have no conflict of interest with this applicant.")),
            ("yes", _("I have a conflict of interest: I recuse myself from this review.")),
        ],
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
    )
    note = forms.CharField(
        label=_("What the conflict is"),
        required=False,
        max_length=300,
        help_text=_("Only if you declare a conflict: a few words for the programme manager."),
    )


class ScoreForm(forms.Form):
    """One score (0..maximum) and one comment per criterion of the call, and an overall comment."""

    comment = forms.CharField(
        label=_("Overall comment"), required=False, widget=forms.Textarea(attrs={"rows": 4, "cols": 80})
    )

    def __init__(self, *args, criteria, scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scores = scores or {}
        for criterion in self.criteria:
            given = scores.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=criterion.name,
                min_value=0,
                max_value=criterion.max_score,
                help_text=_("From 0 to %(max)s.") % {"max": criterion.max_score},
                initial=given.score if given else None,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on “%(name)s”") % {"name": criterion.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
                initial=given.comment if given else "",
            )

    def rows(self):
        for criterion in self.criteria:
            yield criterion, self[f"score_{criterion.pk}"], self[f"comment_{criterion.pk}"]

    def scores(self) -> dict[int, tuple[int, str]]:
        return {c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"]) for c in self.criteria}


def _review_view(model_admin, request, pk):
    application = (
        model_admin.get_queryset(request)
        .select_related("call__programme__agency", "consortium", "organisation")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        # As the admin's own change page does: back to the index with "does not exist".
        return model_admin._get_obj_does_not_exist_redirect(request, model_admin.opts, str(pk))
    if not model_admin.has_view_permission(request, application):
        raise PermissionDenied
    review = Review.objects.filter(application=application, reviewer=request.user).first()
    criteria = ReviewCriterion.objects.filter(call_id=application.call_id).order_by("position", "pk")
    open_for_review = application.status in REVIEWABLE
    declaration_form = score_form = None

    if request.method == "POST":
        if not open_for_review:
            raise PermissionDenied
        if review is None:
            if not request.user.has_perm("applications.add_review"):
                raise PermissionDenied
            declaration_form = DeclarationForm(request.POST)
            if declaration_form.is_valid():
                try:
                    review_declare(
                        application=application,
                        reviewer=request.user,
                        has_conflict=declaration_form.cleaned_data["has_conflict"],
                        note=declaration_form.cleaned_data["note"],
                    )
                except ReviewRefused as refusal:
                    show_refusal(declaration_form, refusal)
                else:
                    if declaration_form.cleaned_data["has_conflict"]:
                        # From now on the admin shows the reviewer nothing of this application.
                        messages.success(
                            request,
                            gettext("You recused yourself: this application is no longer shown to you."),
                        )
                        return HttpResponseRedirect(reverse("admin:applications_application_changelist"))
                    messages.success(request, gettext("Your declaration is recorded."))
                    return HttpResponseRedirect(request.path)
        elif not review.has_conflict:
            if not (
                request.user.has_perm("applications.add_score") and request.user.has_perm("applications.change_review")
            ):
                raise PermissionDenied
            score_form = ScoreForm(request.POST, criteria=criteria)
            if score_form.is_valid():
                try:
                    review_score(review=review, scores=score_form.scores(), comment=score_form.cleaned_data["comment"])
                except ReviewRefused as refusal:
                    show_refusal(score_form, refusal)
                else:
                    messages.success(request, gettext("Your scores are recorded."))
                    return HttpResponseRedirect(request.path)
        else:
            raise PermissionDenied

    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": gettext("Review of %(application)s") % {"application": application},
        "application": application,
        "review": review,
        "open_for_review": open_for_review,
    }
    if review is None:
        context["declaration_form"] = declaration_form or DeclarationForm()
    elif not review.has_conflict:
        # Only a reviewer who declared no conflict sees who applies and what for.
        context.update(
            budget_lines=list(
                BudgetLine.objects.filter(application=application).select_related("category").order_by("position", "pk")
            ),
            # Each file under the call's document it answers (named in the reader's language).
            attachments=Attachment.objects.filter(application=application)
            .select_related("document__call__programme__agency")
            .order_by("uploaded_at", "pk"),
            score_form=score_form
            or ScoreForm(
                criteria=criteria,
                scores={s.criterion_id: s for s in review.scores.all()},
                initial={"comment": review.comment},
            ),
            weighted_total=review_weighted_total(review) if review.completed_at else None,
            answers=answers_shown(application),
        )
        context["budget_total"] = to_cents(sum((line.amount for line in context["budget_lines"]), 0))
    return TemplateResponse(request, "admin/applications/review.html", context)


def review_urls(model_admin):
    """The reviewer's page of an application, for ApplicationAdmin.get_urls (put it before the default URLs)."""

    def review_view(request, pk):
        return _review_view(model_admin, request, pk)

    return [
        path(
            "<int:pk>/review/",
            model_admin.admin_site.admin_view(review_view),
            name="applications_application_review",
        )
    ]


class ReviewInline(admin.TabularInline):
    """The reviews of an application, read-only: who, conflict declared, completed, weighted total."""

    model = Review
    extra = 0
    fields = ["reviewer", "has_conflict", "conflict_note", "completed_at", "weighted_total"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("reviews")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("reviewer")
            .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        )

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("weighted total (0–100)"))
    def weighted_total(self, obj):
        total = review_weighted_total(obj) if obj.completed_at else None
        return "—" if total is None else number_format(total, decimal_pos=2)
