"""Benchmark: the duty-roster generator (stations.services.roster_generate).

1. Fangshan: a 52-week roster for the 8 demo stations and 137 secretaries (goal < 1 s).
2. Large: 4 weeks for 1,000 stations and 20,000 secretaries (goal < 10 s on PostgreSQL).

Prints the time and query count of the first run (everything to fill), of a second run over the
same weeks (nothing to fill: idempotence), and of the notices for the new shifts.

    .venv/bin/python bench/roster_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/roster_bench.py
    .venv/bin/python bench/roster_bench.py --only fangshan

The data goes into a throw-away test database (DATABASE_TEST_NAME, default bench_roster), dropped at the end.
"""

import argparse
import io
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_TEST_NAME", "bench_roster")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
os.environ.setdefault("FAST_PASSWORD_HASHER", "1")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

START = date(2027, 1, 4)  # a Monday


def timed(label, function, goal=None):
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - started
    note = f"（目标 < {goal} 秒）" if goal else ""
    print(f"  {label}：{elapsed:.2f} 秒，查询 {len(captured.captured_queries)} 次{note}")
    return result


def check(start, end):
    """The hard rules, checked on what was written."""
    from collections import Counter

    from stations.models import LIVE_STATUSES, DutyShift
    from stations.selectors import monday_of

    rows = list(
        DutyShift.objects.filter(date__range=(start, end), status__in=LIVE_STATUSES).values_list("secretary_id", "date")
    )
    per_day = Counter(rows)
    per_week = Counter((sid, monday_of(day)) for sid, day in rows)
    ok = max(per_day.values(), default=0) <= 1 and max(per_week.values(), default=0) <= 1
    print(f"  硬性规则检查：{'通过' if ok else '失败'}（{len(rows)} 个班次）")


def fangshan():
    from secretaries import demo as secretaries_demo
    from stations import demo as stations_demo
    from stations.models import RosterGap
    from stations.services import roster_generate, roster_notify

    secretaries_demo.seed(io.StringIO())
    stations_demo.stations_and_managers()
    end = START + timedelta(weeks=52, days=-1)
    print("场景一：房山 8 个服务站、137 名书记、52 周")
    with transaction.atomic():
        result = timed("首次生成", lambda: roster_generate(None, START, end, notify_people=False), goal=1)
        print(f"  新班次 {len(result.created)} 个，缺口 {RosterGap.objects.open().count()} 个")
        again = timed("再次运行（无变化）", lambda: roster_generate(None, START, end, notify_people=False))
        assert again.created == []
        timed("通知新班次（站内通知+邮件任务）", lambda: roster_notify(result))
    check(START, end)


def large(stations_count=1000, secretaries_count=20000):
    from secretaries.models import Batch, DispatchUnit, District, Secretary, Township, Village
    from stations.models import ServiceStation
    from stations.services import roster_generate

    print(f"场景二：{stations_count} 个服务站、{secretaries_count} 名书记、4 周（数据库：{connection.vendor}）")
    started = time.perf_counter()
    district = District.objects.create(name="压测区")
    batch = Batch.objects.create(name="压测批", number=99, term_start=date(2026, 1, 1), term_end=date(2028, 12, 31))
    unit = DispatchUnit.objects.create(name="压测单位", level="district", kind="organ")
    towns = Township.objects.bulk_create(
        [Township(district=district, name=f"压测{i}镇") for i in range(stations_count)], batch_size=1000
    )
    per_town = secretaries_count // stations_count
    villages = Village.objects.bulk_create(
        [Village(township=t, name=f"{t.name}{j}村") for t in towns for j in range(per_town)], batch_size=2000
    )
    Secretary.objects.bulk_create(
        [
            Secretary(
                name=f"书记{i}",
                gender="M",
                birth_date=date(1985, 1, 1),
                phone=f"138{i:08d}",
                dispatch_unit=unit,
                batch=batch,
                village=v,
                term_start=batch.term_start,
                term_end=batch.term_end,
            )
            for i, v in enumerate(villages)
        ],
        batch_size=2000,
    )
    stations = ServiceStation.objects.bulk_create(
        [
            ServiceStation(
                name=f"压测{i}站",
                township=t,
                duty_weekdays=[i % 5],
                secretaries_per_duty_day=2 if i % 3 == 0 else 1,
            )
            for i, t in enumerate(towns)
        ],
        batch_size=1000,
    )
    # Each station covers its own township and its neighbour's, so most people sit in two pools.
    through = ServiceStation.covered_townships.through
    through.objects.bulk_create(
        [through(servicestation_id=s.pk, township_id=towns[i].pk) for i, s in enumerate(stations)]
        + [through(servicestation_id=s.pk, township_id=towns[(i + 1) % len(towns)].pk) for i, s in enumerate(stations)],
        batch_size=2000,
    )
    print(f"  造数：{time.perf_counter() - started:.1f} 秒")
    end = START + timedelta(weeks=4, days=-1)
    with transaction.atomic():
        result = timed("首次生成", lambda: roster_generate(None, START, end, notify_people=False), goal=10)
        print(f"  新班次 {len(result.created)} 个，缺口 {len(result.gaps)} 个")
        timed("再次运行（无变化）", lambda: roster_generate(None, START, end, notify_people=False))
    check(START, end)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=["fangshan", "large"])
    args = parser.parse_args()
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        print(f"数据库：{connection.vendor}")
        if args.only in (None, "fangshan"):
            fangshan()
        if args.only in (None, "large"):
            large()
    finally:
        creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
