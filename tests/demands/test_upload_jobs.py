"""The round upload at scale (issue 13, point 5): rows checked set-wise and written in bulk, all
or nothing; a file of more than IMPORT_ASYNC_ROWS rows previewed and confirmed by a background job
the page polls (eager Celery here; a real worker on the PostgreSQL + Redis pass); the records the
upload writes (items, events, submissions and their history, resources, projects)."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from openpyxl import Workbook

from core.models import ImportJob
from core.signals import records_written
from demands.models import DemandCategory, DemandEvent, DemandItem, ProjectItem, ResourceItem, Submission
from demands.services.lists import submission_submit
from demands.services.rounds import ensure_submissions
from tests.celery_worker import wait_for
from tests.demands.factories import CollectionRoundFactory, DemandCategoryFactory, ResourceCategoryFactory
from tests.factories import SecretaryFactory, VillageFactory

HEADER = ["序号", "乡镇", "村名", "需求类别", "需求名称", "需求内容", "紧急程度", "期望完成时间", "预估资金（万元）",
          "联系人", "联系电话", "备注"]  # fmt: skip
VILLAGES = ["东庄村", "南庄村", "北庄村"]  # township A's villages without a secretary: filled on their behalf


@pytest.fixture
def open_round(district, township_a, village_a, village_a2, secretary, batch, unit):
    SecretaryFactory(name="赵志刚", village=village_a2, batch=batch, dispatch_unit=unit, user=None)  # no login
    for name in VILLAGES:
        VillageFactory(township=township_a, name=name)
    DemandCategoryFactory(name="基础设施建设")
    ResourceCategoryFactory(name="技术指导")
    collection_round = CollectionRoundFactory(district=district)
    ensure_submissions(collection_round)
    return collection_round


def demand_rows(count):
    return [
        [n + 1, "十渡镇", VILLAGES[n % 3], "基础设施建设", f"需求{n}", "修路", "一般", "2027年3月", 4.5, "王五",
         "138 0000 0000", ""]
        for n in range(count)
    ]  # fmt: skip


def township_workbook(rows, name="十渡镇需求清单.xlsx"):
    """A township's demand list as kept: title, 填报单位 line, header, rows, 填表人 footer."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["十渡镇“需求清单”（2026年11—12月）"])
    sheet.append(
        ["填报单位（盖章）：十渡镇人民政府", None, None, None, None, None, None, None, "填报日期：2026年11月8日"]
    )
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    sheet.append(["填表人：王五", None, None, "审核人：赵六"])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def run_jobs(capture, client, url, data=None):
    """POST, then let the queued task run (eager Celery) when the request's transaction commits."""
    with capture(execute=True):
        return client.post(url, data or {})


def poll(client, collection_round, job):
    return client.get(f"/demands/rounds/{collection_round.pk}/upload/jobs/{job.pk}/", HTTP_HX_REQUEST="true")


@pytest.fixture
def written():
    senders = []

    def listen(sender, **kwargs):
        senders.append(sender)

    records_written.connect(listen)
    yield senders
    records_written.disconnect(listen)


def nothing_written(collection_round):
    return (
        not DemandItem.objects.exists()
        and not DemandEvent.objects.exists()
        and not Submission.objects.filter(round=collection_round).exclude(status="draft").exists()
    )


# A large list: a background job the page polls ---------------------------------------------------


@pytest.mark.django_db
def test_a_large_demand_list_is_previewed_and_imported_by_a_job_the_page_polls(
    open_round, township_a_user, client_for, django_capture_on_commit_callbacks, written
):
    client = client_for(township_a_user)
    url = f"/demands/rounds/{open_round.pk}/upload/"
    response = run_jobs(django_capture_on_commit_callbacks, client, url, {"file": township_workbook(demand_rows(3000))})
    job = response.context["job"]
    assert job.action == "preview" and job.kind == "round_upload" and job.total > 3000
    assert f'hx-get="{url}jobs/{job.pk}/"' in response.content.decode()  # the page polls the job
    assert not DemandItem.objects.exists()

    response = poll(client, open_round, job)
    job.refresh_from_db()
    assert job.status == "done" and job.progress == 100
    body = response.content.decode()
    assert "预览通过（十渡镇）：需求清单 3000 行" in body and "hx-trigger" not in body
    assert "共 3000 行，下表显示前 200 行" in body
    assert 'name="map-demands-2"' in body  # the mapping can still be corrected
    assert not DemandItem.objects.exists()

    response = run_jobs(django_capture_on_commit_callbacks, client, f"{url}confirm/")
    confirm = response.context["job"]
    assert confirm.action == "confirm"
    assert "导入成功：需求清单3000条。" in poll(client, open_round, confirm).content.decode()
    items = DemandItem.objects.filter(round=open_round)
    assert items.count() == 3000 and set(items.values_list("status", flat=True)) == {"submitted"}
    assert items.filter(estimated_funds=45000, contact_phone="13800000000").count() == 3000
    assert DemandEvent.objects.filter(action="submit", note="乡镇代报", actor=township_a_user).count() == 3000
    submitted = Submission.objects.filter(round=open_round, status="submitted", on_behalf=True)
    assert sorted(submitted.values_list("village__name", flat=True)) == sorted(VILLAGES)
    assert {DemandItem, Submission} <= set(written)


