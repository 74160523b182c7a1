"""A people import's confirm writes the preview's checked plan (issue 13, point 5): kept beside the
stored file, written after a set-wise check that nothing it relied on changed, refused (nothing
written) when something did. Excel error cells are a row's error in both readers; an import's
audit entry reads the same whether the page or a background job confirmed it."""

import io
import os
import re
import time
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

import core.importing
import secretaries.imports
from audit.models import AuditEntry
from core.importing import ExcelError, ImportFileError, XlsxBook, open_xlsx, read_xlsx
from core.plans import STALE_MESSAGE
from secretaries.imports import people_import
from secretaries.models import Secretary, Village
from tests.factories import SecretaryFactory

pytestmark = pytest.mark.django_db

SECRETARY_HEADERS = ["姓名", "性别", "出生日期", "手机号码", "派出单位", "批次", "乡镇", "派驻村", "个人特长", "任期开始",
                     "任期结束"]  # fmt: skip
VILLAGE_HEADERS = ["乡镇", "村名", "类型", "户籍人口", "户数"]


def workbook(headers, rows, name="名册.xlsx"):
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def import_dir(settings, tmp_path):
    settings.IMPORT_DIR = tmp_path / "imports"
    return settings.IMPORT_DIR


def secretary_row(name, village, unit, batch, phone="13911112222", born="1988-05-06"):
    return [name, "女", born, phone, unit.name, batch.name, "十渡镇", village.name, "农业技术、法律",
            "2024-06-01", "2026-12-31"]  # fmt: skip


def test_the_confirm_writes_the_previews_plan_without_reading_the_file_again(
    import_dir, client_for, org_user, secretary, village_a, village_a2, unit, batch, expertise_law, monkeypatch
):
    client = client_for(org_user)
    rows = [
        secretary_row("李秀英", village_a2, unit, batch),
        secretary_row(secretary.name, village_a, unit, batch, "13700001111", f"{secretary.birth_date}"),  # an update
    ]
    response = client.post("/secretaries/import/secretaries/", {"file": workbook(SECRETARY_HEADERS, rows)})
    token = response.context["token"]
    assert (import_dir / f"{token}.plan.json").exists()

    def read_again(*args, **kwargs):
        raise AssertionError("the confirm read the file again")

    monkeypatch.setattr(secretaries.imports, "read_sheet", read_again)
    response = client.post("/secretaries/import/secretaries/confirm/", {"token": token}, follow=True)
    assert "导入成功：新增 1 条，更新 1 条。" in response.content.decode()

    added = Secretary.objects.get(name="李秀英")
    assert (added.village, added.gender, added.birth_date, added.phone, added.dispatch_unit, added.batch) == (
        village_a2, "F", date(1988, 5, 6), "13911112222", unit, batch
    )  # fmt: skip
    assert sorted(added.expertise.values_list("name", flat=True)) == ["农业技术", "法律"]
    assert [(h.history_type, h.history_user, h.history_change_reason) for h in added.history.all()] == [
        ("+", org_user, "Excel 导入")
    ]
    secretary.refresh_from_db()
    assert secretary.phone == "13700001111" and secretary.user is not None  # the fields the file has not: kept
    latest = secretary.history.first()
    assert (latest.history_type, latest.phone, latest.history_user) == ("~", "13700001111", org_user)
    assert not any(import_dir.iterdir())  # the file and its plan are gone


def test_the_villages_a_file_names_again_are_updated_with_their_history(import_dir, client_for, org_user, village_a):
    client = client_for(org_user)
    rows = [["十渡镇", village_a.name, "社区", 1234, 456]]
    token = client.post("/secretaries/import/villages/", {"file": workbook(VILLAGE_HEADERS, rows)}).context["token"]
    response = client.post("/secretaries/import/villages/confirm/", {"token": token}, follow=True)
    assert "导入成功：新增 0 条，更新 1 条。" in response.content.decode()
    village_a.refresh_from_db()
    assert (village_a.kind, village_a.population, village_a.households) == ("社区", 1234, 456)
    latest = village_a.history.first()
    assert (latest.history_type, latest.population, latest.history_user) == ("~", 1234, org_user)


