"""Time the operations list builds on many rows: see applications.demo.benchmark_reports."""

from django.core.management.base import BaseCommand

from applications.demo.benchmark_reports import benchmark_reports


class Command(BaseCommand):
    help = (
        "Time the operations list (CPR Art. 49) builds on many rows: creates a throwaway agency with N "
        "approved applications, prints seconds and peak memory of the XLSX and CSV builds, then deletes its rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--operations", type=int, default=100_000)
        parser.add_argument("--no-tracemalloc", dest="trace", action="store_false", help="skip the traced second runs")

    def handle(self, *args, operations, trace, **options):
        benchmark_reports(operations=operations, trace=trace, out=self.stdout.write)
