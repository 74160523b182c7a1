"""Reads for the administrator's list of logins."""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max, Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.access import hidden_roles
from core.scoping import scope_for
from secretaries.models import StaffProfile


def logins_for(user, q="", status=""):
    """The logins `user` administers: those whose role lies in its district (StaffProfile.for_user);
    another district's login is not among them (404)."""
    profiles = StaffProfile.objects.for_user(user).exclude(role__in=hidden_roles(scope_for(user)))
    users = (
        get_user_model()
        .objects.filter(staff_profile__in=profiles)
        .select_related("staff_profile__township", "staff_profile__station", "secretary__village", "account")
        .order_by("staff_profile__role", "username")
    )
    if q:
        users = users.filter(Q(username__icontains=q) | Q(first_name__icontains=q) | Q(secretary__name__icontains=q))
    if status == "active":
        users = users.filter(is_active=True)
    elif status == "disabled":
        users = users.filter(is_active=False)
    return users


def login_rows(users):
    """Each login of a page with whether it is locked out now and has two-factor login."""
    users = list(users)
    usernames = [user.get_username() for user in users]
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = dict(
        AccessAttempt.objects.filter(username__in=usernames, attempt_time__gte=since)
        .values("username")
        .annotate(total=Max("failures_since_start"))
        .values_list("username", "total")
    )
    with_otp = set(TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True))
    return [
        {
            "user": user,
            "profile": user.staff_profile,
            "account": getattr(user, "account", None),
            "failures": failures.get(user.get_username(), 0),
            "locked": failures.get(user.get_username(), 0) >= settings.AXES_FAILURE_LIMIT,
            "otp": user.pk in with_otp,
        }
        for user in users
    ]
