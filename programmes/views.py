from django.db import transaction
from django.shortcuts import render
from django.utils import timezone

from . import selectors
from .rules import ELIGIBILITY, FUNDING, rule_for


# Public pages only read: no transaction around them (see ATOMIC_REQUESTS).
@transaction.non_atomic_requests
def programme(request, slug):
    programme = selectors.programme_detail(slug=slug)
    now = timezone.now()
    return render(
        request,
        "programmes/programme_detail.html",
        {"programme": programme, "calls": programme.published_calls, "now": now},
    )


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
