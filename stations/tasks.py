"""Celery tasks of the stations app: thin wrappers that check their arguments and call a service.
All three are periodic (CELERY_BEAT_SCHEDULE) and idempotent."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import IntegrityError

from core.dates import task_day
from core.tasks import RETRY, TRANSIENT_ERRORS
from stations import services


def _ids(value):
    if value is None:
        return None
    if isinstance(value, int | str):
        value = [value]
    try:
        return [int(v) for v in value]
    except (TypeError, ValueError):
        raise ValueError(f"参数 station_ids 应为服务站编号列表，收到 {value!r}") from None


def _user_id(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"参数 requested_by 应为账号编号，收到 {value!r}") from None


@shared_task(**{**RETRY, "autoretry_for": (IntegrityError, *TRANSIENT_ERRORS)})
def extend_roster(station_ids=None, start=None, end=None, requested_by=None):
    """Keep the roster filled ROSTER_WEEKS_AHEAD weeks ahead (weekly), or refill a given range
    (after leave freed shifts). A concurrent run that claimed the same person first makes the
    unique constraint refuse ours; the retry then sees those shifts and fills around them.
    `requested_by`: the id of the login that asked from the station page (the audit trail names it)."""
    default_start, default_end = services.roster_horizon()
    first = task_day(start, "start") if start is not None else default_start
    last = task_day(end, "end") if end is not None else default_end
    by = get_user_model().objects.filter(pk=_user_id(requested_by)).first() if requested_by is not None else None
    result = services.roster_generate(_ids(station_ids), first, last, by=by)
    return {"created": len(result.created), "gaps": len(result.gaps)}


@shared_task(**RETRY)
def send_shift_reminders(day=None):
    """Day-before reminders; ShiftReminderLog makes a repeat send nothing."""
    return len(services.shifts_send_reminders(task_day(day, "day")))


@shared_task(**RETRY)
def mark_absent_shifts(day=None):
    """Runs at 23:55: shifts of the day (or earlier) never checked into become absent."""
    return len(services.shifts_mark_absent(task_day(day, "day")))
