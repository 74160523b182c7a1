"""Passwords: the random initial password, the reuse rule and the expiry rule."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Account, PasswordHistory

# No 0/O/o, 1/l/I, nor 5/S or 2/Z pairs that look alike on a printed slip or a phone screen.
UPPER = "ABCDEFGHJKLMNPQRTUVWXY"
LOWER = "abcdefghijkmnpqrstuvwxyz"
DIGITS = "346789"
GROUPS, GROUP_LENGTH = 3, 4


def initial_password():
    """A readable random password in groups (e.g. `Kp7x-Rm4q-Ht9c`): upper, lower, digits and
    the dash, so it passes the character-classes rule; 12 random characters of 52."""
    alphabet = UPPER + LOWER + DIGITS
    while True:
        groups = ["".join(secrets.choice(alphabet) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS)]
        password = "-".join(groups)
        if all(any(char in kind for char in password) for kind in (UPPER, LOWER, DIGITS)):
            return password


def password_expired(user, now=None):
    """True when PASSWORD_MAX_AGE_DAYS (0 = never) have passed since the password was last set
    (or, for a login from before this rule, since it was made)."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days:
        return False
    account = Account.objects.filter(user=user).first()
    changed = (account and account.password_changed_at) or user.date_joined
    return changed < (now or timezone.now()) - timedelta(days=days)


class PasswordHistoryValidator:
    """In AUTH_PASSWORD_VALIDATORS: none of the last `remembered` passwords again. Django calls
    `password_changed` whenever a password is set and saved, so every new password (initial,
    reset or chosen) is remembered here, with its time for the expiry rule."""

    def __init__(self, remembered=5):
        self.remembered = remembered

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        previous = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[: self.remembered]
        # The current password is normally the newest entry already; a login from before the
        # history began has only its current one.
        hashes = list(dict.fromkeys([user.password, *previous]))[: self.remembered]
        if any(encoded and check_password(password, encoded) for encoded in hashes):
            raise ValidationError(f"新密码不能与最近 {self.remembered} 次使用过的密码相同。", code="password_reused")

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[self.remembered :]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()
        Account.objects.update_or_create(user=user, defaults={"password_changed_at": timezone.now()})

    def get_help_text(self):
        return f"不能与最近 {self.remembered} 次使用过的密码相同。"
