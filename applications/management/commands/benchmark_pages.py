"""Time the pages managers and staff open most, on volume data: see applications.demo.benchmark_pages."""

from django.core.management.base import BaseCommand

from applications.demo.benchmark_pages import benchmark_pages


class Command(BaseCommand):
    help = (
        "Time the manager dashboard, the admin list of applications and the open data CSV on volume data "
        "(created with generate_data's generator unless --reuse finds some): first request, median and p95."
    )

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=100_000)
        parser.add_argument("--requests", type=int, default=30, help="requests per page (default 30)")
        parser.add_argument("--reuse", action="store_true", help="use the volume data already there, if any")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, applications, requests, reuse, seed, **options):
        benchmark_pages(applications=applications, requests=requests, reuse=reuse, seed=seed, out=self.stdout.write)
