"""The department's workbooks as kept, and large imports as background jobs the page polls.

A workbook of more than IMPORT_ASYNC_ROWS rows is previewed and confirmed by a Celery task (eager
here; a real worker on the PostgreSQL + Redis pass); the job's state is in the database."""

import io
from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from core.models import ImportJob
from core.signals import records_written
from secretaries.models import Secretary, StaffProfile, Village
from secretaries.tasks import run_people_import
from tests.celery_worker import wait_for
from tests.factories import DistrictFactory, UserFactory

VILLAGE_HEADERS = ["乡镇", "村名", "类型", "户籍人口", "户数", "备注"]


def kept_workbook(title, headers, rows, name="名册.xlsx"):
    """A workbook as the department keeps it: merged title row, 填报单位 line, header, rows, footer."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append([f"房山区{title}名册（2026年）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(["填报单位（盖章）：区委组织部", None, None, "填报日期：2026年11月20日"])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    sheet.append(["填表人：张三", None, "审核人：李四"])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def village_rows(count, township="十渡镇"):
    return [[township, f"新村{n}", "行政村", 900 + n % 50, 300, ""] for n in range(count)]


@pytest.fixture
def written():
    """The models announced through core.signals.records_written (the dashboard listens)."""
    senders = []

    def listen(sender, **kwargs):
        senders.append(sender)

    records_written.connect(listen)
    yield senders
    records_written.disconnect(listen)


def run_jobs(capture, client, url, data):
    """POST, then let the queued task run (eager Celery) when the request's transaction commits."""
    with capture(execute=True):
        return client.post(url, data)


def poll(client, kind, job):
    return client.get(f"/secretaries/import/{kind}/jobs/{job.pk}/", HTTP_HX_REQUEST="true")


# Secretaries as kept ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_kept_secretaries_workbook_is_read_by_synonyms_under_its_title_and_above_its_footer(
    client_for, org_user, village_a, village_a2, batch, unit, expertise_agri, expertise_law
):
    headers = ["序号", "姓名", "性别", "出生年月", "联系电话", "选派单位", "批次", "乡镇（街道）", "村（社区）", "特长",
               "任职开始", "任期结束"]  # fmt: skip
    rows = [
        [1, "张三", "男", "1988年5月2日", "139 1234 5678", unit.name, "第七批", "十渡镇", "六渡村", "农业技术，法律",
         datetime(2024, 6, 1), "2026.12.31"],
        [2, "李四", "女", datetime(1990, 1, 15), "+86 138-1234-5678", unit.name, "第七批", "十渡镇", village_a2.name, "",
         "2024/06/01", "2026年12月"],
    ]  # fmt: skip
    client = client_for(org_user)
    response = client.post("/secretaries/import/secretaries/", {"file": kept_workbook("第一书记", headers, rows)})
    outcome = response.context["outcome"]
    assert outcome.ok, outcome.errors
    assert [number for number, _row in outcome.numbered_rows] == [4, 5]  # Excel's rows, under title and stamp
    assert [why for _row, why, _text in outcome.skipped] == ["标题行", "填报单位、日期行", "表尾（填表人、审核人等）"]
    assert ("I", "村（社区）", "派驻村") in outcome.columns and ("A", "序号", "") in outcome.columns
    client.post("/secretaries/import/secretaries/confirm/", {"token": response.context["token"]})
    zhang, li = Secretary.objects.get(name="张三"), Secretary.objects.get(name="李四")
    assert (zhang.birth_date, zhang.phone, zhang.term_start, zhang.term_end) == (
        date(1988, 5, 2), "13912345678", date(2024, 6, 1), date(2026, 12, 31)
    )  # fmt: skip
    assert (li.birth_date, li.phone, li.term_end, li.village) == (
        date(1990, 1, 15),
        "13812345678",
        date(2026, 12, 31),
        village_a2,
    )
    assert sorted(zhang.expertise.values_list("name", flat=True)) == ["农业技术", "法律"]
    assert zhang.history.get().history_user == org_user  # the change history is kept in bulk too


