"""Reads for the open data: the published list of operations and the calls open now.

The list of operations is the one `applications.reports.operations` builds for staff (same
selection, same columns, same order); these selectors add the public filters, the choices those
filters offer, and pages of a fixed size, each in a fixed number of queries.
"""

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from applications.models import Application
from applications.reports.operations import ORDERING, operation_rows, operations_queryset, programme_texts
from portal.regions import region_name
from portal.translated import any_language
from programmes.models import Call

# Stable English names of the columns of `operation_rows`, in their order: the keys of the JSON
# download and of the rows the page shows.
KEYS = (
    "reference",
    "beneficiary",
    "operation_name",
    "purpose",
    "start_date",
    "end_date",
    "total_cost",
    "grant",
    "fund",
    "specific_objective",
    "eu_cofinancing_rate",
    "location_nuts2",
    "intervention_type",
    "programme",
)
MONEY_KEYS = frozenset({"total_cost", "grant"})

# The operation's location as `operation_rows` gives it: the applicant organisation's region,
# else the consortium lead's, else the agency's. Used to filter by region in the database.
LOCATION = Coalesce(
    NullIf(F("organisation__region"), Value("")),
    NullIf(F("consortium__lead__region"), Value("")),
    F("call__programme__agency__region"),
)

PAGE_SIZE = 50


@dataclass
class FilterChoices:
    """The values the filters of the list can take: those present in the published operations."""

    agencies: list[tuple[int, str]] = field(default_factory=list)
    # Programmes grouped by agency name, as a select's option groups.
    programmes: list[tuple[str, list[tuple[int, str]]]] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    regions: list[tuple[str, str]] = field(default_factory=list)
    funds: list[tuple[str, str]] = field(default_factory=list)
    zones: dict[int, str] = field(default_factory=dict)


def operation_filter_choices() -> FilterChoices:
    """The agencies, programmes, years, regions and funds that have operations. One query."""
    combinations = (
        programme_texts(operations_queryset(agency_id=None))
        .annotate(location=LOCATION, fund_key=any_language("call__programme__fund"))
        .order_by()
        .values_list(
            "call__programme__agency_id",
            "call__programme__agency__name",
            "call__programme__agency__timezone",
            "call__programme_id",
            "programme_name",
            "call__year",
            "programme_fund",
            "fund_key",
            "location",
        )
        .distinct()
    )
    agencies, zones, programmes, years, regions, funds = {}, {}, {}, set(), set(), {}
    for agency_id, agency_name, zone, programme_id, programme_name, year, fund, key, location in combinations:
        agencies[agency_id] = agency_name
        zones[agency_id] = zone
        programmes.setdefault(agency_name, {})[programme_id] = programme_name
        years.add(year)
        if location:
            regions.add(location)
        if key:
            funds.setdefault(key, fund)
    return FilterChoices(
        agencies=sorted(agencies.items(), key=lambda item: item[1].casefold()),
        programmes=[
            (agency_name, sorted(programmes[agency_name].items(), key=lambda item: item[1].casefold()))
            for agency_name in sorted(programmes, key=str.casefold)
        ],
        years=sorted(years, reverse=True),
        regions=[(code, region_label(code)) for code in sorted(regions)],
        funds=sorted(funds.items(), key=lambda item: item[1].casefold()),
        zones=zones,
    )


def region_label(code: str) -> str:
    name = region_name(code)
    return code if name == code else f"{code} {name}"


def published_operations(
    *,
    agency_id: int | None = None,
    programme_id: int | None = None,
    year: int | None = None,
    region: str = "",
    fund: str = "",
) -> QuerySet[Application]:
    """The selected operations (approved or closed applications), filtered. Not evaluated."""
    queryset = operations_queryset(agency_id=agency_id, year=year, programme_id=programme_id)
    if fund:
        # The fund by its key, the same in every language (its English name, else the name written), so
        # a link to the list filtered by a fund gives the same operations to a reader of any language.
        queryset = queryset.alias(fund_key=any_language("call__programme__fund")).filter(fund_key=fund)
    if region:
        queryset = queryset.alias(location=LOCATION).filter(location=region)
    return queryset


def operation_record(row: list) -> dict:
    """A row of `operation_rows` as a dict with the stable keys (Python values kept)."""
    return dict(zip(KEYS, row, strict=True))


def operation_records(queryset: QuerySet[Application]):
    """The operations of the queryset as dicts, streamed (one query, server-side cursor)."""
    return (operation_record(row) for row in operation_rows(queryset))


def operations_page(queryset: QuerySet[Application], *, number, per_page: int = PAGE_SIZE) -> tuple[Page, list[dict]]:
    """One page of operations, in the order of the full list. Two queries: the count and the rows.

    The page's keys are chosen by a sub-query (ordered, sliced), so the rows are read by the
    same `operation_rows` as the downloads.
    """
    paginator = Paginator(queryset.order_by(*ORDERING).values_list("pk", flat=True), per_page)
    page = paginator.get_page(number)
    if not paginator.count:
        return page, []
    rows = Application.objects.filter(pk__in=page.object_list)
    return page, list(operation_records(rows))


def open_calls(*, moment: datetime.datetime | None = None) -> list[Call]:
    """Published calls of active programmes open at `moment` (now), with programme and agency. One query."""
    moment = moment or timezone.now()
    return list(
        Call.objects.open_at(moment)
        .filter(programme__is_active=True)
        .select_related("programme__agency")
        .order_by("closes_at", "pk")
    )
