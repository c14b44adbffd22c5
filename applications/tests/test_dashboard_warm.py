"""No viewer pays for the dashboard: the worker rebuilds the views most opened after each counted write.

Here a worker runs each rebuild as soon as it is handed over (in this process); the tests of the
meantime (figures shown while a rebuild is queued) replace the hand-over by one that only queues.
Where tasks run eagerly with no worker (the demo without Redis, the rest of the suite) no rebuild
is queued at all: the next view computes, as the last test shows.
"""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from applications.dashboard import cache as dashboard_cache
from applications.dashboard.cache import QUEUED_KEY, dashboard_warm, warmed_scopes
from applications.decisions import application_approve
from applications.models import Status
from applications.tests import test_dashboard_freshness as freshness
from portal.figures import counted_data_changed, counted_data_version
from portal.models import User

pytestmark = pytest.mark.django_db

# The freshness tests' agency, call and manager, on 30 November 2026 at noon in Madrid.
today, world, URL = freshness.today, freshness.world, freshness.URL

# A page whose figures come from the cache: session, user, filters, reports and the outbox count only.
CACHED_PAGE_QUERIES = 12


@pytest.fixture(autouse=True)
def a_worker_runs_the_rebuilds(monkeypatch):
    conf = dashboard_cache.warm_dashboard.app.conf
    eager, conf.task_always_eager = conf.task_always_eager, False
    monkeypatch.setattr(dashboard_cache, "hand_over", lambda task, *args: task(*args) or True)
    yield
    conf.task_always_eager = eager


@pytest.fixture
def queued(monkeypatch):
    """The broker takes the rebuilds and no worker has run them yet: the tasks handed over, by version."""
    tasks = []
    monkeypatch.setattr(dashboard_cache, "hand_over", lambda task, version: tasks.append(version) or True)
    return tasks


def approve_waiting(world, capture):
    with capture(execute=True):
        application_approve(application=world["waiting"], by=world["manager"], amount=Decimal("3000.00"))


def test_the_worker_fills_the_cache_for_every_agency_and_the_superusers(client, world, django_assert_max_num_queries):
    cache.clear()
    superuser = User.objects.create_superuser("root@portal.example", password=None)

    assert dashboard_warm() == len(warmed_scopes()) == 4  # the agency and all agencies, 2026 and 2025

    for user in (world["manager"], superuser):
        client.force_login(user)
        with django_assert_max_num_queries(CACHED_PAGE_QUERIES):
            page = client.get(URL)
        assert page.context["current"]["pipeline"]["approved"] == 1
        assert page.context["figures_as_of"] is None


def test_a_decision_is_rebuilt_at_its_commit_so_the_next_view_computes_nothing(
    client, world, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client.force_login(world["manager"])
    client.get(URL)

    approve_waiting(world, django_capture_on_commit_callbacks)

    with django_assert_max_num_queries(CACHED_PAGE_QUERIES):
        page = client.get(URL)
    assert page.context["current"]["pipeline"]["approved"] == 2
    assert "being updated" not in page.text


def test_a_burst_of_writes_queues_one_rebuild_which_builds_the_latest_version(
    world, queued, django_capture_on_commit_callbacks
):
    for _ in range(200):
        with django_capture_on_commit_callbacks(execute=True):
            counted_data_changed()

    assert len(queued) == 1
    dashboard_warm()  # the worker runs it, once the burst is over
    latest = counted_data_version()
    assert latest == queued[0] + 199
    assert {cache.get(key).version for key in cache_keys()} == {latest}

    with django_capture_on_commit_callbacks(execute=True):
        counted_data_changed()
    assert len(queued) == 2  # the rebuild started: the next write queues one of its own


def test_a_rebuild_of_a_version_already_being_built_does_nothing(world):
    cache.add(f"dashboard:warming:{counted_data_version()}", True)

    assert dashboard_warm() == 0


def test_while_the_rebuild_is_queued_the_page_shows_the_figures_it_had_with_a_note(
    client, world, queued, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client.force_login(world["manager"])
    client.get(URL)

    approve_waiting(world, django_capture_on_commit_callbacks)

    with django_assert_max_num_queries(CACHED_PAGE_QUERIES):
        page = client.get(URL)
    assert page.context["current"]["pipeline"]["approved"] == 1
    assert page.context["figures_as_of"] == "12:00"  # Madrid, when they were computed
    assert "Figures as of 12:00, being updated." in page.text

    dashboard_warm()
    page = client.get(URL)
    assert page.context["current"]["pipeline"]["approved"] == 2
    assert "being updated" not in page.text


def test_a_rebuild_nobody_picked_up_no_longer_holds_the_figures(
    client, world, queued, django_capture_on_commit_callbacks
):
    client.force_login(world["manager"])
    client.get(URL)
    approve_waiting(world, django_capture_on_commit_callbacks)

    cache.delete(QUEUED_KEY)  # its time limit passed

    page = client.get(URL)
    assert page.context["current"]["pipeline"]["approved"] == 2
    assert page.context["figures_as_of"] is None


def test_a_broker_refusing_the_rebuild_leaves_the_page_to_compute(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(dashboard_cache, "hand_over", lambda task, version: False)
    client.force_login(world["manager"])
    client.get(URL)

    approve_waiting(world, django_capture_on_commit_callbacks)

    assert cache.get(QUEUED_KEY) is None
    assert client.get(URL).context["current"]["pipeline"]["approved"] == 2


def test_a_filtered_view_is_never_shown_stale(client, world, queued, django_capture_on_commit_callbacks):
    client.force_login(world["manager"])
    filtered = {"programme": world["programme"].pk, "year": 2026}
    client.get(URL, filtered)

    approve_waiting(world, django_capture_on_commit_callbacks)

    page = client.get(URL, filtered)
    assert page.context["current"]["pipeline"]["approved"] == 2
    assert page.context["figures_as_of"] is None


def test_a_cold_cache_is_computed_in_the_request(client, world):
    client.force_login(world["manager"])
    cache.clear()

    with CaptureQueriesContext(connection) as queries:
        page = client.get(URL)

    assert len(queries) > CACHED_PAGE_QUERIES
    assert page.context["current"]["pipeline"]["approved"] == 1
    assert page.context["figures_as_of"] is None


def test_figures_built_once_serve_every_language_in_its_own_words(client, world, django_assert_max_num_queries):
    cache.clear()
    with translation.override("en"):
        dashboard_warm()
    client.force_login(world["manager"])

    with django_assert_max_num_queries(CACHED_PAGE_QUERIES):
        page = client.get("/es/dashboard/")

    with translation.override("es"):
        approved = str(Status.APPROVED.label)
    assert approved != "Approved"
    assert approved in page.text


def cache_keys():
    """The keys of the figures of the views the worker builds."""
    return [
        dashboard_cache._key(scope, dashboard_cache.selectors.reference_day(scope.year, zone))
        for scope, zone in warmed_scopes()
    ]


def test_with_no_worker_a_decision_queues_no_rebuild_and_the_next_view_computes(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    dashboard_cache.warm_dashboard.app.conf.task_always_eager = True  # the autouse fixture restores it
    client.force_login(world["manager"])
    client.get(URL)

    approve_waiting(world, django_capture_on_commit_callbacks)

    latest = counted_data_version()
    assert all((entry := cache.get(key)) is None or entry.version < latest for key in cache_keys())
    page = client.get(URL)
    assert page.context["current"]["pipeline"]["approved"] == 2
