"""Deadline day against a running portal: applicants submitting through the real form, readers browsing.

    locust -f loadtest/locustfile.py --headless --host http://127.0.0.1:8000 --run-time 120s \\
        --prepared deadline-day.json --mode burst            # or: --mode sustained --rate 20

The data comes from `manage.py loadtest prepare --out deadline-day.json` (same settings as the server:
its sessions are the server's). Each applicant is one submitter: it GETs its draft's review step,
reads the submit form in it (its action and hidden fields, `csrfmiddlewaretoken`) and the CSRF
cookie, then POSTs that form as a browser does (Origin, Referer, both cookies) and expects the
redirect to its application's page; anything else is a failure (a refusal redirects back to the
review step, a CSRF failure answers 403). Each submits once, then idles.

- `burst`: every submitter gets its form ready, then all POST at the same moment (when the last
  is ready; `--burst-wait` bounds the wait for stragglers).
- `sustained`: submitters are started at `--rate` per second; the i-th POSTs at start + `--lead` +
  i / rate, so the POSTs arrive evenly at that rate whatever the spawning's batches (the summary
  gives the rate measured and how many were late). Each applicant's GET of its review step then
  runs beside the others' POSTs: the server serves the rate in pages and in submissions.
  `--forms-first`: every submitter opens its review step first (as in a burst), then the i-th
  POSTs at the release + i / rate: applicants who have the page open press Submit at that rate.

Readers (the prepared ones) browse their home, their application's page and the call's public
pages, a page every `--reader-wait` seconds on average, until the submitters are done. The test
ends when every submitter has submitted (or at `--run-time`); the summary gives per kind of
request the count, errors, p50, p95 and max, exact (Locust's own table rounds), and the process
exits 1 when any request failed or any applicant did not submit.

The portal is reached in plain HTTP, as a TLS-terminating proxy reaches it: the requests carry
`X-Forwarded-Proto` and `Host` of the prepared origin, and the cookies are sent by hand, since an
HTTP client keeps Secure cookies to HTTPS.
"""

import json
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import gevent
from gevent.event import Event
from locust import FastHttpUser, LoadTestShape, events, task


@events.init_command_line_parser.add_listener
def _arguments(parser):
    group = parser.add_argument_group("deadline day")
    group.add_argument(
        "--prepared", env_var="LOADTEST_FILE", default="", help="the JSON file of `manage.py loadtest prepare`"
    )
    group.add_argument("--mode", env_var="LOADTEST_MODE", choices=["burst", "sustained"], default="burst")
    group.add_argument("--rate", env_var="LOADTEST_RATE", type=float, default=20.0, help="sustained: POSTs per second")
    group.add_argument(
        "--lead", type=float, default=2.0, help="sustained: seconds from a submitter's start to its POST (2)"
    )
    group.add_argument(
        "--forms-first",
        env_var="LOADTEST_FORMS_FIRST",
        action="store_true",
        help="sustained: every submitter opens its review step first (as in a burst), then the POSTs go at --rate",
    )
    group.add_argument("--burst-spawn-rate", type=float, default=50.0, help="burst: submitters started per second (50)")
    group.add_argument(
        "--burst-wait", type=float, default=120.0, help="burst: seconds the ready wait for the others at most (120)"
    )
    # A person reads a page for a few seconds before the next one: 20 readers ask about 4 pages a second.
    group.add_argument("--reader-wait", type=float, default=5.0, help="readers: mean seconds between pages (5)")


class Plan:
    """The prepared data and what the users share: who is next, the burst's signal, the results."""

    def __init__(self, options):
        if not options.prepared:
            sys.exit("loadtest: --prepared FILE (or LOADTEST_FILE) is required")
        with open(options.prepared, encoding="utf-8") as file:
            data = json.load(file)
        self.options = options
        self.mode = options.mode
        # Every submitter gets its form before any POST: a burst, or a sustained rate of forms already open.
        self.all_ready_first = options.mode == "burst" or options.forms_first
        self.origin = data["origin"].rstrip("/")
        origin = urlsplit(self.origin)
        self.base_headers = {"Host": origin.netloc, "X-Forwarded-Proto": origin.scheme}
        self.cookie_names = data["cookies"]
        self.csrf_field = data["csrf_field"]
        self.applicants = data["applicants"]
        self.readers = data["readers"]
        self.next_applicant = 0
        self.next_reader = 0
        self.ready = 0
        self.done = 0
        self.release = Event()
        self.released_at = None
        self.first_start = None
        self.late = 0
        self.posts = []  # (perf_counter when sent, seconds from the release) of each POST
        self.submitted = 0
        self.timings = defaultdict(list)  # request name -> milliseconds
        self.errors = defaultdict(Counter)  # request name -> reason -> count

    def is_ready(self):
        """A submitter holds its form (or gave up on it): the burst starts when all do."""
        self.ready += 1
        if self.ready >= len(self.applicants) and not self.release.is_set():
            self.released_at = time.perf_counter()
            self.release.set()

    def finished(self):
        return self.done >= len(self.applicants)


