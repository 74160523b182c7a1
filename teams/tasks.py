"""Thin Celery wrappers: validate the argument, call the service. Both jobs are idempotent through
unique constraints (Meeting: team + kind + month; RankingSnapshot: district + month)."""

import re
from datetime import date, datetime

from celery import shared_task
from django.utils import timezone

from teams import scoring, services

# A date outside this window is a typo (or an attack on the month arithmetic), not a real run.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(value):
    """The run date: None means today in TIME_ZONE (beat fires at 00:30 Asia/Shanghai on the 1st,
    still the previous day in UTC); otherwise a date or a 'YYYY-MM-DD' string."""
    if value is None:
        return timezone.localdate()
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    elif not isinstance(value, date):
        if not isinstance(value, str):
            raise ValueError(f"日期参数 {value!r} 无效，应为 YYYY-MM-DD 格式的字符串")
        try:
            if not ISO_DAY.fullmatch(value.strip()):
                raise ValueError(value)
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"日期参数 {value!r} 无效，应为 YYYY-MM-DD") from None
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"日期参数 {value} 超出范围（{EARLIEST}—{LATEST}）")
    return value


@shared_task(
    name="teams.tasks.pick_next_meeting_host", autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3
)
def pick_next_meeting_host(today=None):
    """Pick next month's joint-meeting host for every team; returns the new meetings' ids."""
    return [meeting.pk for meeting in services.pick_next_month_hosts(_day(today))]


@shared_task(
    name="teams.tasks.freeze_last_month_ranking", autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3
)
def freeze_last_month_ranking(today=None):
    """Freeze last month's ranking; returns the ids of the snapshots (new or already there)."""
    return [snapshot.pk for snapshot, _created in scoring.freeze_last_month(_day(today))]
