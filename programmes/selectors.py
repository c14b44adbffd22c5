"""Reads for programmes and calls, each with its related rows fetched once."""

from django.db.models import OuterRef, Prefetch, Subquery, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from portal.translated import translated_value

# The formation of export consortia (seed 002) has its own package; its reads are importable from here too.
# The seed funding granted to formations is read from the call's grants: applications.selectors.
from .formation.selectors import formation_candidacy_for as formation_candidacy_for
from .formation.selectors import formation_invitations_of as formation_invitations_of
from .formation.selectors import formations_under_way as formations_under_way
from .models import Call, CallDocument, CallRule, Programme, ProgrammeBudgetLine
from .rules import rules_in_words as rules_in_words

# A call's rules as the public pages describe them: in order, with the cost category a cap names.
PUBLIC_RULES = CallRule.objects.select_related("category__programme__agency").order_by("position", "pk")


def programmes_with_open_calls(*, moment=None) -> tuple[list[Programme], list[Programme]]:
    """Active programmes split into those with an open call and the others.

    Each programme carries `open_calls` (ordered by deadline). Two queries.
    """
    moment = moment or timezone.now()
    programmes = (
        Programme.objects.filter(is_active=True)
        .select_related("agency")
        .prefetch_related(
            Prefetch(
                "calls",
                queryset=Call.objects.open_at(moment).order_by("closes_at"),
                to_attr="open_calls",
            )
        )
        .order_by("agency__name", translated_value("name", agency_language="agency__language"))
    )
    with_calls, without = [], []
    for programme in programmes:
        for call in programme.open_calls:
            # The programme (with its agency) is already here: no query per call.
            call.programme = programme
        (with_calls if programme.open_calls else without).append(programme)
    return with_calls, without


def programme_detail(*, slug: str) -> Programme:
    """A programme with its agency, cost categories and published calls, each call with its rules.

    `yearly_budget`: the total of the lines of the programme's budget for this year (None without one).
    """
    this_year = (
        ProgrammeBudgetLine.objects.filter(budget__programme=OuterRef("pk"), budget__year=timezone.localdate().year)
        .order_by()
        .values("budget")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    queryset = (
        Programme.objects.filter(is_active=True)
        .annotate(yearly_budget=Subquery(this_year))
        .select_related("agency")
        .prefetch_related(
            "cost_categories",
            Prefetch("calls", queryset=Call.objects.published().order_by("-opens_at"), to_attr="published_calls"),
            # One query for the rules of every call (the page describes those of the open calls).
            Prefetch("published_calls__rules", queryset=PUBLIC_RULES),
        )
    )
    programme = get_object_or_404(queryset, slug=slug)
    for call in programme.published_calls:
        call.programme = programme
    return programme


def call_detail(*, programme_slug: str, slug: str) -> Call:
    """A published call with its programme, agency, cost categories, rules and the documents it asks for."""
    queryset = (
        Call.objects.published()
        .select_related("programme__agency")
        .prefetch_related(
            "programme__cost_categories",
            Prefetch("rules", queryset=PUBLIC_RULES),
            Prefetch("documents", queryset=CallDocument.objects.order_by("position", "pk")),
        )
    )
    return get_object_or_404(queryset, programme__slug=programme_slug, programme__is_active=True, slug=slug)
