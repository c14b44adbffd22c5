"""Time the operations list (CPR Art. 49) builds on many rows.

    DATABASE_URL=postgres://... python manage.py benchmark_reports --operations 100000 [--no-tracemalloc]

Creates a throwaway agency (slug "bench-<random>") with one programme, 100 calls, 1,000
organisations and N approved applications (bulk_create, no history rows), times the XLSX and
CSV builds through the real builders, prints seconds and peak memory, then deletes every row it
created (also when a build fails).
"""

import os
import resource
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from applications.models import Application
from applications.reports import operations as operations_list
from consortia.models import Organisation
from portal.figures import counted_data_changed
from programmes.models import Agency, Call, Programme, Report

CALLS = 100


def _seed(operations: int):
    tag = f"bench-{uuid.uuid4().hex[:8]}"
    agency = Agency.objects.create(name=tag, slug=tag, country="ES", region="ES43", timezone="Europe/Madrid")
    programme = Programme.objects.create(
        agency=agency,
        kind="pimex",
        applicant_type="company",
        name=tag,
        slug=tag,
        summary="benchmark",
        fund="ERDF",
        specific_objective="RSO1.3",
        intervention_type="024",
        eu_cofinancing_rate=Decimal("80.00"),
    )
    opens = datetime(2026, 1, 1, tzinfo=UTC)
    calls = Call.objects.bulk_create(
        Call(
            programme=programme,
            title=f"{tag} call {n}",
            slug=f"call-{n}",
            reference_prefix="BEN",
            year=2026,
            budget_year=2026,
            opens_at=opens,
            closes_at=opens + timedelta(days=300),
            budget=Decimal("1000000.00"),
        )
        for n in range(CALLS)
    )
    per_call = -(-operations // CALLS)
    organisations = Organisation.objects.bulk_create(
        Organisation(
            kind="company",
            legal_name=f"{tag} company {n} S.L.",
            country="XX",
            tax_id=f"{tag[-8:]}{n:07d}",
            region="ES43",
        )
        for n in range(per_call)
    )
    submitted = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    batch = []
    for number in range(operations):
        batch.append(
            Application(
                call=calls[number % CALLS],
                organisation=organisations[number // CALLS],
                status="approved",
                reference=f"BEN-2026-{number:06d}",
                title=f"Promotion project {number} in Japan, China and India",
                summary="Trade fairs, a market study and commercial trips to open new export markets. " * 3,
                submitted_at=submitted,
                eligible_costs=Decimal("10000.00"),
                granted_amount=Decimal("4000.00"),
            )
        )
        if len(batch) == 5000:
            Application.objects.bulk_create(batch)
            batch = []
    Application.objects.bulk_create(batch)
    return agency


def _cleanup(agency) -> None:
    Report.objects.filter(agency=agency).delete()
    applications = Application.objects.filter(call__programme__agency=agency)
    # The throwaway operations are past their retention date, so the retention rule lets them go.
    applications.update(retention_until=timezone.localdate() - timedelta(days=1))
    applications.delete()
    Call.objects.filter(programme__agency=agency).delete()
    Programme.objects.filter(agency=agency).delete()
    Organisation.objects.filter(legal_name__startswith=f"{agency.slug} ").delete()
    agency.delete()


def _time(label, build, report, path, *, trace: bool, out):
    # tracemalloc slows allocation-heavy code (openpyxl) several times over: the time is taken on a
    # run without it, the Python peak on a second run with it (--tracemalloc).
    started = time.perf_counter()
    build(report, path, lambda done, total: None)
    seconds = time.perf_counter() - started
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_mb = os.path.getsize(path) / 1024 / 1024
    line = f"{label}: {seconds:.1f} s, process maxrss {maxrss_mb:.0f} MB, file {size_mb:.1f} MB"
    if trace:
        tracemalloc.start()
        build(report, path, lambda done, total: None)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        line += f", tracemalloc peak {peak / 1024 / 1024:.1f} MB"
    out(line)


def benchmark_reports(*, operations: int, trace: bool = True, out=print) -> None:
    """Seed `operations` approved applications, time the XLSX and CSV builds, write the figures with `out`."""
    out(f"database: {connection.vendor} {connection.settings_dict['NAME']}; operations: {operations}")
    started = time.perf_counter()
    agency = _seed(operations)
    # Bulk inserts, then deletes: the dashboard's cached figures are stale after each.
    counted_data_changed()
    out(f"seeded in {time.perf_counter() - started:.1f} s")
    try:
        report = Report(kind="operations_list", parameters={"year": 2026}, agency=agency, pk=0)
        with tempfile.TemporaryDirectory() as folder:
            _time(
                "operations_list XLSX",
                operations_list.build_xlsx,
                report,
                os.path.join(folder, "operations.xlsx"),
                trace=trace,
                out=out,
            )
            _time(
                "operations_list CSV",
                operations_list.build_csv,
                report,
                os.path.join(folder, "operations.csv"),
                trace=trace,
                out=out,
            )
    finally:
        _cleanup(agency)
        counted_data_changed()
        out("cleaned up")
