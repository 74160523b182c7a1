"""Property-based tests of the roster: the hard rules hold and the fairness bound is met on
random pools, leave and station sizes. Each example runs in a savepoint that is rolled back."""

from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from stations.models import LIVE_STATUSES, DutyShift, RosterGap, Unavailability
from stations.selectors import monday_of, pool_ids_by_station
from stations.services import roster_generate
from tests.factories import BatchFactory
from tests.stations.factories import make_people, make_station, make_township

START = date(2027, 3, 1)  # a Monday
SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

station_shape = st.fixed_dictionaries(
    {
        "pool": st.integers(0, 6),
        "per_day": st.integers(1, 2),
        "weekdays": st.sets(st.integers(0, 6), min_size=1, max_size=2),
        "shares": st.booleans(),
    }
)
leave_shape = st.tuples(st.integers(0, 30), st.integers(0, 34), st.integers(0, 9))  # who, first day, length


def build(district, shapes, shared, leaves):
    """Stations each covering their own township, some also a shared one; leave for people."""
    batch = BatchFactory()
    shared_town = make_township(district)
    people = make_people(shared_town, shared, batch=batch)
    stations = []
    for shape in shapes:
        town = make_township(district)
        covered = [town, shared_town] if shape["shares"] else [town]
        stations.append(make_station(town, covered=covered, weekdays=shape["weekdays"], per_day=shape["per_day"]))
        people += make_people(town, shape["pool"], batch=batch)
    for who, first, length in leaves:
        if people:
            person = people[who % len(people)]
            start = START + timedelta(days=first)
            Unavailability.objects.create(
                secretary=person, start=start, end=start + timedelta(days=length), reason="假"
            )
    return stations, people


def check_hard_rules(stations, end, cap):
    shifts = list(DutyShift.objects.filter(status__in=LIVE_STATUSES).values_list("station_id", "date", "secretary_id"))
    pools = pool_ids_by_station([s.pk for s in stations])
    leave = defaultdict(list)
    for sid, first, last in Unavailability.objects.values_list("secretary_id", "start", "end"):
        leave[sid].append((first, last))

    def away(sid, day):
        return any(first <= day <= last for first, last in leave[sid])

    per_day = Counter((sid, day) for _, day, sid in shifts)
    assert max(per_day.values(), default=0) <= 1, "two shifts for one person on one day"
    per_week = Counter((sid, monday_of(day)) for _, day, sid in shifts)
    assert max(per_week.values(), default=0) <= cap, "weekly cap exceeded"
    for station_id, day, sid in shifts:
        assert not away(sid, day), "shift during leave"
        assert sid in pools[station_id], "shift for someone outside the pool"

    filled = Counter((station_id, day) for station_id, day, _ in shifts)
    gaps = {(g.station_id, g.date): g for g in RosterGap.objects.open()}
    for station in stations:
        day = START
        while day <= end:
            if day.weekday() in station.duty_weekdays:
                missing = station.secretaries_per_duty_day - filled[(station.pk, day)]
                if missing <= 0:
                    assert (station.pk, day) not in gaps
                else:
                    assert gaps[(station.pk, day)].missing == missing, "unfilled slot not reported"
                    # Reported gaps are real: nobody in the pool could have taken the slot.
                    for sid in pools[station.pk]:
                        assert away(sid, day) or per_day[(sid, day)] or per_week[(sid, monday_of(day))] >= cap
            day += timedelta(days=1)


@pytest.mark.django_db
@SETTINGS
@given(
    shapes=st.lists(station_shape, min_size=1, max_size=3),
    shared=st.integers(0, 3),
    leaves=st.lists(leave_shape, max_size=6),
    weeks=st.integers(1, 5),
    cap=st.integers(1, 2),
)
# Found on PostgreSQL: someone on leave Monday who serves Tuesday made the second run reword the gap.
@example(
    shapes=[
        {"pool": 0, "per_day": 1, "weekdays": {0}, "shares": False},
        {"pool": 1, "per_day": 1, "weekdays": {0, 1}, "shares": False},
    ],
    shared=0,
    leaves=[(0, 0, 0)],
    weeks=1,
    cap=1,
)
def test_hard_rules_hold_and_every_gap_is_real(district, shapes, shared, leaves, weeks, cap):
    with transaction.atomic():
        stations, _ = build(district, shapes, shared, leaves)
        end = START + timedelta(days=7 * weeks - 1)
        roster_generate([s.pk for s in stations], START, end, notify_people=False, cap=cap)
        check_hard_rules(stations, end, cap)

        before = sorted(DutyShift.objects.values_list("pk", "station_id", "date", "secretary_id", "status"))
        again = roster_generate([s.pk for s in stations], START, end, notify_people=False, cap=cap)
        assert again.created == [] and again.gaps == []
        assert sorted(DutyShift.objects.values_list("pk", "station_id", "date", "secretary_id", "status")) == before
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(
    shapes=st.lists(station_shape, min_size=1, max_size=3),
    extra=st.lists(st.integers(0, 3), min_size=3, max_size=3),
    leaves=st.lists(leave_shape, max_size=4),
    weeks=st.integers(1, 8),
)
def test_counts_in_a_pool_differ_by_at_most_one_where_the_pool_allows(district, shapes, extra, leaves, weeks):
    """Separate pools large enough for a week's slots (one shift per person per week): every
    person not on leave ends within one shift of everyone else not on leave."""
    for shape, more in zip(shapes, extra, strict=False):
        shape["shares"] = False
        shape["pool"] = shape["per_day"] * len(shape["weekdays"]) + more
    with transaction.atomic():
        stations, _ = build(district, shapes, 0, leaves)
        end = START + timedelta(days=7 * weeks - 1)
        roster_generate([s.pk for s in stations], START, end, notify_people=False, cap=1)
        on_leave = set(Unavailability.objects.values_list("secretary_id", flat=True))
        pools = pool_ids_by_station([s.pk for s in stations])
        for station in stations:
            here = Counter(
                DutyShift.objects.filter(station=station, status__in=LIVE_STATUSES).values_list(
                    "secretary_id", flat=True
                )
            )
            counts = [here[sid] for sid in pools[station.pk] - on_leave]
            if counts:
                assert max(counts) - min(counts) <= 1, (station.duty_weekdays, counts)
            if not on_leave & pools[station.pk]:
                assert not RosterGap.objects.filter(station=station).exists()
        transaction.set_rollback(True)
