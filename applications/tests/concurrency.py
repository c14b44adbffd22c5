"""Helpers of the tests that run two requests or services at once, each in its own thread and
database connection, and hold one at a lock to see what the other does meanwhile."""

import threading
import time
from contextlib import contextmanager

from django.db import DatabaseError, connection, connections, transaction


def waiting_on_locks() -> int:
    """How many connections to the test database are waiting for a lock now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0]


def lockable_now(queryset) -> bool:
    """Whether the rows of `queryset` (its model's rows only) can be locked now, without waiting."""
    try:
        with transaction.atomic():
            list(queryset.select_for_update(nowait=True, of=("self",)).values_list("pk"))
    except DatabaseError:
        return False
    return True


def wait_until(condition, what: str, timeout: float = 10.0) -> None:
    """Poll `condition` until it holds; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.02)


class InThread(threading.Thread):
    """Runs `target` in its own thread and database connection, keeping its result or its error."""

    def __init__(self, target):
        super().__init__(daemon=True)
        self.target, self.result, self.error = target, None, None

    def run(self):
        try:
            self.result = self.target()
        except Exception as error:  # reported by the test's assertions
            self.error = error
        finally:
            connections.close_all()


@contextmanager
def rows_held(queryset):
    """Hold the row locks of `queryset` from a thread and connection of their own until the block
    ends (as another request in the middle of its transaction would): what needs them waits."""
    held, release = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic():
            list(queryset.select_for_update())
            held.set()
            release.wait(60)

    holder = InThread(hold)
    holder.start()
    try:
        assert held.wait(10), "the rows could not be locked"
        yield
    finally:
        release.set()
        holder.join(60)
    assert holder.error is None, holder.error