@pytest.mark.django_db
def test_every_bad_cell_is_named_by_sheet_row_header_and_column(client_for, org_user, village_a, batch, unit):
    headers = ["姓名", "性别", "出生日期", "手机", "派出单位", "批次", "乡镇", "派驻村", "任期开始", "任期结束"]
    rows = [
        ["王五", "男", "明年", "12345", unit.name, "第七批", "十渡镇", "六渡村", "2024-06-01", "2026-12-31"],
        [
            "赵六",
            "未知",
            "1985-01-01",
            "13700001111",
            "不存在单位",
            "第七批",
            "火星镇",
            "某村",
            "2024-06-01",
            "2023-01-01",
        ],
    ]
    response = client_for(org_user).post(
        "/secretaries/import/secretaries/", {"file": kept_workbook("第一书记", headers, rows)}
    )
    outcome = response.context["outcome"]
    assert not outcome.ok and "token" not in response.context
    messages = [(e.row, e.message) for e in outcome.errors]
    assert (4, "出生日期：“明年”不是有效日期，请按 2026-12-31 的格式填写（C 列）") in messages
    assert (4, "手机：“12345”不是有效的电话号码，请填写 11 位手机号或带区号的固定电话（D 列）") in messages
    assert (5, "性别：“未知”不是有效的性别，可选：男、女（B 列）") in messages
    assert (5, "派出单位：“不存在单位”不存在，请先在系统中添加或检查名称（E 列）") in messages
    assert (5, "乡镇：“火星镇”不存在，请先在系统中添加或检查名称（G 列）") in messages
    assert (5, "任期结束：任期结束日期必须晚于开始日期（J 列）") in messages
    body = response.content.decode()
    assert "第一书记 第 4 行：出生日期：“明年”不是有效日期" in body
    assert Secretary.objects.count() == 0


@pytest.mark.django_db
def test_an_update_keeps_the_history_and_a_row_twice_is_refused(client_for, org_user, secretary, batch):
    headers = ["姓名", "性别", "出生日期", "手机号码", "派出单位", "批次", "乡镇", "派驻村", "任期开始", "任期结束"]
    row = [secretary.name, "男", secretary.birth_date, "13900009999", secretary.dispatch_unit.name, batch.name,
           "十渡镇", secretary.village.name, "2024-06-01", "2026-12-31"]  # fmt: skip
    client = client_for(org_user)
    response = client.post("/secretaries/import/secretaries/", {"file": kept_workbook("书记", headers, [row, row])})
    assert [(e.row, e.message) for e in response.context["outcome"].errors] == [
        (5, f"姓名：“{secretary.name}”（{secretary.village.name}）与第 4 行重复（A 列）")
    ]
    response = client.post("/secretaries/import/secretaries/", {"file": kept_workbook("书记", headers, [row])})
    assert response.context["outcome"].totals == {"new": 0, "update": 1}
    client.post("/secretaries/import/secretaries/confirm/", {"token": response.context["token"]})
    secretary.refresh_from_db()
    assert secretary.phone == "13900009999" and Secretary.objects.count() == 1
    assert secretary.history.first().history_type == "~" and secretary.history.first().history_user == org_user


# Large files: a background job -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_large_workbook_is_previewed_and_imported_by_a_job_the_page_polls(
    client_for, org_user, township_a, django_capture_on_commit_callbacks, written
):
    client = client_for(org_user)
    upload = kept_workbook("村（社区）", VILLAGE_HEADERS, village_rows(2500))
    response = run_jobs(django_capture_on_commit_callbacks, client, "/secretaries/import/villages/", {"file": upload})
    job = response.context["job"]
    assert job.action == "preview" and job.total > 2000
    assert 'hx-trigger="every 1s"' in response.content.decode()  # queued: the page polls
    assert Village.objects.count() == 0

    response = poll(client, "villages", job)
    job.refresh_from_db()
    assert job.status == "done" and job.progress == 100 and job.finished_at
    assert response.context["outcome"].totals == {"new": 2500, "update": 0}
    body = response.content.decode()
    assert "检查通过：将新增 2500 条" in body and "hx-trigger" not in body  # finished: polling stops
    assert Village.objects.count() == 0

    token = response.context["token"]
    response = run_jobs(
        django_capture_on_commit_callbacks, client, "/secretaries/import/villages/confirm/", {"token": token}
    )
    confirm = response.context["job"]
    assert confirm.action == "confirm"
    response = poll(client, "villages", confirm)
    assert "导入成功：新增 2500 条，更新 0 条。" in response.content.decode()
    assert township_a.villages.count() == 2500
    assert Village.history.filter(history_type="+").count() == 2500
    assert Village in written


