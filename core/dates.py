"""Dates from outside (Celery task arguments, query strings) and month arithmetic, shared by every app.

Only 'YYYY-MM-DD' and 'YYYY-MM' in ASCII digits are read: Python's fromisoformat would also take
'20260220' or '2026-W08-5', which nobody means. Years outside 2000–2100 are typos (or an attack on
the month arithmetic), never a real run or a real page."""

import re
from datetime import date, datetime, timedelta

from django.utils import timezone

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ISO_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")


def task_day(value, name="day"):
    """A task argument naming a day: None means today in TIME_ZONE (beat fires just after midnight
    Asia/Shanghai, still the previous day in UTC); otherwise a date, a datetime (its local day) or a
    'YYYY-MM-DD' string. Anything else is a ValueError with a Chinese message naming `name`."""
    if value is None:
        return timezone.localdate()
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    elif not isinstance(value, date):
        if not isinstance(value, str):
            raise ValueError(f"日期参数无效：{name} 收到 {value!r}，应为 YYYY-MM-DD 格式的字符串")
        text = value.strip()
        try:
            if not ISO_DAY.fullmatch(text):
                raise ValueError(text)
            value = date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"日期参数无效：{name} 收到 {value!r}，应为 YYYY-MM-DD 格式的字符串") from None
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"日期参数超出范围：{name} 收到 {value}，应在 {EARLIEST} 至 {LATEST} 之间")
    return value


def parse_day(value, default):
    """A day from a query string or form ('YYYY-MM-DD', 2000–2100); anything else means `default`."""
    if not isinstance(value, str) or not ISO_DAY.fullmatch(value.strip()):
        return default
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        return default
    return day if EARLIEST <= day <= LATEST else default


def parse_month(text):
    """'2026-03' -> date(2026, 3, 1); a ValueError with a Chinese message otherwise (the message
    quotes at most 20 characters of `text`, so a long parameter cannot flood the page)."""
    if isinstance(text, str) and ISO_MONTH.fullmatch(text.strip()):
        try:
            month = date.fromisoformat(f"{text.strip()}-01")
        except ValueError:
            pass
        else:
            if EARLIEST <= month <= LATEST:
                return month
    shown = text[:20] if isinstance(text, str) else repr(text)[:20]
    raise ValueError(f"月份“{shown}”格式不对，应为 2000-01 至 2100-12 之间的年-月，如 2026-03")


def month_start(day):
    return day.replace(day=1)


def add_months(day, months):
    """The first of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def next_month(day):
    """The first of the month after the month of `day`."""
    return add_months(day, 1)


def month_end(day):
    """The last day of the month of `day`."""
    return add_months(day, 1) - timedelta(days=1)
