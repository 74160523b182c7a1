from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from stations.models import CalendarToken, DutyShift, PoolMember, RosterGap, SwapRequest
from stations.services import calendar_token_for
from tests.stations.factories import make_secretary, make_station
from tests.walk import walk

ALL_ROLES = {"org", "township_a", "township_b", "secretary_a", "secretary_b", "station_manager"}


def ok(*roles, status=200):
    return dict.fromkeys(roles, status)


@pytest.fixture
def world(station, secretary, township_a):
    today = timezone.localdate()
    colleague = make_secretary(township_a, login=True)
    shift = DutyShift.objects.create(station=station, date=today, secretary=secretary)
    later = DutyShift.objects.create(station=station, date=today + timedelta(days=9), secretary=secretary)
    swap = SwapRequest.objects.create(shift=later, to_secretary=colleague, status="accepted")
    RosterGap.objects.create(station=station, date=today + timedelta(days=2), missing=1, reason="值班池为空")
    token = calendar_token_for(secretary)
    return {"shift": shift, "later": later, "swap": swap, "token": token.token, "colleague": colleague}


def get_cases(station, world):
    s, shift = station.pk, world["shift"].pk
    staff = ("org", "township_a", "station_manager")
    # A secretary's own pages refuse every other role (403); another secretary's shift is not found.
    not_secretaries = ok("org", "township_a", "township_b", "station_manager", status=403)
    return [
        ("/stations/", ok(*ALL_ROLES)),
        (f"/stations/{s}/", ok(*staff, "secretary_a")),
        (f"/stations/{s}/?week=2026-02-30", ok(*staff, "secretary_a")),
        (f"/stations/{s}/month/", ok(*staff, "secretary_a")),
        (f"/stations/{s}/month/?month=abc", ok(*staff, "secretary_a")),
        (f"/stations/{s}/month/?month=9999-12", ok(*staff, "secretary_a")),
        (f"/stations/{s}/?week=0001-01-01", ok(*staff, "secretary_a")),
        (f"/stations/{s}/pool/", ok(*staff)),
        (f"/stations/{s}/fairness/", ok(*staff)),
        (f"/stations/{s}/gaps/", ok(*staff)),
        ("/stations/overview/", ok("org")),
        ("/stations/overview/?week=bad", ok("org")),
        (f"/stations/shifts/{shift}/", ok(*staff, "secretary_a")),
        (f"/stations/shifts/{world['later'].pk}/swap/", {**ok("secretary_a"), **not_secretaries}),
        ("/stations/swaps/", ok(*ALL_ROLES)),
        ("/stations/mine/", {**ok("secretary_a", "secretary_b"), **not_secretaries}),
        ("/stations/leave/", ok(*ALL_ROLES)),
        ("/stations/calendar/", {**ok("secretary_a", "secretary_b"), **not_secretaries}),
        (f"/stations/ical/{world['token']}.ics", ok(*ALL_ROLES, "anonymous", "outsider")),
        ("/stations/ical/not-a-token.ics", {"anonymous": 404, "outsider": 404}),
        ("/stations/999999/", {}),
        ("/stations/shifts/999999/", {}),
    ]


def test_every_page_answers_each_role_as_expected(client_for, people, station, world):
    problems = []
    for url, expected in get_cases(station, world):
        problems += walk(client_for, people, url, expected)
    assert problems == []


def test_every_action_answers_each_role_as_expected(client_for, people, station, world):
    s, shift, swap = station.pk, world["shift"].pk, world["swap"].pk
    cases = [
        (
            f"/stations/{s}/confirm/",
            {**ok("org", "station_manager", status=302), **ok("township_a", "secretary_a", status=403)},
        ),
        (
            f"/stations/{s}/generate/",
            {**ok("org", "station_manager", status=302), **ok("township_a", "secretary_a", status=403)},
        ),
        (
            f"/stations/shifts/{shift}/check-in/",
            {**ok("secretary_a", status=302), **ok("org", "township_a", "station_manager", status=403)},
        ),
        (
            f"/stations/shifts/{shift}/note/",
            {**ok("secretary_a", status=302), **ok("org", "township_a", "station_manager", status=403)},
        ),
        (
            f"/stations/swaps/{swap}/reject/",
            {**ok("org", "station_manager", status=302), **ok("township_a", "secretary_a", status=403)},
        ),
        (
            f"/stations/swaps/{swap}/accept/",
            ok("org", "township_a", "station_manager", "secretary_a", status=403),
        ),
        (
            f"/stations/swaps/{swap}/approve/",
            {**ok("org", "station_manager", status=302), **ok("township_a", "secretary_a", status=403)},
        ),
        (
            f"/stations/swaps/{swap}/cancel/",
            {**ok("secretary_a", status=302), **ok("org", "township_a", "station_manager", status=403)},
        ),
        (f"/stations/swaps/{swap}/nonsense/", {}),
    ]
    problems = []
    for url, expected in cases:
        problems += walk(client_for, people, url, expected, method="post", data={"work_note": "接待"})
    assert problems == []


