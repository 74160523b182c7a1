"""Benchmark: the city department's pages (市委组织部) over several districts (PostgreSQL).

A city of DISTRICTS districts (default 6), each with 20 townships of 15 villages (300 secretaries
on post), 2 rounds and 20,000 demand items, 10 teams with 3,000 activities, 500 resources and a
station per township with 12 weeks of shifts: 120,000 demand items in the city. Built with the ORM
(bulk_create) in a dedicated database (`bench_city`, dropped and created here; nothing else is
touched), then measured through Django's test client as the city's login: median and p95 over 20
requests of /city/ (the districts side by side) and /city/districts/<pk>/ (one district's
dashboard, read only): with no cached result and the districts' stored counts current, after a
write (the version bumped before each request: the last result is served and a refresh queued)
and warm; and, for comparison, the comparison counted in the request as it was before it was
cached (dashboard.city.comparison called directly).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/city_bench.py
    ... --keep        reuse the database built by an earlier run (skip the build)
    ... --districts 6 --requests 20 --drop
"""

import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.benchdb import BenchDatabase  # noqa: E402  (after the path above)

DB = BenchDatabase("bench_city", "city_bench")

SIZE = {"townships": 20, "villages_per_township": 15, "items": 20_000, "teams": 10, "activities": 3_000}
STATUSES = ["submitted", "accepted", "dispatched", "in_progress", "resolved", "resolved", "rated", "returned"]


def build_district(city, number, batch, unit, categories, resource_category, today):
    from django.utils import timezone

    from demands.models import CollectionRound, DemandItem, ResourceItem
    from secretaries.models import District, Secretary, Township, Village
    from stations.models import DutyShift, ServiceStation
    from teams.models import GroupKind, PioneerTeam, TeamActivity, TeamMembership

    district = District.objects.create(name=f"基准区{number}", city=city)
    townships = Township.objects.bulk_create(
        [Township(district=district, name=f"{district.name}乡镇{t}", kind="镇") for t in range(SIZE["townships"])]
    )
    villages = Village.objects.bulk_create(
        [
            Village(township=township, name=f"{township.name}第{v}村", population=800)
            for township in townships
            for v in range(SIZE["villages_per_township"])
        ]
    )
    secretaries = Secretary.objects.bulk_create(
        [
            Secretary(
                name=f"书记{number}-{i}",
                gender="M",
                birth_date=date(1975, 1, 1) + timedelta(days=i * 37 % 7000),
                phone=f"138{number:02d}{i:06d}",
                dispatch_unit=unit,
                batch=batch,
                village=village,
                term_start=date(2024, 6, 1),
                term_end=today + timedelta(days=700),
            )
            for i, village in enumerate(villages)
        ]
    )
    rounds = [
        CollectionRound.objects.create(
            district=district,
            title=f"{district.name}{start:%Y年%m月}征集",
            period_start=start,
            period_end=start + timedelta(days=59),
            deadline=start + timedelta(days=14),
            status=status,
        )
        for start, status in (
            ((today.replace(day=1) - timedelta(days=61)).replace(day=1), "closed"),
            (today.replace(day=1), "open"),
        )
    ]
    now = timezone.now()
    DemandItem.objects.bulk_create(
        [
            DemandItem(
                round=rounds[n % 2],
                village=villages[n * 7919 % len(villages)],
                category=categories[n % len(categories)],
                title=f"需求{n}",
                status=STATUSES[n % len(STATUSES)],
                submitted_at=now - timedelta(days=n % 50),
                resolved_at=now - timedelta(days=n % 20)
                if STATUSES[n % len(STATUSES)] in ("resolved", "rated")
                else None,
                due_date=today - timedelta(days=n % 40 - 20),
            )
            for n in range(SIZE["items"])
        ],
        batch_size=5000,
    )
    kind = GroupKind.objects.default_for(district.pk)
    teams = PioneerTeam.objects.bulk_create(
        [PioneerTeam(district=district, kind=kind, name=f"{district.name}先锋队{t}") for t in range(SIZE["teams"])]
    )
    TeamMembership.objects.bulk_create(
        [
            TeamMembership(team=teams[i % len(teams)], secretary=s, joined=today - timedelta(days=300))
            for i, s in enumerate(secretaries)
        ]
    )
    TeamActivity.objects.bulk_create(
        [
            TeamActivity(
                team=teams[n % len(teams)],
                kind="红色党课",
                title=f"活动{n}",
                date=today - timedelta(days=n % 365),
                village=villages[n % len(villages)],
                people_reached=n % 60,
                funds_secured=(n % 10) * 1000,
            )
            for n in range(SIZE["activities"])
        ],
        batch_size=5000,
    )
    ResourceItem.objects.bulk_create(
        [
            ResourceItem(source="personal", secretary=s, category=resource_category, title=f"资源{i}")
            for i, s in enumerate(secretaries[:500])
        ]
    )
    stations = ServiceStation.objects.bulk_create(
        [ServiceStation(name=f"{t.name}服务站", township=t, duty_weekdays=[2]) for t in townships]
    )
    monday = today - timedelta(days=today.weekday())
    DutyShift.objects.bulk_create(
        [
            DutyShift(
                station=station,
                date=monday + timedelta(days=7 * week + 2),
                secretary=secretaries[(i * 15 + week + 8) % len(secretaries)],
                status="scheduled" if week >= 0 else ("absent" if (i + week) % 12 == 0 else "done"),
            )
            for i, station in enumerate(stations)
            for week in range(-8, 4)
        ]
    )
    return district


