"""What `manage.py check --database default` says of the stored agencies (a deployment step,
README "Deploying"): regions that are no NUTS 2 region, which their next save would refuse."""

from django.core import checks

from consortia.checks import stored_region_warnings

from .models import Agency


@checks.register(checks.Tags.database)
def agency_regions(app_configs=None, databases=None, **kwargs):
    return stored_region_warnings(
        Agency,
        databases,
        what=("agency", "agencies"),
        where="admin, Programmes › Agencies",
        check_id="programmes.W001",
    )
