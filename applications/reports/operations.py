"""The list of selected operations (CPR 2021/1060 Art. 49) in XLSX and CSV.

Rows are read with one `values_list` query streamed from a server-side cursor (no model
instances), so memory stays flat whatever the number of operations. Beneficiaries are
organisations (companies, associations, public bodies) or consortia: no personal data of
natural persons is published. Every text cell goes through `applications.exports.neutralise`.

The answers to a call's own questions are not in this list, not even those of questions marked
public (`programmes.Question.is_public`): its columns are the ones Article 49(3) fixes, the same for
every agency, programme and year, and the open data publishes them as one table with stable keys
(`applications.opendata.selectors.KEYS`) that programs read. A call's questions differ from call
to call (codes, labels, kinds): as columns they would change the table's shape with each filter.
Public answers belong in a dataset of their own, one row per operation and question, if an agency
asks for it; staff already get every answer in their export (`applications.exports`).

Assumption until post-award dates are recorded: the start date is the date the application was
submitted, the end date the date its call closed (both in the agency's time zone).
"""

import csv
import zoneinfo
from collections.abc import Callable, Iterator

from django.utils.translation import gettext as _
from openpyxl import Workbook

from applications.exports import neutralise, write_sheet
from applications.models import Application
from portal.translated import translated_value

SELECTED = [Application.Status.APPROVED, Application.Status.CLOSED]

FIELDS = [
    "reference",
    "consortium__name",
    "organisation__legal_name",
    "title",
    "summary",
    "submitted_at",
    "call__closes_at",
    "eligible_costs",
    "granted_amount",
    "programme_fund",
    "programme_specific_objective",
    "call__programme__eu_cofinancing_rate",
    "organisation__region",
    "consortium__lead__region",
    "call__programme__agency__region",
    "programme_intervention_type",
    "programme_name",
    "call__programme__agency__timezone",
    "decision_override_reason",
]
MONEY_COLUMNS = frozenset({7, 8})
# The order of the rows; pages of the public list (applications.opendata) slice in the same order.
ORDERING = ("call__programme_id", "call_id", "reference", "pk")


def programme_texts(queryset):
    """The programme's texts of each row in the reader's language (portal.translated), as `programme_<name>`."""
    return queryset.annotate(
        **{
            f"programme_{name}": translated_value(
                f"call__programme__{name}", agency_language="call__programme__agency__language"
            )
            for name in ("name", "fund", "specific_objective", "intervention_type")
        }
    )


def headers(*, decisions: bool = False) -> list[str]:
    """The columns of `operation_rows`; `decisions` adds the staff's column of decisions taken against the reviews."""
    return [
        _("Reference"),
        _("Beneficiary"),
        _("Operation name"),
        _("Purpose"),
        _("Start date"),
        _("End date"),
        _("Total cost (EUR)"),
        _("Grant (EUR)"),
        _("Fund"),
        _("Specific objective"),
        _("EU co-financing rate (%)"),
        _("Location (NUTS 2)"),
        _("Type of intervention"),
        _("Programme"),
        *([_("Approved against the reviews: reason")] if decisions else []),
    ]


def operations_queryset(*, agency_id: int | None, year: int | None = None, programme_id: int | None = None):
    queryset = Application.objects.filter(status__in=SELECTED)
    if agency_id is not None:
        queryset = queryset.filter(call__programme__agency_id=agency_id)
    if year is not None:
        queryset = queryset.filter(call__year=year)
    if programme_id is not None:
        queryset = queryset.filter(call__programme_id=programme_id)
    return queryset


def operation_rows(
    queryset, progress: Callable[[int, int], None] | None = None, *, decisions: bool = False
) -> Iterator[list]:
    """One row per operation (see `headers`), read in one streamed query (plus one count).

    `decisions` (the staff's reports, never the published list) adds the reason a programme
    manager gave for approving against the reviews, blank for a decision the reviews allowed.
    """
    total = queryset.count() if progress else 0
    zones: dict[str, zoneinfo.ZoneInfo] = {}
    rows = programme_texts(queryset).order_by(*ORDERING).values_list(*FIELDS)
    done = 0
    for (
        reference,
        consortium_name,
        organisation_name,
        title,
        summary,
        submitted_at,
        closes_at,
        eligible_costs,
        granted_amount,
        fund,
        objective,
        rate,
        organisation_region,
        lead_region,
        agency_region,
        intervention,
        programme,
        zone_name,
        override_reason,
    ) in rows.iterator(chunk_size=2000):
        zone = zones.get(zone_name)
        if zone is None:
            zone = zones[zone_name] = zoneinfo.ZoneInfo(zone_name)
        yield [
            reference,
            consortium_name or organisation_name,
            title,
            summary,
            submitted_at.astimezone(zone).date() if submitted_at else None,
            closes_at.astimezone(zone).date() if closes_at else None,
            eligible_costs,
            granted_amount,
            fund,
            objective,
            rate,
            organisation_region or lead_region or agency_region,
            intervention,
            programme,
            *([override_reason] if decisions else []),
        ]
        done += 1  # noqa: SIM113 (the loop unpacks a long tuple)
        if progress:
            progress(done, total)
    if progress:
        progress(total, total)


def _queryset_for(report):
    parameters = report.parameters or {}
    return operations_queryset(
        agency_id=report.agency_id, year=parameters.get("year"), programme_id=parameters.get("programme_id")
    )


def _filename(report, extension: str) -> str:
    year = (report.parameters or {}).get("year")
    return f"operations-{year or 'all'}-{report.pk}.{extension}"


def write_xlsx(path: str, rows, progress=None, *, decisions: bool = False) -> None:
    workbook = Workbook(write_only=True)
    write_sheet(workbook, _("Operations")[:31], headers(decisions=decisions), rows, MONEY_COLUMNS)
    workbook.save(path)


def write_csv(path: str, rows, *, decisions: bool = False) -> None:
    # utf-8-sig writes the byte order mark Excel needs to read accents; one table, machine-readable.
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([neutralise(h) for h in headers(decisions=decisions)])
        for row in rows:
            writer.writerow(["" if value is None else neutralise(value) for value in row])


def build_xlsx(report, path: str, progress) -> str:
    # A report for the agency's staff: with the decisions taken against the reviews.
    write_xlsx(path, operation_rows(_queryset_for(report), progress, decisions=True), decisions=True)
    return _filename(report, "xlsx")


def build_csv(report, path: str, progress) -> str:
    write_csv(path, operation_rows(_queryset_for(report), progress, decisions=True), decisions=True)
    return _filename(report, "csv")
