"""The deadline-day load test's data: prepare, check, clean up (see applications.demo.loadtest)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from applications.demo import loadtest


class Command(BaseCommand):
    help = (
        "The throwaway data of the deadline-day load test (loadtest/ in the repository): `prepare` a call with "
        "applicants holding complete drafts and readers, logged in, into a JSON file for the load test; `check` "
        "the submissions (references gapless, one receipt and one e-mail each, none after the deadline); "
        "`cleanup` deletes it all."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        prepare = actions.add_parser("prepare", help="build the data and write the JSON file")
        prepare.add_argument("--applicants", type=int, default=200, help="submitters, one draft each (200)")
        prepare.add_argument("--readers", type=int, default=20, help="applicants who only browse (20)")
        prepare.add_argument("--out", required=True, help="the JSON file to write")
        prepare.add_argument(
            "--origin",
            default=None,
            help="the public address the load test presents itself as (default: PORTAL_BASE_URL)",
        )
        prepare.add_argument(
            "--closes-in",
            type=float,
            default=None,
            metavar="SECONDS",
            help="the call closes this many seconds from now (default: in 30 days)",
        )
        check = actions.add_parser("check", help="the facts of the submissions; fails when they are not sound")
        check.add_argument("--file", required=True)
        check.add_argument(
            "--wait",
            type=float,
            default=120,
            metavar="SECONDS",
            help="wait at most this long for the worker's receipts and e-mails (120)",
        )
        cleanup = actions.add_parser("cleanup", help="delete the sessions and the data")
        cleanup.add_argument("--file", required=True)

    def handle(self, *args, action, **options):
        if action == "prepare":
            started = time.perf_counter()
            data = loadtest.prepare(
                applicants=options["applicants"],
                readers=options["readers"],
                origin=options["origin"] or settings.PORTAL_BASE_URL,
                closes_at=loadtest.closing_in(options["closes_in"]),
            )
            loadtest.write(data, options["out"])
            self.stdout.write(
                f"prepare: call {data['call']['id']} closing at {data['call']['closes_at']}, "
                f"{len(data['applicants'])} applicants and {len(data['readers'])} readers logged in "
                f"as {data['origin']}, in {options['out']} ({time.perf_counter() - started:.1f} s)"
            )
            return
        try:
            data = loadtest.read(options["file"])
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        if action == "check":
            facts = loadtest.check(data, wait=options["wait"], out=self.stdout.write)
            if not facts.sound:
                raise CommandError("the submissions are not sound: see the line above")
        else:
            loadtest.cleanup(data, out=self.stdout.write)
