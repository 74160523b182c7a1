"""Reads for the home pages of a first secretary, of a station manager and of the three
administrators (三员): what to do today."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Account
from accounts.selectors import expiring_passwords, locked_logins, logins_for, users_with_otp
from accounts.services import secretaries_without_login
from audit.actions import action_label
from audit.models import AuditEntry
from core.scoping import ADMIN_ROLES, ROLE_CHOICES, scope_for
from dashboard.periods import week_of
from dashboard.selectors import FILLED_SHIFTS
from demands.lifecycle import DONE, OPEN, UNMET
from demands.models import DemandItem
from demands.selectors_loop import assigned_to
from notices.models import Notice
from secretaries.models import StaffProfile
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


# The administrators (三员) ---------------------------------------------------------------------

RECENT_DAYS = 7  # the audit administrator's home shows the failures of the last week
HOME_ROWS = 10


def sysadmin_home(user):
    """The district's logins that need the system administrator: secretaries on post without a
    login, locked, disabled, initial passwords not yet changed, passwords about to expire."""
    logins = logins_for(user)
    expiring = expiring_passwords(user)
    locked = locked_logins(user).select_related("staff_profile")
    return {
        "without_login": secretaries_without_login(user).count(),
        "locked": list(locked[:HOME_ROWS]),
        "locked_count": locked.count(),
        "disabled_count": logins.filter(is_active=False).count(),
        "initial_count": Account.objects.filter(
            user__in=logins.filter(is_active=True), must_change_password=True
        ).count(),
        "expiring": expiring[:HOME_ROWS],
        "expiring_count": len(expiring),
        "expiry_days": settings.PASSWORD_MAX_AGE_DAYS,
        "today": timezone.localdate(),
    }


def secadmin_home(user):
    """Roles and scopes: how many logins of each role the district has, and its administrators
    (with whether their two-factor login is set up)."""
    profiles = StaffProfile.objects.for_user(user)
    counts = dict(profiles.values_list("role").annotate(total=Count("pk")).values_list("role", "total"))
    admins = list(profiles.filter(role__in=ADMIN_ROLES).select_related("user").order_by("role", "user__username"))
    with_otp = users_with_otp([p.user_id for p in admins])
    for profile in admins:
        profile.otp = profile.user_id in with_otp
    return {
        "role_counts": [(label, counts.get(role, 0)) for role, label in ROLE_CHOICES if role in counts],
        "login_total": sum(counts.values()),
        "admins": admins,
        "admins_without_otp": sum(1 for p in admins if p.user.is_active and not p.otp),
    }


def auditadmin_home(user, now=None):
    """The last week's failures and lockouts in the district's audit trail."""
    since = (now or timezone.now()) - timedelta(days=RECENT_DAYS)
    recent = AuditEntry.objects.for_user(user).filter(at__gte=since)
    failures = recent.filter(result=AuditEntry.Result.FAILURE)
    latest = list(failures[:HOME_ROWS])
    for entry in latest:
        entry.action_label = action_label(entry.action)
    return {
        "since": timezone.localdate(since),
        "failures": latest,
        "failure_count": failures.count(),
        "lockout_count": recent.filter(action="lockout").count(),
        "entry_count": recent.count(),
    }


ADMIN_HOMES = {"sysadmin": sysadmin_home, "secadmin": secadmin_home, "auditadmin": auditadmin_home}


def admin_home(user):
    scope = scope_for(user)
    return {"role": scope.role, **ADMIN_HOMES[scope.role](user)}
