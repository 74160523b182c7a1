"""The stations tasks read their dates through core.dates: a year outside 2000–2100 is refused
before anything is written (a stray 9999 would otherwise mark every open shift absent)."""

import pytest
from django.utils import timezone

from stations import tasks
from stations.models import DutyShift


@pytest.mark.parametrize("day", ["2101-01-01", "9999-12-31", "1999-12-31"])
def test_mark_absent_refuses_a_year_outside_2000_to_2100_and_marks_nothing(station, secretary, day):
    shift = DutyShift.objects.create(station=station, date=timezone.localdate(), secretary=secretary)

    with pytest.raises(ValueError, match="日期参数超出范围：day 收到"):
        tasks.mark_absent_shifts.delay(day=day).get()

    shift.refresh_from_db()
    assert shift.status == DutyShift.Status.SCHEDULED


@pytest.mark.parametrize(("kwargs", "name"), [({"start": "1999-01-04"}, "start"), ({"end": "2101-01-01"}, "end")])
def test_extend_roster_refuses_a_year_outside_2000_to_2100_naming_the_argument(station, secretary, kwargs, name):
    with pytest.raises(ValueError, match=f"日期参数超出范围：{name} 收到"):
        tasks.extend_roster.delay(**kwargs).get()

    assert not DutyShift.objects.exists()


def test_send_shift_reminders_refuses_a_bad_day_in_chinese(db):
    with pytest.raises(ValueError, match="日期参数无效：day 收到 '20260220'"):
        tasks.send_shift_reminders.delay(day="20260220").get()
