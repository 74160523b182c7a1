"""Benchmark: the org dashboard and the round report on a province-sized dataset (PostgreSQL).

20,000 secretaries (15,000 on post, one per village), 15,000 villages in 1,000 townships, 1,000,000
demand items over 6 rounds, 90,000 village submissions, 200,000 team activities in 600 teams,
30,000 resources, 5,000 projects, 1,000 stations with 12 weeks of shifts. Built with
INSERT ... SELECT generate_series in a dedicated database (`bench_dashboard`, dropped and created
here; nothing else is touched), then measured through Django's test client: median and p95 over
20 requests: with no cached result and the district's stored counts current (a new filter, or a
restarted cache once the beat job confirmed the counts), with the cache restarted (the data version
lost: stored counts served, recount queued), after a write (the version bumped before each request:
the last result is served and a refresh queued) and warm; the time the refresh task takes (the
delay before a change shows: it recounts the district's summary); and, once, the district's first
view ever (no stored counts: counted in the request).
Goal: under 300 ms median for the org dashboard.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/dashboard_bench.py
    ... --keep        reuse the database built by an earlier run (skip the build)
    ... --requests 20 --drop
"""

import argparse
import gc
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.benchdb import BenchDatabase  # noqa: E402  (after the path above)

DB = BenchDatabase("bench_dashboard", "dashboard_bench")

SIZE = {
    "townships": 1_000,
    "villages_per_township": 15,
    "expired_secretaries": 5_000,
    "teams": 600,
    "activities": 200_000,
    "rounds": 6,
    "items": 1_000_000,
    "categories": 12,
    "resources": 30_000,
    "projects": 5_000,
}


