from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.refusals import show_refusal

from . import selectors
from .formation import services as formation_services
from .formation.forms import FormationAnswerForm
from .models import Programme
from .subscriptions import subscription_toggle


# Public pages only read: no transaction around them (see ATOMIC_REQUESTS).
@transaction.non_atomic_requests
def programme(request, slug):
    programme = selectors.programme_detail(slug=slug)
    now = timezone.now()
    for published in programme.published_calls:
        # The rules of each open call, in words, from the prefetched rows (no query per call).
        published.rules_in_words = selectors.rules_in_words(published.rules.all()) if published.is_open(now) else None
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "calls": programme.published_calls,
            "now": now,
            "subscribed": request.user.is_authenticated and programme.subscriptions.filter(user=request.user).exists(),
        },
    )


@login_required
@require_POST
def subscribe(request, slug):
    programme = get_object_or_404(Programme.objects.filter(is_active=True), slug=slug)
    if subscription_toggle(user=request.user, programme=programme):
        messages.success(request, _("You will receive an e-mail when this programme opens a call."))
    else:
        messages.info(request, _("You will no longer receive e-mails about this programme's calls."))
    return redirect(programme.get_absolute_url())


@transaction.non_atomic_requests
def call(request, programme_slug, slug):
    call = selectors.call_detail(programme_slug=programme_slug, slug=slug)
    return render(
        request,
        "programmes/call_detail.html",
        {
            "call": call,
            "programme": call.programme,
            "is_open": call.is_open(),
            "now": timezone.now(),
            "rules": selectors.rules_in_words(call.rules.all()),
        },
    )


@transaction.non_atomic_requests
def home(request):
    with_calls, without = selectors.programmes_with_open_calls()
    return render(
        request,
        "portal/home.html",
        {"programmes": with_calls, "other_programmes": without, "now": timezone.now()},
    )


@login_required
def formation_candidacy(request, pk):
    """An invited company sees the consortium being formed and answers: join or decline, once and for all."""
    candidate = selectors.formation_candidacy_for(request.user, pk)
    form = FormationAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # A second click, or an answer sent from a page left open, meets the row lock and
        # the final answer in the service: the same answer changes nothing, another is refused.
        join = form.cleaned_data["decision"] == "join"
        try:
            answered = formation_services.formation_candidate_answer(
                candidate=candidate, join=join, reason=form.cleaned_data["reason"], by=request.user
            )
        except formation_services.Refused as refusal:
            show_refusal(request, refusal)
        else:
            if answered.status == "joined":
                messages.success(
                    request,
                    _("%(organisation)s has joined. The agency will tell you when the consortium is established.")
                    % {"organisation": answered.organisation},
                )
            else:
                messages.info(
                    request,
                    _("Your answer is recorded: %(organisation)s does not join.")
                    % {"organisation": answered.organisation},
                )
        return redirect("consortia:formation_candidacy", pk=candidate.pk)
    attended = {attendance.meeting_id for attendance in candidate.attendances.all()}
    return render(
        request,
        "consortia/formation_candidacy.html",
        {
            "candidate": candidate,
            "formation": candidate.formation,
            "meetings": [(meeting, meeting.pk in attended) for meeting in candidate.formation.meetings.all()],
            "form": form,
        },
    )
