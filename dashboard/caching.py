"""A short cache for the heavy dashboard aggregates, invalidated on writes.

Entries are keyed by a global version, the day, the viewer's scope and the filters. Saving or
deleting any record the dashboards count bumps the version, so the next request recomputes; the
short TTL bounds staleness for writes that bypass signals (bulk updates, raw SQL)."""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from secretaries.scoping import scope_for

VERSION_KEY = "dashboard:version"
TTL_SECONDS = getattr(settings, "DASHBOARD_CACHE_SECONDS", 60)


def current_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def bump_version(**kwargs):
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        # No version yet (or evicted): start a fresh one no earlier entry can share.
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def scope_key(user):
    scope = scope_for(user)
    if scope.is_superuser:
        return "su"
    townships = ",".join(str(pk) for pk in sorted(scope.township_ids)) or "-"
    return f"{scope.role}:{scope.district_id}:{townships}"


def cached(user, filters, build):
    """build() once per version, day, scope and filters, for TTL_SECONDS at most."""
    if TTL_SECONDS <= 0:
        return build()
    key = f"dashboard:{current_version()}:{timezone.localdate()}:{scope_key(user)}:{filters.cache_part()}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TTL_SECONDS)
    return value


WATCHED_MODELS = [
    ("demands", "DemandItem"),
    ("demands", "Submission"),
    ("demands", "CollectionRound"),
    ("demands", "ResourceItem"),
    ("demands", "ProjectItem"),
    ("teams", "TeamActivity"),
    ("teams", "TeamMembership"),
    ("teams", "PioneerTeam"),
    ("stations", "DutyShift"),
    ("stations", "ServiceStation"),
    ("secretaries", "Secretary"),
    ("secretaries", "Village"),
]


def connect_signals():
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    for app_label, model_name in WATCHED_MODELS:
        model = apps.get_model(app_label, model_name)
        uid = f"dashboard-cache-{app_label}-{model_name}"
        post_save.connect(bump_version, sender=model, dispatch_uid=f"{uid}-save", weak=False)
        post_delete.connect(bump_version, sender=model, dispatch_uid=f"{uid}-delete", weak=False)
