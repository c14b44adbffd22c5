"""Handing a task to the broker from a request: within about a second, and never an error.

A dead Redis refuses the connection at once; a hung one (stopped, overloaded, a half-open
network path) would hold the publish for the broker's socket timeout. So the publish runs
in a short-lived thread that the caller waits on for at most `HANDOVER_TIMEOUT` seconds,
and the first failure or timeout opens a breaker for `RETRY_AFTER` seconds, during which
this process does not try the broker at all. Either way the caller's row stays for the
periodic sweep (an e-mail stays pending, a report queued), which is what makes it safe:
a publish that completes late only runs a task that claims its row and finds it done.

With tasks run eagerly (no broker: the demo and the suite) the task simply runs here.
"""

import logging
import threading
import time

logger = logging.getLogger(__name__)

HANDOVER_TIMEOUT = 1.0
RETRY_AFTER = 30.0

_lock = threading.Lock()
_down_until = 0.0


def _trip(reason: str) -> None:
    global _down_until
    with _lock:
        first = time.monotonic() >= _down_until
        _down_until = time.monotonic() + RETRY_AFTER
    if first:
        logger.warning("The broker does not take tasks (%s): work waits for the sweep for %.0f s", reason, RETRY_AFTER)


def broker_seems_down() -> bool:
    """Whether this process gave up on the broker for a while (the breaker is open)."""
    return time.monotonic() < _down_until


def hand_over(task, *args) -> bool:
    """`task.delay(*args)`, bounded in time; True if the broker took it, False if it waits for the sweep."""
    if task.app.conf.task_always_eager:
        try:
            task.delay(*args)
            return True
        except Exception as error:
            logger.warning(
                "Task %s%r failed when run eagerly (%s); its row waits for the sweep", task.name, args, error
            )
            return False
    if broker_seems_down():
        return False
    outcome = {}

    def publish():
        try:
            task.delay(*args)
            outcome["ok"] = True
        except Exception as error:
            outcome["error"] = error

    thread = threading.Thread(target=publish, name=f"hand-over {task.name}", daemon=True)
    thread.start()
    thread.join(HANDOVER_TIMEOUT)
    if outcome.get("ok"):
        return True
    _trip(f"{type(outcome['error']).__name__}: {outcome['error']}" if "error" in outcome else "no answer within 1 s")
    return False
