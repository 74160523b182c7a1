"""core.dates: the one reader of task dates and query-string months every app shares."""

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from core.dates import add_months, month_end, month_start, next_month, parse_day, parse_month, task_day


def test_task_day_takes_none_as_today_in_the_product_time_zone(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    assert task_day(None) == timezone.localdate()


def test_task_day_takes_dates_and_iso_strings():
    assert task_day(date(2026, 2, 20)) == date(2026, 2, 20)
    assert task_day("2026-02-20") == date(2026, 2, 20)
    assert task_day(" 2024-02-29 ") == date(2024, 2, 29)


def test_task_day_reads_an_aware_datetime_in_the_local_day(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    # 17:00 UTC on the 19th is already 01:00 on the 20th in Shanghai.
    assert task_day(datetime(2026, 2, 19, 17, 0, tzinfo=UTC)) == date(2026, 2, 20)
    assert task_day(datetime(2026, 2, 19, 17, 0)) == date(2026, 2, 19)


@pytest.mark.parametrize(
    "value",
    ["2026-13-01", "2026-02-30", "2025-02-29", "", "昨天", "20260220", "2026-W08-5", "2026-2-3", "２０２６-02-20"],
)
def test_task_day_refuses_bad_strings_naming_the_argument_in_chinese(value):
    with pytest.raises(ValueError, match=r"日期参数无效：start 收到 .*应为 YYYY-MM-DD 格式的字符串"):
        task_day(value, "start")


@pytest.mark.parametrize("value", [20260220, 2026.0, True, ["2026-02-20"], {"day": "2026-02-20"}])
def test_task_day_refuses_wrong_types(value):
    with pytest.raises(ValueError, match="日期参数无效：day 收到"):
        task_day(value)


@pytest.mark.parametrize("value", ["1999-12-31", "2101-01-01", "0001-01-01", "9999-12-31", date(1970, 1, 1)])
def test_task_day_refuses_years_outside_2000_to_2100(value):
    with pytest.raises(ValueError, match="日期参数超出范围：end 收到 .*2000-01-01 至 2100-12-31"):
        task_day(value, "end")


def test_task_day_keeps_the_edges_of_the_window():
    assert task_day("2000-01-01") == date(2000, 1, 1)
    assert task_day("2100-12-31") == date(2100, 12, 31)


@pytest.mark.parametrize(
    "value",
    [None, "", "x", "2026-02-30", "20260220", "2026-W08-5", "1999-12-31", "2101-01-01", "2026-02-20T08:00"],
)
def test_parse_day_falls_back_to_the_default_on_anything_unreadable(value):
    default = date(2026, 5, 5)
    assert parse_day(value, default) is default


def test_parse_day_reads_a_query_string_date():
    assert parse_day("2024-02-29", None) == date(2024, 2, 29)


def test_parse_month_reads_year_and_month():
    assert parse_month("2026-03") == date(2026, 3, 1)
    assert parse_month("2000-01") == date(2000, 1, 1)
    assert parse_month("2100-12") == date(2100, 12, 1)


@pytest.mark.parametrize(
    "text",
    ["2026-13", "2026-00", "2026-3", "2026-03-01", "1999-12", "2101-01", "last-year", "", "１９９９-01", None, 202603],
)
def test_parse_month_refuses_anything_else_with_a_chinese_message(text):
    with pytest.raises(ValueError, match="格式不对，应为 2000-01 至 2100-12 之间的年-月"):
        parse_month(text)


def test_parse_month_quotes_at_most_twenty_characters():
    with pytest.raises(ValueError) as caught:
        parse_month("x" * 500)
    assert "x" * 20 in str(caught.value) and "x" * 21 not in str(caught.value)


def test_month_arithmetic_across_the_end_of_the_year():
    assert month_start(date(2026, 12, 31)) == date(2026, 12, 1)
    assert next_month(date(2026, 12, 31)) == date(2027, 1, 1)
    assert add_months(date(2026, 1, 31), -1) == date(2025, 12, 1)
    assert add_months(date(2026, 11, 15), 14) == date(2028, 1, 1)
    assert add_months(date(2026, 3, 1), -27) == date(2023, 12, 1)
    assert month_end(date(2026, 12, 5)) == date(2026, 12, 31)


def test_month_end_knows_leap_years():
    assert month_end(date(2024, 2, 10)) == date(2024, 2, 29)
    assert month_end(date(2026, 2, 10)) == date(2026, 2, 28)
    assert month_end(date(2000, 2, 1)) == date(2000, 2, 29)  # divisible by 400
    assert month_end(date(2100, 2, 1)) == date(2100, 2, 28)  # divisible by 100, not 400
    assert next_month(date(2024, 1, 31)) == date(2024, 2, 1)