def insert_select(cursor, model, columns, select_sql, params=()):
    """INSERT INTO model's table (columns + every other NOT NULL column) SELECT ... . The other
    columns get their model default (auto_now fields: now()), written in where `{extras}` stands,
    so the script keeps working when another app adds a field with a default."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection.cursor()
    extra_columns, extra_values = [], []
    for field in model._meta.concrete_fields:
        if field.column in columns or field.primary_key or field.null:
            continue
        extra_columns.append(field.column)
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            extra_values.append("now()")
            continue
        if not field.has_default():
            raise SystemExit(f"{model.__name__}.{field.name} 为必填且没有默认值，基准脚本需要为它给出取值")
        value = field.get_db_prep_save(field.get_default(), connection)
        extra_values.append(raw.mogrify("%s", [value]).decode().replace("%", "%%"))
    extras = "".join(f", {value}" for value in extra_values)
    sql = f'INSERT INTO "{model._meta.db_table}" ({", ".join([*columns, *extra_columns])}) '
    cursor.execute(sql + select_sql.replace("{extras}", extras), list(params))


def build():
    """The province-sized dataset; returns nothing, prints the time each step took."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from demands.models import (
        CollectionRound,
        DemandCategory,
        DemandItem,
        ProjectItem,
        ResourceCategory,
        ResourceItem,
        Submission,
    )
    from secretaries.models import Batch, DispatchUnit, District, Secretary, StaffProfile, Township, Village
    from stations.models import DutyShift, ServiceStation
    from teams.models import GroupKind, PioneerTeam, TeamActivity, TeamMembership

    started = time.perf_counter()

    def step(label):
        print(f"  {label:<44} {time.perf_counter() - started:7.1f} s", flush=True)

    call_command("migrate", verbosity=0)
    step("migrate")
    today = date.today()
    with transaction.atomic():
        district = District.objects.create(name="基准省")
        batch = Batch.objects.create(name="第七批", number=7, term_start=date(2024, 6, 1), term_end=date(2027, 12, 31))
        units = DispatchUnit.objects.bulk_create(
            [DispatchUnit(name=f"基准派出单位{n}", level="province", kind="organ") for n in range(300)]
        )
        unit_min = min(u.pk for u in units)
        categories = [DemandCategory.objects.create(name=f"需求类别{n:02d}", sort_order=n) for n in range(12)]
        resource_categories = [
            ResourceCategory.objects.create(name=f"资源类别{n:02d}", sort_order=n) for n in range(12)
        ]
        for n in range(10):  # the last two demand categories have no resource mapped: where to recruit
            categories[n].resource_categories.add(resource_categories[n])
        rounds = []
        for n in range(SIZE["rounds"]):
            start = (today.replace(day=1) - timedelta(days=61 * (SIZE["rounds"] - 1 - n))).replace(day=1)
            rounds.append(
                CollectionRound.objects.create(
                    district=district,
                    title=f"{start:%Y年%m月}需求清单征集",
                    period_start=start,
                    period_end=start + timedelta(days=59),
                    deadline=start + timedelta(days=14),
                    status="open" if n == SIZE["rounds"] - 1 else "closed",
                )
            )
        User = get_user_model()
        org = User.objects.create_user("bench_org", password="x")
        StaffProfile.objects.create(user=org, role="org", district=district)

        c = connection.cursor()
        T, V = SIZE["townships"], SIZE["villages_per_township"]
        insert_select(
            c, Township, ["district_id", "name", "kind", "code"],
            "SELECT %s, '乡镇' || g, '镇', '' {extras} FROM generate_series(1, %s) g", [district.pk, T],
        )  # fmt: skip
        insert_select(
            c, Village, ["township_id", "name", "kind", "notes", "population"],
            "SELECT t.id, t.name || '第' || g || '村', '村', '', 800 {extras} "
            "FROM secretaries_township t, generate_series(1, %s) g WHERE t.district_id = %s",
            [V, district.pk],
        )  # fmt: skip
        township = Township.objects.filter(district=district).order_by("pk").first()
        staff = User.objects.create_user("bench_township", password="x")
        StaffProfile.objects.create(user=staff, role="township", township=township)
        step("townships, villages")

        secretary_cols = [
            "name", "gender", "birth_date", "phone", "id_number", "email", "dispatch_unit_id", "position",
            "batch_id", "village_id", "term_start", "term_end", "status", "notes",
        ]  # fmt: skip
        insert_select(
            c, Secretary, secretary_cols,
            "SELECT '书记' || v.id, 'M', date '1975-01-01' + (v.id %% 7000)::int, '138' || lpad(v.id::text, 8, '0'), '', '', "
            "%s + (v.id %% 300)::int, '', %s, v.id, date '2024-06-01', %s, 'on_post', '' {extras} "
            "FROM secretaries_village v JOIN secretaries_township t ON t.id = v.township_id WHERE t.district_id = %s",
            [unit_min, batch.pk, today + timedelta(days=700), district.pk],
        )  # fmt: skip
        insert_select(
            c, Secretary, secretary_cols,
            "SELECT '前任书记' || g, 'F', date '1970-01-01' + g, '139' || lpad(g::text, 8, '0'), '', '', "
            "%s + g %% 300, '', %s, (SELECT min(id) FROM secretaries_village) + (g * 7 %% 15000), date '2022-06-01', "
            "date '2024-05-31', 'expired', '' {extras} FROM generate_series(1, %s) g",
            [unit_min, batch.pk, SIZE["expired_secretaries"]],
        )  # fmt: skip
        step("secretaries")

        kind = GroupKind.objects.default_for(district.pk)
        insert_select(
            c, PioneerTeam, ["district_id", "kind_id", "name", "focus", "description", "min_size", "max_size"],
            "SELECT %s, %s, '先锋队' || g, '', '', 20, 40 {extras} FROM generate_series(1, %s) g",
            [district.pk, kind.pk, SIZE["teams"]],
        )  # fmt: skip
        c.execute("SELECT min(id), count(*) FROM teams_pioneerteam")
        team_min, team_count = c.fetchone()
        insert_select(
            c, TeamMembership, ["team_id", "secretary_id", "role", "joined"],
            "SELECT %s + (s.id %% %s), s.id, 'member', %s {extras} FROM secretaries_secretary s WHERE s.status = 'on_post'",
            [team_min, team_count, today - timedelta(days=300)],
        )  # fmt: skip
        c.execute("SELECT min(id), count(*) FROM secretaries_village")
        village_min, village_count = c.fetchone()
        insert_select(
            c, TeamActivity,
            ["team_id", "kind", "title", "date", "village_id", "place", "people_reached", "funds_secured",
             "projects_built", "produce_kg", "produce_yuan", "description"],
            "SELECT %s + (g * 31 %% %s), (ARRAY['红色党课','法律咨询','义诊服务','环境整治','农产品促销'])[1 + g %% 5], "
            "'活动' || g, %s - (g %% 365), %s + (g * 7919 %% %s), '', g %% 60, (g %% 10) * 1000, "
            "CASE WHEN g %% 200 = 0 THEN 1 ELSE 0 END, (g %% 7) * 10, (g %% 7) * 50, '' {extras} "
            "FROM generate_series(1, %s) g",
            [team_min, team_count, today, village_min, village_count, SIZE["activities"]],
        )  # fmt: skip
        step("teams, memberships, activities")

        round_ids = [r.pk for r in rounds]
        round_starts = [r.period_start for r in rounds]
        insert_select(
            c, Submission, ["round_id", "village_id", "status", "is_nil", "submitted_at", "on_behalf", "return_reason"],
            "SELECT r.id, v.id, CASE WHEN (v.id + r.id) %% 9 = 0 THEN 'accepted' ELSE 'submitted' END, "
            "(v.id %% 11 = 0), (r.deadline + ((v.id %% 20) - 14) * interval '1 day')::timestamptz, false, '' {extras} "
            "FROM secretaries_village v CROSS JOIN demands_collectionround r "
            "WHERE r.district_id = %s AND (v.id + r.id) %% 20 <> 0",
            [district.pk],
        )  # fmt: skip
        step("submissions")

        c.execute("SELECT min(id) FROM demands_demandcategory")
        category_min = c.fetchone()[0]
        statuses = (
            "(ARRAY['submitted','submitted','accepted','dispatched','dispatched','in_progress','in_progress',"
            "'resolved','resolved','resolved','resolved','resolved','resolved','rated','rated','rated','rated',"
            "'returned','merged','draft'])[1 + (abs(hashint4(g + 3)) %% 20)]"
        )
        insert_select(
            c, DemandItem,
            ["round_id", "village_id", "category_id", "title", "detail", "urgency", "contact_name", "contact_phone",
             "channel", "status", "assignee_kind", "return_reason", "resolution", "rating_comment",
             "submitted_at", "resolved_at", "due_date", "rating", "funds_secured"],
            f"SELECT (%s::int[])[1 + g %% 6], %s + (abs(hashint4(g)) %% %s), %s + (abs(hashint4(g + 1)) %% 12), '需求' || g, '', 'low', '', '', "
            f"'list', s.status, '', '', '', '', "
            f"((%s::date[])[1 + g %% 6] + (g %% 14))::timestamptz, "
            f"CASE WHEN s.status IN ('resolved','rated') THEN ((%s::date[])[1 + g %% 6] + (g %% 14) + (g %% 37))::timestamptz END, "
            f"CASE WHEN s.status NOT IN ('submitted','returned','draft') THEN (%s::date[])[1 + g %% 6] + 45 END, "
            f"CASE WHEN s.status = 'rated' THEN 1 + g %% 5 END, "
            f"CASE WHEN s.status IN ('resolved','rated') THEN (g %% 5) * 1000 END {{extras}} "
            f"FROM generate_series(1, %s) g CROSS JOIN LATERAL (SELECT {statuses} AS status) s",
            [round_ids, village_min, village_count, category_min, round_starts, round_starts, round_starts, SIZE["items"]],
        )  # fmt: skip
        step("1,000,000 demand items")

        c.execute("SELECT min(id) FROM secretaries_secretary WHERE status = 'on_post'")
        secretary_min = c.fetchone()[0]
        c.execute("SELECT min(id) FROM demands_resourcecategory")
        resource_category_min = c.fetchone()[0]
        insert_select(
            c, ResourceItem,
            ["source", "secretary_id", "category_id", "title", "description", "capacity", "active"],
            "SELECT 'personal', %s + (g * 13 %% 15000), %s + (g %% 10), '资源' || g, '', '', (g %% 10 <> 0) {extras} "
            "FROM generate_series(1, %s) g",
            [secretary_min, resource_category_min, SIZE["resources"]],
        )  # fmt: skip
        insert_select(
            c, ProjectItem, ["title", "status", "funds_secured", "progress", "outcomes", "end_date"],
            "SELECT '项目' || g, (ARRAY['planned','ongoing','done'])[1 + g %% 3], (g %% 9) * 10000, 0, '', "
            "CASE WHEN g %% 3 = 2 THEN %s - (g %% 300) END {extras} FROM generate_series(1, %s) g",
            [today, SIZE["projects"]],
        )  # fmt: skip
        c.execute(
            "INSERT INTO demands_projectitem_villages (projectitem_id, village_id) "
            "SELECT p.id, %s + (p.id * 17 %% %s) FROM demands_projectitem p",
            [village_min, village_count],
        )
        step("resources, projects")

        insert_select(
            c, ServiceStation,
            ["name", "township_id", "address", "contact_name", "contact_phone", "duty_weekdays", "secretaries_per_duty_day", "active"],
            "SELECT t.name || '服务站', t.id, '', '', '', '[2]'::jsonb, 1 + t.id %% 2, true {extras} "
            "FROM secretaries_township t WHERE t.district_id = %s",
            [district.pk],
        )  # fmt: skip
        c.execute(
            "INSERT INTO stations_servicestation_covered_townships (servicestation_id, township_id) "
            "SELECT id, township_id FROM stations_servicestation"
        )
        monday = today - timedelta(days=today.weekday())
        insert_select(
            c, DutyShift, ["station_id", "date", "secretary_id", "status", "work_note"],
            "SELECT st.id, %s + w * 7 + 2, sec.id, "
            "CASE WHEN w >= 0 THEN 'scheduled' WHEN (st.id + w) %% 12 = 0 THEN 'absent' ELSE 'done' END, '' {extras} "
            "FROM stations_servicestation st CROSS JOIN generate_series(-8, 3) w CROSS JOIN generate_series(0, 1) k "
            "JOIN LATERAL (SELECT s.id FROM secretaries_secretary s JOIN secretaries_village v ON v.id = s.village_id "
            "  WHERE v.township_id = st.township_id AND s.status = 'on_post' ORDER BY s.id "
            "  OFFSET ((w + 8) * 2 + k) %% 15 LIMIT 1) sec ON true "
            "WHERE k < st.secretaries_per_duty_day AND (w < 2 OR st.id %% 7 <> 0)",
            [monday],
        )  # fmt: skip
        step("stations, shifts")
    c = connection.cursor()
    c.execute("ANALYZE")
    step("ANALYZE")
    counts = {
        "secretaries": Secretary.objects.count(),
        "villages": Village.objects.count(),
        "townships": Township.objects.count(),
        "demand items": DemandItem.objects.count(),
        "submissions": Submission.objects.count(),
        "activities": TeamActivity.objects.count(),
        "resources": ResourceItem.objects.count(),
        "shifts": DutyShift.objects.count(),
    }
    print("  " + ", ".join(f"{name} {value:,}" for name, value in counts.items()))


