"""Shared test fixtures and the rule that, in CI, a missing service fails a test.

Loaded as a pytest plugin (see pytest.ini). Tests that need PostgreSQL, Redis or
Chromium carry the marker `postgres`, `redis` or `browser`. Where the service is
missing such a test is skipped on a developer's machine, but fails when CI=true:
CI must never go green by skipping.
"""

import contextlib
import os
import shutil

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _missing_service_reason(marker: str) -> str | None:
    from django.conf import settings
    from django.db import connection

    if marker == "postgres":
        if connection.vendor != "postgresql":
            return "PostgreSQL is not configured (set DATABASE_URL=postgres://...)"
    elif marker == "redis":
        if not settings.REDIS_URL:
            return "Redis is not configured (set REDIS_URL=redis://...)"
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
        except redis.RedisError as error:
            return f"Redis at REDIS_URL does not answer: {error}"
    elif marker == "browser" and not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return f"Chromium is not installed at {CHROMIUM}"
    return None


def pytest_runtest_setup(item):
    for marker in ("postgres", "redis", "browser"):
        if item.get_closest_marker(marker) is None:
            continue
        reason = _missing_service_reason(marker)
        if reason is None:
            continue
        if IN_CI:
            pytest.fail(f"CI needs this service: {reason}", pytrace=False)
        pytest.skip(reason)


def pytest_configure(config):
    if IN_CI:
        # In CI the suite runs on PostgreSQL: a run that fell back to SQLite would
        # silently skip every database guarantee we test.
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            raise pytest.UsageError("CI=true but DATABASE_URL does not point at PostgreSQL.")
        if not os.environ.get("REDIS_URL"):
            raise pytest.UsageError("CI=true but REDIS_URL is not set.")


def _database_url_for_test_db() -> str:
    """The URL of the database the tests run on (pytest-django's test_ database)."""
    from urllib.parse import urlsplit, urlunsplit

    from django.db import connection

    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def _worker_needs_services() -> None:
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        reason = "a real worker needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL)"
        if IN_CI:
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


def _start_worker(queues: list[str], *, pool: str = "solo", env: dict | None = None):
    """Start a Celery worker consuming `queues` and wait until it answers a ping; returns the process.

    `env` adds or replaces environment variables of the worker (another Redis, an SMTP server)."""
    import subprocess
    import sys
    import time

    from portal.celery import app

    name = f"{queues[0]}@{os.uname().nodename}"
    environment = {
        **os.environ,
        "DATABASE_URL": _database_url_for_test_db(),
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        **(env or {}),
    }
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", pool]
    if pool == "prefork":
        command += ["--concurrency", "1"]
    command += ["--queues", ",".join(queues), "--hostname", f"{queues[0]}@%h", "--loglevel", "WARNING"]
    command += ["--without-gossip", "--without-mingle"]
    worker = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if app.control.ping(destination=[name], timeout=0.5):
            return worker
        if worker.poll() is not None:
            pytest.fail(f"the Celery worker exited: {worker.stdout.read().decode()}", pytrace=False)
    worker.kill()
    pytest.fail("the Celery worker did not start within 30 s", pytrace=False)


def _stop_worker(worker) -> None:
    import subprocess

    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=10)


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real Celery worker process on Redis, on the tests' PostgreSQL database.

    Yields the name of a queue only this worker consumes: send tasks with
    `.apply_async(queue=queue)`. Tests using it need the `postgres` and `redis` markers
    and must commit their data (transactional_db) for the worker to see it.
    """
    import uuid

    from portal.celery import app

    _worker_needs_services()
    queue = f"test-{uuid.uuid4().hex[:12]}"
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    worker = None
    try:
        worker = _start_worker([queue])
        yield queue
    finally:
        app.conf.task_always_eager = eager
        if worker is not None:
            _stop_worker(worker)


@pytest.fixture
def celery_workers(transactional_db):
    """Starts real Celery worker processes, for tests that kill one and start another.

    Yields `start(queues, pool="solo")`, which returns the worker's process (its `pid` to send
    signals to) once it answers; every worker still running is stopped after the test. Tasks are
    not run eagerly meanwhile. The same markers as `celery_worker_process` apply.
    """
    from portal.celery import app

    _worker_needs_services()
    started = []
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False

    def start(queues: list[str], *, pool: str = "solo"):
        worker = _start_worker(queues, pool=pool)
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        app.conf.task_always_eager = eager
        for worker in started:
            _stop_worker(worker)


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download)."""
    reason = _missing_service_reason("browser")
    if reason:
        if IN_CI:
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    # Playwright's sync API runs an event loop in this thread; the Django test
    # database calls made around it are synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


