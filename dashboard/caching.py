"""Stale-while-revalidate for the dashboards' aggregates.

A dashboard at province scale counts a million demand items, and on a busy system something is
written every few seconds. So the page does not wait for a recount:

- The district-wide counts that need a scan of the demand items live in the database
  (dashboard.summary: a DistrictSummary per district, counted by the worker once per data version).
- Each (day, scope, filters) keeps its last computed result in the cache, with the data version it
  was computed at and the time (shown on the page as 数据更新于 HH:MM).
- Saving or deleting any record the dashboards count bumps a global version (signals below).
- A request whose entry has the current version is served as is. One whose entry is older is
  served the entry at once, and a Celery task (dashboard.tasks.refresh_dashboard) recounts the
  district's summary and recomputes the entry; a cache lock keeps one refresh per entry in flight
  (released when it ends, or after REFRESH_LOCK_SECONDS if the worker died). The beat job
  dashboard.tasks.warm_org_dashboards recounts (or confirms) every summary and keeps the
  department's default view computed.
- A view with no entry (first view of that filter today, or a restarted cache) is computed in the
  request from the stored summary: a few hundred milliseconds. If that summary is no longer
  current, the page shows the time it was last known current, says it is being recounted, and
  queues the refresh. Only a summary not known current for MAX_STALE_SECONDS (the worker is down
  or far behind), or a district with none yet, is recounted in the request.

Stated delay: a change shows on the first page load after the refresh it triggered has run (one
recount: under a second for a district, a few seconds for a province-sized one); pages are never
more than MAX_STALE_SECONDS (10 minutes) behind, whatever the worker does."""

import logging
import time
from dataclasses import dataclass
from datetime import datetime

from celery import signature
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from core.scoping import scope_for
from core.tasks import enqueue
from secretaries.visibility import visibility_for

logger = logging.getLogger(__name__)

VERSION_KEY = "dashboard:version"
# Queued by name: the task (dashboard.tasks) is built on this module, which must not import it back.
REFRESH_TASK = "dashboard.tasks.refresh_dashboard"
REFRESH_LOCK_SECONDS = 120
MAX_STALE_SECONDS = 600
ENTRY_SECONDS = 26 * 3600  # entries are per day; let yesterday's expire on their own


@dataclass
class Result:
    data: dict
    computed_at: datetime
    stale: bool  # an older version was served while a refresh runs


# When the cache fails (Redis down or frozen) this process leaves it alone for a while: a frozen
# Redis costs its read timeout per call, and one write saves many rows. The dashboards are then
# computed in the request from the stored summaries (dashboard.summary), nothing is cached, and a
# version bump that could not be made is owed: made by this process the next time it reaches the cache.
CACHE_PAUSE_SECONDS = 10
_cache_paused_until = 0.0
_bump_owed = False


def _cache_call(method, *args, default=None):
    """`cache.<method>(*args)`, or `default` while the cache is failing (logged once per pause)."""
    global _cache_paused_until
    if time.monotonic() < _cache_paused_until:
        return default
    try:
        return getattr(cache, method)(*args)
    except ValueError:  # incr of a missing key: the caller's to handle
        raise
    except Exception:  # any cache backend's error (Redis: ConnectionError, TimeoutError)
        _cache_paused_until = time.monotonic() + CACHE_PAUSE_SECONDS
        logger.warning("缓存不可用，仪表盘改为直接计算（%s 秒内不再尝试）", CACHE_PAUSE_SECONDS, exc_info=True)
        return default


def current_version():
    """The data version, or None while the cache is unreachable (then nothing counts as current)."""
    if _bump_owed:
        bump_version()
    version = _cache_call("get", VERSION_KEY)
    if version is None:
        version = time.time_ns()
        if not _cache_call("add", VERSION_KEY, version, None, default=False):
            version = _cache_call("get", VERSION_KEY)
    return version


def bump_version(**kwargs):
    """Move the data version. Called inside users' writes, so a cache that is down or frozen is
    logged and skipped: the write stands, and the bump is owed (made on this process's next use of
    the cache; a Redis that was restarted has lost the entries anyway)."""
    global _bump_owed
    _bump_owed = True
    try:
        bumped = _cache_call("incr", VERSION_KEY, default=False)
    except ValueError:
        bumped = None
    if bumped is None:
        # No version yet (or evicted): start a fresh one no earlier entry can share.
        bumped = _cache_call("set", VERSION_KEY, time.time_ns(), None, default=False) is not False
    _bump_owed = not bumped


def data_changed(**kwargs):
    """Something the dashboards count was written: bump the version now, and again when the
    transaction commits (a refresh that ran in between read the data from before the commit and
    must not pass for current). The signals below call it for saves and deletes; services that
    write in bulk (bulk_create, queryset.update, which send no signals) call it themselves."""
    bump_version()
    transaction.on_commit(bump_version)


