from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors
from .models import Programme
from .rules import ELIGIBILITY, FUNDING, rule_for
from .subscriptions import subscription_toggle


# Public pages only read: no transaction around them (see ATOMIC_REQUESTS).
@transaction.non_atomic_requests
def programme(request, slug):
    programme = selectors.programme_detail(slug=slug)
    now = timezone.now()
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
    known = [(rule_for(row.code), row) for row in call.rules.all() if rule_for(row.code)]
    return render(
        request,
        "programmes/call_detail.html",
        {
            "call": call,
            "programme": call.programme,
            "is_open": call.is_open(),
            "now": timezone.now(),
            "eligibility_rules": [rule.describe(row) for rule, row in known if rule.kind == ELIGIBILITY],
            "funding_rules": [rule.describe(row) for rule, row in known if rule.kind == FUNDING],
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
