"""Benchmark: importing 20,000-row workbooks (issue 13, point 5).

Builds a district (townships, villages, units, a batch) and three workbooks of `--rows` rows as
townships keep them (a title row, a 填报单位 line, the header, the rows, a 填表人 footer): villages,
secretaries (each to a village of their own) and one township's demand list. Times the project's
own path for each, the preview (read, checked, nothing written; the checked plan kept beside the
stored file) and the confirm (the kept plan re-checked set-wise and written), and
beside it plain django-import-export on the same village rows (a plain ModelResource, with and
without `use_bulk`), the comparison of the issue. The people files are imported twice: the second
time every row updates the one the first wrote.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/root .venv/bin/python bench/import_bench.py
    .venv/bin/python bench/import_bench.py --rows 2000              # SQLite, smaller
    .venv/bin/python bench/import_bench.py --kinds villages --no-plain

The data goes into a throw-away test database (DATABASE_TEST_NAME, default bench_import), which
is dropped at the end. Background jobs are not involved: the worker runs these same functions.
"""

import argparse
import io
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_TEST_NAME", "bench_import")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
os.environ["CELERY_BROKER_URL"] = "memory://"
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("FAST_PASSWORD_HASHER", "1")
os.environ.setdefault("IMPORT_MAX_UPLOAD_MB", "50")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from openpyxl import Workbook  # noqa: E402

TOWNSHIPS = 200


def workbook(title, headers, rows):
    """A workbook as a township keeps it: title, stamp line, header, rows, footer."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append([f"房山区{title}（2026年）"])
    sheet.append(["填报单位（盖章）：", None, None, "填报日期：2026年11月20日"])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    sheet.append(["填表人：张三", None, "审核人：李四"])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(f"{title}.xlsx", buffer.getvalue())


def build(rows):
    from django.contrib.auth import get_user_model

    from secretaries.models import Batch, DispatchUnit, District, Expertise, StaffProfile, Township, Village

    district = District.objects.create(name="基准区")
    townships = Township.objects.bulk_create([Township(district=district, name=f"乡镇{n}") for n in range(TOWNSHIPS)])
    # The secretaries' villages: one each, as a province's roster has.
    Village.objects.bulk_create(
        [Village(township=townships[n % TOWNSHIPS], name=f"驻村{n}") for n in range(rows)], batch_size=2000
    )
    Batch.objects.create(name="第七批", number=7, term_start=date(2024, 6, 1), term_end=date(2026, 12, 31))
    DispatchUnit.objects.bulk_create(
        [DispatchUnit(name=f"单位{n}", level="district", kind="organ") for n in range(300)]
    )
    Expertise.objects.bulk_create([Expertise(name=name) for name in ("农业技术", "法律", "医疗", "教育")])
    org = get_user_model().objects.create(username="org")
    StaffProfile.objects.create(user=org, role="org", district=district)
    return district, townships, org


def village_rows(rows):
    return [[f"乡镇{n % TOWNSHIPS}", f"新村{n}", "行政村", 900 + n % 100, 300, ""] for n in range(rows)]


def secretary_rows(rows):
    return [
        [f"书记{n}", "男" if n % 2 else "女", f"1985年{n % 12 + 1}月{n % 28 + 1}日", f"139 {n:04d} {n % 10000:04d}"[:13],
         f"单位{n % 300}", "第七批", f"乡镇{n % TOWNSHIPS}", f"驻村{n}", "农业技术、法律", "2024-06-01", "2026/12/31"]
        for n in range(rows)
    ]  # fmt: skip


SECRETARY_HEADERS = ["姓名", "性别", "出生日期", "联系电话", "选派单位", "批次", "乡镇（街道）", "村（社区）", "个人特长",
                     "任期开始", "任期结束"]  # fmt: skip


def timed(label, func):
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - start
    count = f"{len(queries)} queries" if len(queries) < 9000 else "9000+ queries"
    print(f"  {label}: {elapsed:.2f} s, {count}", flush=True)
    return result


def people(kind, upload, org):
    """The page's path: the file stored as a preview (its checked plan kept beside it), then confirmed."""
    from core.importing import preview_discard, preview_store
    from secretaries.imports import people_import

    for again in (False, True):  # the same file again: every row an update of the one it wrote
        token = preview_store(upload)
        try:
            label = "again (updates), " if again else ""
            outcome = timed(f"{label}preview", lambda t=token: people_import(kind, upload, org, confirm=False, token=t))
            assert outcome.ok, outcome.errors[:5]
            outcome = timed(f"{label}confirm", lambda t=token: people_import(kind, upload, org, confirm=True, token=t))
            assert outcome.ok and outcome.totals["update" if again else "new"] > 0, outcome.totals
        finally:
            preview_discard(token)
        print(f"  -> {outcome.totals}")


