"""Reads for the home pages of a first secretary and of a station manager: what to do today."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from core.scoping import scope_for
from dashboard.periods import week_of
from dashboard.selectors import FILLED_SHIFTS
from demands.lifecycle import DONE, OPEN, UNMET
from demands.models import DemandItem
from demands.selectors_loop import assigned_to
from notices.models import Notice
from stations.models import DutyShift, ServiceStation
from teams.models import TeamActivity, TeamMembership

UPCOMING_WEEKS = 4


def membership_of(user, scope):
    """The secretary's current team membership (with its team), or None."""
    return (
        TeamMembership.objects.for_user(user)
        .current()
        .filter(secretary_id=scope.secretary_id)
        .select_related("team")
        .first()
    )


def secretary_home(user):
    scope = scope_for(user)
    today = timezone.localdate()
    # The work queue's 待我办理 (what the to-do list counts), not a second rule of who works what.
    assigned = list(assigned_to(user).filter(status__in=OPEN).order_by("due_date", "pk")[:20])
    next_shift = (
        DutyShift.objects.for_user(user)
        .filter(
            secretary_id=scope.secretary_id,
            date__gte=today,
            status__in=[DutyShift.Status.SCHEDULED, DutyShift.Status.CONFIRMED],
        )
        .select_related("station")
        .order_by("date")
        .first()
    )
    membership = membership_of(user, scope)
    team_activities = []
    if membership:
        team_activities = list(
            TeamActivity.objects.for_user(user)
            .filter(team_id=membership.team_id)
            .select_related("village")
            .order_by("-date", "-pk")[:5]
        )
    return {
        "assigned": assigned,
        "overdue_count": sum(1 for item in assigned if item.due_date and item.due_date < today),
        "next_shift": next_shift,
        "membership": membership,
        "team_activities": team_activities,
        "notices": list(Notice.objects.for_user(user).unread()[:5]),
        "today": today,
    }


def station_home(user):
    scope = scope_for(user)
    today = timezone.localdate()
    station = ServiceStation.objects.for_user(user).filter(pk=scope.station_id).first()
    if station is None:
        return {"station": None}
    monday, sunday = week_of(today)
    roster = list(
        DutyShift.objects.for_user(user)
        .filter(station=station, date__range=(monday, sunday))
        .select_related("secretary__village__township")
        .order_by("date", "secretary__name")
    )
    last = monday + timedelta(weeks=UPCOMING_WEEKS, days=-1)
    filled = {}
    for row in (
        DutyShift.objects.for_user(user)
        .filter(station=station, date__range=(monday, last), status__in=FILLED_SHIFTS)
        .values_list("date", flat=True)
    ):
        week = week_of(row)[0]
        filled[week] = filled.get(week, 0) + 1
    gaps = []
    needed = station.secretaries_per_duty_day * len(set(station.duty_weekdays or []))
    if station.active:
        for i in range(UPCOMING_WEEKS):
            week = monday + timedelta(weeks=i)
            have = filled.get(week, 0)
            if have < needed:
                gaps.append({"monday": week, "needed": needed, "filled": have})
    received = DemandItem.objects.for_user(user).filter(Q(station=station) | Q(assignee_station=station))
    counts = received.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=UNMET)),
        resolved=Count("pk", filter=Q(status__in=DONE)),
    )
    return {
        "station": station,
        "monday": monday,
        "sunday": sunday,
        "roster": roster,
        "gaps": gaps,
        "received": list(received.select_related("village", "category").order_by("-created_at")[:10]),
        "received_counts": counts,
        "notices": list(Notice.objects.for_user(user).unread()[:5]),
        "today": today,
    }
