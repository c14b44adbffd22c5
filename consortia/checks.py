"""What `manage.py check --database default` says of the stored organisations (a deployment step,
README "Deploying"): regions that are no NUTS 2 region, which their next save would refuse."""

from django.core import checks
from django.db import DatabaseError
from django.db.models import Count

from portal.regions import unknown_regions


def stored_region_warnings(queryset, *, what: tuple[str, str], where: str, check_id: str) -> list[checks.Warning]:
    """A warning naming the unknown region codes of `queryset` (model rows with a `region`), if any.

    `what`: the rows, singular and plural ("organisation", "organisations")."""
    try:
        counted = queryset.order_by().values_list("region").annotate(rows=Count("pk"))
        unknown = unknown_regions(counted)
    except DatabaseError:  # not migrated yet: nothing stored to check
        return []
    if not unknown:
        return []
    listed = ", ".join(f"{code} ({count})" for code, count in sorted(unknown.items()))
    rows = sum(unknown.values())
    counted_rows = f"1 {what[0]} has" if rows == 1 else f"{rows} {what[1]} have"
    return [
        checks.Warning(
            f"{counted_rows} a region that is no NUTS 2 region of its country: {listed}.",
            hint=f"Their next save is refused until the region is corrected: {where}, filtered by region.",
            id=check_id,
        )
    ]


@checks.register(checks.Tags.database)
def organisation_regions(app_configs=None, databases=None, **kwargs):
    if not databases:
        return []
    from .models import Organisation

    return stored_region_warnings(
        Organisation.objects.all(),
        what=("organisation", "organisations"),
        where="admin, Organisations and consortia › Organisations",
        check_id="consortia.W001",
    )
