"""What a login must do before it may use the product: change its password (first login, reset
or expired) or enrol two-factor login (administrators). Worked out once at login and kept in the
session, so the middleware asks no query per request."""

from django.conf import settings
from django_otp import user_has_device

from accounts.models import Account
from accounts.passwords import password_expired
from core.scoping import ADMIN_ROLES, ROLE_ORG, scope_for

PENDING_KEY = "account_pending"

INITIAL = "initial"
EXPIRED = "expired"
ENROL_OTP = "otp"

PASSWORD_REASONS = {
    INITIAL: "您正在使用初始密码（首次登录或管理员重置后），请先设置您自己的新密码。",
    EXPIRED: "您的密码已超过 {days} 天未修改，请设置新密码后继续使用。",
}
ENROL_MESSAGE = "您的账号必须启用两步验证（手机身份验证器）后才能继续使用。"


def otp_required(user):
    """Superusers and the administrator roles always; the department's business logins when
    OTP_REQUIRED_FOR_ORG is on."""
    if user.is_superuser:
        return True
    scope = scope_for(user)
    if scope.role in ADMIN_ROLES:
        return True
    return settings.OTP_REQUIRED_FOR_ORG and scope.role == ROLE_ORG


def pending_for(user):
    """What `user` must do first, in order (an empty list: nothing)."""
    pending = []
    account = Account.objects.filter(user=user).first()
    if account is not None and account.must_change_password:
        pending.append(INITIAL)
    elif password_expired(user):
        pending.append(EXPIRED)
    if otp_required(user) and not user_has_device(user, confirmed=True):
        pending.append(ENROL_OTP)
    return pending


def pending_password_message(pending):
    for reason in pending:
        if reason in PASSWORD_REASONS:
            return PASSWORD_REASONS[reason].format(days=settings.PASSWORD_MAX_AGE_DAYS)
    return ""


def pending_remove(request, *reasons):
    pending = [reason for reason in request.session.get(PENDING_KEY, []) if reason not in reasons]
    request.session[PENDING_KEY] = pending
