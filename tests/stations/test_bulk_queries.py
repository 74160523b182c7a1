"""Background jobs and the swap list at province scale: the queries of a run or a page do not grow
with the number of gaps, absent shifts or stations (each test compares one against many)."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notices.models import Notice
from secretaries.models import StaffProfile
from stations.models import DutyShift, RosterGap, SwapRequest
from stations.services import roster_notify, shifts_mark_absent
from stations.services.roster import RosterResult
from tests.factories import UserFactory
from tests.stations.factories import make_secretary, make_station

MONDAY = timezone.localdate() - timedelta(days=timezone.localdate().weekday()) + timedelta(days=14)


def station_with_manager(township):
    station = make_station(township)
    user = UserFactory(username=f"mgr{station.pk}")
    StaffProfile.objects.create(user=user, role="station_manager", station=station)
    return station, user


def refill_and_gap(township, offset):
    """A station with a manager, a slot freed by leave and refilled by two people, and an open gap."""
    station, manager = station_with_manager(township)
    day = MONDAY + timedelta(days=7 * offset + 2)
    freed = make_secretary(township, login=True)
    takers = [make_secretary(township, name=f"接替{offset}甲"), make_secretary(township, name=f"接替{offset}乙")]
    refilled = RosterGap.objects.create(
        station=station, date=day, reason="请假", freed_secretary=freed, resolved_at=timezone.now()
    )
    shifts = [DutyShift.objects.create(station=station, date=day, secretary=s) for s in takers]
    RosterGap.objects.create(station=station, date=day + timedelta(days=1), missing=2, reason="值班池为空")
    return station, manager, freed, takers, refilled.pk, shifts


def notify_run(township, offsets):
    made = [refill_and_gap(township, offset) for offset in offsets]
    # Read back as roster_generate holds them: plain rows, no related objects cached.
    refilled = [(RosterGap.objects.get(pk=gap_pk), shifts) for _, _, _, _, gap_pk, shifts in made]
    gaps = list(RosterGap.objects.filter(station__in=[m[0] for m in made], resolved_at__isnull=True))
    with CaptureQueriesContext(connection) as queries:
        roster_notify(RosterResult(refilled=refilled, gaps=gaps))
    return made, len(queries)


def test_roster_notify_costs_the_same_queries_for_one_gap_as_for_many(township_a, org_user):
    _, one = notify_run(township_a, [0])
    made, many = notify_run(township_a, range(1, 9))

    assert many == one
    for station, manager, freed, takers, _, _ in made:
        refill = Notice.objects.get(recipient=freed.user, kind="shift_refill")
        assert refill.body.endswith(f"的班次由{takers[0].name}、{takers[1].name}接替。")
        assert refill.body.startswith(station.name)
        gap_title = Notice.objects.get(recipient=manager, kind="roster_gap").title
        assert gap_title.startswith(f"排班缺口：{station.name}") and gap_title.endswith("缺2人")
        assert Notice.objects.filter(recipient=org_user, kind="roster_gap", title=gap_title).count() == 1


def test_roster_notify_again_tells_nobody_twice(township_a, org_user):
    made, _ = notify_run(township_a, range(3))
    before = Notice.objects.count()
    refilled = [(RosterGap.objects.get(pk=gap_pk), shifts) for _, _, _, _, gap_pk, shifts in made]
    gaps = list(RosterGap.objects.filter(resolved_at__isnull=True))

    roster_notify(RosterResult(refilled=refilled, gaps=gaps))

    assert Notice.objects.count() == before == 3 + 3 * 2  # a refill each; a gap each to manager and org


def absent_shifts(township, count, day):
    shifts = []
    for _ in range(count):
        station, _manager = station_with_manager(township)
        shifts.append(DutyShift.objects.create(station=station, date=day, secretary=make_secretary(township)))
    return shifts


def test_marking_absent_costs_the_same_queries_for_one_shift_as_for_many(township_a, township_b, org_user):
    many = 6
    today = timezone.localdate()
    absent_shifts(township_a, 1, today)
    with CaptureQueriesContext(connection) as one:
        assert len(shifts_mark_absent(today)) == 1
    shifts = absent_shifts(township_a, many // 2, today) + absent_shifts(township_b, many - many // 2, today)
    with CaptureQueriesContext(connection) as queries:
        assert len(shifts_mark_absent(today)) == many

    assert len(queries) == len(one), [q["sql"] for q in queries.captured_queries]
    for shift in shifts:
        shift.refresh_from_db()
        assert shift.status == DutyShift.Status.ABSENT
        assert shift.history.first().status == DutyShift.Status.ABSENT  # the change is in the history
        told = set(Notice.objects.filter(dedupe_key=f"shift-absent:{shift.pk}").values_list("recipient_id", flat=True))
        manager = StaffProfile.objects.get(role="station_manager", station=shift.station).user_id
        assert told == {manager, org_user.pk}


def test_swap_list_asks_once_which_stations_the_user_manages(township_a, org_user, client_for):
    def accepted_swap():
        station = make_station(township_a)
        shift = DutyShift.objects.create(
            station=station, date=MONDAY + timedelta(days=2), secretary=make_secretary(township_a)
        )
        return SwapRequest.objects.create(
            shift=shift, to_secretary=make_secretary(township_a), status=SwapRequest.Status.ACCEPTED
        )

    client = client_for(org_user)
    accepted_swap()
    with CaptureQueriesContext(connection) as one:
        client.get("/stations/swaps/")
    swaps = [accepted_swap() for _ in range(8)]
    with CaptureQueriesContext(connection) as many:
        page = client.get("/stations/swaps/").content.decode()

    assert len(many) == len(one)
    for swap in swaps:
        assert f"/stations/swaps/{swap.pk}/approve/" in page


def test_a_station_manager_may_approve_only_at_their_own_station(township_a, station, station_manager_user, client_for):
    other = make_station(township_a)
    own = SwapRequest.objects.create(
        shift=DutyShift.objects.create(station=station, date=MONDAY, secretary=make_secretary(township_a)),
        to_secretary=make_secretary(township_a),
        status=SwapRequest.Status.ACCEPTED,
    )
    SwapRequest.objects.create(
        shift=DutyShift.objects.create(station=other, date=MONDAY, secretary=make_secretary(township_a)),
        to_secretary=make_secretary(township_a),
        status=SwapRequest.Status.ACCEPTED,
    )

    page = client_for(station_manager_user).get("/stations/swaps/").content.decode()

    assert page.count("/approve/") == 1 and f"/stations/swaps/{own.pk}/approve/" in page