def build(districts):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from demands.models import DemandCategory, ResourceCategory
    from secretaries.models import Batch, City, DispatchUnit, StaffProfile

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"  migrate {time.perf_counter() - started:7.1f} s", flush=True)
    today = date.today()
    with transaction.atomic():
        city = City.objects.create(name="基准市")
        batch = Batch.objects.create(name="第七批", number=7, term_start=date(2024, 6, 1), term_end=date(2027, 12, 31))
        unit = DispatchUnit.objects.create(name="基准派出单位", level="city", kind="organ")
        categories = [DemandCategory.objects.create(name=f"需求类别{n:02d}", sort_order=n) for n in range(10)]
        resource_category = ResourceCategory.objects.create(name="资源类别", sort_order=0)
        for number in range(1, districts + 1):
            build_district(city, number, batch, unit, categories, resource_category, today)
            print(f"  district {number} {time.perf_counter() - started:7.1f} s", flush=True)
        user = get_user_model().objects.create_user("bench_city", password="x")
        StaffProfile.objects.create(user=user, role="city", city=city)
    connection.cursor().execute("ANALYZE")


def measure(title, client, url, requests, *, cold=False, after_write=False, label=""):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dashboard import caching
    from dashboard.models import DistrictSummary

    timings, queries = [], 0
    for _ in range(requests):
        if cold:  # no cached result; the districts' stored counts current (the beat job confirmed them)
            cache.clear()
            DistrictSummary.objects.update(version=caching.current_version())
        if after_write:
            caching.bump_version()
        with CaptureQueriesContext(connection) as context:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(context.captured_queries)
    report(title, timings, f"{queries:3d} queries ({label})")


def report(title, timings, note):
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * (len(timings) - 1))))]
    print(f"  {title:<30} median {statistics.median(timings):8.1f} ms   p95 {p95:8.1f} ms   {note}", flush=True)


def run(requests):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from dashboard import city, summary
    from dashboard.periods import Period
    from secretaries.models import District

    user = get_user_model().objects.get(username="bench_city")
    client = Client()
    client.force_login(user)
    districts = list(District.objects.filter(city__name="基准市").order_by("pk"))
    started = time.perf_counter()
    summary.refresh_all()
    print(f"\n{len(districts)} districts; their stored counts built in {time.perf_counter() - started:.1f} s")
    print(f"{requests} requests each:")
    period = Period.of("year", date.today())
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        city.comparison(user, period)
        timings.append((time.perf_counter() - started) * 1000)
    report("/city/ counted in the request", timings, "(before: dashboard.city.comparison, no cache)")
    measure("/city/", client, "/city/", requests, cold=True, label="no result, counts current")
    measure("/city/", client, "/city/", requests, after_write=True, label="after a write: last result, refresh queued")
    measure("/city/", client, "/city/", requests, label="warm")
    url = f"/city/districts/{districts[0].pk}/"
    measure("/city/districts/<pk>/", client, url, requests, cold=True, label="no result, counts current")
    measure("/city/districts/<pk>/", client, url, requests, after_write=True, label="after a write")
    measure("/city/districts/<pk>/", client, url, requests, label="warm")
    measure("/city/districts/<pk>/demands/", client, url + "demands/?overdue=1", requests, label="a drill-down list")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", action="store_true", help="reuse the database of an earlier run")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument("--districts", type=int, default=6)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    import django

    if not args.keep or not DB.exists():
        print(f"Building {DB.name} ...", flush=True)
        DB.recreate()
        django.setup()
        build(args.districts)
    else:
        django.setup()
    run(args.requests)
    if args.drop:
        DB.drop()


if __name__ == "__main__":
    main()
