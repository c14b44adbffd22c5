"""When a request reached the server: the time deadlines are judged by.

A submission pressed in time must not be refused because it waited to be processed: for a
free worker, a database connection, or the lock another submission holds on the call. So the
first middleware stamps `request.arrived_at` before anything else runs, and the doors bound to
a deadline (submitting an application, sending a project report) pass it to their service as
`now`: the deadline is checked against it and it is the submission time recorded.

Behind a proxy a request may also wait in the application server's queue before Django sees
it. When `ARRIVAL_TIME_HEADER` names a header the proxy sets on every request with the time it
received it (e.g. `X-Request-Start: t=1733234567.123`, seconds since the epoch; milliseconds and
microseconds are recognised by their size), the earlier of the proxy's time and ours is taken,
within limits: never later than ours (a time in the future), never more than `PROXY_LEAD_MAX`
earlier (a stale or wrong stamp). A client can send that header too, so the setting must only
be set behind a proxy that overwrites it; left empty (the default), the header is ignored.
"""

import math
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone

# Longer than any request waits in the queue in front of Django: a stamp older than this is not believed.
PROXY_LEAD_MAX = timedelta(seconds=60)


class ArrivalTimeMiddleware:
    """Stamp `request.arrived_at`. First in MIDDLEWARE, so no other middleware's work delays it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        own = timezone.now()
        header = settings.ARRIVAL_TIME_HEADER
        stamp = request.headers.get(header) if header else None
        request.arrived_at = arrival_time(own, stamp)
        return self.get_response(request)


def arrival(request) -> datetime:
    """The request's arrival; now for a request the middleware did not see (built by hand in a test)."""
    return getattr(request, "arrived_at", None) or timezone.now()


def arrival_time(own: datetime, stamp: str | None) -> datetime:
    """The proxy's stamp when it is believable and earlier than our own time; our own otherwise."""
    proxy = proxy_time(stamp) if stamp else None
    if proxy is None or proxy > own or proxy < own - PROXY_LEAD_MAX:
        return own
    return proxy


def proxy_time(stamp: str) -> datetime | None:
    """`t=1733234567.123` or `1733234567.123` as a UTC datetime; None when it is not a time.

    Seconds as nginx writes them (`t=${msec}`); a value too large to be seconds is read as
    milliseconds, then microseconds, as other proxies write them.
    """
    text = stamp.strip().removeprefix("t=")
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or value <= 0:
        return None
    if value > 1e14:
        value /= 1_000_000
    elif value > 1e11:
        value /= 1_000
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
