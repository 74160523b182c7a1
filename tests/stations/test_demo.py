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


@pytest.mark.django_db
def test_demo_pages_render_for_each_demo_role(client_for):
    from django.contrib.auth import get_user_model

    secretaries_demo.seed(StringIO())
    demo.seed(StringIO())
    users = get_user_model().objects.in_bulk(["zuzhibu", "zz_shidu", "shidu", "sj001"], field_name="username")
    station = ServiceStation.objects.get(name="十渡镇乡村振兴服务站")
    shift = DutyShift.objects.filter(station=station).first()
    pages = {
        "zuzhibu": ["/stations/", "/stations/overview/", f"/stations/{station.pk}/pool/", "/stations/swaps/"],
        "zz_shidu": [
            f"/stations/{station.pk}/",
            f"/stations/{station.pk}/month/",
            f"/stations/{station.pk}/fairness/",
            f"/stations/{station.pk}/gaps/",
            f"/stations/shifts/{shift.pk}/",
        ],
        "shidu": ["/stations/", f"/stations/{station.pk}/", "/stations/leave/"],
        "sj001": ["/stations/mine/", "/stations/leave/", "/stations/calendar/", "/stations/swaps/"],
    }
    for username, urls in pages.items():
        client = client_for(users[username])
        for url in urls:
            assert client.get(url).status_code == 200, (username, url)
    overview = client_for(users["zuzhibu"]).get("/stations/overview/").content.decode()
    assert overview.count("乡村振兴服务站") >= 8
