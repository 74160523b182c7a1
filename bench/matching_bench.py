"""Benchmark: candidates for one demand item (demands.services.matching.candidates_for).

Two scales: Fangshan's 137 secretaries with 500 resources, and 20,000 secretaries with 100,000
resources. Prints the median time and the query count of each; the query count must be the same
at both scales. Goals: < 50 ms and < 500 ms (the large one on PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/matching_bench.py
    .venv/bin/python bench/matching_bench.py --scale small      # SQLite, in memory

BENCH_DETAIL=1 also prints each query's time from the last run.

The data goes into a throw-away test database (DATABASE_TEST_NAME, default bench_matching),
built with bulk_create, and is dropped at the end.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_TEST_NAME", "bench_matching")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SCALES = {
    "small": {"secretaries": 137, "resources": 500, "townships": 24, "units": 60, "items": 400},
    "large": {"secretaries": 20_000, "resources": 100_000, "townships": 600, "units": 2_000, "items": 40_000},
}


def build(scale, seed=7):
    """Populate one district at the given scale; return the demand item to match."""
    from demands.models import DemandCategory, DemandItem, ResourceCategory, ResourceItem
    from secretaries.models import AreaBranch, Batch, DispatchUnit, District, Expertise, Secretary, Township, Village
    from stations.models import ServiceStation
    from teams.models import GroupKind, PioneerTeam, TeamMembership

    rng = random.Random(seed)
    size = SCALES[scale]
    district = District.objects.create(name=f"基准区-{scale}")
    batch, _ = Batch.objects.get_or_create(
        name="第七批", defaults={"number": 7, "term_start": date(2024, 6, 1), "term_end": date(2026, 12, 31)}
    )
    townships = Township.objects.bulk_create(
        [Township(district=district, name=f"{scale}乡镇{n}") for n in range(size["townships"])]
    )
    branches = AreaBranch.objects.bulk_create(
        [AreaBranch(district=district, name=f"{scale}片区{n}") for n in range(max(6, size["townships"] // 6))]
    )
    Through = AreaBranch.townships.through
    Through.objects.bulk_create(
        [Through(areabranch_id=branches[n % len(branches)].pk, township_id=t.pk) for n, t in enumerate(townships)]
    )
    villages = Village.objects.bulk_create(
        [Village(township=townships[n % len(townships)], name=f"{scale}村{n}") for n in range(size["secretaries"])]
    )
    units = DispatchUnit.objects.bulk_create(
        [DispatchUnit(name=f"{scale}派出单位{n}", level="city", kind="organ") for n in range(size["units"])]
    )
    expertise = [Expertise.objects.get_or_create(name=f"特长{n}")[0] for n in range(22)]
    resource_categories = [ResourceCategory.objects.get_or_create(name=f"资源类别{n}")[0] for n in range(12)]
    categories = []
    for n in range(12):
        category, _ = DemandCategory.objects.get_or_create(name=f"需求类别{n}", district=None)
        category.expertise.set([expertise[n], expertise[n + 10]])
        category.resource_categories.set([resource_categories[n]])
        categories.append(category)
    secretaries = Secretary.objects.bulk_create(
        [
            Secretary(
                name=f"书记{n}",
                gender="M",
                birth_date=date(1980 + n % 15, 1 + n % 12, 1 + n % 28),
                phone=f"139{n:08d}",
                dispatch_unit=units[n % len(units)],
                batch=batch,
                village=village,
                area_branch=branches[(n % len(townships)) % len(branches)],
                term_start=date(2024, 6, 1),
                term_end=date(2026, 12, 31),
            )
            for n, village in enumerate(villages)
        ],
        batch_size=2000,
    )
    SecretaryExpertise = Secretary.expertise.through
    SecretaryExpertise.objects.bulk_create(
        [
            SecretaryExpertise(secretary_id=s.pk, expertise_id=e.pk)
            for s in secretaries
            for e in rng.sample(expertise, 2)
        ],
        batch_size=5000,
    )
    resources = []
    for n in range(size["resources"]):
        owner = secretaries[rng.randrange(len(secretaries))]
        personal = n % 3 != 0
        resources.append(
            ResourceItem(
                source="personal" if personal else "unit",
                secretary=owner,
                dispatch_unit=None if personal else owner.dispatch_unit,
                category=rng.choice(resource_categories),
                title=f"资源{n}",
            )
        )
    ResourceItem.objects.bulk_create(resources, batch_size=5000)
    kind = GroupKind.objects.default_for(district.pk)
    teams = PioneerTeam.objects.bulk_create(
        [
            PioneerTeam(district=district, kind=kind, name=f"{scale}先锋队{n}")
            for n in range(max(5, size["secretaries"] // 30))
        ]
    )
    TeamMembership.objects.bulk_create(
        [
            TeamMembership(team=teams[n % len(teams)], secretary=s, joined=date(2024, 7, 1))
            for n, s in enumerate(secretaries)
        ],
        batch_size=5000,
    )
    stations = ServiceStation.objects.bulk_create(
        [
            ServiceStation(name=f"{scale}服务站{n}", township=townships[n * 3 % len(townships)])
            for n in range(max(8, size["townships"] // 4))
        ]
    )
    Covered = ServiceStation.covered_townships.through
    Covered.objects.bulk_create(
        [Covered(servicestation_id=stations[n % len(stations)].pk, township_id=t.pk) for n, t in enumerate(townships)]
    )
    statuses = ["dispatched", "in_progress", "resolved", "rated"]
    items = []
    for n in range(size["items"]):
        status = statuses[n % 4]
        assignee = secretaries[rng.randrange(len(secretaries))]
        items.append(
            DemandItem(
                village=villages[rng.randrange(len(villages))],
                category=rng.choice(categories),
                title=f"需求{n}",
                status=status,
                assignee_kind="secretary",
                assignee_secretary=assignee,
                rating=rng.randint(1, 5) if status == "rated" else None,
                due_date=date.today() + timedelta(days=rng.randint(-10, 20)),
            )
        )
    DemandItem.objects.bulk_create(items, batch_size=5000)
    return DemandItem.objects.create(
        village=villages[len(villages) // 2], category=categories[0], title="基准需求", status="accepted"
    )


def measure(item, runs=15):
    from demands.services.matching import candidates_for

    candidates_for(item)  # warm-up
    times, queries = [], set()
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            result = candidates_for(item)
            times.append((time.perf_counter() - start) * 1000)
        queries.add(len(captured.captured_queries))
    if os.environ.get("BENCH_DETAIL"):
        for query in captured.captured_queries:
            print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:140]}")
    return statistics.median(times), sorted(queries), len(result)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=["small", "large", "both"], default="both")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    scales = ["small", "large"] if args.scale == "both" else [args.scale]
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        print(f"数据库：{connection.vendor}")
        for scale in scales:
            started = time.perf_counter()
            item = build(scale)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            built = time.perf_counter() - started
            median, queries, returned = measure(item, args.runs)
            size = SCALES[scale]
            goal = 50 if scale == "small" else 500
            print(
                f"{scale}: {size['secretaries']} 名书记 / {size['resources']} 项资源 / {size['items']} 件在办与已办需求"
                f"（造数 {built:.1f} 秒）：中位数 {median:.1f} ms（目标 < {goal} ms），查询 {queries} 次，返回 {returned} 个候选"
            )
    finally:
        creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
