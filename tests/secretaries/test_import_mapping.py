"""The department's own workbooks map their columns as the round upload does: header synonyms kept
as data (HeaderSynonym, edited by a superuser in the admin), a preview that shows the mapping with
selects to correct it, and the corrected mapping remembered for the district's next upload of that
kind, never used by another district."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from secretaries.models import ColumnMapping, HeaderSynonym, Secretary, StaffProfile, Village
from secretaries.services import org_login_grant
from tests.factories import DistrictFactory, TownshipFactory, UserFactory, VillageFactory

HEADERS = ["序号", "姓名", "性别", "出生日期", "手机号码", "派出单位", "批次", "乡镇", "驻点村", "任期开始", "任期结束"]
URL = "/secretaries/import/secretaries/"


def workbook(headers=HEADERS, rows=None, village="六渡村"):
    """A real .xlsx as the department keeps it: a title row, the header, rows, a footer."""
    rows = rows or [
        [1, "张三", "男", "1988-05-02", "139 1234 5678", "北京市农业农村局", "第七批", "十渡镇", village,
         "2024-06-01", "2026-12-31"],
    ]  # fmt: skip
    book = Workbook()
    sheet = book.active
    sheet.title = "名册"
    sheet.append(["房山区第一书记名册"])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    sheet.append(["填表人：王五"])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("名册.xlsx", buffer.getvalue())


@pytest.fixture
def ready(org_user, village_a, batch, unit):
    assert village_a.name == "六渡村" and unit.name == "北京市农业农村局"
    return org_user


def selects(response):
    """What the preview's selects post as they stand (name -> selected key)."""
    body = response.content.decode()
    chosen = {}
    for name, options in re.findall(r'<select[^>]*name="(map-[a-z]+-\d+)"[^>]*>(.*?)</select>', body, re.S):
        selected = re.search(r'<option value="([^"]*)" selected>', options)
        chosen[name] = selected.group(1) if selected else ""
    return chosen


def column_index(response, header):
    return next(m.index for m in response.context["outcome"].read.columns if m.header == header)


@pytest.mark.django_db
def test_a_header_synonym_added_in_the_admin_table_imports_a_secretaries_workbook(client_for, ready):
    client = client_for(ready)
    refused = client.post(URL, {"file": workbook()})
    assert "表头缺少以下列：派驻村" in refused.content.decode()  # 驻点村 is no synonym in the code

    HeaderSynonym.objects.create(kind="secretaries", column="派驻村", text="驻点村")
    response = client.post(URL, {"file": workbook()})
    outcome = response.context["outcome"]
    assert outcome.ok, outcome.errors
    assert ("I", "驻点村", "派驻村") in outcome.columns
    client.post(f"{URL}confirm/", {"token": response.context["token"]})
    assert Secretary.objects.get(name="张三").village.name == "六渡村"


@pytest.mark.django_db
def test_the_code_keeps_no_synonym_lists_the_migrated_ones_are_data(client_for, ready):
    from secretaries.imports import SPECS

    assert all(not column.synonyms for spec in SPECS.values() for column in spec.columns)
    assert HeaderSynonym.objects.filter(kind="secretaries", column="派驻村", text="所驻村").exists()
    assert HeaderSynonym.objects.filter(kind="villages", column="村名", text="行政村").exists()
    assert HeaderSynonym.objects.filter(kind="units", column="单位名称", text="选派单位").exists()


