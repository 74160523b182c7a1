"""Importing secretaries from .xlsx: preview, every bad row reported in Chinese, all or nothing."""

import io
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from secretaries.models import Secretary
from tests.xlsx import xlsx_upload

HEADERS = [
    "姓名",
    "性别",
    "出生日期",
    "手机号码",
    "身份证号",
    "派出单位",
    "批次",
    "乡镇",
    "派驻村",
    "个人特长",
    "任期开始",
    "任期结束",
]


def good_rows(village_a, village_a2):
    return [
        ["  张 三 ", "男", "1988-05-02", "13912345678", "", "北京市农业农村局", "第七批", "十渡镇", village_a.name, "农业技术", "2024-06-01", "2026-12-31"],
        ["李四", "女", "1990/01/15", 13812345678, "", "北京市农业农村局", "第七批", "十渡镇", village_a2.name, "农业技术、法律", "2024-06-01", "2026-12-31"],
    ]  # fmt: skip


@pytest.fixture
def ready(org_user, village_a, village_a2, batch, unit, expertise_agri, expertise_law):
    return org_user


def upload(client, rows, headers=HEADERS, kind="secretaries"):
    return client.post(f"/secretaries/import/{kind}/", {"file": xlsx_upload(headers, rows)})


@pytest.mark.django_db
def test_a_good_file_previews_writes_nothing_then_imports_on_confirm(client_for, ready, village_a, village_a2):
    client = client_for(ready)
    response = upload(client, good_rows(village_a, village_a2))
    assert response.status_code == 200
    assert "检查通过" in response.content.decode()
    assert Secretary.objects.count() == 0  # the preview is a dry run

    token = response.context["token"]
    response = client.post("/secretaries/import/secretaries/confirm/", {"token": token})
    assert response.status_code == 302
    imported = Secretary.objects.order_by("name")
    assert [s.name for s in imported] == ["张 三", "李四"]  # names trimmed; inner space kept once
    li = Secretary.objects.get(name="李四")
    assert li.phone == "13812345678" and li.gender == "F" and li.status == "on_post"
    assert sorted(li.expertise.values_list("name", flat=True)) == ["农业技术", "法律"]


@pytest.mark.django_db
def test_one_bad_row_reports_every_error_with_its_row_number_and_writes_nothing(
    client_for, ready, village_a, village_a2
):
    rows = good_rows(village_a, village_a2)
    rows.append(
        [
            "王五",
            "男",
            "1985-01-01",
            "12345",
            "",
            "北京市农业农村局",
            "第七批",
            "十渡镇",
            "不存在村",
            "",
            "2024-06-01",
            "2026-12-31",
        ]
    )
    rows.append(
        [
            "赵六",
            "男",
            "1985-01-01",
            "13700001111",
            "",
            "不存在单位",
            "第七批",
            "火星镇",
            "某村",
            "",
            "2024-06-01",
            "2023-01-01",
        ]
    )
    response = upload(client_for(ready), rows)
    body = response.content.decode()
    assert "未导入任何数据" in body
    messages = [f"{e.row}:{e.message}" for e in response.context["outcome"].errors]
    assert any(m.startswith("4:") and "不存在村" in m for m in messages)
    assert any(m.startswith("4:") and "手机号码" in m for m in messages)
    assert any(m.startswith("5:") and "不存在单位" in m for m in messages)
    assert any(m.startswith("5:") and "火星镇" in m for m in messages)
    assert "token" not in response.context
    assert Secretary.objects.count() == 0


@pytest.mark.django_db
def test_a_second_secretary_on_post_for_the_same_village_and_batch_is_refused(
    client_for, ready, secretary, village_a, village_a2
):
    rows = [
        [
            "新书记",
            "男",
            "1988-05-02",
            "13912345678",
            "",
            "北京市农业农村局",
            "第七批",
            "十渡镇",
            village_a.name,
            "",
            "2024-06-01",
            "2026-12-31",
        ]
    ]
    response = upload(client_for(ready), rows)
    messages = [e.message for e in response.context["outcome"].errors]
    assert any("该村在本批次已有在岗第一书记" in m for m in messages)
    assert Secretary.objects.count() == 1


@pytest.mark.django_db
def test_a_bad_id_number_check_digit_is_reported(client_for, ready, village_a, village_a2):
    rows = good_rows(village_a, village_a2)[:1]
    rows[0][4] = "110111198805020011"  # wrong check digit
    response = upload(client_for(ready), rows)
    assert any("校验位" in e.message for e in response.context["outcome"].errors)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make_file, message",
    [
        (lambda: xlsx_upload(["姓名", "电话"], [["张三", "13912345678"]]), "表头缺少以下列"),
        (lambda: xlsx_upload([], []), "没有内容"),
        (lambda: xlsx_upload(HEADERS, []), "没有数据行"),
        (lambda: SimpleUploadedFile("data.xlsx", b"this is plain text, not a spreadsheet"), "不是有效的 Excel"),
        (lambda: SimpleUploadedFile("data.xlsx", os.urandom(10 * 1024 * 1024)), "文件太大"),
        (lambda: SimpleUploadedFile("data.csv", b"a,b\n1,2\n"), ".xlsx"),
        (lambda: SimpleUploadedFile("data.xlsx", b""), "文件是空的"),
    ],
    ids=["wrong-headers", "empty-workbook", "headers-only", "text-renamed", "10MB-random", "csv", "zero-bytes"],
)
def test_a_bad_file_gets_a_clear_chinese_error_and_nothing_is_written(client_for, ready, make_file, message):
    response = client_for(ready).post("/secretaries/import/secretaries/", {"file": make_file()})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Secretary.objects.count() == 0


@pytest.mark.django_db
def test_a_word_document_renamed_xlsx_is_refused(client_for, ready):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    fake = SimpleUploadedFile("报告.xlsx", buffer.getvalue())
    response = client_for(ready).post("/secretaries/import/secretaries/", {"file": fake})
    assert "不是有效的 Excel" in response.content.decode()


@pytest.mark.django_db
def test_confirm_without_a_previewed_upload_writes_nothing(client_for, ready):
    response = client_for(ready).post("/secretaries/import/secretaries/confirm/", {"token": "forged"}, follow=True)
    assert "已过期" in response.content.decode()
    assert Secretary.objects.count() == 0


@pytest.mark.django_db
def test_villages_and_units_import_too(client_for, ready, township_a):
    client = client_for(ready)
    response = upload(
        client,
        [["十渡镇", "新建村", "行政村", 900, 300, ""]],
        headers=["乡镇", "村名", "类型", "户籍人口", "户数", "备注"],
        kind="villages",
    )
    assert response.context["outcome"].ok, response.context["outcome"].errors
    client.post("/secretaries/import/villages/confirm/", {"token": response.context["token"]})
    assert township_a.villages.filter(name="新建村", population=900).exists()

    response = upload(
        client,
        [["房山区水务局", "区", "机关"], ["某大学", "省", "高校"]],
        headers=["单位名称", "层级", "性质"],
        kind="units",
    )
    assert response.context["outcome"].ok
    response = upload(client, [["某单位", "乡", "机关"]], headers=["单位名称", "层级", "性质"], kind="units")
    assert any("不是有效的层级" in e.message for e in response.context["outcome"].errors)
