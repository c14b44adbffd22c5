"""What `manage.py check --database default` says of the stored agencies (a deployment step,
README "Deploying"): regions that are no NUTS 2 region, which their next save would refuse."""

from django.core import checks

from consortia.checks import stored_region_warnings


@checks.register(checks.Tags.database)
def agency_regions(app_configs=None, databases=None, **kwargs):
    if not databases:
        return []
    from .models import Agency

    return stored_region_warnings(
        Agency.objects.all(),
        what=("agency", "agencies"),
        where="admin, Programmes › Agencies",
        check_id="programmes.W001",
    )
