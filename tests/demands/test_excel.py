import io
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from demands.models import DemandItem, ProjectItem, ResourceItem, Submission
from demands.services.lists import can_fill
from demands.services.rounds import ensure_submissions
from tests.demands.factories import CollectionRoundFactory, DemandCategoryFactory, ResourceCategoryFactory
from tests.factories import SecretaryFactory


@pytest.fixture
def loginless_secretary(village_a2, batch, unit):
    """西庄村's secretary has no platform account: township staff fill in for this village."""
    return SecretaryFactory(name="赵志刚", village=village_a2, batch=batch, dispatch_unit=unit, user=None)


@pytest.fixture
def open_round(district, village_a, village_a2, village_b, secretary, loginless_secretary):
    DemandCategoryFactory(name="基础设施建设")
    DemandCategoryFactory(name="产业发展")
    ResourceCategoryFactory(name="技术指导")
    collection_round = CollectionRoundFactory(district=district)
    ensure_submissions(collection_round)
    return collection_round


def template_book(client, collection_round):
    response = client.get(f"/demands/rounds/{collection_round.pk}/template.xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def upload(name, content):
    return SimpleUploadedFile(
        name, content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def filled(book, demands=(), resources=(), projects=()):
    for row in demands:
        book["需求清单"].append(list(row))
    for row in resources:
        book["资源清单"].append(list(row))
    for row in projects:
        book["项目清单"].append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# 西庄村 has no secretary with a login, so township staff may submit its list (六渡村's secretary
# fills in their own).
GOOD_DEMANDS = [
    ("西庄村", "基础设施建设", "修复进村道路", "雨后塌方两处", "紧急", "2026-12-20", 150000, "张三", "13900001111"),
    ("西庄村", "产业发展", "民宿运营培训", "", "一般", None, None, "", ""),
]


def test_template_has_one_sheet_per_list_with_chinese_headers_and_village_dropdowns(
    open_round, township_a_user, client_for
):
    book = template_book(client_for(township_a_user), open_round)
    assert {"需求清单", "资源清单", "项目清单"} <= set(book.sheetnames)
    assert [c.value for c in book["需求清单"][1]][:3] == ["村（社区）", "需求类别", "需求名称"]
    options = option_lists(book)
    assert options["村（社区）"] == {"六渡村", "西庄村"}  # township A's villages only
    assert options["代报的村"] == {"西庄村"}  # 六渡村's secretary has a login
    assert options["无账号书记的村"] == {"西庄村"}
    assert options["需求类别"] == {"基础设施建设", "产业发展"}
    assert dropdown_for(book, "需求清单", "A") == options_ref(book, "代报的村")
    assert dropdown_for(book, "需求清单", "B") == options_ref(book, "需求类别")
    assert dropdown_for(book, "资源清单", "A") == options_ref(book, "无账号书记的村")
    assert dropdown_for(book, "项目清单", "B") == options_ref(book, "村（社区）")


def option_lists(book):
    sheet = book["选项"]
    columns = {}
    for column in sheet.iter_cols(values_only=True):
        columns[column[0]] = {value for value in column[1:] if value is not None}
    return columns


def options_ref(book, name):
    headers = [cell.value for cell in book["选项"][1]]
    letter = "ABCDEFGHIJ"[headers.index(name)]
    return letter


def dropdown_for(book, sheet, column):
    """The column letter of the 选项 sheet that feeds the drop-down on `sheet`'s `column`."""
    for validation in book[sheet].data_validations.dataValidation:
        if any(str(cell_range).startswith(f"{column}2:") for cell_range in validation.sqref.ranges):
            return validation.formula1.split("!$")[1][0]
    return None


def test_department_must_pick_a_township_for_the_template(open_round, org_user, client_for):
    assert client_for(org_user).get(f"/demands/rounds/{open_round.pk}/template.xlsx").status_code == 404


def test_upload_previews_then_confirms_and_submits_on_behalf(
    open_round, township_a_user, client_for, secretary, loginless_secretary
):
    client = client_for(township_a_user)
    content = filled(
        template_book(client, open_round),
        demands=GOOD_DEMANDS,
        resources=[("西庄村", "个人特长", "技术指导", "果树修剪指导", "每月一次", "每月2次", "2027-06-30")],
        projects=[("六渡村民宿提升", "六渡村", "正在开展", "产业发展", 500000, 200000, 40, "2026-05-01", None, "")],
    )
    response = client.post(f"/demands/rounds/{open_round.pk}/upload/", {"file": upload("十渡镇.xlsx", content)})
    assert response.status_code == 200 and "预览通过" in response.content.decode()
    assert not DemandItem.objects.exists()
    response = client.post(f"/demands/rounds/{open_round.pk}/upload/confirm/")
    assert response.status_code == 302
    items = DemandItem.objects.filter(round=open_round)
    assert items.count() == 2 and set(items.values_list("status", flat=True)) == {"submitted"}
    assert items.get(title="修复进村道路").urgency == "high"
    statuses = dict(Submission.objects.filter(round=open_round).values_list("village__name", "status"))
    assert statuses == {"六渡村": "draft", "西庄村": "submitted", "黑龙关村": "draft"}
    assert list(Submission.objects.filter(on_behalf=True).values_list("village__name", flat=True)) == ["西庄村"]
    resource = ResourceItem.objects.get()
    assert resource.secretary == loginless_secretary
    project = ProjectItem.objects.get()
    assert list(project.villages.values_list("name", flat=True)) == ["六渡村"] and project.lead_secretary == secretary


def post_and_errors(client, collection_round, name, content):
    response = client.post(f"/demands/rounds/{collection_round.pk}/upload/", {"file": upload(name, content)})
    assert response.status_code == 200
    return response.content.decode()


def nothing_written(collection_round):
    return (
        not DemandItem.objects.exists()
        and not ResourceItem.objects.exists()
        and not ProjectItem.objects.exists()
        and not Submission.objects.filter(round=collection_round).exclude(status="draft").exists()
    )


def test_bad_rows_are_listed_with_row_numbers_and_chinese_reasons_and_nothing_is_saved(
    open_round, township_a_user, client_for
):
    client = client_for(township_a_user)
    rows = [
        GOOD_DEMANDS[0],
        ("黑龙关村", "产业发展", "外乡镇的村", "", "一般", None, None, "", ""),
        ("不存在村", "产业发展", "未知的村", "", "一般", None, None, "", ""),
        ("西庄村", "不存在类别", "", "", "特急", "明年", -5, "", ""),
    ]
    html = post_and_errors(client, open_round, "a.xlsx", filled(template_book(client, open_round), demands=rows))
    assert "第 3 行：村（社区）：“黑龙关村”不是可选的本乡镇的村（社区）" in html
    assert "第 4 行：村（社区）：“不存在村”不是可选的" in html
    assert "第 5 行：需求类别：“不存在类别”不是可选的需求类别" in html
    assert "第 5 行：期望完成时间：“明年”不是有效日期" in html
    assert "第 5 行：预计资金（元）：不能为负数" in html
    assert "第 5 行：需求名称：" in html
    assert "第 2 行" not in html
    assert nothing_written(open_round)


def test_one_bad_row_in_another_sheet_stops_the_whole_file(open_round, township_a_user, client_for):
    client = client_for(township_a_user)
    content = filled(
        template_book(client, open_round),
        demands=GOOD_DEMANDS,
        projects=[("项目", "六渡村", "做梦中", "", None, None, 140, None, None, "")],
    )
    html = post_and_errors(client, open_round, "a.xlsx", content)
    assert "项目清单 第 2 行：状态：“做梦中”不是可选的项目状态" in html
    assert "进度（%）：不能大于100" in html
    assert nothing_written(open_round)


def test_a_header_without_a_required_column_is_refused(open_round, township_a_user, client_for):
    # 村名 and 类别 are synonyms of 村（社区） and 需求类别 (demands.HeaderSynonym); nothing names the title.
    client = client_for(township_a_user)
    book = template_book(client, open_round)
    book["需求清单"].delete_rows(1)
    book["需求清单"].append(["村名", "类别", "内容"])
    book["需求清单"].append(["西庄村", "产业发展", "x"])
    html = post_and_errors(client, open_round, "a.xlsx", filled(book))
    assert "需求清单：表头缺少以下列：需求名称。" in html
    assert nothing_written(open_round)


def test_an_untouched_template_is_refused(open_round, township_a_user, client_for):
    client = client_for(township_a_user)
    html = post_and_errors(client, open_round, "a.xlsx", filled(template_book(client, open_round)))
    assert "没有填写任何数据行" in html


def test_an_empty_file_is_refused(open_round, township_a_user, client_for):
    html = post_and_errors(client_for(township_a_user), open_round, "a.xlsx", b"")
    assert "文件是空的" in html
    assert nothing_written(open_round)


def test_a_word_document_renamed_xlsx_is_refused(open_round, township_a_user, client_for):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    html = post_and_errors(client_for(township_a_user), open_round, "清单.xlsx", buffer.getvalue())
    assert "不是有效的 Excel" in html
    assert nothing_written(open_round)


def test_a_ten_megabyte_random_file_is_refused_without_a_500(open_round, township_a_user, client_for):
    html = post_and_errors(client_for(township_a_user), open_round, "big.xlsx", os.urandom(10 * 1024 * 1024))
    assert "文件太大" in html
    assert nothing_written(open_round)


def test_a_csv_is_refused(open_round, township_a_user, client_for):
    html = post_and_errors(client_for(township_a_user), open_round, "a.csv", "村,类别\n".encode())
    assert ".xlsx" in html


def test_confirm_without_a_preview_does_nothing(open_round, township_a_user, client_for):
    response = client_for(township_a_user).post(f"/demands/rounds/{open_round.pk}/upload/confirm/")
    assert response.status_code == 302 and nothing_written(open_round)


def test_export_holds_the_submitted_items_of_the_users_scope_only(
    open_round, village_a, village_b, township_a_user, org_user, client_for
):
    category = DemandCategoryFactory(name="产业发展")
    for village, title in [(village_a, "A村需求"), (village_b, "B村需求")]:
        DemandItem.objects.create(round=open_round, village=village, category=category, title=title, status="submitted")
    for user, expected in [(township_a_user, {"A村需求"}), (org_user, {"A村需求", "B村需求"})]:
        response = client_for(user).get(f"/demands/rounds/{open_round.pk}/export.xlsx")
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.content))
        titles = {row[3] for row in book["需求清单"].iter_rows(min_row=2, values_only=True)}
        assert titles == expected
        assert "完成情况" in book.sheetnames