@pytest.mark.django_db
def test_an_unknown_column_is_corrected_in_the_preview_and_remembered_for_the_district_only(
    client_for, ready, district, village_a2
):
    client = client_for(ready)
    response = client.post(URL, {"file": workbook()})
    body = response.content.decode()
    assert "表头缺少以下列：派驻村" in body and "按此对应重新预览" in body
    assert "未识别，未导入" in body and "第 1 行（标题行）" in body
    assert "token" not in response.context  # nothing to confirm yet
    index = column_index(response, "驻点村")
    choice = selects(response)
    assert choice[f"map-secretaries-{index}"] == "" and choice["map-secretaries-1"] == "姓名"

    choice[f"map-secretaries-{index}"] = "派驻村"
    response = client.post(URL, {**choice, "action": "remap"})
    outcome = response.context["outcome"]
    assert outcome.ok, outcome.errors
    assert f'name="map-secretaries-{index}"' in response.content.decode()
    assert "第 4 行（表尾（填表人、审核人等））" in response.content.decode()
    mapped = next(m for m in outcome.read.columns if m.index == index)
    assert (mapped.key, mapped.why) == ("派驻村", "手动")
    assert ColumnMapping.objects.get(district=district, township=None, kind="secretaries").column == "派驻村"

    confirm = client.post(f"{URL}confirm/", {"token": response.context["token"]})
    assert confirm.status_code == 302
    assert Secretary.objects.get(name="张三").village.name == "六渡村"

    # The next upload of this district reads 驻点村 as 派驻村 by itself.
    li = [2, "李四", "女", "1990-01-15", "13812345678", "北京市农业农村局", "第七批", "十渡镇", "西庄村", "2024-06-01",
          "2026-12-31"]  # fmt: skip
    again = client.post(URL, {"file": workbook(rows=[li])})
    again_outcome = again.context["outcome"]
    assert again_outcome.ok, again_outcome.errors
    assert next(m for m in again_outcome.read.columns if m.header == "驻点村").why == "本区上次的设置"

    # Another district's department meets the header as unknown: the correction was this district's.
    other = DistrictFactory(name="门头沟区")
    VillageFactory(township=TownshipFactory(district=other, name="十渡镇"), name="六渡村")
    other_org = UserFactory(username="mentougou_org")
    StaffProfile.objects.create(user=other_org, role="org", district=other)
    foreign = client_for(other_org).post(URL, {"file": workbook()})
    assert not foreign.context["outcome"].ok
    assert "表头缺少以下列：派驻村" in foreign.content.decode()


@pytest.mark.django_db
def test_two_columns_to_one_field_is_refused_in_chinese_and_the_file_and_choice_are_kept(client_for, ready):
    client = client_for(ready)
    response = client.post(URL, {"file": workbook()})
    choice = selects(response)
    choice[f"map-secretaries-{column_index(response, '驻点村')}"] = "姓名"  # 姓名 is column B already
    response = client.post(URL, {**choice, "action": "remap"})
    body = response.content.decode()
    assert "“姓名”对应了 B、I 多列，请只选一列" in body and "表头缺少以下列：派驻村" in body
    assert selects(response)["map-secretaries-8"] == "姓名"  # the select keeps the choice
    assert "token" not in response.context and Secretary.objects.count() == 0

    choice["map-secretaries-8"] = "派驻村"  # the stored file is still there to preview again
    response = client.post(URL, {**choice, "action": "remap"})
    assert response.context["outcome"].ok, response.context["outcome"].errors


@pytest.mark.django_db
def test_a_required_field_left_unmapped_is_named_and_nothing_is_written(client_for, ready):
    HeaderSynonym.objects.create(kind="secretaries", column="派驻村", text="驻点村")
    client = client_for(ready)
    response = client.post(URL, {"file": workbook()})
    choice = selects(response)
    choice["map-secretaries-4"] = ""  # 手机号码 not imported
    response = client.post(URL, {**choice, "action": "remap"})
    assert "表头缺少以下列：手机号码" in response.content.decode()
    assert selects(response)["map-secretaries-4"] == ""
    assert Secretary.objects.count() == 0


@pytest.mark.django_db
def test_a_remap_without_a_stored_upload_asks_for_the_file_again(client_for, ready):
    response = client_for(ready).post(URL, {"action": "remap", "map-secretaries-1": "姓名"}, follow=True)
    assert "没有待预览的上传文件" in response.content.decode()


@pytest.mark.django_db
def test_the_villages_workbook_is_corrected_the_same_way(client_for, ready, township_a):
    client = client_for(ready)
    headers = ["乡镇", "村子", "类型", "户籍人口"]
    response = client.post(
        "/secretaries/import/villages/", {"file": workbook(headers, [["十渡镇", "新村", "行政村", 900]])}
    )
    assert "表头缺少以下列：村名" in response.content.decode()
    choice = {**selects(response), "map-villages-1": "村名", "action": "remap"}
    response = client.post("/secretaries/import/villages/", choice)
    assert response.context["outcome"].ok, response.context["outcome"].errors
    client.post("/secretaries/import/villages/confirm/", {"token": response.context["token"]})
    assert Village.objects.filter(township=township_a, name="新村", population=900).exists()


