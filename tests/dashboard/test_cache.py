"""Stale-while-revalidate: a dashboard is served from its last result, a write makes the next
request serve that result marked as being refreshed and queue the refresh (run inline here,
CELERY_TASK_ALWAYS_EAGER), and the request after shows the change."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboard import caching, summary, tasks
from dashboard.filters import Filters
from dashboard.models import DistrictSummary
from dashboard.panels import _ranking, dashboard_panels
from dashboard.periods import Period
from dashboard.selectors import Scoped
from demands.models import DemandItem
from teams import scoring
from teams.models import PioneerTeam
from tests.dashboard import factories as f

pytestmark = pytest.mark.django_db


def page(client):
    return client.get("/").content.decode()


def supervision_count(client):
    return int(page(client).split('id="supervision-count">', 1)[1].split("<", 1)[0])


def default_filters():
    return Filters(period=Period.of("month", timezone.localdate()))


def test_a_second_request_is_served_from_the_cache(world, client_for, org_user, django_assert_max_num_queries):
    client = client_for(org_user)
    client.get("/")
    # 8 for the request and the cached figures, 4 for the to-do list, which is always live (the
    # open round, its lists to review, today's duty, the swaps to approve: dashboard/todos.py).
    with django_assert_max_num_queries(12):
        client.get("/")


def test_the_page_says_when_its_figures_were_computed(world, client_for, org_user):
    html = page(client_for(org_user))
    assert f"数据更新于 {timezone.localtime():%H:}" in html
    assert "正在重新统计" not in html


def test_after_a_write_the_previous_figures_are_served_once_then_the_refreshed_ones(
    world, client_for, org_user, village_a
):
    client = client_for(org_user)
    assert supervision_count(client) == 3
    item = f.make_item(world.r_cur, village_a, world.cats.health, "accepted", submitted_on=world.M, due=world.M)
    html = page(client)
    assert 'id="supervision-count">3<' in html and "正在重新统计" in html
    assert supervision_count(client) == 4
    item.status = DemandItem.Status.RESOLVED
    item.save()
    assert supervision_count(client) == 4
    assert supervision_count(client) == 3
    world.items.d4.delete()
    supervision_count(client)
    assert supervision_count(client) == 2


def test_a_refresh_already_queued_is_not_queued_again(world, client_for, org_user, village_a):
    client = client_for(org_user)
    supervision_count(client)
    # A refresh is in flight (its lock is held): requests keep the last result and queue nothing.
    cache.add(caching.lock_key(org_user, default_filters()), 1, 60)
    f.make_item(world.r_cur, village_a, world.cats.health, "accepted", submitted_on=world.M, due=world.M)
    assert supervision_count(client) == 3
    assert supervision_count(client) == 3
    cache.delete(caching.lock_key(org_user, default_filters()))
    assert supervision_count(client) == 3  # queues (and, eagerly, runs) the refresh
    assert supervision_count(client) == 4


def test_a_result_older_than_the_limit_is_recomputed_in_the_request(world, client_for, org_user, village_a):
    client = client_for(org_user)
    supervision_count(client)
    key = caching.entry_key(org_user, default_filters())
    entry = cache.get(key)
    long_ago = timezone.now() - timedelta(seconds=caching.MAX_STALE_SECONDS + 1)
    entry["computed_at"] = long_ago
    cache.set(key, entry)
    # No worker has run since: the district's stored counts were not confirmed either.
    DistrictSummary.objects.update(checked_at=long_ago)
    cache.add(caching.lock_key(org_user, default_filters()), 1, 60)  # even with no worker running
    f.make_item(world.r_cur, village_a, world.cats.health, "accepted", submitted_on=world.M, due=world.M)
    assert supervision_count(client) == 4


def test_each_scope_and_filter_has_its_own_entry(world, client_for, org_user, township_a_user):
    assert supervision_count(client_for(org_user)) == 3
    assert supervision_count(client_for(township_a_user)) == 1
    assert supervision_count(client_for(org_user)) == 3


def test_a_lost_version_key_starts_a_fresh_version(world):
    cache.delete(caching.VERSION_KEY)
    caching.bump_version()
    first = caching.current_version()
    caching.bump_version()
    assert caching.current_version() == first + 1


def test_the_beat_job_computes_the_department_view_once_per_version(world, district, org_user, village_a):
    assert tasks.warm_org_dashboards() == [district.pk]
    assert cache.get(caching.entry_key(org_user, default_filters()))["data"]["supervision"]["count"] == 3
    assert tasks.warm_org_dashboards() == []
    f.make_item(world.r_cur, village_a, world.cats.health, "accepted", submitted_on=world.M, due=world.M)
    assert tasks.warm_org_dashboards() == [district.pk]
    assert cache.get(caching.entry_key(org_user, default_filters()))["data"]["supervision"]["count"] == 4


@pytest.mark.parametrize(
    "args, message",
    [
        (("x", "month", "2026-03"), "用户参数"),
        ((10**9, "month", "2026-03"), "不存在"),
        ((None, "week", "2026-03"), "统计周期"),
        ((None, "month", "2026-3"), "月份参数"),
        ((None, "month", "2026-03", -1), "乡镇参数"),
        ((None, "month", "2026-03", None, "7"), "轮次参数"),
    ],
)
def test_the_refresh_task_refuses_bad_arguments_clearly(world, org_user, args, message):
    if args[0] is None:
        args = (org_user.pk, *args[1:])
    with pytest.raises(ValueError, match=message):
        tasks.refresh_dashboard(*args)


def test_the_refresh_task_refuses_a_township_outside_the_users_scope(world, township_a_user, township_b):
    with pytest.raises(ValueError, match="不在该用户范围内"):
        tasks.refresh_dashboard(township_a_user.pk, "month", "2026-03", township_b.pk)


def test_the_refresh_task_refuses_a_user_without_a_dashboard(world, secretary_user):
    with pytest.raises(ValueError, match="没有工作台"):
        tasks.refresh_dashboard(secretary_user.pk, "month", "2026-03")


def _ranking_points(user, month):
    base = Scoped(user)
    rows, _ = _ranking(base, month, summary.Figures(base))
    return {r["name"]: r["points"] for r in rows}


def test_the_district_ranking_is_computed_once_for_every_township_until_the_next_write(
    world, org_user, township_a_user, township_b_user, django_assert_num_queries
):
    first = _ranking_points(township_a_user, world.M)
    # Another township (and the department) reuse it: only the township's own activity figures are read.
    base = Scoped(township_b_user)
    figures = summary.Figures(base)
    # Only the township's own activity figures and the teams are read, and one look for a frozen
    # snapshot (last month is not frozen yet): the ranking itself is counted once.
    with django_assert_num_queries(3):
        _ranking(base, world.M, figures)
    assert _ranking_points(township_b_user, world.M) == first == _ranking_points(org_user, world.M)


def test_a_write_makes_the_next_view_recount_the_district_ranking(
    world, district, org_user, township_b_user, village_b
):
    before = _ranking_points(township_b_user, world.M)
    team2 = PioneerTeam.objects.get(district=district, name="致富先锋")
    for day in (4, 5, 6):
        f.make_activity(team2, world.M + timedelta(days=day), village_b, people=10)
    after = _ranking_points(township_b_user, world.M)
    official = {t["name"]: t["total"] for t in scoring.rankings(district.pk, [world.M])[world.M]["teams"]}
    assert after == {name: (int(v) if v == v.to_integral_value() else v) for name, v in official.items()}
    assert after["致富先锋"] > before["致富先锋"]
    assert _ranking_points(org_user, world.M) == after


def _panels_and_queries(user, filters):
    with CaptureQueriesContext(connection) as context:
        panels = dashboard_panels(user, filters)
    return _without_svg(panels), len(context.captured_queries)


def _without_svg(value):
    """The figures, tables and links; a chart's SVG carries a random element id."""
    if isinstance(value, dict):
        return {k: _without_svg(v) for k, v in value.items() if k != "svg"}
    if isinstance(value, list):
        return [_without_svg(v) for v in value]
    return value


