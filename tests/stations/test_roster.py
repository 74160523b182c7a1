from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from notices.models import Notice
from stations.models import LIVE_STATUSES, DutyShift, PoolMember, RosterGap
from stations.selectors import pool_ids
from stations.services import leave_add, roster_generate
from tests.factories import UserFactory
from tests.stations.factories import make_people, make_secretary, make_station, make_township

MONDAY = date(2026, 12, 7)  # a Monday in the future of the test clock-free services


def live_shifts(**filters):
    return DutyShift.objects.filter(status__in=LIVE_STATUSES, **filters)


def test_each_duty_day_gets_its_people_from_the_pool(township_a, township_b, district):
    station = make_station(township_a, covered=[township_a, township_b], weekdays=[1, 3], per_day=2)
    people = make_people(township_a, 3) + make_people(township_b, 3)

    result = roster_generate([station.pk], MONDAY, MONDAY + timedelta(days=13))

    assert len(result.created) == 8  # 2 weeks x 2 duty days x 2 people
    days = Counter(s.date for s in live_shifts(station=station))
    assert set(days) == {MONDAY + timedelta(days=d) for d in (1, 3, 8, 10)}
    assert set(days.values()) == {2}
    assert set(live_shifts().values_list("secretary_id", flat=True)) <= {p.pk for p in people}
    assert not RosterGap.objects.exists()


def test_running_twice_changes_nothing(township_a):
    station = make_station(township_a, per_day=2)
    make_people(township_a, 5)
    roster_generate([station.pk], MONDAY, MONDAY + timedelta(days=27))
    before = sorted(live_shifts().values_list("pk", "secretary_id", "date", "status"))

    again = roster_generate([station.pk], MONDAY, MONDAY + timedelta(days=27))

    assert again.created == []
    assert sorted(live_shifts().values_list("pk", "secretary_id", "date", "status")) == before


def test_confirmed_shifts_stay_and_only_gaps_are_filled(township_a):
    station = make_station(township_a, per_day=2)
    first, second, *_ = make_people(township_a, 4)
    wednesday = MONDAY + timedelta(days=2)
    kept = DutyShift.objects.create(station=station, date=wednesday, secretary=first, status="confirmed")

    roster_generate([station.pk], MONDAY, MONDAY + timedelta(days=6))

    kept.refresh_from_db()
    assert kept.status == "confirmed" and kept.secretary == first
    assert live_shifts(station=station, date=wednesday).count() == 2


def test_pool_defaults_to_covered_townships_and_org_adjustments_count(township_a, township_b):
    station = make_station(township_a)
    own = make_people(township_a, 2)
    outsider = make_secretary(township_b)
    PoolMember.objects.create(station=station, secretary=own[0], active=False, added_manually=True)
    PoolMember.objects.create(station=station, secretary=outsider, active=True, added_manually=True)

    assert pool_ids(station) == {own[1].pk, outsider.pk}


def test_secretaries_not_on_post_are_never_rostered(township_a):
    station = make_station(township_a)
    recalled, on_post = make_people(township_a, 2)
    recalled.status = "recalled"
    recalled.save()

    roster_generate([station.pk], MONDAY, MONDAY + timedelta(days=20))

    assert set(live_shifts().values_list("secretary_id", flat=True)) == {on_post.pk}


def test_least_recently_served_comes_first(township_a):
    station = make_station(township_a)
    early, late, never = make_people(township_a, 3)
    DutyShift.objects.create(station=station, date=MONDAY - timedelta(days=26), secretary=early, status="done")
    DutyShift.objects.create(station=station, date=MONDAY - timedelta(days=5), secretary=late, status="done")
    DutyShift.objects.create(station=station, date=MONDAY - timedelta(days=12), secretary=never, status="swapped")

    roster_generate([station.pk], MONDAY, MONDAY + timedelta(days=20))

    order = list(live_shifts(date__gte=MONDAY).order_by("date").values_list("secretary_id", flat=True))
    assert order == [never.pk, early.pk, late.pk]


def test_a_person_in_two_pools_stays_at_the_low_end_of_both(district, township_a, township_b):
    shared_town = make_township(district)
    a = make_station(township_a, covered=[township_a, shared_town], weekdays=[1])
    b = make_station(township_b, covered=[township_b, shared_town], weekdays=[3])
    shared = make_secretary(shared_town)
    make_people(township_a, 2)
    make_people(township_b, 2)

    roster_generate([a.pk, b.pk], MONDAY, MONDAY + timedelta(days=27), cap=2)

    totals = Counter(live_shifts().values_list("secretary_id", flat=True))
    assert totals[shared.pk] == 2  # one at each station, the least a fair station count allows
    for station in (a, b):
        here = Counter(live_shifts(station=station).values_list("secretary_id", flat=True))
        counts = [here[p] for p in pool_ids(station)]
        assert max(counts) - min(counts) <= 1


def test_weekly_cap_spans_stations(district, township_a, township_b):
    a = make_station(township_a, covered=[township_a, township_b], weekdays=[0])
    b = make_station(township_b, covered=[township_b], weekdays=[4])
    (only,) = make_people(township_b, 1)

    result = roster_generate([a.pk, b.pk], MONDAY, MONDAY + timedelta(days=6))

    assert len(result.created) == 1
    assert RosterGap.objects.open().count() == 1