def scope_key(user):
    scope = scope_for(user)
    if scope.is_superuser:
        return "su"
    if scope.is_city:
        # The city's comparison (no district) or its reading of one district (dashboard.city).
        districts = ",".join(str(pk) for pk in sorted(scope.district_ids)) or "-"
        return f"city:{scope.city_id}:{scope.district_id or '-'}:{districts}:{visibility_for(user).cache_key}"
    townships = ",".join(str(pk) for pk in sorted(scope.township_ids)) or "-"
    # Phone numbers in the entry are in full or masked as the visibility rule decides for this
    # viewer: its key names everything that decision depends on.
    return f"{scope.role}:{scope.district_id}:{townships}:{visibility_for(user).cache_key}"


def entry_key(user, filters):
    return f"dashboard:entry:{timezone.localdate()}:{scope_key(user)}:{filters.cache_part()}"


def compute(user, filters, build):
    """Build now and store the result with the version read before building (a write during the
    build leaves the entry stale, so it is refreshed again). A result built on stored counts that
    are no longer current (dashboard.summary; `basis` in the data) keeps their version and time,
    is served as stale, and queues the recount."""
    version = current_version()
    data = build()
    basis = data.get("basis")
    computed_at = timezone.now()
    if basis is not None:
        # Never current: the stored counts may be behind for a reason the version does not show
        # (a new day), so this entry is refreshed, or recomputed once too old, whatever happens.
        version, computed_at = None, basis["checked_at"]
    entry = {"version": version, "computed_at": computed_at, "data": data}
    _cache_call("set", entry_key(user, filters), entry, ENTRY_SECONDS)
    if basis is not None:
        schedule_refresh(user, filters)
    return Result(data, computed_at, stale=basis is not None)


def cached(user, filters, build):
    """The dashboard data for this viewer and filters: fresh, or the last result while a refresh runs."""
    entry = _cache_call("get", entry_key(user, filters))
    if entry is None:
        return compute(user, filters, build)
    if entry["version"] is not None and entry["version"] == current_version():
        return Result(entry["data"], entry["computed_at"], stale=False)
    age = (timezone.now() - entry["computed_at"]).total_seconds()
    if age > MAX_STALE_SECONDS:
        return compute(user, filters, build)
    schedule_refresh(user, filters)
    return Result(entry["data"], entry["computed_at"], stale=True)


SHARED_SECONDS = 3600


def shared(name, build):
    """A part that many entries have in common (the district's team ranking of a month; the
    figures of a scope that do not depend on the period), kept under today's date and the current
    data version: as fresh as an entry computed now, and computed once for every entry that needs
    it (first views of other filters, other townships, refreshes) until the next write."""
    version = current_version()
    if version is None:
        return build()
    key = f"dashboard:shared:{timezone.localdate()}:{name}:{version}"
    value = _cache_call("get", key)
    if value is None:
        value = build()
        _cache_call("set", key, value, SHARED_SECONDS)
    return value


def lock_key(user, filters):
    return "dashboard:refresh:" + entry_key(user, filters)


def schedule_refresh(user, filters):
    """Queue a recomputation of this entry unless one is already queued or running."""
    if _cache_call("add", lock_key(user, filters), 1, REFRESH_LOCK_SECONDS, default=False):
        period = filters.period
        # A city reader of one district stands for the city's login (dashboard.city.CityReader).
        login_id = getattr(user, "login_id", None) or user.pk
        args = (login_id, period.kind, f"{period.start:%Y-%m}", filters.township_id, filters.round_id)
        scope = scope_for(user)
        kwargs = {"district_id": scope.district_id} if scope.is_city and scope.district_id else {}
        enqueue(signature(REFRESH_TASK, args=args, kwargs=kwargs))


WATCHED_MODELS = [
    ("demands", "DemandItem"),
    ("demands", "Submission"),
    ("demands", "CollectionRound"),
    ("demands", "ResourceItem"),
    ("demands", "ProjectItem"),
    ("teams", "TeamActivity"),
    ("teams", "TeamMembership"),
    ("teams", "PioneerTeam"),
    ("teams", "RankingSnapshot"),
    ("teams", "ScoringRule"),
    ("stations", "DutyShift"),
    ("stations", "ServiceStation"),
    ("stations", "RosterGap"),
    ("secretaries", "Secretary"),
    ("secretaries", "Village"),
    ("secretaries", "Township"),
    ("demands", "DemandCategory"),
    ("demands", "ResourceCategory"),
]


def connect_signals():
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    for app_label, model_name in WATCHED_MODELS:
        model = apps.get_model(app_label, model_name)
        uid = f"dashboard-cache-{app_label}-{model_name}"
        post_save.connect(data_changed, sender=model, dispatch_uid=f"{uid}-save", weak=False)
        post_delete.connect(data_changed, sender=model, dispatch_uid=f"{uid}-delete", weak=False)
