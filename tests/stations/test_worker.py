"""The roster job end-to-end through a real Celery worker on Redis (PostgreSQL + Redis pass)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notices.models import Notice
from stations.models import DutyShift, RosterGap, ShiftReminderLog
from stations.tasks import extend_roster, send_shift_reminders
from tests.celery_worker import wait_for
from tests.stations.factories import make_people


@pytest.mark.services
def test_a_real_worker_extends_the_roster_once_and_reminds_once(celery_worker_process, station, township_a):
    people = make_people(township_a, 3, login=True)
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday()) + timedelta(days=14)
    args = {"station_ids": [station.pk], "start": monday.isoformat(), "end": (monday + timedelta(days=13)).isoformat()}

    extend_roster.apply_async(kwargs=args)

    # Two weeks, one Wednesday each, one person a day.
    assert wait_for(lambda: DutyShift.objects.filter(station=station).count() == 2, 60)
    shifts = list(DutyShift.objects.filter(station=station).order_by("date").values_list("pk", "date", "secretary_id"))
    assert [day for _, day, _ in shifts] == [monday + timedelta(days=2), monday + timedelta(days=9)]
    assert len({sid for _, _, sid in shifts}) == 2 and {sid for _, _, sid in shifts} <= {p.pk for p in people}
    assert not RosterGap.objects.exists()
    # The worker also runs the e-mail delivery of the "new shift" notices.
    assert wait_for(
        lambda: Notice.objects.filter(kind="shift_new", emailed_at__isnull=False).count() == 2,
        60,
    )

    extend_roster.apply_async(kwargs=args)
    # The solo worker takes tasks in queue order: once the reminder queued after the second run
    # has left its mark, the second run is finished too.
    first_day = shifts[0][1]
    send_shift_reminders.apply_async(args=[(first_day - timedelta(days=1)).isoformat()])
    assert wait_for(lambda: ShiftReminderLog.objects.filter(shift_id=shifts[0][0]).exists(), 60)

    after = list(DutyShift.objects.filter(station=station).order_by("date").values_list("pk", "date", "secretary_id"))
    assert after == shifts
    assert Notice.objects.filter(kind="shift_new").count() == 2