def test_gap_is_reported_once_to_manager_and_org(township_a, station, station_manager_user, org_user):
    roster_generate([station.pk], MONDAY, MONDAY + timedelta(days=6))
    roster_generate([station.pk], MONDAY, MONDAY + timedelta(days=6))

    gap = RosterGap.objects.get()
    assert gap.missing == 1 and gap.reason == "值班池为空"
    for user in (station_manager_user, org_user):
        assert Notice.objects.filter(recipient=user, kind="roster_gap").count() == 1


def test_gap_closes_when_the_pool_grows(township_a, station):
    roster_generate([station.pk], MONDAY, MONDAY + timedelta(days=6))
    make_secretary(township_a)

    roster_generate([station.pk], MONDAY, MONDAY + timedelta(days=6))

    assert RosterGap.objects.get().resolved_at is not None
    assert live_shifts(station=station).count() == 1


def test_new_shifts_are_announced_to_each_secretary(township_a, station):
    person = make_secretary(township_a, login=True)

    roster_generate([station.pk], MONDAY, MONDAY + timedelta(days=6))
    roster_generate([station.pk], MONDAY, MONDAY + timedelta(days=6))

    assert Notice.objects.filter(recipient=person.user, kind="shift_new").count() == 1


def test_leave_after_rostering_frees_the_shift_and_the_next_run_refills_it(
    township_a, station, station_manager_user, django_capture_on_commit_callbacks
):
    first = make_secretary(township_a, login=True)
    second = make_secretary(township_a, login=True)
    roster_generate([station.pk], MONDAY, MONDAY + timedelta(days=6))
    shift = live_shifts(station=station).get()
    on_leave, other = (first, second) if shift.secretary == first else (second, first)

    with django_capture_on_commit_callbacks(execute=False):
        leave_add(on_leave, MONDAY, MONDAY + timedelta(days=6), "参加培训", today=MONDAY - timedelta(days=3))

    assert not live_shifts(station=station).exists()
    assert RosterGap.objects.open().get().freed_secretary == on_leave
    assert Notice.objects.filter(recipient=station_manager_user, kind="shift_freed").exists()

    roster_generate([station.pk], MONDAY, MONDAY + timedelta(days=6))

    refill = live_shifts(station=station).get()
    assert refill.secretary == other
    assert Notice.objects.filter(recipient=other.user, kind="shift_new", url__contains=str(refill.pk)).exists()
    assert Notice.objects.filter(recipient=on_leave.user, kind="shift_refill").count() == 1
    assert RosterGap.objects.get().resolved_at is not None


def test_leave_keeps_past_and_done_shifts(township_a, station):
    person = make_secretary(township_a)
    done = DutyShift.objects.create(station=station, date=MONDAY - timedelta(days=5), secretary=person, status="done")

    leave_add(person, MONDAY - timedelta(days=10), MONDAY + timedelta(days=10), "病假", today=MONDAY)

    assert DutyShift.objects.filter(pk=done.pk).exists()


def test_bad_ranges_are_refused_with_a_clear_message(station):
    with pytest.raises(ValidationError, match="结束日期早于开始日期"):
        roster_generate([station.pk], MONDAY, MONDAY - timedelta(days=1))
    with pytest.raises(ValidationError, match="过长"):
        roster_generate([station.pk], MONDAY, MONDAY + timedelta(days=5000))


def test_inactive_stations_are_not_rostered(township_a, station):
    make_people(township_a, 2)
    station.active = False
    station.save()

    assert roster_generate(None, MONDAY, MONDAY + timedelta(days=6)).created == []


def test_unrelated_user_gets_no_notice(township_a, station):
    stranger = UserFactory(username="stranger")
    make_people(township_a, 1)
    roster_generate([station.pk], MONDAY, MONDAY + timedelta(days=6))
    assert not Notice.objects.filter(recipient=stranger).exists()


def test_new_shift_notices_are_built_in_bulk_one_per_shift_with_its_own_date(
    township_a, django_assert_max_num_queries, django_capture_on_commit_callbacks, mailoutbox
):
    station = make_station(township_a, weekdays=[0, 2, 4], per_day=2)
    people = make_people(township_a, 12, login=True)
    people[1].user.is_active = False
    people[1].user.save(update_fields=["is_active"])
    result = roster_generate([station.pk], MONDAY, MONDAY + timedelta(days=13), notify_people=False)
    assert len(result.created) == 12

    from stations.services.roster import roster_notify

    with django_capture_on_commit_callbacks(execute=True), django_assert_max_num_queries(8):
        roster_notify(result)

    notices = Notice.objects.filter(kind="shift_new")
    by_person = {n.recipient_id: n for n in notices}
    assert notices.count() == len(by_person) == 11  # everyone once, except the inactive login
    for shift in result.created:
        if shift.secretary_id == people[1].pk:
            assert shift.secretary.user_id not in by_person
            continue
        notice = by_person[shift.secretary.user_id]
        assert f"{shift.date:%m月%d日}" in notice.title and station.name in notice.title
        assert notice.url == f"/stations/shifts/{shift.pk}/"
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.user.email for p in people if p.user.is_active)

    roster_notify(result)
    assert Notice.objects.filter(kind="shift_new").count() == 11
