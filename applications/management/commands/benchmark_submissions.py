"""Deadline day on one call: simultaneous and sustained submissions, see applications.demo.benchmark_submissions."""

from django.core.management.base import BaseCommand

from applications.demo.benchmark_submissions import benchmark_submissions


class Command(BaseCommand):
    help = (
        "Submit N drafts to one call at once (and optionally at a sustained rate), through the whole request, "
        "in threads of this process: errors, latency p50/p95/max, CPU per request, references gapless, "
        "receipts and e-mails once the receipt tasks ran. Throwaway data, deleted afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument("--simultaneous", type=int, default=200)
        parser.add_argument("--rate", type=int, default=0, help="sustained submissions per second (with --seconds)")
        parser.add_argument("--seconds", type=int, default=0)
        parser.add_argument("--workers", type=int, default=8, help="threads serving the requests (default 8)")

    def handle(self, *args, simultaneous, rate, seconds, workers, **options):
        benchmark_submissions(
            simultaneous=simultaneous, rate=rate, seconds=seconds, workers=workers, out=self.stdout.write
        )
