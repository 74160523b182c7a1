"""The district's stored counts (dashboard.summary): the same figures as counted live, never
another district's, current until a write or a new day, recounted once by the worker (or in the
request when the worker has been away too long), and what the page says about their age."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboard import caching, selectors, summary, tasks
from dashboard.filters import Filters
from dashboard.models import DistrictSummary
from dashboard.panels import dashboard_panels
from dashboard.period_free import period_free_panels
from dashboard.periods import Period
from dashboard.selectors import Scoped
from secretaries.services import org_login_grant
from tests.dashboard import factories as f
from tests.dashboard.test_cache import _without_svg

pytestmark = pytest.mark.django_db


def stored(user):
    figures = summary.Figures(Scoped(user))
    assert figures.has("counts"), "the department's view reads the stored counts"
    return figures


def test_the_stored_figures_are_those_counted_live(world, org_user):
    base = Scoped(org_user)
    figures = stored(org_user)
    r_cur, r_prev = world.r_cur.pk, world.r_prev.pk
    assert figures.category_counts() == selectors.status_counts(base, "category")
    assert figures.township_totals([r_cur, r_prev]) == selectors.stage_totals(
        selectors.status_counts(base, "township", [r_cur, r_prev])
    )
    for group in selectors.GROUPS:
        for rid in (r_cur, r_prev):
            assert figures.median_days(rid, group) == selectors.median_days(base, rid, group)
    assert figures.unmet_villages() == selectors.unmet_villages(base)
    assert figures.oldest_overdue() == selectors.oldest_overdue(base)
    assert figures.resources() == selectors.resources_by_category(base)
    assert figures.completeness(selectors.current_round(selectors.rounds_for(org_user))) == {
        "round_id": world.r_cur.pk,
        **selectors.completeness(base, selectors.current_round(selectors.rounds_for(org_user))),
    }
    assert figures.station_week() == selectors.station_week(base)
    for kind in ("month", "quarter", "year"):
        period = Period.of(kind, world.today)
        months = selectors.activity_months(base, period.prev_start, period.end)
        assert figures.headline(period, months) == selectors.headline(base, period, months)
    assert "month:" + world.M.isoformat() not in figures.stored["headlines"]  # last month: read live
    first, last = world.P - timedelta(days=400), world.today
    assert figures.activity_months(first, last) == selectors.activity_months(base, first, last)
    # Hand-checked: the supervision list and the month's activities (see test_figures).
    assert selectors.supervision_count_from(figures.category_counts()) == 3
    assert figures.activity_months(world.M, world.M)[world.M]["count"] == 3


def test_every_registered_figure_reads_back_from_the_database_as_it_was_counted(world, district):
    summary.refresh(district.pk)
    stored = DistrictSummary.objects.get(district=district).data
    assert set(stored) == {"format", *summary.FIGURES}
    counting = summary.Counting(district.pk)
    for name, figure in summary.FIGURES.items():
        value = figure.count(counting)
        counting.data[name] = figure.dump(value)
        # Dates, Decimals and tuple keys come back as they were (the charts' SVG carries random ids).
        assert _without_svg(figure.load(stored[name])) == _without_svg(value), name


def test_the_summary_holds_only_its_own_districts_figures(world, district, org_user):
    summary.refresh_all()
    mine = DistrictSummary.objects.get(district=district)
    other = DistrictSummary.objects.exclude(district=district).get()
    # The other district has one accepted item; ours none of its rounds.
    assert [row[1] for row in mine.data["counts"]] and world.other_round.pk not in {r[1] for r in mine.data["counts"]}
    assert {row[1] for row in other.data["counts"]} == {world.other_round.pk}
    assert {t["name"] for t in other.data["ranking"]["teams"]} == {"外区先锋"}
    assert "外区先锋" not in {t["name"] for t in mine.data["ranking"]["teams"]}


def test_refresh_counts_once_per_data_version_and_otherwise_confirms(world, district, village_a):
    row, counted = summary.refresh(district.pk)
    assert counted
    built_at = row.built_at
    again, counted = summary.refresh(district.pk)
    assert not counted and again.built_at == built_at and again.checked_at >= built_at
    f.make_item(world.r_cur, village_a, world.cats.health, "accepted", submitted_on=world.M, due=world.M)
    row, counted = summary.refresh(district.pk)
    assert counted and row.version == caching.current_version()
    assert sum(n for _, rid, status, n, _ in row.data["counts"] if rid == world.r_cur.pk and status == "accepted") == 2


def test_a_new_day_makes_the_summary_recount(world, district):
    summary.refresh(district.pk)
    DistrictSummary.objects.filter(district=district).update(as_of=timezone.localdate() - timedelta(days=1))
    _, counted = summary.refresh(district.pk)
    assert counted
    assert DistrictSummary.objects.get(district=district).as_of == timezone.localdate()


def test_a_view_on_counts_no_longer_current_says_so_and_queues_the_recount(world, client_for, org_user, village_a):
    client = client_for(org_user)
    client.get("/")
    f.make_item(world.r_cur, village_a, world.cats.health, "accepted", submitted_on=world.M, due=world.M)
    cache.clear()  # a restarted cache: no result, and the data version is lost too
    checked_at = DistrictSummary.objects.get().checked_at
    html = client.get("/").content.decode()
    # Served at once from the stored counts, with the time they were last known current...
    assert 'id="supervision-count">3<' in html
    assert "正在重新统计" in html
    assert f"数据更新于 {timezone.localtime(checked_at):%H:%M}" in html
    # ...and the queued recount (run inline here) brings the write in on the next view.
    assert 'id="supervision-count">4<' in client.get("/").content.decode()
    assert DistrictSummary.objects.get().version == caching.current_version()


def test_counts_not_confirmed_for_too_long_are_recounted_in_the_request(world, client_for, org_user, village_a):
    client = client_for(org_user)
    client.get("/")
    f.make_item(world.r_cur, village_a, world.cats.health, "accepted", submitted_on=world.M, due=world.M)
    cache.clear()
    long_ago = timezone.now() - timedelta(seconds=caching.MAX_STALE_SECONDS + 1)
    DistrictSummary.objects.update(checked_at=long_ago)
    html = client.get("/").content.decode()
    assert 'id="supervision-count">4<' in html and "正在重新统计" not in html


def test_a_township_view_reads_only_the_district_wide_parts_and_counts_its_own_share(world, township_a_user, org_user):
    summary.refresh_all()
    cache.clear()
    DistrictSummary.objects.update(version=caching.current_version())
    figures = summary.Figures(Scoped(township_a_user))
    assert set(figures.stored) == {"resources", "ranking"}
    with CaptureQueriesContext(connection) as context:
        panels = dashboard_panels(township_a_user, Filters(period=Period.of("month", world.M)))
    sql = " ".join(q["sql"] for q in context.captured_queries)
    assert "demands_demanditem" in sql  # its own items, live
    assert panels["supervision"]["count"] == 1
    assert [t["name"] for t in panels["townships"]] == ["十渡镇"]


def test_the_beat_job_recounts_stale_summaries_and_confirms_current_ones(world, district, org_user, village_a):
    tasks.warm_org_dashboards()
    assert DistrictSummary.objects.count() == 2  # both districts, with or without a department login
    built = {row.district_id: row.built_at for row in DistrictSummary.objects.all()}
    tasks.warm_org_dashboards()
    assert {row.district_id: row.built_at for row in DistrictSummary.objects.all()} == built
    f.make_item(world.r_cur, village_a, world.cats.health, "accepted", submitted_on=world.M, due=world.M)
    tasks.warm_org_dashboards()
    assert all(row.built_at > built[row.district_id] for row in DistrictSummary.objects.all())


def test_the_summary_admin_shows_only_the_own_district(world, client_for, org_user, district):
    summary.refresh_all()
    org_login_grant(org_user)
    html = client_for(org_user).get("/admin/dashboard/districtsummary/").content.decode()
    assert district.name in html and "燕山区" not in html


def test_counts_from_yesterday_say_which_day_and_are_never_stored_as_current(world, client_for, org_user):
    client = client_for(org_user)
    client.get("/")
    yesterday = timezone.now() - timedelta(days=1)
    DistrictSummary.objects.update(as_of=timezone.localdate() - timedelta(days=1), checked_at=yesterday)
    cache.clear()
    caching.MAX_STALE_SECONDS, limit = 10**9, caching.MAX_STALE_SECONDS  # a worker that is merely slow
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(caching, "schedule_refresh", lambda user, filters: None)  # nothing runs the recount
            html = client.get("/").content.decode()
            assert f"数据更新于 {timezone.localtime(yesterday):%-m月%-d日 %H:%M}" in html and "正在重新统计" in html
            # The entry built on them is not current either: the next view still says so.
            assert "正在重新统计" in client.get("/").content.decode()
    finally:
        caching.MAX_STALE_SECONDS = limit


def test_a_summary_of_another_format_is_recounted_before_it_is_read(world, district, org_user):
    summary.refresh(district.pk)
    row = DistrictSummary.objects.get(district=district)
    row.data = {"format": summary.FORMAT - 1, "counts": []}
    row.save()
    figures = summary.Figures(Scoped(org_user))
    assert figures.category_counts() == selectors.status_counts(Scoped(org_user), "category")
    assert DistrictSummary.objects.get(district=district).data["format"] == summary.FORMAT


def test_only_the_department_reads_the_whole_districts_figures(world, station_manager_user):
    assert set(summary.Figures(Scoped(station_manager_user)).stored) <= {"resources", "ranking"}


def test_the_default_views_panels_are_stored_as_a_request_would_build_them(world, org_user, township_a):
    filters = Filters(period=Period.of("month", world.today))
    figures = stored(org_user)
    kept = figures.default_panels(filters)
    built = period_free_panels(Scoped(org_user), filters, figures)
    assert _without_svg(kept) == _without_svg(built)
    assert kept["round"]["period_start"] == world.r_cur.period_start  # dates come back as dates
    assert kept["completeness"]["svg"].startswith("<svg") or "<svg" in kept["completeness"]["svg"]
    # Another township or round is built in the request.
    assert figures.default_panels(Filters(period=filters.period, township_id=township_a.pk)) is None
    assert figures.default_panels(Filters(period=filters.period, round_id=world.r_prev.pk)) is None
