"""Benchmark: the teams app on the Fangshan demo data (137 secretaries, 5 teams, 1016 activities).

Prints how long seeding the teams demo takes (goal < 20 s on SQLite), and the median time and
query count of: the balanced split of 137 secretaries, the activity totals (per team, month,
kind, district), the .xlsx activity export, one month's live ranking and a live year-end
evaluation (12 months). With --copies N the activities are copied N more times, to show that the
query counts stay the same as the data grows.

    .venv/bin/python bench/teams_bench.py
    .venv/bin/python bench/teams_bench.py --copies 9         # about 10,000 activities
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/teams_bench.py

The data goes into a throw-away test database (DATABASE_TEST_NAME, default bench_teams), dropped at the end.
"""

import argparse
import io
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_TEST_NAME", "bench_teams")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
os.environ.setdefault("FAST_PASSWORD_HASHER", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def measure(label, function, runs):
    timings, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            function()
            timings.append((time.perf_counter() - started) * 1000)
        queries = len(captured.captured_queries)
    print(f"  {label}：中位数 {statistics.median(timings):.1f} ms，查询 {queries} 次")


def copy_activities(copies):
    from teams.models import TeamActivity

    fields = [f.attname for f in TeamActivity._meta.concrete_fields if not f.primary_key]
    originals = list(TeamActivity.objects.values(*fields))
    for _ in range(copies):
        TeamActivity.objects.bulk_create([TeamActivity(**row) for row in originals], batch_size=1000)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--copies", type=int, default=0)
    args = parser.parse_args()
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from secretaries import demo as secretaries_demo
        from secretaries.models import Secretary
        from stations import demo as stations_demo
        from teams import demo as teams_demo
        from teams import scoring, selectors, services
        from teams.exports import activities_workbook
        from teams.models import PioneerTeam, RankingSnapshot, TeamActivity

        out = io.StringIO()
        secretaries_demo.seed(out)
        stations_demo.seed(out)
        started = time.perf_counter()
        teams_demo.seed(out)
        print(f"数据库：{connection.vendor}")
        print(f"先锋队演示数据造数：{time.perf_counter() - started:.1f} 秒（目标 < 20 秒）")
        if args.copies:
            copy_activities(args.copies)
        RankingSnapshot.objects.all().delete()  # measure live computation
        district_id = PioneerTeam.objects.first().district_id
        print(f"活动 {TeamActivity.objects.count()} 场，在岗书记 {Secretary.objects.on_post().count()} 名")

        def split():
            people = Secretary.objects.on_post().select_related("dispatch_unit").prefetch_related("expertise")
            services.team_split_propose(people, 5)

        def totals():
            qs = TeamActivity.objects.all()
            (
                selectors.activity_totals(qs),
                selectors.totals_by_team(qs),
                selectors.totals_by_month(qs),
                selectors.totals_by_kind(qs),
            )

        def export():
            from django.db.models import Count

            qs = TeamActivity.objects.all()
            rows = (
                qs.select_related("team", "village__township", "created_by")
                .prefetch_related("participants")
                .annotate(photo_count=Count("photos"))
                .order_by("-date", "-pk")
            )
            activities_workbook(
                rows,
                totals=selectors.activity_totals(qs),
                by_team=selectors.totals_by_team(qs),
                by_month=selectors.totals_by_month(qs),
                by_kind=selectors.totals_by_kind(qs),
            ).save(io.BytesIO())

        months = teams_demo.MONTHS
        measure("均衡分队（137人分5队）", split, args.runs)
        measure("活动合计（全区/按队/按月/按类型）", totals, args.runs)
        measure("活动导出 .xlsx", export, max(1, args.runs // 3))
        measure("单月实时排名", lambda: scoring.rankings(district_id, [date(2026, 6, 1)]), args.runs)
        measure("年终考评（12个月实时）", lambda: scoring.evaluation(district_id, months), max(1, args.runs // 2))
    finally:
        creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
