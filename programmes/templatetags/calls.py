from django import template
from django.utils import timezone

register = template.Library()


@register.inclusion_tag("includes/deadline.html")
def deadline(call, now=None):
    """The closing time in the agency's zone, with the time left.

    `closes_local` is the closing moment converted to the agency's zone, so the
    date, the hour and the zone abbreviation (CET/CEST, WET/WEST) are those the
    agency's legal deadline is written in, whatever the reader's own zone.
    """
    now = now or timezone.now()
    closes_local = timezone.localtime(call.closes_at, call.tzinfo)
    remaining = call.closes_at - now
    return {
        "call": call,
        "closes_local": closes_local,
        "timezone_name": call.programme.agency.timezone,
        "is_closed": remaining.total_seconds() <= 0,
        "closes_soon": 0 < remaining.total_seconds() <= 3 * 24 * 3600,
        "now": now,
    }
