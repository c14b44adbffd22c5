"""What `manage.py check --database default` says of the stored organisations (a deployment step,
README "Deploying"): regions that are no NUTS 2 region, which their next save would refuse."""

from django.core import checks
from django.db import connections
from django.db.models import Count

from portal.regions import unknown_regions

from .models import Organisation


def stored_region_warnings(
    model, databases, *, what: tuple[str, str], where: str, check_id: str
) -> list[checks.Warning]:
    """A warning for each of `databases` whose `model` rows (with a `country` and a `region`) have
    regions that are no NUTS 2 region of their country.

    `what`: the rows, singular and plural ("organisation", "organisations"). A database not migrated
    yet (`migrate` runs these checks before it migrates) holds nothing to check.
    """
    warnings = []
    for database in databases or ():
        if model._meta.db_table not in connections[database].introspection.table_names():
            continue
        counted = model._default_manager.using(database).order_by().values_list("country", "region")
        unknown = unknown_regions(counted.annotate(rows=Count("pk")))
        if not unknown:
            continue
        listed = ", ".join(f"{code} ({count})" for code, count in sorted(unknown.items()))
        rows = sum(unknown.values())
        counted_rows = f"1 {what[0]} has" if rows == 1 else f"{rows} {what[1]} have"
        warnings.append(
            checks.Warning(
                f"{counted_rows} a region that is no NUTS 2 region of its country: {listed}.",
                hint=f"Their next save is refused until the region is corrected: {where}, filtered by region.",
                obj=database,
                id=check_id,
            )
        )
    return warnings


@checks.register(checks.Tags.database)
def organisation_regions(app_configs=None, databases=None, **kwargs):
    return stored_region_warnings(
        Organisation,
        databases,
        what=("organisation", "organisations"),
        where="admin, Organisations and consortia › Organisations",
        check_id="consortia.W001",
    )
