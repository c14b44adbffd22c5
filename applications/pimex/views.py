"""The participant's PIMEX pages: progress, SWOT analysis, action plan and satisfaction survey.

Every view fetches the participation through selectors.participation_for (404 for anyone
who does not act for the company, and for any application that is not a PIMEX
participation), parses with a form and calls a service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from applications.models import Application, PimexActionPlan, PimexPlannedAction, PimexSurvey, PimexSwot
from applications.queries import _editable_filter
from portal.refusals import show_refusal

from . import services
from .forms import ActionPlanForm, PlannedActionForm, PlannedActionFormSet, SurveyForm, SwotForm
from .selectors import RUNNING, SWOT_PART_LABELS, participation_for, pimex_progress

ACTION_FIELDS = list(PlannedActionForm.Meta.fields)


@login_required
def progress(request, pk):
    """Where the participant stands: sessions, tutorials, deliverables and survey."""
    application = participation_for(request.user, pk)
    editable = Application.objects.filter(pk=application.pk).filter(_editable_filter(request.user)).exists()
    return render(
        request,
        "programmes/pimex/participant.html",
        {"application": application, "pimex": pimex_progress(application=application), "editable": editable},
    )


def _refused(request, application, refusal):
    show_refusal(request, refusal)
    return redirect("programmes:pimex_progress", pk=application.pk)


@login_required
def swot(request, pk):
    application = participation_for(request.user, pk, editable=True)
    current = PimexSwot.objects.filter(application=application).first()
    running = application.status == RUNNING
    form = SwotForm(request.POST or None, instance=current)
    if request.method == "POST":
        if not running:
            refusal = services.PimexRefused(_("The operation is closed: its SWOT analysis can only be read."))
            return _refused(request, application, refusal)
        if form.is_valid():
            try:
                saved = services.pimex_swot_save(application=application, by=request.user, **form.cleaned_data)
            except services.PimexRefused as refusal:
                return _refused(request, application, refusal)
            messages.success(request, _("The SWOT analysis is saved."))
            if saved.missing_parts:
                messages.info(
                    request,
                    _("Still to write: %(parts)s.")
                    % {"parts": ", ".join(str(SWOT_PART_LABELS[p]) for p in saved.missing_parts)},
                )
            return redirect("programmes:pimex_progress", pk=application.pk)
    return render(
        request,
        "programmes/pimex/swot.html",
        {"application": application, "form": form, "swot": current, "running": running},
    )


@login_required
def action_plan(request, pk):
    application = participation_for(request.user, pk, editable=True)
    plan = PimexActionPlan.objects.filter(application=application).first()
    current = list(PimexPlannedAction.objects.filter(plan=plan)) if plan else []
    running = application.status == RUNNING
    data = request.POST if request.method == "POST" else None
    form = ActionPlanForm(data, instance=plan)
    formset = PlannedActionFormSet(
        data, prefix="actions", initial=[{f: getattr(a, f) for f in ACTION_FIELDS} for a in current]
    )
    if request.method == "POST":
        if not running:
            refusal = services.PimexRefused(_("The operation is closed: its action plan can only be read."))
            return _refused(request, application, refusal)
        if form.is_valid() and formset.is_valid():
            actions = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            try:
                services.pimex_action_plan_save(
                    application=application,
                    by=request.user,
                    target_markets=form.cleaned_data["target_markets"],
                    objectives=form.cleaned_data["objectives"],
                    actions=actions,
                )
            except services.PimexRefused as refusal:
                return _refused(request, application, refusal)
            messages.success(request, _("The international action plan is saved."))
            if request.POST.get("then") == "add":
                return redirect("programmes:pimex_action_plan", pk=application.pk)
            return redirect("programmes:pimex_progress", pk=application.pk)
    return render(
        request,
        "programmes/pimex/action_plan.html",
        {
            "application": application,
            "form": form,
            "formset": formset,
            "plan": plan,
            "actions": current,
            "running": running,
        },
    )


@login_required
def survey(request, pk):
    """The satisfaction survey: open once the sessions and tutorials are done, answered once."""
    application = participation_for(request.user, pk, editable=True)
    answered = PimexSurvey.objects.filter(application=application).first()
    pimex = pimex_progress(application=application)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and answered is None and form.is_valid():
        try:
            services.pimex_survey_submit(
                application=application,
                by=request.user,
                score=form.cleaned_data["score"],
                comments=form.cleaned_data["comments"],
            )
        except services.PimexRefused as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Thank you: your answer is sent to the agency."))
            return redirect("programmes:pimex_progress", pk=application.pk)
    return render(
        request,
        "programmes/pimex/survey.html",
        {"application": application, "form": form, "survey": answered, "pimex": pimex},
    )