def test_another_periods_first_view_reuses_the_figures_that_do_not_depend_on_the_period(world, org_user):
    # An older round: not the default view the worker keeps (see test_summary), so built and shared.
    rid = world.r_prev.pk
    quarter = Filters(period=Period.of("quarter", world.M), round_id=rid)
    _panels_and_queries(org_user, Filters(period=Period.of("month", world.M), round_id=rid))
    reused, reused_queries = _panels_and_queries(org_user, quarter)
    cache.clear()
    summary.refresh_all()
    live, live_queries = _panels_and_queries(org_user, quarter)
    assert reused == live
    assert reused_queries < live_queries


def test_figures_shared_between_views_never_cross_townships(world, township_a_user, township_b_user):
    month = Filters(period=Period.of("month", world.M))
    a, _ = _panels_and_queries(township_a_user, month)
    b, _ = _panels_and_queries(township_b_user, month)
    cache.clear()
    summary.refresh_all()
    live_b, _ = _panels_and_queries(township_b_user, month)
    assert b == live_b
    assert [t["name"] for t in a["townships"]] == ["十渡镇"]
    assert [t["name"] for t in b["townships"]] == ["佛子庄乡"]


def test_writes_in_bulk_move_the_version_too(world, station, org_user):
    """bulk_create and queryset.update send no signals: the services that use them say so."""
    from demands.services.rounds import round_close
    from stations.services.duty import shifts_mark_absent
    from stations.services.roster import roster_confirm_week

    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    for write in (
        lambda: roster_confirm_week(station, monday, org_user),
        lambda: shifts_mark_absent(monday + timedelta(days=6)),
        lambda: round_close(world.r_cur),
    ):
        before = caching.current_version()
        write()
        assert caching.current_version() != before


def test_a_write_bumps_the_version_again_when_its_transaction_commits(
    world, village_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        before = caching.current_version()
        f.make_item(world.r_cur, village_a, world.cats.health, "accepted", submitted_on=world.M, due=world.M)
        during = caching.current_version()
    assert during != before
    for callback in callbacks:
        callback()
    assert caching.current_version() != during