@pytest.mark.django_db
def test_a_large_workbook_with_bad_rows_reports_them_from_the_job_and_writes_nothing(
    client_for, org_user, township_a, django_capture_on_commit_callbacks
):
    rows = village_rows(2500)
    rows[1000][0] = "火星镇"
    rows[2400][3] = "很多"
    client = client_for(org_user)
    upload = kept_workbook("村（社区）", VILLAGE_HEADERS, rows)
    job = run_jobs(
        django_capture_on_commit_callbacks, client, "/secretaries/import/villages/", {"file": upload}
    ).context["job"]
    response = poll(client, "villages", job)
    assert [(e.row, e.message) for e in response.context["outcome"].errors] == [
        (1004, "乡镇：“火星镇”不存在，请先在系统中添加或检查名称（A 列）"),
        (2404, "户籍人口：“很多”不是数字（D 列）"),
    ]
    assert "村（社区） 第 1004 行：乡镇：“火星镇”不存在" in response.content.decode()
    assert "token" not in response.context and Village.objects.count() == 0


@pytest.mark.django_db
def test_another_districts_job_answers_404(client_for, org_user, township_a, django_capture_on_commit_callbacks):
    upload = kept_workbook("村（社区）", VILLAGE_HEADERS, village_rows(2100))
    job = run_jobs(
        django_capture_on_commit_callbacks, client_for(org_user), "/secretaries/import/villages/", {"file": upload}
    ).context["job"]
    other = UserFactory(username="org_other")
    StaffProfile.objects.create(user=other, role="org", district=DistrictFactory(name="门头沟区"))
    assert client_for(other).get(f"/secretaries/import/villages/jobs/{job.pk}/").status_code == 404
    assert client_for(org_user).get(f"/secretaries/import/units/jobs/{job.pk}/").status_code == 404  # another kind
    assert client_for(org_user).get(f"/secretaries/import/villages/jobs/{job.pk}/").status_code == 200


@pytest.mark.django_db
def test_a_job_that_stopped_moving_is_reported_failed(client_for, org_user):
    job = ImportJob.objects.create(
        kind="villages", action="confirm", user=org_user, district_id=org_user.staff_profile.district_id, token="0" * 32
    )
    ImportJob.objects.filter(pk=job.pk).update(status="running", updated_at=timezone.now() - timedelta(minutes=16))
    response = client_for(org_user).get(f"/secretaries/import/villages/jobs/{job.pk}/")
    job.refresh_from_db()
    assert job.status == "failed" and "没有进展" in job.message
    assert "没有写入任何数据" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("job_id, message", [(987654, "导入任务 987654 不存在"), ("abc", "导入任务编号无效")])
def test_the_task_refuses_a_bad_job_id_clearly(job_id, message):
    with pytest.raises(ValueError, match=message):
        run_people_import.delay(job_id)


@pytest.mark.django_db
def test_a_redelivered_job_that_finished_is_left_alone(org_user):
    job = ImportJob.objects.create(kind="villages", action="confirm", user=org_user, token="0" * 32, status="done")
    assert run_people_import.delay(job.pk).get() is None


@pytest.mark.services
def test_a_large_import_runs_in_a_real_worker_with_its_progress(
    celery_worker_process, client_for, org_user, township_a
):
    client = client_for(org_user)
    upload = kept_workbook("村（社区）", VILLAGE_HEADERS, village_rows(3000))
    with transaction.atomic():
        response = client.post("/secretaries/import/villages/", {"file": upload})
    job = response.context["job"]
    seen = set()

    def done():
        job.refresh_from_db()
        seen.add(job.progress)
        return job.status == "done"

    wait_for(done, timeout=60)
    assert job.result["totals"] == {"new": 3000, "update": 0} and max(seen) == 100
    token = poll(client, "villages", job).context["token"]
    confirm = client.post("/secretaries/import/villages/confirm/", {"token": token}).context["job"]
    wait_for(lambda: "导入成功" in poll(client, "villages", confirm).content.decode(), timeout=60)
    assert township_a.villages.count() == 3000
