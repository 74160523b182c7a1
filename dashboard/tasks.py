"""Thin Celery wrappers around dashboard.summary and dashboard.caching: recount a district's
stored figures and recompute one dashboard entry; keep every district's figures and the
department's default view current. Both recount only what is not current and overwrite what they
write, so a repeat is harmless."""

import re

from celery import shared_task
from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils import timezone

from core.scoping import ROLE_ORG, scope_for
from core.tasks import RETRY
from dashboard import caching, city, summary
from dashboard.filters import Filters
from dashboard.panels import dashboard_panels
from dashboard.periods import PERIOD_KINDS, Period, parse_month
from secretaries.models import StaffProfile, Township

MONTH = re.compile(r"\d{4}-\d{2}")


def _filters(user, kind, month, township_id, round_id):
    if kind not in PERIOD_KINDS:
        raise ValueError(f"统计周期参数 {kind!r} 无效，应为 {sorted(PERIOD_KINDS)} 之一")
    if not isinstance(month, str) or not MONTH.fullmatch(month):
        raise ValueError(f"月份参数 {month!r} 无效，应为 YYYY-MM")
    for name, value in (("乡镇", township_id), ("轮次", round_id)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value <= 0):
            raise ValueError(f"{name}参数 {value!r} 无效，应为正整数或空")
    if township_id is not None and not Township.objects.for_user(user).filter(pk=township_id).exists():
        raise ValueError(f"乡镇 {township_id} 不存在或不在该用户范围内")
    return Filters(period=Period.of(kind, parse_month(month)), township_id=township_id, round_id=round_id)


def _dashboard_user(user_id):
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        raise ValueError(f"用户参数 {user_id!r} 无效，应为用户 id")
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ValueError(f"用户 {user_id} 不存在或已停用")
    scope = scope_for(user)
    if not (scope.is_org or scope.is_township or scope.is_city):
        raise ValueError(f"用户 {user_id} 没有工作台")
    return user


def _viewer_and_build(user, district_id, filters_of):
    """Whose entry is recomputed and how: the user's own dashboard; for the city role its
    comparison, or (with `district_id`) its reading of one of its districts."""
    scope = scope_for(user)
    if not scope.is_city:
        filters = filters_of(user)
        return user, filters, [scope.district_id], lambda: dashboard_panels(user, filters)
    if district_id is None:
        filters = filters_of(user)
        return user, filters, sorted(scope.district_ids), lambda: city.comparison_data(user, filters)
    try:
        reader = city.district_reader(user, district_id)
    except Http404:
        raise ValueError(f"区 {district_id!r} 不在该用户的市范围内") from None
    filters = filters_of(reader)
    return reader, filters, [district_id], lambda: dashboard_panels(reader, filters)


@shared_task(name=caching.REFRESH_TASK, **{**RETRY, "max_retries": 3})
def refresh_dashboard(user_id, kind, month, township_id=None, round_id=None, district_id=None):
    """Recompute the dashboard entry of this user's scope and these filters (for the city role:
    its comparison, or its reading of district `district_id`)."""
    user = _dashboard_user(user_id)
    viewer, filters, districts, build = _viewer_and_build(
        user, district_id, lambda viewer: _filters(viewer, kind, month, township_id, round_id)
    )
    try:
        for pk in districts:
            if pk is not None:
                summary.refresh(pk)
        result = caching.compute(viewer, filters, build)
    finally:
        caching.cache.delete(caching.lock_key(viewer, filters))
    return result.computed_at.isoformat()


@shared_task(name="dashboard.tasks.warm_org_dashboards", **{**RETRY, "max_retries": 3})
def warm_org_dashboards():
    """Beat job: recount every district's summary that is no longer current (confirm the others),
    then compute each district's department view for this month if missing or outdated, so the
    leadership's first look of the day does not wait. Returns the districts whose view was computed."""
    summary.refresh_all()
    refreshed = []
    month = f"{timezone.localdate():%Y-%m}"
    # One department login per district (the first): every org login of a district sees the same view.
    profiles = (
        StaffProfile.objects.filter(role=ROLE_ORG, user__is_active=True, district__isnull=False)
        .select_related("user")
        .order_by("pk")
    )
    seen = set()
    for profile in profiles:
        if profile.district_id in seen:
            continue
        seen.add(profile.district_id)
        user = profile.user
        filters = _filters(user, "month", month, None, None)
        entry = caching.cache.get(caching.entry_key(user, filters))
        if entry is None or entry["version"] != caching.current_version():
            caching.compute(user, filters, lambda u=user, f=filters: dashboard_panels(u, f))
            refreshed.append(profile.district_id)
    return refreshed