@pytest.mark.django_db
def test_one_bad_row_in_three_thousand_writes_nothing(
    open_round, township_a_user, client_for, django_capture_on_commit_callbacks
):
    rows = demand_rows(3000)
    rows[2500][3] = "不存在类别"
    client = client_for(township_a_user)
    url = f"/demands/rounds/{open_round.pk}/upload/"
    job = run_jobs(django_capture_on_commit_callbacks, client, url, {"file": township_workbook(rows)}).context["job"]
    response = poll(client, open_round, job)
    assert [(title, e.row, e.message) for title, e in response.context["result"].errors] == [
        ("需求清单", 2504, "需求类别：“不存在类别”不是可选的需求类别，请从下拉列表中选择（D 列）")
    ]
    assert "需求清单 第 2504 行：需求类别：“不存在类别”不是可选的需求类别" in response.content.decode()
    # A confirm sent anyway re-checks every row and writes nothing.
    confirm = run_jobs(django_capture_on_commit_callbacks, client, f"{url}confirm/").context["job"]
    assert "第 2504 行" in poll(client, open_round, confirm).content.decode()
    assert nothing_written(open_round)


@pytest.mark.django_db
def test_a_list_submitted_between_preview_and_confirm_stops_the_whole_upload(
    open_round, township_a_user, client_for, django_capture_on_commit_callbacks
):
    client = client_for(township_a_user)
    url = f"/demands/rounds/{open_round.pk}/upload/"
    job = run_jobs(
        django_capture_on_commit_callbacks, client, url, {"file": township_workbook(demand_rows(3000))}
    ).context["job"]
    assert poll(client, open_round, job).context["result"].ok
    north = Submission.objects.get(round=open_round, village__name="北庄村")
    category = DemandCategory.objects.get(name="基础设施建设")
    DemandItem.objects.create(
        round=open_round, submission=north, village=north.village, category=category, title="网上"
    )
    submission_submit(north, township_a_user)  # sent on the web meanwhile
    confirm = run_jobs(django_capture_on_commit_callbacks, client, f"{url}confirm/").context["job"]
    assert "“北庄村”本轮已报送" in poll(client, open_round, confirm).content.decode()
    assert DemandItem.objects.count() == 1 and DemandEvent.objects.count() == 1  # the web's own
    assert Submission.objects.filter(round=open_round, status="submitted").count() == 1


@pytest.mark.django_db
def test_a_round_upload_job_is_seen_only_by_its_starter_and_only_under_its_round(
    open_round, district, township_a_user, township_b_user, org_user, client_for, django_capture_on_commit_callbacks
):
    url = f"/demands/rounds/{open_round.pk}/upload/"
    job = run_jobs(
        django_capture_on_commit_callbacks,
        client_for(township_a_user),
        url,
        {"file": township_workbook(demand_rows(2100))},
    ).context["job"]
    assert client_for(township_a_user).get(f"{url}jobs/{job.pk}/").status_code == 200
    assert client_for(township_b_user).get(f"{url}jobs/{job.pk}/").status_code == 404  # rows name A's contacts
    assert client_for(org_user).get(f"{url}jobs/{job.pk}/").status_code == 404
    other_round = CollectionRoundFactory(
        district=district, period_start=date(2027, 1, 1), period_end=date(2027, 2, 28), title="另一轮"
    )
    response = client_for(township_a_user).get(f"/demands/rounds/{other_round.pk}/upload/jobs/{job.pk}/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_corrected_mapping_of_a_large_file_is_previewed_by_the_job_and_remembered(
    open_round, township_a, township_a_user, client_for, django_capture_on_commit_callbacks
):
    from secretaries.models import ColumnMapping

    rows = demand_rows(2100)
    header_at = HEADER.index("需求内容")
    client = client_for(township_a_user)
    url = f"/demands/rounds/{open_round.pk}/upload/"
    job = run_jobs(django_capture_on_commit_callbacks, client, url, {"file": township_workbook(rows)}).context["job"]
    poll(client, open_round, job)
    remap = {f"map-demands-{i}": "" for i in range(len(HEADER))}
    remap.update({"map-demands-2": "村（社区）", "map-demands-3": "需求类别", "map-demands-4": "需求名称"})
    remap[f"map-demands-{header_at}"] = ""  # 需求内容 not imported this time
    job = run_jobs(django_capture_on_commit_callbacks, client, url, {**remap, "action": "remap"}).context["job"]
    result = poll(client, open_round, job).context["result"]
    assert result.ok and "具体内容" not in [m.key for m in result.read.sheets["demands"].columns]
    assert ColumnMapping.objects.filter(township=township_a, kind="demands", header="需求内容", column="").exists()


