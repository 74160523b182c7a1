"""Benchmark: a collection round for 20,000 villages.

Times opening the round (a Submission per village, a notice to every township staff member and
secretary on post), the first reminder run (the 7-days-before step, 15% of villages submitted),
and the completeness page (query count and time, through the real view).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/round_20000.py
    .venv/bin/python bench/round_20000.py            # SQLite
    .venv/bin/python bench/round_20000.py --villages 2000

The data goes into a throw-away test database (DATABASE_TEST_NAME, default bench_round), built
with bulk_create, and is dropped at the end. The e-mail/SMS delivery tasks are only queued (an
in-memory broker, no worker), as in production where the worker sends them afterwards; so the
figures are what beat's job itself costs.
"""

import argparse
import os
import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_TEST_NAME", "bench_round")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
os.environ["CELERY_BROKER_URL"] = "memory://"
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("FAST_PASSWORD_HASHER", "1")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def build(villages_total, seed=7):
    from django.contrib.auth import get_user_model

    from secretaries.models import Batch, DispatchUnit, District, Secretary, StaffProfile, Township, Village

    rng = random.Random(seed)
    User = get_user_model()
    district = District.objects.create(name="基准区")
    townships = Township.objects.bulk_create(
        [Township(district=district, name=f"乡镇{n}") for n in range(max(1, villages_total // 40))]
    )
    villages = Village.objects.bulk_create(
        [Village(township=townships[n % len(townships)], name=f"村{n}") for n in range(villages_total)],
        batch_size=2000,
    )
    batch = Batch.objects.create(name="第七批", number=7, term_start=date(2024, 6, 1), term_end=date(2026, 12, 31))
    unit = DispatchUnit.objects.create(name="基准单位", level="district", kind="organ")
    # Nine in ten villages have a secretary with a login; every township has one staff member.
    users = User.objects.bulk_create(
        [User(username=f"s{n}", email=f"s{n}@example.cn") for n in range(villages_total * 9 // 10)], batch_size=2000
    )
    staff = User.objects.bulk_create(
        [User(username=f"t{n}", email=f"t{n}@example.cn") for n in range(len(townships))], batch_size=2000
    )
    org = User.objects.create(username="org")
    StaffProfile.objects.bulk_create(
        [StaffProfile(user=u, role="secretary") for u in users]
        + [StaffProfile(user=u, role="township", township=t) for u, t in zip(staff, townships, strict=True)]
        + [StaffProfile(user=org, role="org", district=district)],
        batch_size=2000,
    )
    Secretary.objects.bulk_create(
        [
            Secretary(
                name=f"书记{n}",
                gender="M",
                birth_date=date(1985, 1, 1),
                phone=f"139{n:08d}",
                dispatch_unit=unit,
                batch=batch,
                village=villages[n],
                term_start=batch.term_start,
                term_end=batch.term_end,
                user=user,
            )
            for n, user in enumerate(users)
        ],
        batch_size=2000,
    )
    return district, villages, org, rng


def timed(label, func):
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - start
    print(f"{label}: {elapsed:.2f} s, {len(queries)} queries")
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--villages", type=int, default=20_000)
    args = parser.parse_args()
    from django.test import Client
    from django.utils import timezone

    from demands.models import Submission
    from demands.services.rounds import open_due_round, send_all_reminders

    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        print(f"数据库：{connection.vendor}，村：{args.villages}")
        with transaction.atomic():
            district, villages, org, rng = timed("building data", lambda: build(args.villages))

        def open_round():
            with transaction.atomic():
                return open_due_round(date(2026, 11, 1))

        [collection_round] = timed("open the round (submissions + notices)", open_round)
        timed("open again (idempotent no-op)", open_round)
        submitted = rng.sample(villages, k=len(villages) * 15 // 100)
        Submission.objects.filter(round=collection_round, village__in=[v.pk for v in submitted]).update(
            status="submitted", submitted_at=timezone.now()
        )

        def remind():
            with transaction.atomic():
                return send_all_reminders(date(2026, 11, 8))

        result = timed("first reminders (7 days before)", remind)
        print(f"  -> {result}")
        timed("reminders again the same day", remind)

        client = Client()
        client.force_login(org)
        url = f"/demands/rounds/{collection_round.pk}/completeness/"
        client.get(url, HTTP_HOST="127.0.0.1")  # warm up
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            elapsed = time.perf_counter() - start
        assert response.status_code == 200, response.status_code
        print(f"completeness page: {elapsed * 1000:.0f} ms, {len(queries)} queries")
    finally:
        creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