# Runs in every page before the page's own scripts; Playwright's init scripts are not
# subject to the page's Content-Security-Policy. It reports each violation to Python.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__portalCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} on ${event.documentURI}` +
    (event.sample ? `: ${event.sample}` : "")
  );
});
"""


def _record_csp_violations(context, violations: list[str]) -> None:
    """Collect every Content-Security-Policy violation of the context's pages in `violations`.

    Two witnesses: the `securitypolicyviolation` event, and Chromium's console error
    ("... violates the following Content Security Policy directive ..."), which also
    names violations the event does not reach (a page gone before it fired).
    """

    def on_violation(text):
        violations.append(text)

    context.expose_function("__portalCspViolation", on_violation)
    context.add_init_script(_CSP_LISTENER)

    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            violations.append(message.text)

    context.on("page", lambda page: page.on("console", on_console))


@pytest.fixture
def new_page(browser, live_server):
    """Opens a page in a new browser context (keyword arguments go to `new_context`).

    The test fails if any page it opened broke the portal's Content-Security-Policy.
    """
    contexts = []
    violations: list[str] = []

    def open_page(**options):
        context = browser.new_context(base_url=live_server.url, **options)
        _record_csp_violations(context, violations)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations), pytrace=False)


@pytest.fixture
def page(new_page):
    return new_page(locale="en-GB", timezone_id="America/New_York")


@pytest.fixture(autouse=True)
def _celery_join_flag():
    """Eager tasks run from threads can leave Celery's "inside a task" flag set for the process,
    which makes every later `result.get()` refuse to block: reset it after each test."""
    yield
    from celery import _state

    _state._set_task_join_will_block(False)


@pytest.fixture(autouse=True)
def _language_reset():
    """A request to /es/... leaves Spanish active in the thread: every test starts in the default language."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _cache_reset():
    """Tests share the process's memory cache; each one starts with it empty (cached figures, rate limits)."""
    yield
    from django.core.cache import cache

    cache.clear()


def free_port() -> int:
    """A TCP port nothing listens on now (for a server a test starts itself)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisProcess:
    """A Redis server of the test's own, on a free port, that the test stops and starts.

    Fault tests point the portal at it; the machine's shared Redis is never touched.
    """

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import subprocess
        import time

        import redis

        self.process = subprocess.Popen(
            [
                *(shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--loglevel", "warning"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError(f"the test's Redis did not start on port {self.port}")

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): it keeps its data and its port, and answers nothing."""
        import signal

        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        import signal

        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None:
            self.resume()
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def own_redis():
    """A Redis server only this test uses (started; `.stop()` and `.start()` it at will)."""
    if not shutil.which("redis-server"):
        reason = "redis-server is not installed"
        if IN_CI:
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    server = RedisProcess()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def worker_on(redis_url: str, *, env: dict | None = None):
    """A real Celery worker on the given Redis (default queue), on the tests' PostgreSQL database.

    For fault tests whose portal runs on a Redis of their own (`own_redis`, inside `celery_on`);
    `env` adds variables (e.g. PORTAL_TEST_SMTP_PORT: the worker sends e-mail to the test's SMTP
    server). The files the test process wrote (a receipt to attach) are where the worker looks.
    """
    from django.conf import settings

    worker = _start_worker(
        ["celery"],
        env={
            "REDIS_URL": redis_url,
            "PORTAL_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PORTAL_TEST_PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
            **(env or {}),
        },
    )
    try:
        yield worker
    finally:
        _stop_worker(worker)


def _forget_broker(app) -> None:
    """Drop the connections (tasks' and control's) to the broker the app used until now."""
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
    app.__dict__.pop("control", None)  # its mailbox keeps the producers of the old broker


@contextlib.contextmanager
def celery_on(redis_url: str):
    """This process hands tasks to the broker at `redis_url` (not eagerly) until the block ends."""
    from portal.celery import app

    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = redis_url, False
    _forget_broker(app)
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        _forget_broker(app)


@pytest.fixture(autouse=True)
def _handover_reset():
    """A test that made the broker look down (portal/handover.py) leaves the next test a closed breaker."""
    yield
    from portal import handover

    handover._down_until = 0.0
