"""Issue 13, points 6-8: Excel in and out that cannot attack the server or the reader.

Reading: row, column, declared-dimension and expansion limits refused before openpyxl parses the
file; the round upload opens the file once; previews live outside MEDIA_ROOT and expire.
Scoped lookups: another district's names are 不存在 to an import. Writing: formula-like text is
stored as text in the people exports, the admin export and the shared writer itself."""

import io
import os
import re
import time
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from openpyxl import Workbook, load_workbook

import core.importing
from core.excel import append_row, write_only_sheet
from core.importing import (
    ImportFileError,
    XlsxBook,
    excel_row,
    preview_delete_expired,
    preview_open,
    preview_store,
    read_xlsx,
)
from secretaries.models import DispatchUnit, Secretary, StaffProfile, Village
from secretaries.resources import SecretaryResource
from secretaries.tasks import delete_expired_import_previews
from tests.factories import DistrictFactory, TownshipFactory, UserFactory, VillageFactory
from tests.xlsx import FORMULA_TITLE, assert_stored_as_text, xlsx_bytes, xlsx_upload

pytestmark = pytest.mark.django_db


def upload_of(content, name="data.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def rewrite_sheet(content, change):
    """The workbook `content` with its first sheet's XML passed through `change` (bytes -> bytes)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(info.filename, data)
    return buffer.getvalue()


def without_dimension(data):
    return re.sub(rb"<dimension [^>]*/>", b"", data)


@pytest.fixture
def never_parsed(monkeypatch):
    """Fails the test if either reader (calamine, openpyxl) is asked to parse the file: the
    refusal must come first."""

    def refuse(*args, **kwargs):
        raise AssertionError("a file that should have been refused before parsing was parsed")

    monkeypatch.setattr(core.importing, "load_workbook", refuse)
    monkeypatch.setattr(core.importing.CalamineWorkbook, "from_filelike", refuse)


# Reading -------------------------------------------------------------------------------------


def test_a_tiny_file_declaring_a_huge_dimension_is_refused_before_parsing(never_parsed):
    content = rewrite_sheet(
        xlsx_bytes(["姓名"], [["张三"]]),
        lambda d: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD20000"', d),
    )
    assert len(content) < 10_000
    with pytest.raises(ImportFileError, match="16384 列.*上限 60 列"):
        read_xlsx(upload_of(content), required_headers=["姓名"])


def test_a_file_with_ten_thousand_columns_is_refused_before_parsing(never_parsed):
    content = xlsx_bytes([f"列{i}" for i in range(10_000)], [])
    with pytest.raises(ImportFileError, match="10000 列.*上限 60 列"):
        read_xlsx(upload_of(content), required_headers=[])


def test_ten_thousand_columns_without_a_declared_dimension_are_refused_while_reading():
    content = rewrite_sheet(xlsx_bytes([f"列{i}" for i in range(10_000)], [[1]]), without_dimension)
    with pytest.raises(ImportFileError, match="列数超过上限 60 列"):
        read_xlsx(upload_of(content), required_headers=[])


def test_rows_past_the_limit_are_refused_declared_or_not(settings, never_parsed):
    settings.IMPORT_MAX_ROWS = 100
    content = xlsx_bytes(["姓名"], [[f"人{i}"] for i in range(101)])
    with pytest.raises(ImportFileError, match="102 行.*上限 100 行"):
        read_xlsx(upload_of(content), required_headers=["姓名"])


def test_rows_past_the_limit_without_a_declared_dimension_stop_the_read(settings):
    settings.IMPORT_MAX_ROWS = 100
    content = rewrite_sheet(xlsx_bytes(["姓名"], [[f"人{i}"] for i in range(500)]), without_dimension)
    with pytest.raises(ImportFileError, match="上限 100 行"):
        read_xlsx(upload_of(content), required_headers=["姓名"])
    exactly = xlsx_bytes(["姓名"], [[f"人{i}"] for i in range(100)])
    assert len(read_xlsx(upload_of(exactly), required_headers=["姓名"])) == 100


def bomb(member_bytes):
    """A zip that looks like a workbook whose sheet expands to `member_bytes` of spaces."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * member_bytes)
    return buffer.getvalue()


def test_a_zip_expanding_past_the_uncompressed_limit_is_refused_before_parsing(settings, never_parsed):
    settings.IMPORT_MAX_UNCOMPRESSED_MB = 1
    content = bomb(3 * 1024 * 1024)
    assert len(content) < 20_000  # small on disk: the point is it is refused unexpanded
    with pytest.raises(ImportFileError, match="解压后.*上限为 1 MB"):
        read_xlsx(upload_of(content), required_headers=[])


def test_a_member_compressed_beyond_reason_is_refused_before_parsing(never_parsed):
    content = bomb(8 * 1024 * 1024)  # within the 50 MB limit, but ~1000 to 1
    with pytest.raises(ImportFileError, match="压缩比异常（超过 100 倍）"):
        read_xlsx(upload_of(content), required_headers=[])


def test_an_ordinary_workbook_passes_the_checks():
    content = xlsx_bytes(["姓名", "出生日期"], [["张三", date(1990, 1, 2)], ["李四", None]])
    dataset = read_xlsx(upload_of(content), required_headers=["姓名"], optional_headers=["出生日期"])
    assert dataset.headers == ["姓名", "出生日期"] and dataset[1] == ("李四", None)


def test_the_round_upload_parses_the_file_once(monkeypatch, district, township_a, township_a_user):
    from demands.excel import SHEETS, read_upload
    from demands.sheets import list_specs

    calls = []
    real = core.importing._parse
    monkeypatch.setattr(core.importing, "_parse", lambda *a, **k: calls.append(1) or real(*a, **k))
    book = Workbook()
    for _key, title, headers in SHEETS:
        book.create_sheet(title).append(headers)
    book["项目清单"].append(["修路", "六渡村", "在建"])
    buffer = io.BytesIO()
    book.save(buffer)
    read = read_upload(upload_of(buffer.getvalue()), list_specs(township_a, township_a_user), today=date(2026, 11, 1))
    assert "projects" in read.sheets and "demands" not in read.sheets
    assert len(calls) == 1


# Previews --------------------------------------------------------------------------------------


@pytest.fixture
def import_dir(settings, tmp_path):
    settings.IMPORT_DIR = tmp_path / "imports"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.IMPORT_DIR


def test_a_secretary_import_preview_waits_outside_media_root(import_dir, client_for, org_user, township_a):
    response = client_for(org_user).post(
        "/secretaries/import/villages/", {"file": xlsx_upload(["乡镇", "村名", "类型"], [["十渡镇", "新村", "村"]])}
    )
    token = response.context["token"]
    # the file, and beside it the preview's checked plan for the confirm (core/plans.py)
    assert sorted(p.name for p in import_dir.iterdir()) == [f"{token}.plan.json", f"{token}.xlsx"]
    assert not django_settings.MEDIA_ROOT.exists() or not any(django_settings.MEDIA_ROOT.rglob("*.xlsx"))


def age(path, minutes):
    old = time.time() - minutes * 60
    os.utime(path, (old, old))


def test_the_clean_up_job_deletes_only_expired_previews(import_dir):
    fresh = preview_store(upload_of(b"PK fresh"))
    stale = preview_store(upload_of(b"PK stale"))
    age(import_dir / f"{stale}.xlsx", 121)
    age(import_dir / f"{fresh}.xlsx", 119)
    assert delete_expired_import_previews.delay().get() == 1
    assert sorted(p.stem for p in import_dir.iterdir()) == [fresh]
    assert preview_delete_expired() == 0  # a second run changes nothing
    assert "secretaries.tasks.delete_expired_import_previews" in {
        entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()
    }


def test_an_expired_preview_cannot_be_confirmed(import_dir, client_for, org_user, township_a):
    client = client_for(org_user)
    response = client.post(
        "/secretaries/import/villages/", {"file": xlsx_upload(["乡镇", "村名", "类型"], [["十渡镇", "新村", "村"]])}
    )
    token = response.context["token"]
    age(import_dir / f"{token}.xlsx", 121)
    response = client.post("/secretaries/import/villages/confirm/", {"token": token}, follow=True)
    assert "已失效" in response.content.decode()
    assert not Village.objects.filter(name="新村").exists()
    assert not (import_dir / f"{token}.xlsx").exists()


def test_a_preview_token_is_never_a_path(import_dir):
    assert preview_open("../../etc/passwd") is None and preview_open(None) is None


def test_settings_refuse_an_import_dir_under_media_root():
    from tests.test_settings import run_check

    result = run_check({"DEBUG": "1", "MEDIA_ROOT": "/tmp/fsp-media", "IMPORT_DIR": "/tmp/fsp-media/imports"})
    assert result.returncode != 0 and "IMPORT_DIR" in result.stderr


# Scoped lookups --------------------------------------------------------------------------------

SECRETARY_HEADERS = SecretaryResource.REQUIRED_HEADERS


@pytest.fixture
def other_org_user(db):
    """The org department of a second district, which has its own township and village."""
    other = DistrictFactory(name="门头沟区")
    VillageFactory(township=TownshipFactory(district=other, name="斋堂镇"), name="爨底下村")
    user = UserFactory(username="org_other", first_name="门头沟组织部")
    StaffProfile.objects.create(user=user, role="org", district=other)
    return user


def test_another_districts_org_cannot_update_this_districts_secretary(client_for, other_org_user, secretary, batch):
    before = Secretary.objects.values_list("pk", "name", "phone", "village_id").get(pk=secretary.pk)
    row = ["王建国", "男", f"{secretary.birth_date:%Y-%m-%d}", "13900009999", secretary.dispatch_unit.name, batch.name, "十渡镇", "六渡村",
           "2024-06-01", "2026-12-31"]  # fmt: skip
    response = client_for(other_org_user).post(
        "/secretaries/import/secretaries/", {"file": xlsx_upload(SECRETARY_HEADERS, [row])}
    )
    outcome = response.context["outcome"]
    assert not outcome.ok and "token" not in response.context
    assert [(e.row, e.message) for e in outcome.errors] == [
        (2, "乡镇：“十渡镇”不存在，请先在系统中添加或检查名称（G 列）")
    ]
    assert Secretary.objects.values_list("pk", "name", "phone", "village_id").get(pk=secretary.pk) == before
    assert Secretary.objects.count() == 1


def test_another_districts_org_cannot_add_villages_to_this_districts_township(client_for, other_org_user, township_a):
    response = client_for(other_org_user).post(
        "/secretaries/import/villages/",
        {"file": xlsx_upload(["乡镇", "村名", "类型"], [["十渡镇", "新村", "村"], ["斋堂镇", "新村", "村"]])},
    )
    outcome = response.context["outcome"]
    assert [e.row for e in outcome.errors] == [2] and "“十渡镇”不存在" in outcome.errors[0].message
    assert not Village.objects.filter(name="新村").exists()


def test_the_same_import_works_for_the_districts_own_org(client_for, org_user, secretary, batch):
    row = ["王建国", "男", f"{secretary.birth_date:%Y-%m-%d}", "13900009999", secretary.dispatch_unit.name, batch.name, "十渡镇", "六渡村",
           "2024-06-01", "2026-12-31"]  # fmt: skip
    client = client_for(org_user)
    response = client.post("/secretaries/import/secretaries/", {"file": xlsx_upload(SECRETARY_HEADERS, [row])})
    assert response.context["outcome"].ok
    client.post("/secretaries/import/secretaries/confirm/", {"token": response.context["token"]})
    secretary.refresh_from_db()
    assert secretary.phone == "13900009999" and Secretary.objects.count() == 1


def test_the_admin_import_looks_names_up_in_the_users_district(other_org_user, secretary):
    from django.contrib.admin.sites import site

    from core.importing import import_dataset

    admin = site._registry[Secretary]
    request = type("Request", (), {"user": other_org_user})()
    resource = admin.get_import_resource_classes(request)[0](**admin.get_import_resource_kwargs(request))
    dataset = read_xlsx(
        xlsx_upload(
            SECRETARY_HEADERS,
            [["王建国", "男", "1980-01-01", "13900009999", "x", "x", "十渡镇", "六渡村", "2024-06-01", "2026-12-31"]],
        ),  # fmt: skip
        required_headers=SECRETARY_HEADERS,
    )
    outcome = import_dataset(resource, dataset, dry_run=True)
    assert any("乡镇“十渡镇”不存在" in e.message for e in outcome.errors)


def test_a_round_upload_for_a_township_outside_the_users_scope_is_refused(other_org_user, district, township_a):
    from demands.excel import import_upload
    from tests.demands.factories import CollectionRoundFactory

    collection_round = CollectionRoundFactory(district=district)
    with pytest.raises(ImportFileError, match="十渡镇.*不存在"):
        import_upload(collection_round, township_a, other_org_user, upload_of(b"PK"), confirm=False)


# Writing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [FORMULA_TITLE, "+86 138", "-1+2", "@SUM(A1)", "\tx", "\rx"])
def test_the_shared_writer_stores_formula_like_text_as_text(text):
    for write_only in (True, False):
        book = Workbook(write_only=write_only)
        sheet = book.create_sheet("表")
        append_row(sheet, [text, -5, Decimal("-1.5"), date(2026, 1, 2), "普通文字"])
        buffer = io.BytesIO()
        book.save(buffer)
        stored = text.replace("\r", "\n")  # XML reads a lone carriage return back as a line feed
        assert_stored_as_text(buffer.getvalue(), stored)
        row = list(load_workbook(io.BytesIO(buffer.getvalue()))["表"].iter_rows())[0]
        assert [c.data_type for c in row] == ["s", "n", "n", "d", "s"]
        assert row[0].value == stored and row[1].value == -5 and not row[4].quotePrefix


def test_write_only_sheet_escapes_headers_and_rows():
    book = Workbook(write_only=True)
    write_only_sheet(book, "表", ["=表头"], [[FORMULA_TITLE]])
    buffer = io.BytesIO()
    book.save(buffer)
    assert_stored_as_text(buffer.getvalue())
    assert_stored_as_text(buffer.getvalue(), "=表头")


def test_the_people_exports_store_formula_like_text_as_text(client_for, org_user, secretary, village_a):
    Secretary.objects.filter(pk=secretary.pk).update(name=FORMULA_TITLE)
    Village.objects.filter(pk=village_a.pk).update(notes=FORMULA_TITLE)
    DispatchUnit.objects.filter(pk=secretary.dispatch_unit_id).update(contact_name=FORMULA_TITLE)
    client = client_for(org_user)
    for url in ["/secretaries/export.xlsx", "/secretaries/villages/export.xlsx", "/secretaries/units/export.xlsx"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert assert_stored_as_text(response.content) == 1, url


def test_the_admin_export_stores_formula_like_text_as_text(admin_client, secretary):
    Secretary.objects.filter(pk=secretary.pk).update(name=FORMULA_TITLE)
    fields = ["name", "village", "phone"]
    response = admin_client.post(
        "/admin/secretaries/secretary/export/",
        {"format": "0", "resource": "0", **{f"secretaryresource_{name}": "on" for name in fields}},
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert assert_stored_as_text(response.content) == 1


def test_a_row_error_after_a_blank_row_names_the_row_as_excel_numbers_it():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "手机号码"])
    sheet.append(["张三", "13800000000"])
    sheet.append([None, None])  # a blank line in the middle of the list
    sheet.append(["李四", "bad"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    with XlsxBook(load_workbook(buffer, read_only=True)) as book:
        dataset = book.dataset(required_headers=["姓名", "手机号码"])
    assert len(dataset) == 2
    assert excel_row(dataset, 2) == 4  # the second data row is on Excel row 4, not 3


# The two readers -------------------------------------------------------------------------------


def varied_workbook():
    book = Workbook()
    sheet = book.active
    sheet.title = "清单"
    sheet["B2"] = "“需求清单”（2024年9—10月）"
    sheet.merge_cells("B2:E2")
    sheet.append(["序号", "村名", "期望完成时间", "预估资金（万元）", "联系电话", "完成", "时刻"])
    sheet.append([1, "  西庄村 ", date(2024, 10, 31), 4.5, 13800000000, True, None])
    sheet.append([2.0, "东庄", "2024年11月", "45.5万元", "138 0000 0000", False, "=1+1"])
    sheet["C5"].number_format = "yyyy-mm-dd"
    sheet["C5"] = 45000  # a serial day shown as a date
    sheet.append([])
    sheet.append(["填表人：张三", None, None, None, None, None, None, "审核人"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_calamine_reads_a_workbook_as_openpyxl_does():
    content = varied_workbook()
    with core.importing.open_xlsx(upload_of(content)) as fast:
        assert type(fast) is core.importing.CalamineBook
        fast_rows = fast.rows("清单")
    with XlsxBook(load_workbook(io.BytesIO(content), read_only=True, data_only=True)) as slow:
        assert slow.rows("清单") == fast_rows
    assert fast_rows[2] == (4, [1, "西庄村", datetime(2024, 10, 31), 4.5, 13800000000, True])
    assert fast_rows[-1][0] == 7  # a blank row is skipped, the numbers stay Excel's


def test_a_sheet_whose_cells_carry_no_address_is_read_by_openpyxl(monkeypatch):
    content = rewrite_sheet(varied_workbook(), lambda d: re.sub(rb'<c r="[A-Z]+\d+"', b"<c", d))
    monkeypatch.setattr(core.importing.CalamineWorkbook, "from_filelike", None)  # would fail if called
    with core.importing.open_xlsx(upload_of(content)) as book:
        assert type(book) is XlsxBook
        assert book.rows("清单")[1][1][:2] == ["序号", "村名"]


def test_a_far_away_cell_without_a_declared_dimension_is_refused_before_parsing(never_parsed):
    content = rewrite_sheet(
        xlsx_bytes(["姓名"], [["张三"]]), lambda d: without_dimension(d).replace(b'<c r="A2"', b'<c r="A1048576"')
    )
    with pytest.raises(ImportFileError, match="1048576 行.*上限 50000 行"):
        read_xlsx(upload_of(content), required_headers=["姓名"])


def test_a_cell_past_the_column_limit_goes_to_openpyxl_which_refuses_it_filled(monkeypatch):
    content = rewrite_sheet(
        xlsx_bytes(["姓名", "手机"], [["张三", "1"]]),
        lambda d: without_dimension(d).replace(b'<c r="B2"', b'<c r="BI2"'),
    )
    monkeypatch.setattr(core.importing.CalamineWorkbook, "from_filelike", None)
    with pytest.raises(ImportFileError, match="列数超过上限 60 列"):
        read_xlsx(upload_of(content), required_headers=["姓名"])


def _admin_import(client, content, name="村.xlsx"):
    file = io.BytesIO(content)
    file.name = name
    return client.post("/admin/secretaries/village/import/", {"format": "0", "resource": "0", "import_file": file})


def _error_cell_workbook():
    """A villages workbook whose 户籍人口 is =NA(), saved with its cached error value, as Excel does."""
    content = xlsx_bytes(["乡镇", "村名", "类型", "户籍人口"], [["十渡镇", "西庄村", "村", 1200]])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        members = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = re.sub(rb'<c r="D2"[^>]*>.*?</c>', b'<c r="D2" t="e"><f>NA()</f><v>#N/A</v></c>', members[sheet])
    assert b"#N/A" in members[sheet]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, data in members.items():
            archive.writestr(filename, data)
    return out.getvalue()


def test_the_admin_import_reads_like_every_upload_and_answers_in_chinese(admin_client, township_a):
    ok = _admin_import(
        admin_client, xlsx_bytes(["乡镇", "村名", "类型", "户籍人口"], [["十渡镇", "西庄村", "村", 1200]])
    )
    assert ok.status_code == 200 and "西庄村" in ok.content.decode()  # the dry run's preview
    assert not Village.objects.filter(name="西庄村").exists()

    html = _admin_import(admin_client, _error_cell_workbook()).content.decode()
    assert "第2行 D 列（户籍人口）：单元格为 Excel 错误值 #N/A，请改正后重新上传" in html

    html = _admin_import(admin_client, b"PK\x03\x04 not really a zip").content.decode()
    assert "encountered while trying to read file" not in html
    assert "文件不是有效的 Excel（.xlsx）文件，可能是改了扩展名的其他文件" in html
    assert not Village.objects.filter(name="西庄村").exists()