def test_upload_refuses_the_list_of_a_village_whose_secretary_has_a_login(open_round, township_a_user, client_for):
    client = client_for(township_a_user)
    rows = [("六渡村", "产业发展", "代填的需求", "", "一般", None, None, "", "")]
    resources = [("六渡村", "个人特长", "技术指导", "代填的资源", "", "", None)]
    html = post_and_errors(client, open_round, "a.xlsx", filled(template_book(client, open_round), rows, resources))
    assert "需求清单 第 2 行：村（社区）：“六渡村”的第一书记有平台账号，需求清单由第一书记本人在平台上填报" in html
    assert "资源清单 第 2 行：第一书记所在村：“六渡村”的第一书记有平台账号，资源清单由其本人在平台上维护" in html
    assert nothing_written(open_round)


@pytest.mark.parametrize("role", ["township_a_user", "org_user"])
def test_web_form_and_excel_let_the_same_villages_be_filled_on_behalf(role, request, open_round, client_for):
    user = request.getfixturevalue(role)
    client = client_for(user)
    township = open_round.district.townships.get(name="十渡镇")
    book = load_workbook(
        io.BytesIO(client.get(f"/demands/rounds/{open_round.pk}/template.xlsx?township={township.pk}").content)
    )
    in_template = option_lists(book)["代报的村"]
    by_web = {s.village.name for s in Submission.objects.filter(village__township=township) if can_fill(user, s)}
    assert by_web == in_template == {"西庄村"}
    for village in ["六渡村", "西庄村"]:
        content = filled(template_book_for(client, open_round, township), [(village, "产业发展", "需求", "", "一般")])
        response = client.post(
            f"/demands/rounds/{open_round.pk}/upload/", {"file": upload("a.xlsx", content), "township": township.pk}
        )
        assert ("预览通过" in response.content.decode()) == (village in by_web)