def test_a_village_edited_since_the_preview_refuses_the_confirm_and_writes_nothing(
    import_dir, client_for, org_user, village_a
):
    client = client_for(org_user)
    rows = [["十渡镇", village_a.name, "村", 1200, 400], ["十渡镇", "新建村", "村", 300, 100]]
    token = client.post("/secretaries/import/villages/", {"file": workbook(VILLAGE_HEADERS, rows)}).context["token"]
    Village.objects.filter(pk=village_a.pk).update(notes="他人刚改过")  # someone else, meanwhile
    response = client.post("/secretaries/import/villages/confirm/", {"token": token})
    assert STALE_MESSAGE in response.content.decode()
    village_a.refresh_from_db()
    assert village_a.population != 1200 and not Village.objects.filter(name="新建村").exists()
    assert AuditEntry.objects.get(action="import").result == "failure"


def test_a_secretary_added_since_the_preview_under_a_name_to_create_refuses_the_confirm(
    import_dir, client_for, org_user, village_a2, unit, batch, expertise_agri, expertise_law
):
    client = client_for(org_user)
    rows = [secretary_row("李秀英", village_a2, unit, batch)]
    token = client.post("/secretaries/import/secretaries/", {"file": workbook(SECRETARY_HEADERS, rows)}).context[
        "token"
    ]
    SecretaryFactory(name="李秀英", village=village_a2, batch=batch, status=Secretary.Status.RECALLED)
    response = client.post("/secretaries/import/secretaries/confirm/", {"token": token})
    assert STALE_MESSAGE in response.content.decode()
    assert Secretary.objects.filter(name="李秀英").count() == 1


def test_a_confirm_without_a_kept_plan_checks_the_file_as_before(org_user, township_a, import_dir):
    upload = workbook(VILLAGE_HEADERS, [["十渡镇", "新建村", "村", 300, 100]])
    token = core.importing.preview_store(upload)  # stored, but never previewed with its token
    outcome = people_import("villages", upload, org_user, confirm=True, token=token)
    assert outcome.ok and Village.objects.filter(name="新建村", township=township_a).exists()


def test_a_plan_goes_with_its_preview(import_dir, org_user, township_a):
    upload = workbook(VILLAGE_HEADERS, [["十渡镇", "新建村", "村", 300, 100]])
    token = core.importing.preview_store(upload)
    assert people_import("villages", upload, org_user, confirm=False, token=token).ok
    assert core.importing.plan_load(token)["owner"]["kind"] == "villages"
    core.importing.preview_discard(token)
    assert not any(import_dir.iterdir()) and core.importing.plan_load(token) is None


# Excel error cells -------------------------------------------------------------------------------


def with_errors():
    """Villages whose 户籍人口 of the second row is a formula gone wrong (#N/A) and the third's #REF!."""
    book = Workbook()
    sheet = book.active
    sheet.append(VILLAGE_HEADERS)
    sheet.append(["十渡镇", "一村", "村", 300, 100])
    sheet.append(["十渡镇", "二村", "村", "#N/A", 100])
    sheet.append(["十渡镇", "三村", "村", 300, "#REF!"])
    sheet.append(["十渡镇", "四村", "村", "#DIV/0!", "#VALUE!"])
    buffer = io.BytesIO()
    book.save(buffer)
    content = buffer.getvalue()
    assert b'<c r="D3" t="e"><v>#N/A</v></c>' in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    return content


