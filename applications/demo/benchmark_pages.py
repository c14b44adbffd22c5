"""Time the pages managers and staff open most, on volume data.

    DATABASE_URL=postgres://... python manage.py benchmark_pages --applications 100000 [--requests 30] [--reuse]

Creates the volume data with applications.demo.volume (unless --reuse finds some already), logs a
superuser in through the test client and requests each page N times: the manager dashboard
without filters and filtered to one programme (also with the cache emptied before each request,
and right after a decision whose figures the worker rebuilt), the admin list of applications and
the application's admin page, the busiest call's ranking and its admin page (with the budget), and
the open data CSV (read to its end). Prints, in milliseconds of server time, the first request
(caches not yet warm) apart, then the median and 95th percentile of the others, with the number of
queries of the first request. A page whose address does not resolve yet is "not available".
"""

import math
import statistics
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection, reset_queries, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from applications.dashboard.cache import dashboard_warm
from applications.demo.volume import SLUG_PREFIX, volume_generate
from applications.models import Application
from portal.figures import counted_data_changed
from portal.models import User
from programmes.models import Programme

BENCHMARK_USER = "benchmark@volume.example"
HOST = "127.0.0.1"

# (label, URL name, query string[, mode]); the URL name may be followed by ":{call}" or
# ":{application}" for the address's argument: the busiest volume call, and a submitted application
# of it. {programme} in the query string is the busiest volume programme's id.
PAGES = [
    ("dashboard, no filter", "programmes:dashboard", ""),
    ("dashboard, one programme", "programmes:dashboard", "?programme={programme}"),
    # The figures recomputed on every request, as right after a decision (cache emptied first).
    ("dashboard, no filter, cold", "programmes:dashboard", "", "cold"),
    ("dashboard, programme, cold", "programmes:dashboard", "?programme={programme}", "cold"),
    # A decision before each request, its figures rebuilt as the worker does after the commit:
    # what the next viewer pays (the rebuild's own time is printed beside it).
    ("after a decision, worker warmed", "programmes:dashboard", "", "warmed"),
    ("admin application list", "admin:applications_application_changelist", ""),
    ("admin application page", "admin:applications_application_change:{application}", ""),
    ("call ranking", "admin:programmes_call_ranking:{call}", ""),
    ("admin call page (budget)", "admin:programmes_call_change:{call}", ""),
    ("open data CSV", "programmes:open_operations", "?format=csv"),
]


def _percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def _fetch(client, url: str) -> tuple[int, float, int, str]:
    """Status, milliseconds (the body read to its end, streamed or not), bytes, redirect target."""
    started = time.perf_counter()
    response = client.get(url)
    content = response.streaming_content if response.streaming else [response.content]
    size = sum(len(chunk) for chunk in content)
    elapsed = (time.perf_counter() - started) * 1000
    return response.status_code, elapsed, size, response.get("Location", "")


def _data(applications: int, reuse: bool, seed: int, out) -> None:
    present = Application.objects.filter(call__programme__slug__startswith=SLUG_PREFIX).count()
    if reuse and present:
        out(f"reusing the volume data: {present:,} applications")
        return
    result = volume_generate(applications=applications, seed=seed, log=out)
    out(f"generated {result['applications']:,} applications in {result['seconds']:.1f} s")


def _superuser():
    user = User.objects.filter(email=BENCHMARK_USER).first()
    if user is None:
        user = User.objects.create_superuser(email=BENCHMARK_USER, password=None, full_name="Benchmark")
    return user


def _busiest_programme_id() -> int | None:
    busiest = (
        Programme.objects.filter(slug__startswith=SLUG_PREFIX)
        .annotate(applications=Count("calls__applications"))
        .order_by("-applications")
        .first()
    )
    return busiest.pk if busiest else None


def _busiest_call_and_application(programme_id) -> dict[str, int | None]:
    """The programme's call with the most submitted applications, and one of them (a ranked one)."""
    busiest = (
        Application.objects.filter(call__programme_id=programme_id)
        .exclude(submitted_at=None)
        .values("call_id")
        .annotate(applications=Count("pk"))
        .order_by("-applications")
        .first()
    )
    if busiest is None:
        return {"call": None, "application": None}
    application = (
        Application.objects.filter(call_id=busiest["call_id"]).exclude(submitted_at=None).order_by("pk").first()
    )
    return {"call": busiest["call_id"], "application": application.pk}


def _address(name: str, query: str, ids: dict) -> str:
    name, marker, argument = name.partition(":{")
    args = [ids[argument.rstrip("}")]] if marker else []
    return reverse(name, args=args) + query.format(programme=ids["programme"])


def _decision_warmed() -> float:
    """A counted write committed and the dashboard rebuilt, as the worker does after it; milliseconds."""
    started = time.perf_counter()
    with transaction.atomic():
        counted_data_changed()
    dashboard_warm()  # what the worker runs right after the commit
    return (time.perf_counter() - started) * 1000


def _measure(client, label: str, url: str, requests: int, *, mode: str | None, out) -> None:
    rebuilds = []
    if mode == "warmed":
        rebuilds.append(_decision_warmed())
    # Each request empties the query log as it starts: count from an empty log.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        status, first, size, location = _fetch(client, url)
    if status != 200:
        out(f"{label:<32} HTTP {status} {location}".rstrip())
        return
    times = []
    for _ in range(max(requests - 1, 1)):
        if mode == "cold":
            cache.clear()
        elif mode == "warmed":
            rebuilds.append(_decision_warmed())
        times.append(_fetch(client, url)[1])
    rebuilt = f" | rebuild by the worker: median {statistics.median(rebuilds):,.0f} ms" if rebuilds else ""
    out(
        f"{label:<32} first {first:8.1f} ms | then median {statistics.median(times):8.1f} ms, "
        f"p95 {_percentile(times, 0.95):8.1f} ms | {len(queries)} queries, {size / 1024:,.0f} KB{rebuilt}"
    )


def benchmark_pages(*, applications: int, requests: int = 30, reuse: bool = False, seed: int = 2026, out=print) -> None:
    """Create (or reuse) the volume data, request each page `requests` times, write the figures with `out`."""
    out(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    _data(applications, reuse, seed, out)
    client = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(_superuser())
    programme_id = _busiest_programme_id()
    ids = {"programme": programme_id, **_busiest_call_and_application(programme_id)}
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    out(f"{requests} requests per page; cache: {backend} (the first request may fill it)")
    with translation.override("en"):
        for label, name, query, *mode in PAGES:
            try:
                url = _address(name, query, ids)
            except Exception as error:  # a page still being written must not stop the others
                out(f"{label:<32} not available ({type(error).__name__}: {error})")
                continue
            _measure(client, label, url, requests, mode=mode[0] if mode else None, out=out)
