from collections import Counter
from io import StringIO

import pytest
from django.utils import timezone

from secretaries import demo as secretaries_demo
from stations import demo
from stations.models import LIVE_STATUSES, DutyShift, ServiceStation, SwapRequest
from stations.selectors import monday_of


def snapshot():
    return sorted(DutyShift.objects.values_list("station_id", "date", "secretary_id", "status"))


@pytest.mark.django_db
def test_demo_roster_has_a_settled_past_and_four_weeks_ahead_and_is_idempotent():
    secretaries_demo.seed(StringIO())
    demo.seed(StringIO())
    first = snapshot()
    today = timezone.localdate()

    assert ServiceStation.objects.count() == 8
    past = Counter(DutyShift.objects.filter(date__lt=today).values_list("status", flat=True))
    assert past["done"] > 5 * (past["absent"] + past["swapped"]) and past["absent"] and past["swapped"]
    assert past["scheduled"] == 0
    assert SwapRequest.objects.filter(status="approved").count() == past["swapped"]
    future = DutyShift.objects.filter(date__gte=today, status__in=LIVE_STATUSES)
    assert max(future.values_list("date", flat=True)) >= monday_of(today) + timezone.timedelta(days=21)
    per_week = Counter(
        (sid, monday_of(d))
        for sid, d in DutyShift.objects.filter(status__in=LIVE_STATUSES).values_list("secretary_id", "date")
    )
    assert max(per_week.values()) == 1

    demo.seed(StringIO())
    assert snapshot() == first