def without_addresses(content):
    """The same workbook with its cells unaddressed: only openpyxl reads such a sheet."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<c r="[A-Z]+\d+"', b"<c", data)
            target.writestr(info.filename, data)
    return buffer.getvalue()


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_an_excel_error_cell_is_the_rows_error_in_both_readers(reader, org_user, township_a):
    content = with_errors() if reader == "calamine" else without_addresses(with_errors())
    with open_xlsx(SimpleUploadedFile("v.xlsx", content)) as book:
        assert (type(book) is XlsxBook) == (reader == "openpyxl")
        rows = book.rows()
    assert rows[2] == (3, ["十渡镇", "二村", "村", ExcelError("#N/A"), 100])
    assert rows[4][1][3:] == [ExcelError("#DIV/0!"), ExcelError("#VALUE!")]

    outcome = people_import("villages", SimpleUploadedFile("v.xlsx", content), org_user, confirm=False)
    assert [(e.row, e.message) for e in outcome.errors] == [
        (3, "户籍人口：单元格为 Excel 错误值 #N/A，请改正公式或填写数值（D 列）"),
        (4, "户数：单元格为 Excel 错误值 #REF!，请改正公式或填写数值（E 列）"),
        (5, "户籍人口：单元格为 Excel 错误值 #DIV/0!，请改正公式或填写数值（D 列）"),
        (5, "户数：单元格为 Excel 错误值 #VALUE!，请改正公式或填写数值（E 列）"),
    ]
    assert not people_import("villages", SimpleUploadedFile("v.xlsx", content), org_user, confirm=True).ok
    assert not Village.objects.filter(name__in=["一村", "二村"]).exists()


def test_an_excel_error_cell_in_a_plain_dataset_refuses_the_file_naming_row_and_column():
    with pytest.raises(ImportFileError, match="第3行 D 列（户籍人口）：单元格为 Excel 错误值 #N/A"):
        read_xlsx(SimpleUploadedFile("v.xlsx", with_errors()), required_headers=VILLAGE_HEADERS)


def test_an_expired_plan_is_deleted_with_its_preview(import_dir, org_user, township_a):
    upload = workbook(VILLAGE_HEADERS, [["十渡镇", "新建村", "村", 300, 100]])
    token = core.importing.preview_store(upload)
    people_import("villages", upload, org_user, confirm=False, token=token)
    old = time.time() - 121 * 60
    for path in import_dir.iterdir():
        os.utime(path, (old, old))
    assert core.importing.plan_load(token) is None  # too old to confirm
    assert core.importing.preview_delete_expired() == 1 and not any(import_dir.iterdir())


def test_an_excel_error_cell_on_the_page_names_its_row(client_for, org_user, township_a, import_dir):
    response = client_for(org_user).post(
        "/secretaries/import/villages/", {"file": SimpleUploadedFile("v.xlsx", with_errors())}
    )
    assert "第 3 行：户籍人口：单元格为 Excel 错误值 #N/A" in response.content.decode()


# The audit entry: one wording, page or background ------------------------------------------------


def test_an_imports_audit_entry_reads_the_same_from_the_page_and_from_a_background_job(
    client_for, org_user, township_a, import_dir, settings, django_capture_on_commit_callbacks
):
    client = client_for(org_user)
    rows = [["十渡镇", f"新村{n}", "村", 300, 100] for n in range(3)]
    token = client.post("/secretaries/import/villages/", {"file": workbook(VILLAGE_HEADERS, rows)}).context["token"]
    client.post("/secretaries/import/villages/confirm/", {"token": token})

    settings.IMPORT_ASYNC_ROWS = 2  # the same workbook's rows again, now through a background job
    rows = [["十渡镇", f"后台村{n}", "村", 300, 100] for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        job = client.post("/secretaries/import/villages/", {"file": workbook(VILLAGE_HEADERS, rows)}).context["job"]
    client.get(f"/secretaries/import/villages/jobs/{job.pk}/")  # the preview's page keeps its token
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/secretaries/import/villages/confirm/", {"token": job.token})

    page, background = AuditEntry.objects.filter(action="import").order_by("pk")
    assert page.detail == background.detail == "名册.xlsx：村（社区）：新增 3 条，更新 0 条"
    assert (page.result, background.result) == ("success", "success")
    assert background.extra["background"] and background.extra["file"] == "名册.xlsx"
    assert Village.objects.filter(name__startswith="后台村").count() == 3