def template_book_for(client, collection_round, township):
    response = client.get(f"/demands/rounds/{collection_round.pk}/template.xlsx?township={township.pk}")
    return load_workbook(io.BytesIO(response.content))


def test_an_untouched_demand_sheet_is_fine_when_another_sheet_has_rows(open_round, township_a_user, client_for):
    client = client_for(township_a_user)
    projects = [("西庄村路灯", "西庄村", "拟开展", "", 80000, None, None, None, None, "")]
    html = post_and_errors(client, open_round, "a.xlsx", filled(template_book(client, open_round), projects=projects))
    assert "预览通过" in html


def test_a_workbook_without_the_template_sheets_names_them(open_round, township_a_user, client_for):
    book = Workbook()
    book.active.title = "Sheet1"
    book.active.append(["村（社区）", "需求类别"])
    buffer = io.BytesIO()
    book.save(buffer)
    html = post_and_errors(client_for(township_a_user), open_round, "a.xlsx", buffer.getvalue())
    assert "没有名为“需求清单”“资源清单”“项目清单”的工作表" in html
    assert nothing_written(open_round)


def test_a_sheet_with_wrong_headers_is_named_in_the_error(open_round, township_a_user, client_for):
    client = client_for(township_a_user)
    book = template_book(client, open_round)
    book["项目清单"].delete_rows(1)
    book["项目清单"].append(["名称", "村"])
    book["项目清单"].append(["x", "西庄村"])
    html = post_and_errors(client, open_round, "a.xlsx", filled(book, demands=GOOD_DEMANDS))
    assert "项目清单：表头缺少以下列" in html
    assert nothing_written(open_round)


@pytest.mark.django_db
def test_a_preview_cannot_be_confirmed_after_the_round_closed(org_user, township_a):
    from demands.excel import import_upload
    from demands.models import CollectionRound
    from demands.services.lists import ListError

    collection_round = CollectionRoundFactory(district=township_a.district, status=CollectionRound.Status.CLOSED)
    with pytest.raises(ListError, match="已截止"):
        import_upload(collection_round, township_a, org_user, None, confirm=True)


@pytest.mark.django_db
def test_the_round_export_lists_a_units_own_resources(client_for, org_user, township_a, unit, secretary):
    from io import BytesIO

    from demands.models import ResourceItem

    collection_round = CollectionRoundFactory(district=township_a.district)
    category = ResourceCategoryFactory(name="资金支持")
    ResourceItem.objects.create(source="unit", dispatch_unit=unit, category=category, title="单位帮扶资金")
    ResourceItem.objects.create(secretary=secretary, category=category, title="个人技术指导")
    response = client_for(org_user).get(f"/demands/rounds/{collection_round.pk}/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content))["资源清单"]
    titles = [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(titles) == ["个人技术指导", "单位帮扶资金"]
