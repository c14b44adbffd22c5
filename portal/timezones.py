"""One local time: every moment is shown in the agency's zone and labelled with it.

The deadlines, the receipt and every date in between are legal statements of
the agency, written in its own zone (`Agency.timezone`). Two rules follow:

- `format_in_zone()` (the template filter `in_zone`) is the only way a moment
  is written for people: converted to the zone given, never to whatever zone
  happens to be active while rendering (a Celery worker's is UTC), and
  followed by the zone's name, "Dec. 2, 2026, 5:31 p.m. (Europe/Madrid)".
- `StaffTimeZoneMiddleware` makes the agency's zone the current zone for the
  requests of its staff, so everything the admin and the dashboard show (list
  columns, read-only fields, history, date drill-downs) and every date and time
  typed into an admin form is in that zone. Users without an agency
  (applicants, superusers) keep the project's zone, UTC, which the admin
  header then names.
"""

import zoneinfo
from datetime import datetime, tzinfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import pgettext


def zone_of(zone: str | tzinfo | None) -> tzinfo:
    """A zone given by its name ("Europe/Madrid") or as a tzinfo; None is the current zone."""
    if zone is None or zone == "":
        return timezone.get_current_timezone()
    if isinstance(zone, str):
        return zoneinfo.ZoneInfo(zone)
    return zone


def zone_name(zone: str | tzinfo | None) -> str:
    zone = zone_of(zone)
    return getattr(zone, "key", None) or str(zone)


def format_in_zone(moment: datetime | None, zone: str | tzinfo | None = None) -> str:
    """`moment` (aware) as the agency states it: its local date and time in `zone`, and the zone's name.

    The result is text, so no template filter converts it again to the zone
    active while rendering (the cause of a receipt that once showed UTC's hour
    beside the Madrid label).
    """
    if moment is None:
        return ""
    zone = zone_of(zone)
    if not isinstance(moment, datetime):
        return date_format(moment, "DATE_FORMAT")  # a day has no hour to convert
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, zone)  # taken as already in the zone
    return pgettext("a date and time, then the name of its time zone", "%(moment)s (%(zone)s)") % {
        "moment": date_format(timezone.localtime(moment, zone), "DATETIME_FORMAT"),
        "zone": zone_name(zone),
    }


def staff_zone(user) -> tzinfo | None:
    """The zone a staff member works in: their agency's; None for everybody else."""
    if not (user.is_authenticated and user.is_staff and user.agency_id):
        return None
    return user.agency.tzinfo


class StaffTimeZoneMiddleware:
    """Activate the staff member's agency zone for the request (after the authentication middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = staff_zone(request.user)
        if zone is None:
            timezone.deactivate()
            return self.get_response(request)
        timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            # The thread serves other users next: back to the project's zone.
            timezone.deactivate()