# The records an upload writes --------------------------------------------------------------------


@pytest.mark.django_db
def test_an_upload_writes_the_items_events_submissions_and_history_the_web_form_would(
    open_round, township_a_user, village_a, village_a2, secretary, client_for
):
    """The records the upload wrote when it ran row by row through django-import-export."""
    west = Submission.objects.get(round=open_round, village=village_a2)
    category = DemandCategory.objects.get(name="基础设施建设")
    draft = DemandItem.objects.create(
        round=open_round, submission=west, village=village_a2, category=category, title="草稿"
    )
    Submission.objects.filter(round=open_round, village__name="南庄村").delete()  # created again by the upload
    book = Workbook()
    book.active.title = "需求清单"
    book["需求清单"].append(["村（社区）", "需求类别", "需求名称", "紧急程度", "预计资金（元）"])
    book["需求清单"].append(["西庄村", "基础设施建设", "修路", "紧急", 1500])
    book["需求清单"].append(["南庄村", "基础设施", "修桥", None, None])
    book.create_sheet("资源清单").append(["第一书记所在村", "来源", "资源类别", "资源名称"])
    book["资源清单"].append(["西庄村", "派出单位", "技术指导", "果树修剪"])
    book.create_sheet("项目清单").append(["项目名称", "村（社区）", "状态", "进度（%）"])
    book["项目清单"].append(["民宿提升", "六渡村", "在建", None])
    buffer = io.BytesIO()
    book.save(buffer)
    client = client_for(township_a_user)
    client.post(f"/demands/rounds/{open_round.pk}/upload/", {"file": SimpleUploadedFile("a.xlsx", buffer.getvalue())})
    response = client.post(f"/demands/rounds/{open_round.pk}/upload/confirm/", follow=True)
    assert "导入成功：需求清单2条，资源清单1条，项目清单1条。" in response.content.decode()

    items = DemandItem.objects.filter(round=open_round).order_by("title")
    assert [(i.title, i.village.name, i.status, i.urgency, i.channel, i.created_by) for i in items if i != draft] == [
        ("修桥", "南庄村", "submitted", "low", "list", township_a_user),
        ("修路", "西庄村", "submitted", "high", "list", township_a_user),
    ]
    draft.refresh_from_db()
    assert draft.status == "submitted" and draft.submitted_at  # the village's own draft goes with its list
    assert all(item.submission.village == item.village and item.submitted_at for item in items)
    events = DemandEvent.objects.order_by("item__title").values_list(
        "item__title", "actor", "action", "from_status", "to_status", "note"
    )
    assert list(events) == [
        (title, township_a_user.pk, "submit", "draft", "submitted", "乡镇代报") for title in ["修桥", "修路", "草稿"]
    ]
    for name, kinds in [("西庄村", ["~"]), ("南庄村", ["~", "+"])]:  # 南庄村's was created by the upload
        submission = Submission.objects.get(round=open_round, village__name=name)
        assert submission.status == "submitted" and submission.on_behalf and submission.submitted_by == township_a_user
        history = list(submission.history.all())  # newest first
        assert [h.history_type for h in history] == kinds
        assert history[0].status == "submitted" and history[0].history_user == township_a_user

    resource = ResourceItem.objects.get()
    assert resource.secretary.village == village_a2 and resource.source == "unit" and resource.confirmed_at
    assert resource.dispatch_unit_id == resource.secretary.dispatch_unit_id
    assert [(h.history_type, h.history_user) for h in resource.history.all()] == [("+", township_a_user)]
    project = ProjectItem.objects.get()
    assert (project.status, project.progress, project.funds_secured, project.lead_secretary) == (
        "ongoing",
        0,
        0,
        secretary,
    )
    assert list(project.villages.all()) == [village_a] and project.round == open_round
    assert [(h.history_type, h.history_user) for h in project.history.all()] == [("+", township_a_user)]


# A real worker (PostgreSQL + Redis pass) ---------------------------------------------------------


@pytest.mark.services
def test_a_large_demand_list_runs_in_a_real_worker_with_its_progress(
    celery_worker_process, open_round, township_a_user, client_for
):
    client = client_for(township_a_user)
    url = f"/demands/rounds/{open_round.pk}/upload/"
    with transaction.atomic():
        response = client.post(url, {"file": township_workbook(demand_rows(3000))})
    job = response.context["job"]
    seen = set()

    def done():
        job.refresh_from_db()
        seen.add(job.progress)
        return job.status in ("done", "failed")

    wait_for(done, timeout=90)
    assert job.status == "done" and job.result["ok"] and max(seen) == 100, job.message
    assert poll(client, open_round, job).context["result"].ok
    with transaction.atomic():
        confirm = client.post(f"{url}confirm/").context["job"]
    wait_for(lambda: "导入成功" in poll(client, open_round, confirm).content.decode(), timeout=90)
    assert DemandItem.objects.filter(round=open_round, status="submitted").count() == 3000
    assert ImportJob.objects.get(pk=confirm.pk).status == "done"