def test_pool_changes_are_for_the_org_department_only(client_for, station, township_a, org_user, station_manager_user):
    person = make_secretary(township_a)
    response = client_for(station_manager_user).post(
        f"/stations/{station.pk}/pool/", {"action": "remove", "secretary": person.pk}
    )
    assert response.status_code == 403
    client_for(org_user).post(f"/stations/{station.pk}/pool/", {"action": "remove", "secretary": person.pk})
    assert PoolMember.objects.get(secretary=person).active is False
    client_for(org_user).post(f"/stations/{station.pk}/pool/", {"action": "restore", "secretary": person.pk})
    assert not PoolMember.objects.filter(secretary=person).exists()


def test_pool_form_survives_bad_input(client_for, station, org_user):
    client = client_for(org_user)
    cases = [
        ({"action": "remove", "secretary": "abc"}, 404, None),
        ({"action": "remove", "secretary": "99999999999999999999"}, 404, None),
        ({"action": "drop"}, 302, "未知的操作"),
        ({"action": "add", "secretary": "x"}, 302, "请选择要加入的第一书记"),
    ]
    for data, status, message in cases:
        response = client.post(f"/stations/{station.pk}/pool/", data)
        assert response.status_code == status, data
        if message:
            assert message in client.get(response.url).content.decode(), data
    assert not PoolMember.objects.exists()


def test_pool_refuses_a_secretary_of_another_district(client_for, station, org_user):
    from tests.factories import DistrictFactory
    from tests.stations.factories import make_township

    foreign = make_secretary(make_township(DistrictFactory(name="门头沟区")), name="外区书记")
    client = client_for(org_user)

    assert (
        client.post(f"/stations/{station.pk}/pool/", {"action": "restore", "secretary": foreign.pk}).status_code == 404
    )
    client.post(f"/stations/{station.pk}/pool/", {"action": "add", "secretary": foreign.pk})
    assert not PoolMember.objects.exists()
    assert "外区书记" not in client.get(f"/stations/{station.pk}/pool/").content.decode()


def test_station_manager_sees_only_their_station(client_for, station, station_manager_user, township_b):
    other = make_station(township_b, name="佛子庄乡乡村振兴服务站")
    theirs = DutyShift.objects.create(station=other, date=timezone.localdate(), secretary=make_secretary(township_b))
    gap = RosterGap.objects.create(station=other, date=timezone.localdate(), reason="值班池为空")
    client = client_for(station_manager_user)

    listing = client.get("/stations/").content.decode()
    assert station.name in listing and other.name not in listing
    for url in (
        f"/stations/{other.pk}/",
        f"/stations/{other.pk}/gaps/",
        f"/stations/{other.pk}/fairness/",
        f"/stations/shifts/{theirs.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/stations/{other.pk}/confirm/").status_code == 404
    assert gap.pk not in RosterGap.objects.for_user(station_manager_user).values_list("pk", flat=True)


def test_ical_feed_parses_and_lists_the_secretarys_shifts(client, world, station):
    response = client.get(f"/stations/ical/{world['token']}.ics")

    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert sorted(e.decoded("dtstart") for e in events) == [world["shift"].date, world["later"].date]
    assert all(str(e["summary"]) == f"服务站值班：{station.name}" for e in events)