def plain_villages(rows, townships):
    """Plain django-import-export on the same rows: township by id, a dry run."""
    import tablib
    from import_export import resources

    from secretaries.models import Village

    class PlainVillageResource(resources.ModelResource):
        class Meta:
            model = Village
            fields = ("township", "name", "kind", "population", "households", "notes")
            import_id_fields = ("township", "name")

    class BulkVillageResource(PlainVillageResource):
        class Meta(PlainVillageResource.Meta):
            use_bulk = True
            batch_size = 1000

    ids = {t.name: t.pk for t in townships}
    dataset = tablib.Dataset(headers=["township", "name", "kind", "population", "households", "notes"])
    for township, name, _kind, population, households, notes in village_rows(rows):
        dataset.append([ids[township], f"直{name}", "村", population, households, notes])
    for label, resource in (("plain ModelResource", PlainVillageResource()), ("with use_bulk", BulkVillageResource())):
        result = timed(f"{label}, dry run", lambda r=resource: r.import_data(dataset, dry_run=True))
        assert not result.has_errors() and not result.has_validation_errors()


def demand_list(rows, district, org):
    """One township's demand list of `rows` rows, through the round upload (demands/excel.py)."""
    from core.importing import preview_discard, preview_store
    from demands.excel import import_upload
    from demands.models import CollectionRound, DemandCategory
    from secretaries.models import Township, Village

    township = Township.objects.create(district=district, name="需求乡")
    villages = Village.objects.bulk_create([Village(township=township, name=f"需求村{n}") for n in range(500)])
    category = DemandCategory.objects.get_or_create(name="基础设施建设", district=None)[0]
    collection_round = CollectionRound.objects.create(
        district=district, title="基准轮次", period_start=date(2026, 11, 1), period_end=date(2026, 12, 31),
        deadline=date(2026, 12, 31), status=CollectionRound.Status.OPEN,
    )  # fmt: skip
    headers = ["序号", "乡镇", "村名", "需求类别", "需求名称", "需求内容", "紧急程度", "期望完成时间", "预估资金（万元）",
               "联系人", "联系电话", "备注"]  # fmt: skip
    data = [
        [n + 1, "需求乡", villages[n % 500].name, category.name, f"需求{n}", "修路", "一般", "2027年3月", "4.5",
         "王五", "138 0000 0000", ""]
        for n in range(rows)
    ]  # fmt: skip
    upload = workbook("需求清单", headers, data)
    token = preview_store(upload)
    try:
        for confirm in (False, True):
            result = timed(
                "confirm" if confirm else "preview",
                lambda c=confirm: import_upload(collection_round, township, org, upload, confirm=c, token=token),
            )
            assert result.ok, result.errors[:5]
    finally:
        preview_discard(token)
    print(f"  -> {result.created}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000, help="rows per workbook (default 20000)")
    parser.add_argument("--kinds", default="villages,secretaries,demands", help="comma-separated")
    parser.add_argument("--no-plain", action="store_true", help="skip plain django-import-export")
    args = parser.parse_args()
    if not 1 <= args.rows <= 50_000:
        parser.error("--rows must be 1…50000 (IMPORT_MAX_ROWS)")
    kinds = args.kinds.split(",")
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        print(f"数据库：{connection.vendor}，每个文件 {args.rows} 行")
        with transaction.atomic():
            district, townships, org = timed("building data", lambda: build(args.rows))
        if "villages" in kinds:
            print("villages (村（社区）):")
            people(
                "villages",
                workbook("村（社区）", ["乡镇", "村名", "类型", "户籍人口", "户数", "备注"], village_rows(args.rows)),
                org,
            )
            if not args.no_plain:
                plain_villages(args.rows, townships)
        if "secretaries" in kinds:
            print("secretaries (第一书记):")
            people("secretaries", workbook("第一书记", SECRETARY_HEADERS, secretary_rows(args.rows)), org)
        if "demands" in kinds:
            print("demand list (需求清单, one township):")
            demand_list(args.rows, district, org)
    finally:
        creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
