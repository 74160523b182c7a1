"""Reads for the administrator's list of logins and the system administrator's home page."""

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
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


def failures_now(**filters):
    """{username: failed logins} within django-axes' lockout window; a username at or above
    AXES_FAILURE_LIMIT is locked out now. `filters` narrow django-axes' attempts."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(attempt_time__gte=since, **filters)
    return dict(
        attempts.values("username").annotate(total=Max("failures_since_start")).values_list("username", "total")
    )


def users_with_otp(users):
    """The ids of those of `users` (users or ids) with a confirmed authenticator (TOTP) device."""
    return set(TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True))


def login_rows(users):
    """Each login of a page with whether it is locked out now and has two-factor login."""
    users = list(users)
    failures = failures_now(username__in=[user.get_username() for user in users])
    with_otp = users_with_otp(users)
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


# The system administrator's home: what waits to be done about the district's logins ------------

EXPIRY_NOTICE_DAYS = 14  # a password expiring within this many days is listed on the home page


def locked_logins(user):
    """The logins of `user`'s district locked out now (django-axes: too many wrong passwords)."""
    locked = failures_now(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    return logins_for(user).filter(is_active=True, username__in=list(locked))


def expiring_passwords(user, now=None):
    """Active logins whose password expires within EXPIRY_NOTICE_DAYS (or has expired), each with
    `password_set` (when it was last set) and `expires` (the day it stops working); [] when
    PASSWORD_MAX_AGE_DAYS is 0."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days:
        return []
    now = now or timezone.now()
    cutoff = now - timedelta(days=days - EXPIRY_NOTICE_DAYS)
    logins = (
        logins_for(user)
        .filter(is_active=True)
        .annotate(password_set=Coalesce("account__password_changed_at", "date_joined"))
        .filter(password_set__lt=cutoff)
        .order_by("password_set", "username")
    )
    rows = list(logins)
    for login in rows:
        login.expires = timezone.localdate(login.password_set + timedelta(days=days))
    return rows
