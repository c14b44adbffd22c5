"""Deadline day: many applicants submitting to one call at once (`manage.py benchmark_submissions`).

Throwaway data in the current database (one agency, programme and call; N companies, each with
its representative and a complete draft), deleted afterwards. Each submission is a logged-in POST
to the submit URL, through the whole Django stack (middleware, the request's transaction), from
its own thread and database connection, in this process. The broker is replaced by a list: the
receipt tasks the submissions hand over after commit are run afterwards, as the worker would, and
the receipts and e-mails counted.

In-process: the requests share one interpreter (and its lock), so the latencies are those of one
process serving N threads at once, not of several server processes; the CPU time per request is
measured per thread. The CSRF check is not exercised (the test client skips it).
"""

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse

from applications import submission
from applications.receipts import receipt_build

from .deadline_day import applicant_with_draft, deadline_call, deadline_cleanup, submission_facts


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def _setup(count: int):
    call = deadline_call()
    clients = []
    host = next((name.lstrip(".") for name in settings.ALLOWED_HOSTS if name != "*"), "localhost")
    for index in range(count):
        user, application = applicant_with_draft(call, index)
        client = Client(HTTP_HOST=host)
        client.force_login(user)
        clients.append((client, reverse("applications:submit", args=[application.pk])))
    return call, clients


def _post(client, url, arrived):
    """One submission arrived at `arrived`: its latency counts the wait for a free worker."""
    close_old_connections()
    cpu = time.thread_time()
    try:
        status = client.post(url, secure=True).status_code
    except Exception as error:  # counted, not raised: the figure is how many failed
        status = type(error).__name__
    finally:
        cpu = time.thread_time() - cpu
        elapsed = time.perf_counter() - arrived
    return status, elapsed, cpu


def _report(label, results, seconds, out):
    errors = [status for status, _, _ in results if status != 302]
    latencies = [elapsed for _, elapsed, _ in results]
    cpu = [used for _, _, used in results]
    out(
        f"{label}: {len(results)} submissions in {seconds:.2f} s, errors {len(errors)}"
        f"{' ' + repr(sorted(set(map(str, errors)))) if errors else ''}; "
        f"latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {_percentile(latencies, 0.95) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms; "
        f"CPU per request mean {statistics.mean(cpu) * 1000:.1f} ms"
    )


def _check(call, handed_over, out):
    started = time.perf_counter()
    for application_id in handed_over:
        receipt_build(application_id=application_id)
    seconds = time.perf_counter() - started
    facts = submission_facts(call)
    out(
        f"  references {facts.submitted}, gapless {facts.gapless}; receipt tasks {len(handed_over)} run in "
        f"{seconds:.1f} s (as the worker would); receipts {facts.receipts}; submission e-mails {facts.emails}"
    )


def benchmark_submissions(
    *, simultaneous: int = 200, rate: int = 0, seconds: int = 0, workers: int = 8, out=print
) -> None:
    """`workers` threads serve the submissions, as a server's workers would: the others wait for one."""
    handed_over: list[int] = []
    lock = threading.Lock()

    def broker(task, application_id):
        with lock:
            handed_over.append(application_id)
        return True

    def run(label, clients, arrival):
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = []
            for index, (client, url) in enumerate(clients):
                arrived = started + arrival(index)
                if arrived > time.perf_counter():
                    time.sleep(arrived - time.perf_counter())
                futures.append(pool.submit(_post, client, url, arrived))
            results = [future.result() for future in futures]
        _report(f"{label}, {workers} workers", results, time.perf_counter() - started, out)

    original, submission.hand_over = submission.hand_over, broker
    try:
        if simultaneous:
            call, clients = _setup(simultaneous)
            try:
                run(f"{simultaneous} simultaneous", clients, lambda index: 0)
                _check(call, handed_over, out)
            finally:
                deadline_cleanup(call, out)
        if rate and seconds:
            handed_over.clear()
            call, clients = _setup(rate * seconds)
            try:
                run(f"sustained {rate}/s for {seconds} s", clients, lambda index: index / rate)
                _check(call, handed_over, out)
            finally:
                deadline_cleanup(call, out)
    finally:
        submission.hand_over = original
