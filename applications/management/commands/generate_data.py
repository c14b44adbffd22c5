"""Create volume data for load and speed checks: see applications.demo.volume."""

from django.core.management.base import BaseCommand, CommandError

from applications.demo.volume import VolumeRefused, volume_generate


class Command(BaseCommand):
    help = (
        "Create N applications with their agencies, programmes, calls, organisations and consortia, "
        "fast (bulk inserts). Each run adds a new set. Refused under production settings."
    )

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, required=True, help="how many applications to create")
        parser.add_argument("--seed", type=int, default=2026, help="the same seed gives the same data (default 2026)")
        parser.add_argument("--batch-size", type=int, default=5000, help="rows per insert (default 5000)")

    def handle(self, *args, applications, seed, batch_size, verbosity, **options):
        if applications < 1:
            raise CommandError("--applications must be at least 1.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        log = self.stdout.write if verbosity > 1 else None
        try:
            result = volume_generate(applications=applications, seed=seed, batch_size=batch_size, log=log)
        except VolumeRefused as error:
            raise CommandError(str(error)) from None
        years = result["years"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Created in {result['seconds']:.1f} s (set {result['batch']}, seed {seed}, "
                f"calls of {years[0]}-{years[-1]}):"
            )
        )
        self.stdout.write(
            f"  {result['agencies']} agencies, {result['programmes']} programmes, {result['calls']:,} calls\n"
            f"  {result['organisations']:,} organisations, {result['consortia']:,} consortia "
            f"({result['memberships']:,} memberships)\n"
            f"  {result['applications']:,} applications, {result['budget_lines']:,} budget lines, "
            f"{result['status_changes']:,} status changes, {result['aid_awards']:,} aid awards"
        )
        statuses = ", ".join(f"{status} {count:,}" for status, count in sorted(result["statuses"].items()))
        self.stdout.write(f"  by status: {statuses}")
