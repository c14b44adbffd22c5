"""The portal's cache: Redis when it answers, this process's memory while it does not.

Nothing a request does may depend on Redis being up (docs/background-work.md, "When Redis,
e-mail or a worker fails"). Django's Redis cache raises on a dead server, and every caller
would have to catch it; this backend does it once for all of them:

- Each Redis call has short socket timeouts (OPTIONS in the settings) and no retries, so a
  dead or hung server costs a request at most about half a second, once.
- The first connection error opens a breaker for `RETRY_AFTER` seconds (default 5): until then
  every call goes straight to a per-process memory cache, with no network attempt, and one
  warning is logged per outage.
- What lives in the cache keeps working, per process, while Redis is down: the dashboard's
  figures are cached for a short while, and the login rate limits (django-allauth's, kept in
  the cache) still count and refuse, per web process. So a portal with four processes allows
  at most four times the configured rate during an outage; nobody is locked out because Redis
  is down. (A deliberate choice: refusing every login would turn a cache outage into a
  portal outage; not counting at all would open the login to guessing.)
- Entries kept in memory live at most `FALLBACK_TIMEOUT` seconds (default 60), because
  another process cannot tell this one that they became stale.
- When Redis answers again, `redis_recovered` is sent: figures cached in Redis before the
  outage may have missed the bumps of writes made during it, so the figures' version is
  moved on (portal/figures.py).
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.dispatch import Signal
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Sent (with sender=the cache) when Redis answers again after an outage this process saw.
redis_recovered = Signal()

# Unreachable, hung, or refusing to work (MISCONF on a full disk, OOM, READONLY after a failover).
UNREACHABLE = (RedisError, OSError)


class ResilientRedisCache(RedisCache):
    """Django's Redis cache that falls back to this process's memory while Redis is unreachable."""

    def __init__(self, server, params):
        params = dict(params)
        self.retry_after = float(params.pop("RETRY_AFTER", 5))
        self.fallback_timeout = int(params.pop("FALLBACK_TIMEOUT", 60))
        super().__init__(server, params)
        self._fallback = LocMemCache(
            f"portal-cache-fallback-{id(self)}",
            {"TIMEOUT": self.fallback_timeout, "KEY_PREFIX": params.get("KEY_PREFIX", "")},
        )
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._outage = False

    @property
    def redis_down(self) -> bool:
        """Whether this process currently treats Redis as down (the breaker is open)."""
        return time.monotonic() < self._down_until

    def _call(self, name, *args, **kwargs):
        if self.redis_down:
            return getattr(self._fallback, name)(*args, **self._fallback_kwargs(name, kwargs))
        try:
            if self._outage:
                self._recover()
            return getattr(super(), name)(*args, **kwargs)
        except UNREACHABLE as error:
            with self._lock:
                first = not self._outage
                self._outage = True
                self._down_until = time.monotonic() + self.retry_after
            if first:
                logger.warning("The cache (Redis) is unreachable, using this process's memory: %s", error)
            return getattr(self._fallback, name)(*args, **self._fallback_kwargs(name, kwargs))

    def _recover(self) -> None:
        """After an outage: if Redis answers, drop the memory copy and say so before serving from Redis."""
        self._cache.get_client(write=True).ping()
        with self._lock:
            recovered, self._outage = self._outage, False
        if recovered:
            logger.warning("The cache (Redis) answers again.")
            self._fallback.clear()
            redis_recovered.send(sender=self)

    def _fallback_kwargs(self, name, kwargs):
        """Memory entries never outlive FALLBACK_TIMEOUT (another process cannot invalidate them)."""
        if name in ("add", "set", "set_many", "touch"):
            timeout = kwargs.get("timeout", DEFAULT_TIMEOUT)
            if timeout is DEFAULT_TIMEOUT or timeout is None or timeout > self.fallback_timeout:
                kwargs = {**kwargs, "timeout": self.fallback_timeout}
        return kwargs

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout=timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default=default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout=timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", key, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta=delta, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout=timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version=version)

    def clear(self):
        return self._call("clear")
