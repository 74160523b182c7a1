"""The round export (导出汇总): a township's file lists its missing villages with the secretary to
call, phones follow the visibility rule, and every sheet of every .xlsx the product sends has a
frozen, filterable header row (core/excel.py). Real files, read back with openpyxl."""

import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from core.masking import mask_phone
from demands.models import DemandItem, Submission
from demands.services.rounds import ensure_submissions
from tests.demands.factories import CollectionRoundFactory, DemandCategoryFactory
from tests.factories import VillageFactory

pytestmark = pytest.mark.django_db

LISTS = ["完成情况", "需求清单", "资源清单", "项目清单"]


@pytest.fixture
def round_with_gaps(district, village_a, village_a2, village_b, secretary, secretary_b):
    """Township A: 六渡村 (the secretary's) still a draft, 西庄村 submitted with one item, 七渡村
    returned with a reason, 新村 created after the round opened (no list at all). Township B: 黑龙关村 draft."""
    collection_round = CollectionRoundFactory(district=district)
    ensure_submissions(collection_round)
    returned = VillageFactory(township=village_a.township, name="七渡村")
    Submission.objects.create(
        round=collection_round, village=returned, status=Submission.Status.RETURNED, return_reason="缺少联系人"
    )
    VillageFactory(township=village_a.township, name="新村")
    Submission.objects.filter(round=collection_round, village=village_a2).update(status=Submission.Status.SUBMITTED)
    DemandItem.objects.create(
        round=collection_round,
        village=village_a2,
        category=DemandCategoryFactory(name="产业发展"),
        title="冷库",
        status="submitted",
        contact_name="刘会计",
        contact_phone="13912340000",
    )
    return collection_round


def workbook(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_a_township_export_lists_its_missing_villages_with_the_secretary_to_call(
    round_with_gaps, client_for, township_a_user, secretary
):
    book = workbook(client_for(township_a_user).get(f"/demands/rounds/{round_with_gaps.pk}/export.xlsx"))
    assert book.sheetnames == ["完成情况", "未报送的村", "需求清单", "资源清单", "项目清单"]
    header, *body = rows(book["未报送的村"])
    assert header == ["乡镇", "村（社区）", "第一书记", "第一书记电话", "报送截止日期", "状态"]
    deadline = datetime.combine(round_with_gaps.deadline, datetime.min.time())
    assert body == [
        ["十渡镇", "七渡村", "无（由乡镇代报）", None, deadline, "已退回：缺少联系人"],
        ["十渡镇", "六渡村", secretary.name, secretary.phone, deadline, "草稿"],
        ["十渡镇", "新村", "无（由乡镇代报）", None, deadline, "未填报"],
    ]
    demands = rows(book["需求清单"])
    assert demands[1][demands[0].index("联系电话")] == "13912340000"  # their own village's contact


def test_the_department_gets_the_sheet_when_it_chooses_a_township(
    round_with_gaps, client_for, org_user, township_b, secretary_b
):
    client = client_for(org_user)
    whole = workbook(client.get(f"/demands/rounds/{round_with_gaps.pk}/export.xlsx"))
    assert whole.sheetnames == LISTS
    one = workbook(client.get(f"/demands/rounds/{round_with_gaps.pk}/export.xlsx?township={township_b.pk}"))
    assert "未报送的村" in one.sheetnames
    assert rows(one["未报送的村"])[1][:4] == ["佛子庄乡", "黑龙关村", secretary_b.name, secretary_b.phone]


def test_another_townships_export_holds_neither_the_contact_nor_the_village(
    round_with_gaps, client_for, township_b_user
):
    book = workbook(client_for(township_b_user).get(f"/demands/rounds/{round_with_gaps.pk}/export.xlsx"))
    text = [cell for sheet in book.worksheets for row in rows(sheet) for cell in row]
    assert "13912340000" not in text and mask_phone("13912340000") not in text  # not in their scope at all
    assert [r[1] for r in rows(book["未报送的村"])[1:]] == ["黑龙关村"]


def test_a_station_manager_never_exports_a_round(round_with_gaps, client_for, station_manager_user):
    response = client_for(station_manager_user).get(f"/demands/rounds/{round_with_gaps.pk}/export.xlsx")
    assert response.status_code == 403


def assert_every_sheet_has_a_frozen_filterable_header(book):
    for sheet in book.worksheets:
        if sheet.sheet_state == "hidden":
            continue
        assert sheet.freeze_panes == "A2", sheet.title
        width = len([cell for cell in next(sheet.iter_rows(max_row=1, values_only=True)) if cell is not None])
        last_column = sheet.cell(row=1, column=width).column_letter
        assert sheet.auto_filter.ref == f"A1:{last_column}{max(sheet.max_row, 1)}", sheet.title


def test_every_export_has_frozen_filterable_headers(round_with_gaps, client_for, org_user, township_a_user):
    org = client_for(org_user)
    urls = [
        f"/demands/rounds/{round_with_gaps.pk}/export.xlsx",
        f"/demands/rounds/{round_with_gaps.pk}/export.xlsx?township={township_a_user.staff_profile.township_id}",
        "/secretaries/export.xlsx",
        "/secretaries/villages/export.xlsx",
        "/secretaries/units/export.xlsx",
        "/demands/cobuild/export.xlsx",
        "/demands/supervision/export.xlsx",
        "/teams/activities/export.xlsx",
        "/teams/evaluation/export.xlsx",
        f"/dashboard/reports/round/{round_with_gaps.pk}/report.xlsx",
        "/dashboard/reports/monthly/report.xlsx",
    ]
    for url in urls:
        assert_every_sheet_has_a_frozen_filterable_header(workbook(org.get(url)))
    township = client_for(township_a_user).get(f"/demands/rounds/{round_with_gaps.pk}/export.xlsx")
    book = workbook(township)
    assert book["未报送的村"].auto_filter.ref == "A1:F4"
    assert_every_sheet_has_a_frozen_filterable_header(book)
