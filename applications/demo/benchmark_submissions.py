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
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from django.conf import settings
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse

from applications import submission
from applications.models import Application, BudgetLine, StatusChange
from applications.receipts import receipt_build
from applications.tests.factories import ApplicationFactory, BudgetLineFactory
from consortia.models import Organisation
from consortia.services import organisation_register
from consortia.tests.factories import OrganisationFactory
from portal.models import Notification, User
from programmes.models import Call
from programmes.tests.factories import AgencyFactory, CallFactory, ProgrammeFactory

EMAIL_DOMAIN = "benchmark-submissions.example.org"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def _setup(count: int):
    token = uuid.uuid4().hex[:8]
    # The factories number what must be unique from where they start: past runs' leftovers are not met.
    start = int(time.time()) % 1_000_000 * 1_000
    for factory in (AgencyFactory, ProgrammeFactory, CallFactory, OrganisationFactory, ApplicationFactory):
        factory.reset_sequence(start)
    agency = AgencyFactory(slug=f"benchmark-{token}")
    programme = ProgrammeFactory(agency=agency, slug=f"benchmark-{token}")
    call = CallFactory(programme=programme, slug=f"benchmark-{token}", title="Deadline day")
    clients = []
    host = next((name.lstrip(".") for name in settings.ALLOWED_HOSTS if name != "*"), "localhost")
    for index in range(count):
        user = User.objects.create_user(f"applicant-{index}-{call.pk}@{EMAIL_DOMAIN}")
        organisation = organisation_register(user=user, organisation=OrganisationFactory.build())
        application = ApplicationFactory(call=call, consortium=None, organisation=organisation)
        BudgetLineFactory(application=application, amount=Decimal("2500.00"))
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
    applications = Application.objects.filter(call=call)
    references = applications.exclude(reference="").values_list("reference", flat=True)
    numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in references)
    gapless = numbers == list(range(1, len(numbers) + 1))
    receipts = applications.exclude(receipt="").count()
    emails = Notification.objects.filter(recipient__endswith=EMAIL_DOMAIN, kind="submitted").count()
    out(
        f"  references {len(numbers)}, gapless {gapless}; receipt tasks {len(handed_over)} run in {seconds:.1f} s "
        f"(as the worker would); receipts {receipts}; submission e-mails {emails}"
    )


def _cleanup(call, out):
    """Delete the throwaway data; the retention guard is bypassed on purpose (raw deletes of this call's rows)."""
    applications = Application.objects.filter(call=call)
    organisations = list(applications.values_list("organisation_id", flat=True))
    try:
        for application in applications.exclude(receipt=""):
            application.receipt.delete(save=False)
        Notification.objects.filter(recipient__endswith=EMAIL_DOMAIN).delete()
        for queryset in (
            StatusChange.objects.filter(application__call=call),
            BudgetLine.objects.filter(application__call=call),
            Application.history.filter(call_id=call.pk),
            applications,
        ):
            queryset._raw_delete(queryset.db)
        Organisation.objects.filter(pk__in=organisations).delete()
        User.objects.filter(email__endswith=EMAIL_DOMAIN).delete()
        programme, agency = call.programme, call.programme.agency
        Call.objects.filter(pk=call.pk).delete()
        programme.delete()
        agency.delete()
    except Exception as error:
        out(f"  (the throwaway data could not all be deleted: {type(error).__name__}: {error})")


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
                _cleanup(call, out)
        if rate and seconds:
            handed_over.clear()
            call, clients = _setup(rate * seconds)
            try:
                run(f"sustained {rate}/s for {seconds} s", clients, lambda index: index / rate)
                _check(call, handed_over, out)
            finally:
                _cleanup(call, out)
    finally:
        submission.hand_over = original
