"""The dashboard's figures kept in the cache until the data they count changes.

Every save or delete of a row the figures read (an application and its status changes and
budget lines, a call, an organisation, a membership...) bumps a version number once its
transaction commits; figures are cached under the version they were computed at, so a decision
shows on the next page view. The services and the administration write through the ORM, which
sends the signals; a bulk write that bypasses them (`generate_data`) calls `figures_changed()`.
A time limit bounds what any missed write could leave stale.
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

VERSION_KEY = "dashboard:figures-version"
TIMEOUT = 15 * 60  # seconds


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (a new or flushed cache)
        cache.set(VERSION_KEY, time.time_ns(), None)


def figures_changed(**_kwargs) -> None:
    """The counted data changed: cached figures are stale once the transaction commits."""
    transaction.on_commit(_bump)


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # Started from the clock, so a flushed version never meets figures cached before.
        version = time.time_ns()
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return version


def cached_figures(scope, compute):
    """The figures of a scope, from the cache when they were computed at the current version."""
    key = f"dashboard:{_version()}:{get_language()}:{scope.agency_id}:{scope.programme_id}:{scope.call_id}:{scope.year}"
    data = cache.get(key)
    if data is None:
        data = compute()
        cache.set(key, data, TIMEOUT)
    return data


def watch() -> None:
    """Connect the signals of every model the figures read (called once, when the app is ready)."""
    from applications.models import (
        Application,
        BudgetLine,
        ContractWon,
        Payment,
        PimexActionPlan,
        PimexAttendance,
        PimexSurvey,
        PimexSwot,
        PimexTutorial,
        ProjectReport,
        ReportActivity,
        StatusChange,
    )
    from consortia.models import Consortium, ConsortiumBid, Membership, Organisation, OwnershipLink
    from programmes.models import Agency, Call, CostCategory, Programme

    counted = (Agency, Programme, Call, CostCategory, Application, BudgetLine, StatusChange)
    counted += (Organisation, Consortium, Membership, OwnershipLink, ConsortiumBid)
    # After the grant: payments, what the reports say, the PIMEX coaching.
    counted += (Payment, ProjectReport, ContractWon, ReportActivity)
    counted += (PimexAttendance, PimexTutorial, PimexSwot, PimexActionPlan, PimexSurvey)
    for model in counted:
        uid = f"dashboard-figures-{model._meta.label_lower}"
        post_save.connect(figures_changed, sender=model, dispatch_uid=f"{uid}-save", weak=False)
        post_delete.connect(figures_changed, sender=model, dispatch_uid=f"{uid}-delete", weak=False)
