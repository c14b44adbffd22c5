"""ERDF common output indicators counted in SQL: RCO01, RCO02 and RCO04, by size class.

Each enterprise is counted once per indicator, however many consortia or applications it is
in. The size class follows Recommendation 2003/361/EC through `consortia.services`: one query
reads the figures of every enterprise in scope (and whether it has a partner or linked
enterprise, an ownership link of 25% or more either way); an enterprise alone is sized on its
own figures (`size_for_figures`), the few with such links through `sme_size`, which adds the
related enterprises' figures, with their links read in one query. A fixed number of queries,
whatever the number of enterprises.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from applications.models import Application
from consortia.models import Membership, Organisation, OwnershipLink
from consortia.services import PARTNER_THRESHOLD, SME_SIZES, size_for_figures, sme_size
from consortia.stages import stage_expression
from programmes.models import Programme

SELECTED = [Application.Status.APPROVED, Application.Status.CLOSED]
SIZES = list(SME_SIZES)
ZERO = Decimal(0)


def decided_stage(on: date, prefix: str = "") -> Coalesce:
    """The consortium stage an approved (or closed) application counts in, as an SQL expression over it.

    The stage frozen at the approval (`Application.decided_stage`): a consortium that records a joint
    action, or grows older, afterwards does not move a grant it already had. An approval older than the
    frozen facts, with none recorded, counts in its consortium's stage on `on` (the reference day).
    `prefix`: the path to the application from the queried model.
    """
    return Coalesce(
        NullIf(F(f"{prefix}decided_stage"), Value("")),
        stage_expression(on, prefix=f"{prefix}consortium__"),
        output_field=CharField(),
    )


def supported_organisations(applications: QuerySet, on: date) -> QuerySet:
    """The organisations these applications support: the applicants and the active members of applicant consortia."""
    members = Membership.objects.filter(
        Membership.active_on_filter(on),
        consortium__in=applications.filter(consortium__isnull=False).values("consortium"),
    ).values("organisation")
    return Organisation.objects.filter(
        Q(pk__in=applications.filter(organisation__isnull=False).values("organisation")) | Q(pk__in=members)
    )


def _sized(rows: list[tuple]) -> dict[int, str]:
    """The size class of each enterprise of `rows` (pk, staff, turnover, balance sheet, has partners or links).

    Enterprises alone are sized on their own figures; those with partner or linked
    enterprises through `sme_size`, with their links read in one query. Always two queries.
    """
    sizes = {}
    related_ids = []
    for pk, staff, turnover, balance_sheet, has_related in rows:
        if has_related:
            related_ids.append(pk)
        else:
            sizes[pk] = size_for_figures(
                staff=staff if staff is not None else ZERO,
                turnover=turnover if turnover is not None else ZERO,
                balance_sheet=balance_sheet if balance_sheet is not None else ZERO,
            )
    # An id that no row has keeps both queries when no enterprise has links, so the
    # number of queries never depends on the data.
    ids = related_ids or [0]
    for organisation in _with_links(ids):
        sizes[organisation.pk] = sme_size(organisation)
    return sizes


def _with_links(ids: list[int]) -> list[Organisation]:
    """These organisations with their ownership links attached as `sme_size` reads them. Two queries."""
    found = list(Organisation.objects.filter(pk__in=ids))
    links = OwnershipLink.objects.filter(Q(owner__in=ids) | Q(owned__in=ids)).select_related("owner", "owned")
    holdings: dict[int, list] = defaultdict(list)
    holders: dict[int, list] = defaultdict(list)
    for link in links:
        holdings[link.owner_id].append(link)
        holders[link.owned_id].append(link)
    for organisation in found:
        organisation._prefetched_objects_cache = {
            "holdings": holdings[organisation.pk],
            "holders": holders[organisation.pk],
        }
    return found


def _count(sizes) -> dict[str, int]:
    counts = dict.fromkeys(SIZES, 0)
    for size in sizes:
        counts[size] += 1
    counts["total"] = sum(counts[s] for s in SIZES)
    return counts


def _figures(organisations: QuerySet) -> QuerySet:
    # Two EXISTS, one per direction, so each uses its foreign key's index.
    links = OwnershipLink.objects.filter(share__gte=PARTNER_THRESHOLD)
    return (
        organisations.annotate(
            has_related=Exists(links.filter(owner=OuterRef("pk"))) | Exists(links.filter(owned=OuterRef("pk")))
        )
        .values_list("pk", "employees", "turnover", "balance_sheet", "has_related")
        .order_by()
    )


def erdf_indicators(applications: QuerySet, on: date) -> dict[str, dict[str, int]]:
    """RCO01 (enterprises supported), RCO02 (by grants), RCO04 (non-financial support), by size class.

    `applications` are the approved (or closed) applications in scope. Grants support every
    applicant and active consortium member (RCO02 = RCO01 here); PIMEX gives coaching
    (training, tutorials, action plan), so its companies also count in RCO04. Associations and
    public bodies that run collective actions are not enterprises: they are left out.
    Three queries.
    """
    pimex = applications.filter(call__programme__kind=Programme.Kind.PIMEX, organisation=OuterRef("pk"))
    # A company that applied itself counts in the size frozen at its latest decision in scope; a
    # consortium member (whose size no decision froze) in its size from its figures.
    frozen = (
        applications.filter(organisation=OuterRef("pk"))
        .exclude(decided_size="")
        .order_by("-submitted_at", "-pk")
        .values("decided_size")[:1]
    )
    rows = list(
        _figures(supported_organisations(applications, on).filter(kind=Organisation.Kind.COMPANY))
        .annotate(coached=Exists(pimex), frozen_size=Subquery(frozen))
        .values_list("pk", "employees", "turnover", "balance_sheet", "has_related", "coached", "frozen_size")
    )
    sizes = _sized([row[:5] for row in rows])
    sizes.update({row[0]: row[6] for row in rows if row[6]})
    rco01 = _count(sizes.values())
    rco04 = _count(sizes[row[0]] for row in rows if row[5])
    return {"RCO01": rco01, "RCO02": dict(rco01), "RCO04": rco04}