def test_regenerating_the_calendar_token_revokes_the_old_address(client_for, secretary_user, world):
    old = world["token"]
    client_for(secretary_user).post("/stations/calendar/")

    new = CalendarToken.objects.get().token
    assert new != old
    assert client_for(None).get(f"/stations/ical/{old}.ics").status_code == 404
    assert client_for(None).get(f"/stations/ical/{new}.ics").status_code == 200


def test_secretary_checks_in_through_the_page(client_for, secretary_user, world):
    client = client_for(secretary_user)
    page = client.get(f"/stations/shifts/{world['shift'].pk}/").content.decode()
    assert 'id="check-in"' in page

    client.post(f"/stations/shifts/{world['shift'].pk}/check-in/")

    world["shift"].refresh_from_db()
    assert world["shift"].check_in_at is not None


def test_leave_form_frees_shifts_and_says_so(client_for, secretary_user, world, django_capture_on_commit_callbacks):
    later = world["later"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(secretary_user).post(
            "/stations/leave/",
            {"start": later.date.isoformat(), "end": later.date.isoformat(), "reason": "参加市里培训"},
            follow=True,
        )
    assert "释放了1个班次" in response.content.decode()
    assert not DutyShift.objects.filter(pk=later.pk).exists()


def test_leave_form_rejects_end_before_start(client_for, secretary_user, world):
    response = client_for(secretary_user).post(
        "/stations/leave/", {"start": "2027-01-10", "end": "2027-01-01", "reason": "x"}
    )
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.content.decode()


def test_overview_of_many_stations_takes_a_few_queries(client_for, org_user, district, django_assert_max_num_queries):
    from tests.stations.factories import make_township

    for _ in range(6):
        town = make_township(district)
        st = make_station(town, weekdays=[0, 3])
        for d in (0, 3):
            DutyShift.objects.create(
                station=st,
                date=timezone.localdate() - timedelta(days=timezone.localdate().weekday() - d),
                secretary=make_secretary(town),
            )
    client = client_for(org_user)
    with django_assert_max_num_queries(12):
        response = client.get("/stations/overview/")
    assert response.content.decode().count("服务站") >= 6


def test_shift_page_lists_demands_received_on_the_shift(client_for, secretary_user, world, village_a):
    from demands.models import DemandCategory, DemandItem

    category = DemandCategory.objects.create(name="农产品销售")
    DemandItem.objects.create(
        village=village_a, category=category, title="核桃滞销求助", channel="station", received_shift=world["shift"]
    )
    page = client_for(secretary_user).get(f"/stations/shifts/{world['shift'].pk}/").content.decode()
    assert "核桃滞销求助" in page


def test_shift_page_shows_other_townships_demands_only_to_the_secretary_on_duty(
    client_for, secretary_user, township_a_user, org_user, world, station, township_b, village_b
):
    from demands.models import DemandCategory, DemandItem

    station.covered_townships.add(township_b)
    category = DemandCategory.objects.create(name="道路维修")
    DemandItem.objects.create(
        village=village_b, category=category, title="黑龙关村桥梁加固", channel="station", received_shift=world["shift"]
    )
    url = f"/stations/shifts/{world['shift'].pk}/"

    assert "黑龙关村桥梁加固" in client_for(secretary_user).get(url).content.decode()
    assert "黑龙关村桥梁加固" in client_for(org_user).get(url).content.decode()
    page = client_for(township_a_user).get(url)
    assert page.status_code == 200 and "黑龙关村桥梁加固" not in page.content.decode()


def test_generating_a_roster_says_so_when_the_task_cannot_be_queued(client_for, org_user, station, monkeypatch):
    # core.tasks.enqueue answers None when the broker refuses (tests/test_faults.py queues to a
    # broker that is not there); the page must not claim the roster is being made.
    monkeypatch.setattr("stations.views.enqueue", lambda task, **kwargs: None)
    response = client_for(org_user).post(f"/stations/{station.pk}/generate/", follow=True)
    page = response.content.decode()
    assert "排班任务暂时无法启动" in page
    assert "已开始排班" not in page


def test_generating_a_roster_says_it_started_when_the_task_is_queued(client_for, org_user, station):
    page = client_for(org_user).post(f"/stations/{station.pk}/generate/", follow=True).content.decode()
    assert "已开始排班" in page
