from django import template
from django.utils import timezone

register = template.Library()


@register.inclusion_tag("includes/deadline.html")
def deadline(call, now=None):
    """The closing time in the agency's zone, with the time left.

    The closing moment is written in the agency's zone and labelled with it
    (`in_zone`), the zone the agency's legal deadline is written in, whatever
    the reader's own zone; `closes_local` gives the machine-readable form its
    offset (+01:00 in winter, +02:00 in summer for Madrid).
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