def measure(title, client, url, requests, cold, after_write=False, before=None, label=None):
    """title: the page; cold: no result at all (cache cleared); after_write: a write bumped the version since the
    last result (served at once, a refresh queued); otherwise warm (result of the current version).
    before: run (untimed) after clearing the cache; label: what the case is."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dashboard import caching

    timings, queries = [], None
    for _ in range(requests):
        if cold:
            cache.clear()
        if before is not None:
            before()
        if after_write:
            caching.bump_version()
        with CaptureQueriesContext(connection) as context:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        timings.append(elapsed)
        queries = len(context.captured_queries)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * (len(timings) - 1))))]
    if label is None:
        label = (
            "cold: no result, cache cleared"
            if cold
            else "after a write: last result served, refresh queued"
            if after_write
            else "warm: result of the current version"
        )
    print(
        f"  {title:<28} median {statistics.median(timings):8.1f} ms   p95 {p95:8.1f} ms   {queries:3d} queries ({label})",
        flush=True,
    )


def refresh_time(label, user, requests):
    """How long the Celery refresh takes: the delay before a change shows (it recounts the
    district's summary, then the entry)."""
    from django.utils import timezone

    from dashboard import caching, tasks

    timings = []
    for _ in range(max(3, requests // 4)):
        caching.bump_version()
        started = time.perf_counter()
        tasks.refresh_dashboard(user.pk, "month", f"{timezone.localdate():%Y-%m}")
        timings.append((time.perf_counter() - started) * 1000)
    print(f"  {label:<40} median {statistics.median(timings):8.1f} ms   max {max(timings):8.1f} ms", flush=True)


def summaries_current():
    """No cached result, the stored counts current: a new filter combination, or a restarted
    cache once the beat job has confirmed the counts."""
    from django.core.cache import cache

    from dashboard import caching
    from dashboard.models import DistrictSummary

    cache.clear()
    DistrictSummary.objects.update(version=caching.current_version())


def run(requests):
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client

    from dashboard.models import DistrictSummary
    from demands.models import CollectionRound

    User = get_user_model()
    org, staff = Client(), Client()
    org.force_login(User.objects.get(username="bench_org"))
    staff.force_login(User.objects.get(username="bench_township"))
    current = CollectionRound.objects.filter(status="open").order_by("-period_start").first()
    DistrictSummary.objects.all().delete()
    cache.clear()
    started = time.perf_counter()
    org.get("/")  # the district's first view ever: counts its summary in the request
    print(f"\nfirst view ever (no stored counts: counted in the request): {time.perf_counter() - started:.2f} s")
    print(f"{requests} requests each:")
    measure("org dashboard /", org, "/", requests, cold=True, before=summaries_current,
            label="no result, counts current; without gc.freeze()")  # fmt: skip
    # As the production server does in each worker (config/gunicorn.conf.py: post_worker_init).
    gc.freeze()
    measure("org dashboard /", org, "/", requests, cold=True, before=summaries_current,
            label="no result, counts current")  # fmt: skip
    measure(
        "org dashboard /", org, "/", requests, cold=True, label="cache restarted: stored counts served, recount queued"
    )
    measure("org dashboard /", org, "/", requests, cold=False, after_write=True)
    measure("org dashboard /", org, "/", requests, cold=False)
    measure("org dashboard, one quarter", org, "/?period=quarter", requests, cold=True, before=summaries_current,
            label="no result, counts current")  # fmt: skip
    measure("org dashboard, one quarter", org, "/?period=quarter", requests, cold=True,
            before=lambda: (summaries_current(), org.get("/")), label="after the month view")  # fmt: skip
    measure("township dashboard /", staff, "/", requests, cold=True, before=summaries_current,
            label="no result, counts current")  # fmt: skip
    measure("township dashboard /", staff, "/", requests, cold=False, after_write=True)
    refresh_time("refresh task (org, the delay after a write)", User.objects.get(username="bench_org"), requests)
    measure("round report (HTML)", org, f"/dashboard/reports/round/{current.pk}/", requests, cold=True)
    measure("round report (.xlsx)", org, f"/dashboard/reports/round/{current.pk}/report.xlsx", requests, cold=True)
    measure("monthly work report (HTML)", org, "/dashboard/reports/monthly/", requests, cold=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", action="store_true", help="reuse the database of an earlier run")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    if not args.keep or not DB.exists():
        print(f"Building {DB.name} ...", flush=True)
        DB.recreate()
        import django

        django.setup()
        build()
    else:
        import django

        django.setup()
    run(args.requests)
    if args.drop:
        DB.drop()


if __name__ == "__main__":
    main()