@pytest.mark.django_db
def test_the_superuser_adds_a_header_synonym_in_the_admin_and_others_only_read_them(admin_client, client_for, org_user):
    page = "/admin/secretaries/headersynonym/"
    response = admin_client.post(f"{page}add/", {"kind": "secretaries", "column": "派驻村", "text": "帮扶村"})
    assert response.status_code == 302
    synonym = HeaderSynonym.objects.get(kind="secretaries", text="帮扶村")
    assert synonym.column == "派驻村"
    refused = admin_client.post(f"{page}add/", {"kind": "secretaries", "column": "村民", "text": "驻村"})
    assert "第一书记没有“村民”这一列" in refused.content.decode()

    org_login_grant(org_user)
    client = client_for(org_user)
    assert "帮扶村" in client.get(page, {"q": "帮扶村"}).content.decode()
    assert client.get(f"{page}add/").status_code == 403
    change = client.get(f"{page}{synonym.pk}/change/")
    assert change.status_code == 200 and 'name="text"' not in change.content.decode()
    client.post(f"{page}{synonym.pk}/change/", {"kind": "secretaries", "column": "姓名", "text": "帮扶村"})
    client.post(f"{page}{synonym.pk}/delete/", {"post": "yes"})
    synonym.refresh_from_db()
    assert synonym.column == "派驻村"


@pytest.mark.django_db
def test_the_admin_lists_only_the_districts_own_remembered_mappings(client_for, org_user, district, township_a):
    other = DistrictFactory(name="门头沟区")
    ColumnMapping.objects.create(district=district, kind="secretaries", header="驻点村", column="派驻村")
    ColumnMapping.objects.create(township=township_a, kind="demands", header="诉求", column="需求名称")
    ColumnMapping.objects.create(district=other, kind="secretaries", header="外区表头", column="姓名")
    assert ColumnMapping.objects.get(header="诉求").district == district  # a township's names its district
    org_login_grant(org_user)
    body = client_for(org_user).get("/admin/secretaries/columnmapping/").content.decode()
    assert "驻点村" in body and "诉求" in body and "外区表头" not in body


@pytest.mark.django_db
def test_a_large_workbook_is_corrected_remembered_and_imported_through_background_jobs(
    client_for, ready, district, township_a, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_ASYNC_ROWS = 2  # more rows than this run as jobs
    url = "/secretaries/import/villages/"
    client = client_for(ready)
    rows = [["十渡镇", f"新村{n}", "行政村", 900 + n] for n in range(3)]

    def run(data, path=url):
        with django_capture_on_commit_callbacks(execute=True):
            job = client.post(path, data).context["job"]
        return job, client.get(f"{url}jobs/{job.pk}/", HTTP_HX_REQUEST="true")

    job, response = run({"file": workbook(["乡镇", "村子", "类型", "户籍人口"], rows)})
    assert job.action == "preview"
    assert "表头缺少以下列：村名" in response.content.decode()
    choice = {**selects(response), "map-villages-1": "村名", "action": "remap"}
    job, response = run(choice)
    assert job.options["chosen"]["1"] == "村名"
    assert response.context["outcome"].ok, response.context["outcome"].errors
    assert ColumnMapping.objects.get(district=district, township=None, kind="villages", header="村子").column == "村名"

    job, response = run({"token": response.context["token"]}, f"{url}confirm/")
    assert job.action == "confirm" and "导入成功：新增 3 条" in response.content.decode()
    assert township_a.villages.filter(name__startswith="新村").count() == 3


def test_a_mapping_spelled_differently_is_refused_by_validation_not_by_the_database(district):
    from django.core.exceptions import ValidationError

    ColumnMapping.objects.create(district=district, kind="secretaries", header="手机号", column="手机号码")
    again = ColumnMapping(district=district, kind="secretaries", header=" 手 机 号 ", column="")
    with pytest.raises(ValidationError):
        again.full_clean()
    assert ColumnMapping.objects.filter(district=district).count() == 1
