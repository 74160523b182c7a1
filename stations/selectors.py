"""Reads for the stations app: duty pools, calendars, fairness, the week overview."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Max, Q
from django.utils import timezone

from secretaries.models import Secretary
from stations.models import LIVE_STATUSES, DutyShift, PoolMember, ServiceStation


def monday_of(day):
    return day - timedelta(days=day.weekday())


def pool_ids_by_station(station_ids=None):
    """{station_id: set(secretary_id)} of each station's effective duty pool, in three queries.

    The default pool is every secretary on post in the covered townships; a PoolMember row with
    active=True adds someone from elsewhere, one with active=False keeps a default person out."""
    stations = ServiceStation.objects.all()
    if station_ids is not None:
        stations = stations.filter(pk__in=list(station_ids))
    covered = defaultdict(set)
    through = ServiceStation.covered_townships.through.objects.filter(servicestation__in=stations)
    for station_id, township_id in through.values_list("servicestation_id", "township_id"):
        covered[station_id].add(township_id)
    added, excluded = defaultdict(set), defaultdict(set)
    for station_id, secretary_id, active in PoolMember.objects.filter(station__in=stations).values_list(
        "station_id", "secretary_id", "active"
    ):
        (added if active else excluded)[station_id].add(secretary_id)

    all_townships = set().union(*covered.values()) if covered else set()
    by_township = defaultdict(set)
    on_post = set()
    rows = (
        Secretary.objects.on_post()
        .filter(
            Q(village__township__in=all_townships)
            | Q(pk__in=PoolMember.objects.filter(station__in=stations, active=True).values("secretary_id"))
        )
        .values_list("pk", "village__township_id")
    )
    for secretary_id, township_id in rows:
        on_post.add(secretary_id)
        by_township[township_id].add(secretary_id)

    pools = {}
    for station_id in stations.values_list("pk", flat=True):
        members = set()
        for township_id in covered.get(station_id, ()):
            members |= by_township.get(township_id, set())
        members -= excluded.get(station_id, set())
        members |= added.get(station_id, set()) & on_post
        pools[station_id] = members
    return pools


def pool_ids(station):
    return pool_ids_by_station([station.pk]).get(station.pk, set())


@dataclass
class PoolRow:
    secretary: Secretary
    in_pool: bool
    is_default: bool
    shifts_here: int = 0
    last_served: date | None = None


def pool_rows(station):
    """The pool page: effective members with their counts here, then excluded default people."""
    members = pool_ids(station)
    covered = set(station.covered_townships.values_list("pk", flat=True))
    excluded = set(PoolMember.objects.filter(station=station, active=False).values_list("secretary_id", flat=True))
    people = (
        Secretary.objects.filter(pk__in=members | excluded)
        .select_related("village__township")
        .order_by("village__township__name", "village__name", "name")
    )
    stats = {
        row["secretary_id"]: row
        for row in DutyShift.objects.filter(station=station, status__in=LIVE_STATUSES)
        .values("secretary_id")
        .annotate(n=Count("id"), last=Max("date"))
    }
    rows = []
    for person in people:
        stat = stats.get(person.pk, {})
        rows.append(
            PoolRow(
                secretary=person,
                in_pool=person.pk in members,
                is_default=person.village.township_id in covered,
                shifts_here=stat.get("n", 0),
                last_served=stat.get("last"),
            )
        )
    rows.sort(key=lambda r: (not r.in_pool,))
    return rows


@dataclass
class FairnessRow:
    secretary: Secretary
    shifts_here: int
    shifts_total: int
    done: int
    absent: int
    last_served: date | None
    next_shift: date | None


def fairness_report(station, today=None):
    """Shifts per pool member at this station (and across all stations), last served, next shift."""
    today = today or timezone.localdate()
    members = pool_ids(station)
    people = Secretary.objects.filter(pk__in=members).select_related("village").order_by("name")
    here = defaultdict(dict)
    for row in (
        DutyShift.objects.filter(station=station, secretary__in=members, status__in=LIVE_STATUSES)
        .values("secretary_id")
        .annotate(
            n=Count("id"),
            done=Count("id", filter=Q(status=DutyShift.Status.DONE)),
            absent=Count("id", filter=Q(status=DutyShift.Status.ABSENT)),
            last=Max("date", filter=Q(date__lte=today)),
        )
    ):
        here[row["secretary_id"]] = row
    totals = dict(
        DutyShift.objects.filter(secretary__in=members, status__in=LIVE_STATUSES)
        .values("secretary_id")
        .annotate(n=Count("id"))
        .values_list("secretary_id", "n")
    )
    upcoming = {}
    for secretary_id, day in (
        DutyShift.objects.filter(station=station, secretary__in=members, date__gt=today, status__in=LIVE_STATUSES)
        .order_by("date")
        .values_list("secretary_id", "date")
    ):
        upcoming.setdefault(secretary_id, day)
    rows = [
        FairnessRow(
            secretary=p,
            shifts_here=here[p.pk].get("n", 0),
            shifts_total=totals.get(p.pk, 0),
            done=here[p.pk].get("done", 0),
            absent=here[p.pk].get("absent", 0),
            last_served=here[p.pk].get("last"),
            next_shift=upcoming.get(p.pk),
        )
        for p in people
    ]
    rows.sort(key=lambda r: (r.shifts_here, r.last_served or date.min, r.secretary.name))
    counts = [r.shifts_here for r in rows]
    spread = (max(counts) - min(counts)) if counts else 0
    return rows, spread


def station_shifts(station, start, end):
    """{date: [shift, ...]} for a calendar, swapped shifts left out."""
    days = defaultdict(list)
    shifts = (
        DutyShift.objects.filter(station=station, date__range=(start, end))
        .exclude(status=DutyShift.Status.SWAPPED)
        .select_related("secretary__village")
        .order_by("date", "secretary__name")
    )
    for shift in shifts:
        days[shift.date].append(shift)
    return days


def week_overview(stations, monday):
    """All stations at a glance for one week: [(station, [(date, [shifts])...])]."""
    sunday = monday + timedelta(days=6)
    stations = list(stations)
    by_station = defaultdict(lambda: defaultdict(list))
    shifts = (
        DutyShift.objects.filter(station__in=stations, date__range=(monday, sunday))
        .exclude(status=DutyShift.Status.SWAPPED)
        .select_related("secretary__village")
        .order_by("date", "secretary__name")
    )
    for shift in shifts:
        by_station[shift.station_id][shift.date].append(shift)
    result = []
    for station in stations:
        days = [monday + timedelta(days=d) for d in sorted(station.duty_weekdays or [])]
        result.append((station, [(day, by_station[station.pk].get(day, [])) for day in days]))
    return result


def duty_stations_of(secretary):
    """The stations whose effective duty pool (default from covered townships, adjusted by hand)
    includes this secretary."""
    candidates = ServiceStation.objects.filter(
        Q(covered_townships=secretary.village.township_id) | Q(pool_members__secretary=secretary)
    ).distinct()
    pools = pool_ids_by_station(candidates.values_list("pk", flat=True))
    return [station for station in candidates.order_by("name") if secretary.pk in pools.get(station.pk, set())]
