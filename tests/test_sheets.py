"""core/sheets.py: the header under title lines, the footer, synonyms, and values as people write them."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.sheets import (
    Column,
    ListSheet,
    ListSpec,
    chosen_mapping,
    mapping_errors,
    match_choice,
    parse_amount,
    parse_date,
    parse_phone,
    read_header,
    read_list,
    recognise,
)

SPEC = ListSpec(
    "demands",
    "需求清单",
    [
        Column("村（社区）", kind="choice", required=True, synonyms=("村名",), options={"西庄村": "西庄村"}),
        Column("需求名称", required=True, synonyms=("事项", "项目名称")),
        Column("期望完成时间", kind="date", synonyms=("完成时限",), note_into="具体内容"),
        Column("具体内容"),
        Column("预计资金（元）", kind="amount", synonyms=("预估资金", "金额")),
        Column("联系电话", kind="phone", synonyms=("手机",)),
    ],
)
PROJECTS = ListSpec(
    "projects",
    "项目清单",
    [Column("项目名称", required=True), Column("状态", required=True), Column("预算（元）", kind="amount")],
)


def numbered(*rows):
    return [(number, list(values)) for number, values in rows]


def test_the_header_is_found_under_the_title_and_the_list_stops_at_the_footer():
    rows = numbered(
        (1, ["某镇“需求清单”（2024年9—10月）"]),
        (2, ["填报单位（盖章）：某镇", None, "填报日期：2024年10月8日"]),
        (4, ["序号", "村名", "事项", "预估资金（万元）", "完成时限"]),
        (5, [1, "西庄村", "修路", 4.5, "长期"]),
        (6, [2]),
        (7, ["合计", None, None, 4.5]),
        (8, ["填表人：王五", None, "审核人：赵六"]),
        (9, [3, "西庄村", "表尾之后的行不读"]),
    )
    sheet = read_list(rows, SPEC, today=date(2026, 1, 1))
    assert sheet.header_row == 4
    assert [(m.letter, m.key) for m in sheet.columns] == [
        ("A", None),
        ("B", "村（社区）"),
        ("C", "需求名称"),
        ("D", "预计资金（元）"),
        ("E", "期望完成时间"),
    ]
    assert [(number, why) for number, why, _text in sheet.skipped] == [
        (1, "标题行"),
        (2, "填报单位、日期行"),
        (6, "空行（只有序号等）"),
        (7, "合计行"),
        (8, "表尾（填表人、审核人等）"),
        (9, "表尾（填表人、审核人等）"),
    ]
    assert sheet.records == [
        (
            5,
            {
                "村（社区）": "西庄村",
                "需求名称": "修路",
                "预计资金（元）": Decimal("45000.0"),
                "期望完成时间": None,
                "具体内容": "期望完成时间：长期",
            },
        )
    ]
    assert sheet.dataset.excel_rows == [5] and sheet.dataset.source_columns["需求名称"] == ("C", "事项")


def test_a_sheet_named_otherwise_is_recognised_by_its_header():
    demand_rows = numbered((1, ["村名", "项目名称", "金额（元）"]))
    project_rows = numbered((1, ["项目名称", "状态", "预算"]))
    assert recognise("Sheet1", demand_rows, [SPEC, PROJECTS]) is SPEC
    assert recognise("汇总", project_rows, [SPEC, PROJECTS]) is PROJECTS
    assert recognise("说明", numbered((1, ["本表由村两委填写"])), [SPEC, PROJECTS]) is None
    assert recognise("项目清单", demand_rows, [SPEC, PROJECTS]) is PROJECTS  # the name decides first


def test_a_chosen_mapping_overrides_the_synonyms_and_a_remembered_one_applies_by_header():
    rows = numbered((1, ["村名", "诉求"]), (2, ["西庄村", "修路"]))
    assert read_list(rows, SPEC, today=date(2026, 1, 1)).missing == ["需求名称"]
    chosen = read_list(rows, SPEC, today=date(2026, 1, 1), chosen={"1": "需求名称"})
    assert chosen.records == [(2, {"村（社区）": "西庄村", "需求名称": "修路"})]
    remembered = ListSpec(SPEC.kind, SPEC.title, SPEC.columns, remembered={"诉求": "需求名称"})
    assert read_list(rows, remembered, today=date(2026, 1, 1)).columns[1].why == "本乡镇上次的设置"
    by_district = ListSpec(SPEC.kind, SPEC.title, SPEC.columns, {"诉求": "需求名称"}, remembered_why="本区上次的设置")
    assert read_list(rows, by_district, today=date(2026, 1, 1)).columns[1].why == "本区上次的设置"


def test_the_header_alone_is_mapped_without_reading_the_rows_and_survives_a_jobs_json():
    rows = numbered((1, ["标题"]), (2, ["村名", "事项", "诉求"]), (3, ["西庄村", "修路", "两公里"]))
    header = read_header(rows, SPEC)
    assert [(m.letter, m.key, m.why) for m in header.columns] == [
        ("A", "村（社区）", "同义词"),
        ("B", "需求名称", "同义词"),
        ("C", None, ""),
    ]
    assert header.records == [] and header.skipped == [(1, "标题行", "标题")]
    header.name = "乡镇表"
    again = ListSheet.from_json(header.as_json())
    assert (again.name, again.header_row, again.columns, again.skipped) == ("乡镇表", 2, header.columns, header.skipped)


def test_a_bad_mapping_is_named_in_chinese_and_the_selects_are_read_back():
    rows = numbered((1, ["村名", "事项", "诉求"]), (2, ["西庄村", "修路", "两公里"]))
    chosen = chosen_mapping({"map-demands-0": "需求名称", "map-demands-1": "需求名称", "csrfmiddlewaretoken": "x"})
    assert chosen == {"demands": {"0": "需求名称", "1": "需求名称"}}
    sheet = read_list(rows, SPEC, today=date(2026, 1, 1), chosen=chosen["demands"])
    assert [error.message for error in mapping_errors(sheet)] == [
        "“需求名称”对应了 A、B 多列，请只选一列",
        "表头缺少以下列：村（社区）。请在下方为这些列选择对应的表头后重新预览，或使用下载的模板填写。",
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (datetime(2024, 10, 31, 0, 0), date(2024, 10, 31)),
        (45596, date(2024, 10, 31)),
        (20241031, date(2024, 10, 31)),
        ("2024年10月31日", date(2024, 10, 31)),
        ("2024-10-31", date(2024, 10, 31)),
        ("2024/10/31", date(2024, 10, 31)),
        ("2024.10.31", date(2024, 10, 31)),
        ("２０２４年１０月３１日", date(2024, 10, 31)),
        ("2024-10-31 00:00:00", date(2024, 10, 31)),
        ("2024.11", date(2024, 11, 30)),
        (2024.11, date(2024, 11, 30)),
        ("2024年2月", date(2024, 2, 29)),
        ("2024年11月底", date(2024, 11, 30)),
        ("2024年底", date(2024, 12, 31)),
    ],
)
def test_dates_as_people_write_them(raw, expected):
    assert parse_date(raw) == (expected, "")


def test_open_ended_and_unreadable_dates():
    assert parse_date("长期") == (None, "长期") and parse_date("常年") == (None, "常年")
    for raw in ["明年", "2024-02-30", "2024-13", "31/10/2024"]:
        with pytest.raises(ValueError, match="不是有效日期"):
            parse_date(raw)
    with pytest.raises(ValueError, match="分不清是 1 月还是 10 月"):
        parse_date(2024.1)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)), st.sampled_from(["-", "/", ".", "年"]))
def test_any_day_reads_back_in_every_written_form(day, separator):
    text = f"{day.year}{separator}{day.month}{'月' if separator == '年' else separator}{day.day}"
    assert parse_date(text + ("日" if separator == "年" else ""))[0] == day


@pytest.mark.parametrize(
    ("raw", "factor", "yuan"),
    [
        ("45.5万元", 1, "455000"),
        ("455000元", 10000, "455000"),
        ("4.5万", 1, "45000"),
        ("50,000", 1, "50000"),
        ("￥5,000", 1, "5000"),
        ("５０００", 1, "5000"),
        (4.5, 10000, "45000"),
        (12, 1, "12"),
    ],
)
def test_amounts_with_units(raw, factor, yuan):
    assert parse_amount(raw, Decimal(factor)) == Decimal(yuan)


@given(st.decimals(min_value=0, max_value=10**9, places=2))
def test_an_amount_in_wan_yuan_is_ten_thousand_times_its_yuan(amount):
    assert parse_amount(f"{amount}万元") == parse_amount(f"{amount}元") * 10000 == amount * 10000


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("139 0000 1111", "13900001111"),
        ("139-0000-1111", "13900001111"),
        ("+86 139 0000 1111", "13900001111"),
        ("１３９００００１１１１", "13900001111"),
        (13900001111, "13900001111"),
        (13900001111.0, "13900001111"),
        ("010-6931 2345", "010-69312345"),
        ("(0571)87654321", "0571-87654321"),
    ],
)
def test_phones_as_people_write_them(raw, phone):
    assert parse_phone(raw) == phone


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.lists(st.sampled_from([" ", "-", "　"]), max_size=3))
def test_spaces_and_dashes_inside_a_mobile_number_are_dropped(mobile, separators):
    written = mobile[:3] + "".join(separators) + mobile[3:7] + "".join(separators) + mobile[7:]
    assert parse_phone(written) == mobile


def test_choices_by_synonym_and_close_match():
    options = {"基础设施建设": "基础设施建设", "产业发展": "产业发展", "道路": "基础设施建设"}
    assert match_choice("道路", options) == "基础设施建设"
    assert match_choice("基础设施", options, fuzzy=True) == "基础设施建设"
    assert match_choice("基础设施", options) == "基础设施"  # no close match unless asked: refused later
    assert match_choice("文化", options, fuzzy=True) == "文化"


def test_a_header_in_two_rows_is_read_as_one():
    rows = numbered(
        (1, ["某镇需求清单"]),
        (2, ["序号", "村名", "事项", "资金", None, "联系人", None]),
        (3, [None, None, None, "预估资金（万元）", "来源", "姓名", "手机"]),
        (4, [1, "西庄村", "修路", 4.5, "自筹", "王五", "138 0000 1111"]),
    )
    sheet = read_list(rows, SPEC, today=date(2026, 1, 1))
    assert sheet.header_row == 2
    assert {m.letter: m.key for m in sheet.columns} == {
        "A": None,
        "B": "村（社区）",
        "C": "需求名称",
        "D": "预计资金（元）",
        "E": None,
        "F": None,
        "G": "联系电话",
    }
    assert (3, "表头第二行（已与上一行合并）") in [(number, why) for number, why, _text in sheet.skipped]
    assert sheet.records == [
        (
            4,
            {
                "村（社区）": "西庄村",
                "需求名称": "修路",
                "预计资金（元）": Decimal("45000.0"),
                "联系电话": "13800001111",
            },
        )
    ]


def test_a_first_data_row_of_text_is_not_taken_for_a_second_header_row():
    rows = numbered((1, ["村名", "事项", "手机"]), (2, ["西庄村", "修路", "13800001111"]))
    sheet = read_list(rows, SPEC, today=date(2026, 1, 1))
    assert [number for number, _record in sheet.records] == [2]
    assert not sheet.skipped