PLAN: Plan | None = None


@events.init.add_listener
def _init(environment, **kwargs):
    global PLAN
    if environment.parsed_options is None:
        return
    PLAN = Plan(environment.parsed_options)
    Submitter.fixed_count = len(PLAN.applicants)
    Reader.fixed_count = len(PLAN.readers)


@events.request.add_listener
def _record(name, response_time, exception, **kwargs):
    if PLAN is None:
        return
    PLAN.timings[name].append(response_time)
    if exception:
        PLAN.errors[name][str(exception)[:160]] += 1


class SubmitForm(HTMLParser):
    """The fields a browser would send with the form that posts to `action` (hidden inputs, named buttons)."""

    def __init__(self, action):
        super().__init__()
        self.action = action
        self.inside = False
        self.found = False
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            self.inside = urlsplit(attributes.get("action") or "").path == self.action
            self.found = self.found or self.inside
        elif self.inside and attributes.get("name") and (tag == "button" or attributes.get("type") == "hidden"):
            # The hidden fields and the form's one submit button, as pressing it sends them.
            self.fields[attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def _percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def _line(label, count, errors, values):
    if not values:
        return f"{label:<28} {count:>6} requests, {errors:>4} errors"
    return (
        f"{label:<28} {count:>6} requests, {errors:>4} errors; p50 {statistics.median(values):7.0f} ms, "
        f"p95 {_percentile(values, 0.95):7.0f} ms, max {max(values):7.0f} ms"
    )


class PortalUser(FastHttpUser):
    abstract = True
    # A slow answer is measured, not cut short; a connection that cannot be made fails.
    network_timeout = 120.0
    connection_timeout = 30.0

    def headers(self, session, **extra):
        """Headers as the proxy forwards a browser's request; only the cookies named in `cookies` are sent."""
        cookies = {PLAN.cookie_names["session"]: session, **extra.pop("cookies", {})}
        return {
            **PLAN.base_headers,
            "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
            **extra,
        }

    def cookie(self, name):
        """A cookie the server set (Secure ones too); the jar is emptied so it never sends any itself."""
        value = next((cookie.value for cookie in self.client.cookiejar if cookie.name == name), None)
        self.client.cookiejar.clear()
        return value


class Submitter(PortalUser):
    """One prepared applicant: its draft's review step, then the submit form POSTed once."""

    def on_start(self):
        self.index = PLAN.next_applicant
        PLAN.next_applicant += 1
        self.applicant = PLAN.applicants[self.index] if self.index < len(PLAN.applicants) else None
        if PLAN.first_start is None:
            PLAN.first_start = time.perf_counter()

    @task
    def submit_once(self):
        if self.applicant is None:
            self.idle()
        try:
            try:
                form = self.get_form()
            finally:
                if PLAN.all_ready_first:
                    PLAN.is_ready()
            if form is not None:
                self.wait_for_turn()
                self.post(*form)
        finally:
            PLAN.done += 1
        self.idle()

    def idle(self):
        while True:
            gevent.sleep(3600)

    def get_form(self):
        """The review step through the real page: the form's fields and the CSRF cookie, or None."""
        applicant = self.applicant
        with self.client.get(
            applicant["review"],
            name="GET review step (form)",
            headers=self.headers(applicant["session"]),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                where = response.headers.get("Location", "") if response.headers else ""
                response.failure(f"answered {response.status_code} {where}".strip())
                return None
            parser = SubmitForm(applicant["submit"])
            parser.feed(response.text or "")
            csrf = self.cookie(PLAN.cookie_names["csrf"])
            if not parser.found:
                response.failure("the review step has no submit form (the draft does not pass the rules?)")
                return None
            if PLAN.csrf_field not in parser.fields or not csrf:
                response.failure("no CSRF token in the form or no CSRF cookie")
                return None
            return parser.fields, csrf

    def wait_for_turn(self):
        if PLAN.mode == "burst":
            PLAN.release.wait(timeout=PLAN.options.burst_wait)
            if not PLAN.release.is_set():
                PLAN.released_at = time.perf_counter()
                PLAN.release.set()
            return
        if PLAN.all_ready_first:
            PLAN.release.wait(timeout=PLAN.options.burst_wait)
            if not PLAN.release.is_set():
                PLAN.released_at = time.perf_counter()
                PLAN.release.set()
            turn = PLAN.released_at + self.index / PLAN.options.rate
        else:
            turn = PLAN.first_start + PLAN.options.lead + self.index / PLAN.options.rate
        delay = turn - time.perf_counter()
        if delay > 0:
            gevent.sleep(delay)
        elif delay < -0.1:
            PLAN.late += 1

    def post(self, fields, csrf):
        applicant = self.applicant
        headers = self.headers(
            applicant["session"],
            cookies={PLAN.cookie_names["csrf"]: csrf},
            Origin=PLAN.origin,
            Referer=PLAN.origin + applicant["review"],
        )
        sent = time.perf_counter()
        with self.client.post(
            applicant["submit"],
            name="POST submit",
            data=fields,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            answered = time.perf_counter()
            PLAN.posts.append((sent, answered - PLAN.released_at if PLAN.released_at else None))
            location = (response.headers.get("Location", "") if response.headers else "") or ""
            target = urlsplit(urljoin(PLAN.origin + applicant["submit"], location)).path
            if response.status_code == 302 and target == applicant["detail"]:
                PLAN.submitted += 1
                response.success()
            elif response.status_code == 302 and target == applicant["review"]:
                response.failure("refused: sent back to the review step")
            else:
                response.failure(f"answered {response.status_code} {location}".strip())


class Reader(PortalUser):
    """A prepared reader: its home, its application's page, the call's public pages."""

    NAMES = ("GET applicant home", "GET application page", "GET call page", "GET programme page")

    def wait_time(self):
        return random.uniform(0.5, 1.5) * PLAN.options.reader_wait

    def on_start(self):
        self.reader = PLAN.readers[PLAN.next_reader % len(PLAN.readers)]
        PLAN.next_reader += 1

    @task
    def read(self):
        index = random.randrange(len(self.reader["pages"]))
        name = self.NAMES[index] if index < len(self.NAMES) else "GET page"
        with self.client.get(
            self.reader["pages"][index],
            name=name,
            headers=self.headers(self.reader["session"]),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self.client.cookiejar.clear()
            if response.status_code != 200:
                location = (response.headers.get("Location", "") if response.headers else "") or ""
                response.failure(f"answered {response.status_code} {location}".strip())


class DeadlineDay(LoadTestShape):
    """All the users at once, started at the mode's rate; the end when every submitter is done or at --run-time."""

    use_common_options = True

    def tick(self):
        options = self.runner.environment.parsed_options
        if options.run_time and self.get_run_time() > options.run_time:
            return None
        if PLAN.finished():
            return None
        rate = PLAN.options.burst_spawn_rate if PLAN.all_ready_first else PLAN.options.rate
        return len(PLAN.applicants) + len(PLAN.readers), rate


def _failures():
    """Failed requests, and applicants who did not submit."""
    failed = sum(sum(reasons.values()) for reasons in PLAN.errors.values())
    return failed, len(PLAN.applicants) - PLAN.submitted


@events.quitting.add_listener
def _exit_code(environment, **kwargs):
    if PLAN is not None:
        environment.process_exit_code = 1 if any(_failures()) else 0


@events.quit.add_listener
def _summary(exit_code, **kwargs):
    """After Locust's own tables: the figures of this test, exact."""
    if PLAN is None:
        return
    print(f"\ndeadline day, {PLAN.mode}: {len(PLAN.applicants)} applicants, {len(PLAN.readers)} readers")
    for name in sorted(PLAN.timings):
        errors = sum(PLAN.errors[name].values())
        print(_line(name, len(PLAN.timings[name]), errors, PLAN.timings[name]))
    if PLAN.posts:
        sent = sorted(moment for moment, _ in PLAN.posts)
        if PLAN.mode == "burst":
            since = [seconds * 1000 for _, seconds in PLAN.posts if seconds is not None]
            print(_line("POST submit, from release", len(since), 0, since))
            print(f"burst: the {len(sent)} POSTs sent within {(sent[-1] - sent[0]) * 1000:.0f} ms of each other")
        elif len(sent) > 1:
            rate = (len(sent) - 1) / (sent[-1] - sent[0])
            print(
                f"sustained{' (forms first)' if PLAN.all_ready_first else ''}: "
                f"asked {PLAN.options.rate:g}/s, POSTs sent at {rate:.1f}/s over "
                f"{sent[-1] - sent[0]:.1f} s; late for their turn {PLAN.late}"
            )
    for name, reasons in sorted(PLAN.errors.items()):
        for reason, count in reasons.most_common(5):
            print(f"  error {name}: {count} x {reason}")
    failed, _ = _failures()
    print(f"submitted {PLAN.submitted} of {len(PLAN.applicants)}; failed requests {failed}; exit code {exit_code}")
