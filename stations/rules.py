"""The roster's rules: why a person may not take a duty day. The one home of these rules; the
generator (which people it may choose), the gap reasons (why a day stayed empty) and the swap
checks (who may take over a shift) all ask `reasons_not_free`.

`Bookings` is what the rules need to know about people's days (leave, live shifts, the load of
each week), read in two queries for any number of people, so the generator decides in memory."""

import enum
from collections import Counter, defaultdict
from datetime import timedelta

from django.conf import settings

from stations.models import LIVE_STATUSES, DutyShift, Unavailability
from stations.selectors import monday_of


class Reason(enum.Enum):
    """In the order they are checked (and reported): a gap counts each person under the first."""

    PAST = "past"
    NOT_ON_POST = "not_on_post"
    NOT_IN_POOL = "not_in_pool"
    ON_LEAVE = "on_leave"
    SAME_DAY = "same_day"
    WEEK_FULL = "week_full"

    def message(self, person, station, day, cap):
        """What the swap pages say (the same words as before the rules had a home)."""
        return {
            Reason.PAST: f"{day:%m月%d日}的班次已过去",
            Reason.NOT_ON_POST: f"{person.name}不在岗",
            Reason.NOT_IN_POOL: f"{person.name}不在{station.name}的值班池中",
            Reason.ON_LEAVE: f"{person.name}在{day:%m月%d日}请假",
            Reason.SAME_DAY: f"{person.name}在{day:%m月%d日}已有班次",
            Reason.WEEK_FULL: f"{person.name}在该周已有{cap}个班次（上限）",
        }[self]


class Bookings:
    """People's days: leave periods, live shifts (one per person per day) and shifts per
    Monday-to-Sunday week, against the weekly cap (ROSTER_MAX_SHIFTS_PER_WEEK)."""

    def __init__(self, cap=None):
        self.cap = settings.ROSTER_MAX_SHIFTS_PER_WEEK if cap is None else cap
        self.leave = defaultdict(list)  # secretary -> [(first, last)]
        self.busy = set()  # (secretary, day)
        self.week_load = Counter()  # (secretary, monday)

    @classmethod
    def load(cls, first, last, *, secretary_ids=None, excluding=(), cap=None):
        """The bookings of the whole weeks around first..last (two queries); `excluding`: shifts to
        leave out (the one a person gives up in a swap)."""
        bookings = cls(cap)
        window_start, window_end = monday_of(first), monday_of(last) + timedelta(days=6)
        leave = Unavailability.objects.filter(start__lte=window_end, end__gte=window_start)
        shifts = DutyShift.objects.filter(date__range=(window_start, window_end), status__in=LIVE_STATUSES)
        shifts = shifts.exclude(pk__in=[pk for pk in excluding if pk])
        if secretary_ids is not None:
            leave = leave.filter(secretary_id__in=list(secretary_ids))
            shifts = shifts.filter(secretary_id__in=list(secretary_ids))
        bookings.add_leave(leave.values_list("secretary_id", "start", "end"))
        for secretary_id, day in shifts.values_list("secretary_id", "date"):
            bookings.book(secretary_id, day)
        return bookings

    def add_leave(self, rows):
        for secretary_id, first, last in rows:
            self.leave[secretary_id].append((first, last))

    def book(self, secretary_id, day):
        self.busy.add((secretary_id, day))
        self.week_load[(secretary_id, monday_of(day))] += 1

    def away(self, secretary_id, day):
        return any(first <= day <= last for first, last in self.leave.get(secretary_id, ()))


def reasons_not_free(secretary_id, day, bookings, *, pool, on_post=True, today=None):
    """Why the person may not take a shift on `day` at a station whose duty pool is `pool` (a set of
    secretary ids), as Reasons in the order of Reason; an empty list means they may.

    `on_post`: the person's status is on post (a pool holds only people on post). `today`: when
    given, a day before it is refused (the generator may fill a range that began earlier)."""
    reasons = []
    if today is not None and day < today:
        reasons.append(Reason.PAST)
    if not on_post:
        reasons.append(Reason.NOT_ON_POST)
    if secretary_id not in pool:
        reasons.append(Reason.NOT_IN_POOL)
    if secretary_id in bookings.leave and bookings.away(secretary_id, day):
        reasons.append(Reason.ON_LEAVE)
    if (secretary_id, day) in bookings.busy:
        reasons.append(Reason.SAME_DAY)
    if bookings.week_load[(secretary_id, monday_of(day))] >= bookings.cap:
        reasons.append(Reason.WEEK_FULL)
    return reasons


def gap_reason(pool, day, bookings):
    """Why a duty day of a station with this pool could not be filled. Each person counts under the
    first reason that applies, so the text does not change when a later run sees the same week
    complete (someone on leave Monday may well serve on Tuesday)."""
    if not pool:
        return "值班池为空"
    first = Counter()
    for secretary_id in pool:
        reasons = reasons_not_free(secretary_id, day, bookings, pool=pool)
        if reasons:
            first[reasons[0]] += 1
    return (
        f"值班池{len(pool)}人：请假{first[Reason.ON_LEAVE]}人，当天已有班次{first[Reason.SAME_DAY]}人，"
        f"本周已达上限{first[Reason.WEEK_FULL]}人"
    )
