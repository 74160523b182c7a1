"""The round upload takes a township's own workbook: title and 填报单位 lines, a header of
synonyms, dates and phones as people write them, a 合计 row and a 填表人 footer, one list only,
sheets named anyhow; the mapping can be corrected in the preview and is remembered per township."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from demands.models import DemandItem, ProjectItem, Submission
from demands.services.rounds import ensure_submissions
from secretaries.models import ColumnMapping, HeaderSynonym
from tests.demands.factories import CollectionRoundFactory, DemandCategoryFactory
from tests.factories import SecretaryFactory

HEADER = [
    "序号",
    "乡镇",
    "村名",
    "需求类别",
    "需求名称",
    "需求内容",
    "紧急程度",
    "期望完成时间",
    "预估资金（万元）",
    "联系人",
    "联系电话",
    "备注",
]


@pytest.fixture
def open_round(district, village_a, village_a2, village_b, secretary, batch, unit):
    SecretaryFactory(name="赵志刚", village=village_a2, batch=batch, dispatch_unit=unit, user=None)  # no login
    DemandCategoryFactory(name="基础设施建设")
    DemandCategoryFactory(name="产业发展")
    collection_round = CollectionRoundFactory(district=district)
    ensure_submissions(collection_round)
    return collection_round


def township_workbook(rows, header=HEADER, title="Sheet1", footer=True):
    """A demand list laid out as the townships keep it."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(["十渡镇“需求清单”（2024年9—10月）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(
        ["填报单位（盖章）：十渡镇人民政府", None, None, None, None, None, None, None, "填报日期：2024年10月8日"]
    )
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    if footer:
        sheet.append(["合计", None, None, None, None, None, None, None, 55])
        sheet.append(["填表人：王五", None, None, "审核人：赵六", None, None, None, None, "联系电话：010-69312345"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, collection_round, content, name="十渡镇需求清单.xlsx", **extra):
    file = SimpleUploadedFile(name, content)
    response = client.post(f"/demands/rounds/{collection_round.pk}/upload/", {"file": file, **extra})
    assert response.status_code == 200
    return response.content.decode()


def confirm(client, collection_round):
    return client.post(f"/demands/rounds/{collection_round.pk}/upload/confirm/")


ROWS = [
    (
        1,
        "十渡镇",
        "西庄村",
        "基础设施",
        "修复进村道路",
        "雨后塌方两处",
        "急",
        datetime(2027, 6, 30),
        4.5,
        "张三",
        "139 0000 1111",
        None,
    ),
    (),  # a blank row between
    (
        2,
        "十渡镇",
        "西庄",
        "产业发展",
        "民宿运营培训",
        None,
        "一般",
        "2024.10.31",
        "45.5万元",
        "李四",
        "138-0013-8000",
        "村集体配套",
    ),
    (3, None, "西庄村", "产业发展", "林下经济", "", None, "长期", "50,000元", None, "１３９００００２２２２", None),
    (4, None, "西庄村", "产业发展", "冷库建设", None, "较急", "2027年3月", "￥5000元", None, "+86 139-0000-3333", None),
    (5,),  # numbered in advance, never filled
]


def test_a_township_workbook_is_previewed_with_its_layout_and_imported(open_round, township_a_user, client_for):
    client = client_for(township_a_user)
    html = upload(client, open_round, township_workbook(ROWS))
    assert "预览通过" in html
    assert "工作表“Sheet1”按需求清单读取，表头在第 4 行" in html
    assert "第 1 行（标题行）" in html and "第 2 行（填报单位、日期行）" in html
    assert "第 10 行（空行（只有序号等））" in html
    assert "第 11 行（合计行）" in html and "第 12 行（表尾（填表人、审核人等））" in html
    assert "需求类别：“基础设施”按“基础设施建设”导入（D 列）" in html
    assert "期望完成时间：2024-10-31 已经过去（H 列）" in html
    assert not DemandItem.objects.exists()

    assert confirm(client, open_round).status_code == 302
    items = {item.title: item for item in DemandItem.objects.filter(round=open_round)}
    assert set(items) == {"修复进村道路", "民宿运营培训", "林下经济", "冷库建设"}
    road, homestay, forest, cold = (items[t] for t in ["修复进村道路", "民宿运营培训", "林下经济", "冷库建设"])
    assert road.category.name == "基础设施建设" and road.urgency == "high" and road.status == "submitted"
    assert road.wanted_by == date(2027, 6, 30) and road.estimated_funds == Decimal("45000.00")
    assert road.contact_phone == "13900001111"
    assert homestay.village.name == "西庄村" and homestay.wanted_by == date(2024, 10, 31)
    assert homestay.estimated_funds == Decimal("455000.00") and homestay.contact_phone == "13800138000"
    assert homestay.detail == "备注：村集体配套"
    assert forest.wanted_by is None and forest.detail == "期望完成时间：长期" and forest.urgency == "low"
    assert forest.estimated_funds == Decimal("50000.00") and forest.contact_phone == "13900002222"
    assert cold.wanted_by == date(2027, 3, 31) and cold.urgency == "normal"
    assert cold.estimated_funds == Decimal("5000.00") and cold.contact_phone == "13900003333"
    assert Submission.objects.get(round=open_round, village__name="西庄村").status == "submitted"


def test_unreadable_values_are_named_by_row_and_column_and_nothing_is_written(open_round, township_a_user, client_for):
    rows = [
        (1, "十渡镇", "西庄村", "产业发展", "修路", None, None, "明年", "很多", None, "12345", None),
        (2, "长沟镇", "西庄村", "产业发展", "修桥", None, None, "2024-02-30", None, None, "13900001111/13900002222"),
    ]
    html = upload(client_for(township_a_user), open_round, township_workbook(rows))
    assert "文件中有 6 处错误，没有导入任何数据" in html
    assert "第 5 行：期望完成时间：“明年”不是有效日期，请按 2026-12-31 的格式填写（H 列）" in html
    assert "第 5 行：预估资金（万元）：“很多”不是金额" in html
    assert "第 5 行：联系电话：“12345”不是有效的电话号码" in html
    assert "第 6 行：乡镇：“长沟镇”不是本次上传的“十渡镇”（B 列）" in html
    assert "第 6 行：期望完成时间：“2024-02-30”不是有效日期" in html
    assert "第 6 行：联系电话：“13900001111/13900002222”含有多个号码" in html
    assert not DemandItem.objects.exists()


def test_a_village_of_another_township_is_refused_by_row_and_column(open_round, township_a_user, client_for):
    rows = [(1, "十渡镇", "黑龙关村", "产业发展", "外乡镇的需求", None, "一般", None, None, None, None, None)]
    html = upload(client_for(township_a_user), open_round, township_workbook(rows))
    assert "第 5 行：村名：“黑龙关村”不是可选的本乡镇的村（社区），请从下拉列表中选择（C 列）" in html
    assert not DemandItem.objects.exists()


def test_a_corrected_mapping_is_remembered_for_the_townships_next_upload(
    open_round, township_a_user, township_b_user, client_for
):
    header = ["序号", "村名", "需求类别", "诉求", "详细情况"]
    rows = [(1, "西庄村", "产业发展", "冷库建设", "容量200吨")]
    client = client_for(township_a_user)
    html = upload(client, open_round, township_workbook(rows, header=header, footer=False))
    assert "需求清单：表头缺少以下列：需求名称" in html
    assert "未识别，未导入" in html

    # D is 诉求 (the title), E is 详细情况 (the detail): chosen in the preview's selects.
    choice = {"action": "remap", "map-demands-0": "", "map-demands-1": "村（社区）", "map-demands-2": "需求类别"}
    choice.update({"map-demands-3": "需求名称", "map-demands-4": "具体内容"})
    response = client.post(f"/demands/rounds/{open_round.pk}/upload/", choice)
    assert "预览通过" in response.content.decode()
    remembered = dict(ColumnMapping.objects.filter(township__name="十渡镇").values_list("header", "column"))
    assert remembered == {"诉求": "需求名称", "详细情况": "具体内容"}
    assert confirm(client, open_round).status_code == 302
    item = DemandItem.objects.get()
    assert (item.title, item.detail) == ("冷库建设", "容量200吨")

    # The next upload of the same layout needs no correction; another township's still does.
    DemandItem.objects.all().delete()
    Submission.objects.update(status="draft", submitted_at=None)
    html = upload(client, open_round, township_workbook(rows, header=header, footer=False))
    assert "预览通过" in html and "本乡镇上次的设置" in html
    html = upload(client_for(township_b_user), open_round, township_workbook(rows, header=header, footer=False))
    assert "表头缺少以下列：需求名称" in html


def test_a_mapping_set_back_to_the_synonyms_is_forgotten(open_round, township_a_user, client_for, township_a):
    ColumnMapping.objects.create(township=township_a, kind="demands", header="需求内容", column="")
    client = client_for(township_a_user)
    rows = [(1, "十渡镇", "西庄村", "产业发展", "修路", "两公里", None, None, None, None, None, None)]
    html = upload(client, open_round, township_workbook(rows))
    assert "本乡镇上次的设置" in html
    keys = ["", "乡镇", "村（社区）", "需求类别", "需求名称", "具体内容", "紧急程度", "期望完成时间", "预计资金（元）"]
    keys += ["联系人", "联系电话", "备注"]
    choice = {"action": "remap", **{f"map-demands-{i}": key for i, key in enumerate(keys)}}
    assert "预览通过" in client.post(f"/demands/rounds/{open_round.pk}/upload/", choice).content.decode()
    assert not ColumnMapping.objects.exists()


def test_two_columns_chosen_for_one_field_are_refused(open_round, township_a_user, client_for):
    client = client_for(township_a_user)
    rows = [(1, "十渡镇", "西庄村", "产业发展", "修路", "两公里", None, None, None, None, None, None)]
    upload(client, open_round, township_workbook(rows))
    choice = {"action": "remap", "map-demands-2": "村（社区）", "map-demands-3": "需求类别"}
    choice.update({"map-demands-4": "需求名称", "map-demands-5": "需求名称"})
    html = client.post(f"/demands/rounds/{open_round.pk}/upload/", choice).content.decode()
    assert "“需求名称”对应了 E、F 多列，请只选一列" in html
    assert not DemandItem.objects.exists()


def test_remapping_without_a_pending_upload_says_so(open_round, township_a_user, client_for):
    response = client_for(township_a_user).post(
        f"/demands/rounds/{open_round.pk}/upload/", {"action": "remap", "map-demands-1": "需求名称"}, follow=True
    )
    assert "没有待预览的上传文件" in response.content.decode()


def test_a_workbook_with_only_a_project_list_on_a_sheet_named_otherwise_is_that_list(
    open_round, township_a_user, client_for, secretary
):
    book = Workbook()
    sheet = book.active
    sheet.title = "2024年项目汇总"
    sheet.append(["十渡镇“项目清单”"])
    sheet.append(["序号", "村名", "项目名称", "项目状态", "总投资（万元）", "到位资金", "完成进度", "开工时间", "成效"])
    sheet.append([1, "六渡村", "民宿提升", "在建", 12, "30000", "40%", "2024/5/1", ""])
    sheet.append(["填表人：王五"])
    buffer = io.BytesIO()
    book.save(buffer)
    client = client_for(township_a_user)
    html = upload(client, open_round, buffer.getvalue())
    assert "工作表“2024年项目汇总”按项目清单读取，表头在第 2 行" in html and "预览通过" in html
    assert confirm(client, open_round).status_code == 302
    project = ProjectItem.objects.get()
    assert (project.title, project.status, project.progress) == ("民宿提升", "ongoing", 40)
    assert project.budget == Decimal("120000.00") and project.funds_secured == Decimal("30000.00")
    assert project.start_date == date(2024, 5, 1) and project.lead_secretary == secretary


def test_header_synonyms_are_data(open_round, township_a_user, client_for):
    header = [*HEADER[:4], "群众诉求", *HEADER[5:]]
    rows = [(1, "十渡镇", "西庄村", "产业发展", "修路", None, None, None, None, None, None, None)]
    client = client_for(township_a_user)
    assert "表头缺少以下列：需求名称" in upload(client, open_round, township_workbook(rows, header=header))
    HeaderSynonym.objects.create(kind="demands", column="需求名称", text="群众诉求")
    assert "预览通过" in upload(client, open_round, township_workbook(rows, header=header))


def test_a_sheet_that_holds_no_list_is_named_as_ignored(open_round, township_a_user, client_for):
    book = Workbook()
    book.active.title = "需求"
    for row in [HEADER, (1, "十渡镇", "西庄村", "产业发展", "修路")]:
        book.active.append(list(row))
    book.create_sheet("说明").append(["本表由村两委填写"])
    buffer = io.BytesIO()
    book.save(buffer)
    html = upload(client_for(township_a_user), open_round, buffer.getvalue())
    assert "预览通过" in html and "未识别为任何清单、未导入的工作表：说明" in html


def test_a_header_in_two_rows_with_merged_group_cells_is_imported(open_round, township_a_user, client_for):
    book = Workbook()
    sheet = book.active
    sheet.append(["十渡镇“需求清单”（2024年9—10月）"])
    sheet.append(["序号", "村名", "需求类别", "需求名称", "资金", None, "联系人", None])
    sheet.append([None, None, None, None, "预估资金（万元）", "资金来源", "姓名", "电话"])
    for first, last in (("A2", "A3"), ("B2", "B3"), ("C2", "C3"), ("D2", "D3"), ("E2", "F2"), ("G2", "H2")):
        sheet.merge_cells(f"{first}:{last}")
    sheet.append([1, "西庄村", "产业发展", "冷库建设", 4.5, "自筹", "张三", "139 0000 1111"])
    buffer = io.BytesIO()
    book.save(buffer)
    client = client_for(township_a_user)
    html = upload(client, open_round, buffer.getvalue())
    assert "预览通过" in html
    assert "第 3 行（表头第二行（已与上一行合并））" in html
    assert confirm(client, open_round).status_code == 302
    item = DemandItem.objects.get(round=open_round)
    assert (item.title, item.estimated_funds, item.contact_name, item.contact_phone) == (
        "冷库建设",
        Decimal("45000.00"),
        "张三",
        "13900001111",
    )
