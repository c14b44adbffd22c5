"""Time the pages managers and staff open most, on volume data.

    DATABASE_URL=... python -m applications.demo.benchmark_pages --applications 100000 [--requests 30] [--reuse]

Creates the volume data with applications.demo.volume (unless --reuse finds some already), logs a
superuser in through the test client and requests each page N times: the manager dashboard
without filters and filtered to one programme, the admin list of applications, and the open
data CSV (read to its end). Prints, in milliseconds of server time, the first request (caches
not yet warm) apart, then the median and 95th percentile of the others, with the number of
queries of the first request. A page whose address does not resolve yet is "not available".
"""

import argparse
import math
import os
import statistics
import time

BENCHMARK_USER = "benchmark@volume.example"
HOST = "127.0.0.1"

# (label, URL name, query string; {programme} is the busiest volume programme's id)
PAGES = [
    ("dashboard, no filter", "programmes:dashboard", ""),
    ("dashboard, one programme", "programmes:dashboard", "?programme={programme}"),
    # The figures recomputed on every request, as right after a decision (cache emptied first).
    ("dashboard, no filter, cold", "programmes:dashboard", "", "cold"),
    ("dashboard, programme, cold", "programmes:dashboard", "?programme={programme}", "cold"),
    ("admin application list", "admin:applications_application_changelist", ""),
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


def _data(applications: int, reuse: bool, seed: int) -> None:
    from applications.demo.volume import SLUG_PREFIX, volume_generate
    from applications.models import Application

    present = Application.objects.filter(call__programme__slug__startswith=SLUG_PREFIX).count()
    if reuse and present:
        print(f"reusing the volume data: {present:,} applications")
        return
    result = volume_generate(applications=applications, seed=seed, log=print)
    print(f"generated {result['applications']:,} applications in {result['seconds']:.1f} s")


def _superuser():
    from portal.models import User

    user = User.objects.filter(email=BENCHMARK_USER).first()
    if user is None:
        user = User.objects.create_superuser(email=BENCHMARK_USER, password=None, full_name="Benchmark")
    return user


def _busiest_programme_id() -> int | None:
    from django.db.models import Count

    from applications.demo.volume import SLUG_PREFIX
    from programmes.models import Programme

    busiest = (
        Programme.objects.filter(slug__startswith=SLUG_PREFIX)
        .annotate(applications=Count("calls__applications"))
        .order_by("-applications")
        .first()
    )
    return busiest.pk if busiest else None


def _measure(client, label: str, url: str, requests: int, cold: bool = False) -> None:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    # Each request empties the query log as it starts: count from an empty log.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        status, first, size, location = _fetch(client, url)
    if status != 200:
        print(f"{label:<28} HTTP {status} {location}".rstrip())
        return
    times = []
    for _ in range(max(requests - 1, 1)):
        if cold:
            from django.core.cache import cache

            cache.clear()
        times.append(_fetch(client, url)[1])
    print(
        f"{label:<28} first {first:8.1f} ms | then median {statistics.median(times):8.1f} ms, "
        f"p95 {_percentile(times, 0.95):8.1f} ms | {len(queries)} queries, {size / 1024:,.0f} KB"
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30, help="requests per page (default 30)")
    parser.add_argument("--reuse", action="store_true", help="use the volume data already there, if any")
    parser.add_argument("--seed", type=int, default=2026)
    arguments = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.local")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    _data(arguments.applications, arguments.reuse, arguments.seed)
    client = Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(_superuser())
    programme_id = _busiest_programme_id()
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(f"{arguments.requests} requests per page; cache: {cache} (the first request may fill it)")
    with translation.override("en"):
        for label, name, query, *mode in PAGES:
            try:
                url = reverse(name) + query.format(programme=programme_id)
            except Exception as error:  # a page still being written must not stop the others
                print(f"{label:<28} not available ({type(error).__name__}: {error})")
                continue
            _measure(client, label, url, arguments.requests, cold=mode == ["cold"])


if __name__ == "__main__":
    main()
