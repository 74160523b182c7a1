"""Benchmark: the audit trail (issue 14, 安全审计).

1. What one entry costs where it is written: a loop step (accept) with and without its entry is
   not separable, so the entry itself is timed (`core.signals.audit`, the insert, the district lookup).
2. The audit page with N entries in the district (default 1,000,000: about half a year of a busy
   district): first page unfiltered, filtered by action and by user, and the .xlsx export of one
   day's entries.
3. The retention job: archiving the older half of the entries to gzip files and deleting them.

    .venv/bin/python bench/audit_bench.py --entries 200000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/audit_bench.py

The data goes into a throw-away test database (DATABASE_TEST_NAME, default bench_audit), dropped at the end.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_TEST_NAME", "bench_audit")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
os.environ.setdefault("FAST_PASSWORD_HASHER", "1")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

ACTIONS = ["login", "export", "loop.accept", "loop.dispatch", "admin.change", "login_failed"]


def build(count):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from audit.models import AuditEntry
    from secretaries.models import District, StaffProfile

    district = District.objects.create(name="房山区", code="110111")
    org = get_user_model().objects.create_user("zuzhibu", password="x")
    StaffProfile.objects.create(user=org, role="org", district=district)
    now = timezone.now()
    step = timedelta(days=360) / count  # spread over a year: half of it past the retention
    batch = []
    for n in range(count):
        batch.append(
            AuditEntry(
                at=now - step * n,
                user_id=org.pk,
                username=f"user{n % 500}",
                role="org",
                district_id=district.pk,
                address=f"10.0.{n % 250}.{n % 200}",
                action=ACTIONS[n % len(ACTIONS)],
                object_type="demands.demanditem",
                object_id=str(n),
                object_label=f"需求{n}",
                detail="接单：已报送 → 已接单",
            )
        )
        if len(batch) == 10_000:
            AuditEntry.objects.bulk_create(batch)
            batch = []
    AuditEntry.objects.bulk_create(batch)
    return district, org


def timed_get(client, url, runs=5):
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    print(f"  {url}: median {statistics.median(times) * 1000:.0f} ms, {len(queries)} queries")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    args = parser.parse_args()
    from django.test import Client
    from django.utils import timezone

    from audit.services import archive_old_entries
    from core.signals import audit
    from secretaries.models import District

    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        started = time.perf_counter()
        district, org = build(args.entries)
        print(f"数据库：{connection.vendor}，审计记录：{args.entries}（生成 {time.perf_counter() - started:.1f} 秒）")

        times = []
        for _ in range(200):
            started = time.perf_counter()
            audit("export", user=org, obj=district, detail="bench", rows=1)
            times.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as queries:
            audit("export", user=org, obj=district, detail="bench", rows=1)
        print(f"one entry: median {statistics.median(times) * 1000:.2f} ms, {len(queries)} queries")

        client = Client()
        client.force_login(org)
        today = timezone.localdate().isoformat()
        print("audit page:")
        for url in ["/audit/", "/audit/?action=loop", "/audit/?user=user42", f"/audit/?start={today}&result=failure"]:
            timed_get(client, url)
        timed_get(client, f"/audit/export.xlsx?start={today}", runs=3)

        settings.AUDIT_ARCHIVE_DIR = Path(tempfile.mkdtemp(prefix="audit-archive-"))
        started = time.perf_counter()
        archived, files = archive_old_entries()
        elapsed = time.perf_counter() - started
        size = sum(path.stat().st_size for path in files)
        print(f"retention job: {archived} entries in {elapsed:.1f} s, {len(files)} files, {size / 1024 / 1024:.1f} MB")
        assert District.objects.filter(pk=district.pk).exists()
    finally:
        creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
