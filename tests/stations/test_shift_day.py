from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from notices.models import Notice
from stations import tasks
from stations.models import DutyShift, ShiftReminderLog
from stations.services import shift_check_in, shift_check_out, shift_save_note
from tests.stations.factories import make_secretary


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def shift_today(station, secretary, today):
    return DutyShift.objects.create(station=station, date=today, secretary=secretary)


def test_secretary_checks_in_and_out_on_the_day(shift_today, secretary_user):
    shift_check_in(shift_today, secretary_user)
    shift_check_out(shift_today, secretary_user, work_note=" 接待群众3人 ")

    shift_today.refresh_from_db()
    assert shift_today.check_in_at and shift_today.check_out_at
    assert shift_today.status == "done"
    assert shift_today.work_note == "接待群众3人"


def test_only_the_shifts_own_secretary_may_check_in(shift_today, secretary_b_user, station_manager_user):
    for user in (secretary_b_user, station_manager_user):
        with pytest.raises(PermissionDenied):
            shift_check_in(shift_today, user)


def test_check_in_is_refused_on_another_day(station, secretary, secretary_user, today):
    tomorrow = DutyShift.objects.create(station=station, date=today + timedelta(days=1), secretary=secretary)
    with pytest.raises(ValidationError, match="值班当天"):
        shift_check_in(tomorrow, secretary_user)


def test_check_in_twice_and_check_out_first_are_refused(shift_today, secretary_user):
    with pytest.raises(ValidationError, match="请先签到"):
        shift_check_out(shift_today, secretary_user)
    shift_check_in(shift_today, secretary_user)
    with pytest.raises(ValidationError, match="已经签到"):
        shift_check_in(shift_today, secretary_user)


def test_work_note_waits_for_the_day(station, secretary, secretary_user, today):
    later = DutyShift.objects.create(station=station, date=today + timedelta(days=3), secretary=secretary)
    with pytest.raises(ValidationError):
        shift_save_note(later, secretary_user, "提前写")


def test_day_before_reminder_is_sent_once(station, secretary, secretary_user, today):
    shift = DutyShift.objects.create(station=station, date=today + timedelta(days=1), secretary=secretary)

    assert tasks.send_shift_reminders.delay(today.isoformat()).get() == 1
    assert tasks.send_shift_reminders.delay(today.isoformat()).get() == 0

    assert ShiftReminderLog.objects.filter(shift=shift).count() == 1
    assert Notice.objects.filter(recipient=secretary_user, kind="shift_reminder").count() == 1


def test_reminders_skip_swapped_and_other_days(station, secretary, township_a, today):
    DutyShift.objects.create(station=station, date=today + timedelta(days=1), secretary=secretary, status="swapped")
    DutyShift.objects.create(station=station, date=today + timedelta(days=2), secretary=make_secretary(township_a))
    assert tasks.send_shift_reminders.delay(today.isoformat()).get() == 0


def test_shift_not_checked_into_becomes_absent_and_is_reported(
    shift_today, station, township_a, station_manager_user, org_user, today
):
    checked = DutyShift.objects.create(
        station=station,
        date=today,
        secretary=make_secretary(township_a),
        check_in_at=timezone.make_aware(datetime.combine(today, datetime.min.time())),
    )

    assert tasks.mark_absent_shifts.delay(today.isoformat()).get() == 1
    assert tasks.mark_absent_shifts.delay(today.isoformat()).get() == 0

    shift_today.refresh_from_db()
    checked.refresh_from_db()
    assert shift_today.status == "absent"
    assert checked.status == "done"
    for user in (station_manager_user, org_user):
        assert Notice.objects.filter(recipient=user, kind="shift_absent").count() == 1


def test_future_shifts_are_not_marked_absent(station, secretary, today):
    later = DutyShift.objects.create(station=station, date=today + timedelta(days=1), secretary=secretary)
    tasks.mark_absent_shifts.delay(today.isoformat())
    later.refresh_from_db()
    assert later.status == "scheduled"


@pytest.mark.parametrize(
    ("task", "kwargs"),
    [
        (tasks.send_shift_reminders, {"day": "2026-13-40"}),
        (tasks.mark_absent_shifts, {"day": "昨天"}),
        (tasks.extend_roster, {"start": "x"}),
        (tasks.extend_roster, {"station_ids": ["a"]}),
    ],
)
def test_tasks_refuse_bad_arguments_clearly(db, task, kwargs):
    with pytest.raises(ValueError, match="参数"):
        task.delay(**kwargs).get()


def test_extend_roster_fills_the_configured_weeks_ahead(station, township_a, settings, today):
    settings.ROSTER_WEEKS_AHEAD = 2
    make_secretary(township_a)
    make_secretary(township_a)

    result = tasks.extend_roster.delay().get()

    dates = sorted(DutyShift.objects.values_list("date", flat=True))
    assert result["created"] == len(dates) >= 1
    assert dates[0] >= today
    assert dates[-1] < today - timedelta(days=today.weekday()) + timedelta(days=14)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"start": "2027-02-01", "end": "2027-01-01"},
        {"start": "2027-01-01", "end": "2035-01-01"},
    ],
)
def test_extend_roster_refuses_a_backwards_or_huge_range_and_writes_nothing(station, township_a, kwargs):
    from django.core.exceptions import ValidationError

    make_secretary(township_a)
    with pytest.raises(ValidationError, match="排班日期范围"):
        tasks.extend_roster.delay(**kwargs).get()
    assert not DutyShift.objects.exists()
