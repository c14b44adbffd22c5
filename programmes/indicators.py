"""ERDF common output indicators counted in SQL: RCO01, RCO02 and RCO04, by size class.

Each enterprise is counted once per indicator, however many consortia or applications it is
in. The size class follows Recommendation 2003/361/EC as `consortia.services.sme_size` does:
for an enterprise with no partner or linked enterprise (no ownership link of 25% or more
either way) the database computes it from the enterprise's own figures in one grouped query;
the few enterprises with such links are sized one by one through `sme_size`, which adds the
related enterprises' figures. A fixed number of queries, whatever the number of enterprises.
"""

from collections import defaultdict
from datetime import date

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from applications.models import Application
from consortia.models import Membership, Organisation, OwnershipLink
from consortia.services import PARTNER_THRESHOLD, SME_CEILINGS, SME_SIZES, sme_size

from .models import Programme

SELECTED = [Application.Status.APPROVED, Application.Status.CLOSED]
SIZES = list(SME_SIZES)


def active_membership_filter(on: date) -> Q:
    """Memberships active on a day, as `Membership.is_active_on` decides it."""
    return Q(
        joined_on__isnull=False, joined_on__lte=on, status__in=[Membership.Status.ACTIVE, Membership.Status.LEFT]
    ) & (Q(left_on__isnull=True) | Q(left_on__gt=on))


def supported_organisations(applications: QuerySet, on: date) -> QuerySet:
    """The organisations these applications support: the applicants and the active members of applicant consortia."""
    members = Membership.objects.filter(
        active_membership_filter(on), consortium__in=applications.filter(consortium__isnull=False).values("consortium")
    ).values("organisation")
    return Organisation.objects.filter(
        Q(pk__in=applications.filter(organisation__isnull=False).values("organisation")) | Q(pk__in=members)
    )


def _size_case():
    staff = Coalesce("employees", Value(0), output_field=Organisation._meta.get_field("employees"))
    turnover = Coalesce("turnover", Value(0), output_field=Organisation._meta.get_field("turnover"))
    balance = Coalesce("balance_sheet", Value(0), output_field=Organisation._meta.get_field("balance_sheet"))
    return Case(
        *[
            When(
                Q(staff__lt=staff_below) & (Q(fig_turnover__lte=turnover_max) | Q(fig_balance__lte=balance_max)),
                then=Value(size),
            )
            for size, staff_below, turnover_max, balance_max in SME_CEILINGS
        ],
        default=Value("large"),
        output_field=CharField(),
    ), {"staff": staff, "fig_turnover": turnover, "fig_balance": balance}


def count_by_size(organisations: QuerySet) -> dict[str, int]:
    """How many of these organisations are micro, small, medium and large (and the total). Three queries."""
    counts = dict.fromkeys(SIZES, 0)
    related = OwnershipLink.objects.filter(share__gte=PARTNER_THRESHOLD).filter(
        Q(owner=OuterRef("pk")) | Q(owned=OuterRef("pk"))
    )
    organisations = organisations.annotate(has_related=Exists(related))
    size, figures = _size_case()
    unrelated = (
        organisations.filter(has_related=False)
        .annotate(**figures)
        .annotate(size=size)
        .values("size")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in unrelated:
        counts[row["size"]] += row["count"]
    for organisation in _with_links(organisations.filter(has_related=True)):
        counts[sme_size(organisation)] += 1
    counts["total"] = sum(counts[s] for s in SIZES)
    return counts


def _with_links(organisations: QuerySet) -> list[Organisation]:
    """The organisations with their ownership links attached as `sme_size` reads them. Always two queries.

    (A prefetch would skip its query when there is no organisation: the count of queries
    would then depend on the data.)
    """
    found = list(organisations)
    ids = organisations.values("pk")
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


def erdf_indicators(applications: QuerySet, on: date) -> dict[str, dict[str, int]]:
    """RCO01 (enterprises supported), RCO02 (by grants), RCO04 (non-financial support), by size class.

    `applications` are the approved (or closed) applications in scope. Grants support every
    applicant and active consortium member (RCO02 = RCO01 here); PIMEX gives coaching
    (training, tutorials, action plan), so its companies also count in RCO04. Associations and
    public bodies that run collective actions are not enterprises: they are left out.
    """
    supported = supported_organisations(applications, on).filter(kind=Organisation.Kind.COMPANY)
    rco01 = count_by_size(supported)
    pimex = Organisation.objects.filter(
        kind=Organisation.Kind.COMPANY,
        pk__in=applications.filter(call__programme__kind=Programme.Kind.PIMEX, organisation__isnull=False).values(
            "organisation"
        ),
    )
    return {"RCO01": rco01, "RCO02": dict(rco01), "RCO04": count_by_size(pimex)}
