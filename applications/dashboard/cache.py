"""The dashboard's figures kept in the cache until the data they count changes.

Figures are cached under the version of the counted data they were computed at
(`portal.figures`). The services that change counted data (creation and every workflow move,
decisions, payments, sent reports, PIMEX coaching, organisations, consortia and memberships),
every write of the scoped administration and the bulk loading commands call
`counted_data_changed()`, which bumps the version once their transaction commits: a decision
shows on the next page view, whether the service saved rows one by one or wrote them with a
queryset update or a bulk insert. Nothing listens to model signals. A time limit bounds what a
write that forgot to say so could leave stale.
"""

from django.core.cache import cache
from django.utils.translation import get_language

from portal.figures import counted_data_version

TIMEOUT = 15 * 60  # seconds


def cached_figures(scope, compute):
    """The figures of a scope, from the cache when they were computed at the current version."""
    version = counted_data_version()
    key = f"dashboard:{version}:{get_language()}:{scope.agency_id}:{scope.programme_id}:{scope.call_id}:{scope.year}"
    data = cache.get(key)
    if data is None:
        data = compute()
        cache.set(key, data, TIMEOUT)
    return data
