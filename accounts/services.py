"""Writes of a login's life cycle: create in bulk, disable, enable, unlock, reset the password,
end sessions, enrol and remove two-factor login. Each records an audit entry (core.signals.audit)."""

import logging
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model, password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateTimeField
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Account
from accounts.passwords import initial_password
from accounts.usernames import usernames_for
from core.scoping import ROLE_LABELS, ROLE_MEMBER, ROLE_SECRETARY
from core.signals import audit
from notices.sms import get_sms_backend
from secretaries.models import Secretary, StaffProfile
from secretaries.validators import validate_mobile
from teams.models import GroupMember, TeamMembership

logger = logging.getLogger(__name__)

SMS_PREFIX = "【第一书记服务平台】"
RECOVERY_CODES = 10
TOTP_NAME = "手机身份验证器"
RECOVERY_NAME = "恢复码"


# Who must not log in -----------------------------------------------------------------------------


def secretary_left_post(secretary):
    """Why a secretary's login must go at once ('' while on post): status 期满 or 召回."""
    if secretary.status != Secretary.Status.ON_POST:
        return f"书记状态为{secretary.get_status_display()}"
    return ""


def secretary_off_post(secretary, today):
    """Why a secretary's login must not be used any more on `today`: left post, or the term ended
    (the daily job's rule; a status change applies the first half at once)."""
    if reason := secretary_left_post(secretary):
        return reason
    if secretary.term_end < today:
        return "任期已结束"
    return ""


def member_left_groups(person):
    """Why a group member's login must go ('' while they are in a group): they left every group."""
    if not person.memberships.current().exists():
        return "已退出所有队伍"
    return ""


def sessions_end(user_ids):
    """Delete every session of these logins (a disabled or reset login is signed out at once)."""
    wanted = {str(pk) for pk in user_ids}
    if not wanted:
        return 0
    doomed = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) in wanted
    ]
    Session.objects.filter(pk__in=doomed).delete()
    return len(doomed)


@transaction.atomic
def login_disable(user, reason, *, request=None):
    user.is_active = False
    user.save(update_fields=["is_active"])
    Account.objects.update_or_create(
        user=user, defaults={"disabled_at": timezone.now(), "disabled_reason": reason[:100]}
    )
    sessions_end([user.pk])
    audit("account.disable", request=request, obj=user, detail=reason)


@transaction.atomic
def login_enable(user, *, request):
    secretary = Secretary.objects.filter(user=user).first()
    reason = secretary_off_post(secretary, timezone.localdate()) if secretary else ""
    person = GroupMember.objects.filter(user=user).first() if secretary is None else None
    reason = reason or (member_left_groups(person) if person else "")
    if reason:
        raise ValidationError(f"不能启用：{reason}。")
    user.is_active = True
    user.save(update_fields=["is_active"])
    # The inactivity rule counts from now, not from the last login before it was disabled.
    Account.objects.update_or_create(
        user=user, defaults={"enabled_at": timezone.now(), "disabled_at": None, "disabled_reason": ""}
    )
    audit("account.enable", request=request, obj=user)


def login_unlock(user, *, request):
    """Clear the login's failed attempts (django-axes) from every address."""
    count = axes_reset(username=user.get_username())
    audit("account.unlock", request=request, obj=user, detail=f"清除失败记录 {count} 条")
    return count


@transaction.atomic
def password_reset(user, *, request):
    """A new random initial password, to be changed at the next login; returns it to be handed over."""
    password = initial_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    Account.objects.filter(user=user).update(must_change_password=True)
    sessions_end([user.pk])
    audit("account.password_reset", request=request, obj=user)
    return password


def password_changed(request, *, forced):
    """After the login changed its own password (the view saved it)."""
    Account.objects.update_or_create(user=request.user, defaults={"must_change_password": False})
    audit("account.password_change", request=request, obj=request.user)
    if forced:
        audit("account.forced_change_done", request=request, obj=request.user)


def logins_disable_due(today=None):
    """The daily job: disable the logins of secretaries off post or past their term, of group
    members who left every group, and (with ACCOUNT_INACTIVE_DAYS) the logins unused that long.
    Looks only at active logins, so a second run disables nothing. Superusers are left alone (no
    one could enable them again)."""
    today = today or timezone.localdate()
    disabled = 0
    for secretary in Secretary.objects.filter(user__is_active=True).select_related("user"):
        reason = secretary_off_post(secretary, today)
        if reason:
            login_disable(secretary.user, reason)
            disabled += 1
    in_a_group = TeamMembership.objects.current().exclude(person=None).values("person_id")
    for person in GroupMember.objects.filter(user__is_active=True).exclude(pk__in=in_a_group).select_related("user"):
        login_disable(person.user, member_left_groups(person))
        disabled += 1
    days = settings.ACCOUNT_INACTIVE_DAYS
    if days:
        cutoff = timezone.now() - timedelta(days=days)
        unused = (
            get_user_model()
            .objects.filter(is_active=True, is_superuser=False)
            .annotate(
                last_seen=Greatest(
                    Coalesce("last_login", "date_joined"),
                    Coalesce("account__enabled_at", "last_login", "date_joined"),
                    output_field=DateTimeField(),
                )
            )
            .filter(last_seen__lt=cutoff)
        )
        for user in unused:
            login_disable(user, f"连续 {days} 天未登录")
            disabled += 1
    return disabled


# Creating logins ---------------------------------------------------------------------------------


@dataclass
class NewLogin:
    name: str
    phone: str
    role: str
    township: object = None
    station: object = None
    secretary: object = None
    district: object = None  # for the department's, the administrators' and a group member's logins
    member: object = None  # a group's member who is not a secretary (teams.GroupMember)

    @property
    def role_label(self):
        return ROLE_LABELS.get(self.role, "")

    @property
    def place(self):
        if self.secretary is not None:
            return f"{self.secretary.village.township.name}{self.secretary.village.name}"
        if self.member is not None:
            return self.member.organisation or (str(self.member.village) if self.member.village_id else "")
        return str(self.township or self.station or self.district or "")


@dataclass
class CreatedLogin:
    entry: NewLogin
    user: object
    password: str
    sms_sent: bool = False


def passwords_hashed(passwords):
    """The hashes of `passwords`, computed side by side: PBKDF2 (hashlib, which lets go of the GIL)
    takes about a quarter of a second each, so a batch of 137 would take half a minute in a row."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return list(pool.map(make_password, passwords))


@transaction.atomic
def logins_create(entries, *, request):
    """A login for each entry: a pinyin username, a random initial password to be changed at the
    first login, the StaffProfile of its role (and Secretary.user for a secretary)."""
    User = get_user_model()
    taken = set(
        Secretary.objects.select_for_update()
        .filter(pk__in=[entry.secretary.pk for entry in entries if entry.secretary is not None])
        .exclude(user=None)
        .values_list("pk", flat=True)
    )
    taken_members = set(
        GroupMember.objects.select_for_update()
        .filter(pk__in=[entry.member.pk for entry in entries if entry.member is not None])
        .exclude(user=None)
        .values_list("pk", flat=True)
    )
    # Locked and checked again: two administrators creating at once give each person one login.
    entries = [
        entry
        for entry in entries
        if (entry.secretary is None or entry.secretary.pk not in taken)
        and (entry.member is None or entry.member.pk not in taken_members)
    ]
    passwords = [initial_password() for _ in entries]
    usernames = usernames_for([entry.name for entry in entries])
    created = []
    for entry, username, password, encoded in zip(
        entries, usernames, passwords, passwords_hashed(passwords), strict=True
    ):
        user = User.objects.create(username=username, first_name=entry.name[:150], password=encoded)
        password_validation.password_changed(password, user)  # the history and its time
        Account.objects.update_or_create(user=user, defaults={"must_change_password": True})
        StaffProfile.objects.create(
            user=user,
            role=entry.role,
            district=entry.district,
            township=entry.township,
            station=entry.station,
            phone=entry.phone,
        )
        if entry.secretary is not None:
            Secretary.objects.filter(pk=entry.secretary.pk).update(user=user)
        if entry.member is not None:
            GroupMember.objects.filter(pk=entry.member.pk).update(user=user)
        audit("account.create", request=request, obj=user, detail=f"角色：{ROLE_LABELS[entry.role]}")
        created.append(CreatedLogin(entry=entry, user=user, password=password))
    return created


def initial_password_text(login):
    return (
        f"{SMS_PREFIX}{login.entry.name}您好，您的账号已开通。用户名：{login.user.get_username()}，"
        f"初始密码：{login.password} ，首次登录须修改密码。登录地址：{settings.SITE_URL}"
    )


def initial_passwords_send(created):
    """Text each new login's password to its phone through SMS_BACKEND; marks `sms_sent` on those
    the gateway accepted. The others (no phone, refused) are to be printed as slips."""
    backend = get_sms_backend()
    for login in created:
        if not login.entry.phone:
            continue
        try:
            login.sms_sent = bool(backend.send(login.entry.phone, initial_password_text(login)))
        except Exception:  # any gateway's failure: this one gets a slip instead
            logger.exception("初始密码短信发送失败：%s", login.user.get_username())
    return created


def secretaries_without_login(user):
    return (
        Secretary.objects.for_user(user)
        .on_post()
        .filter(user__isnull=True)
        .select_related("village__township")
        .order_by("village__township__name", "village__name", "name")
    )


def secretary_entries(secretaries):
    return [NewLogin(name=s.name, phone=s.phone, role=ROLE_SECRETARY, secretary=s) for s in secretaries]


def members_without_login(user):
    """The district's group members who are not secretaries, in a group now and without a login
    (a company technician of a service group, a work team's captain)."""
    current = TeamMembership.objects.current().exclude(person=None).values("person_id")
    return (
        GroupMember.objects.for_user(user)
        .filter(user__isnull=True, pk__in=current)
        .select_related("village__township")
        .order_by("name", "pk")
    )


def _mobile_or_blank(phone):
    """A member's phone may be a landline: only a mobile number takes the password by SMS."""
    try:
        validate_mobile(phone)
    except ValidationError:
        return ""
    return phone


def member_entries(people):
    return [
        NewLogin(name=p.name, phone=_mobile_or_blank(p.phone), role=ROLE_MEMBER, district=p.district, member=p)
        for p in people
    ]


# Two-factor login --------------------------------------------------------------------------------


def otp_device_pending(user):
    """The authenticator being set up (made on first need, replaced never until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


@transaction.atomic
def otp_enrol_confirm(device, *, request):
    """The code from the app matched: the device counts (replacing an earlier one), and a fresh set
    of recovery codes is made, returned to be shown once."""
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_make(device.user)
    audit("account.2fa_enrol", request=request, obj=device.user)
    return codes


def recovery_codes_make(user):
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


@transaction.atomic
def otp_remove(user, *, request):
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    audit("account.2fa_remove", request=request, obj=user)


def otp_verify(user, token):
    """(the confirmed device that accepts `token` or None, whether a device refused to try yet).
    Devices are the authenticator and the recovery codes (a used code is gone); django-otp makes
    each wait longer after every failure (1, 2, 4 … seconds)."""
    token = "".join(token.split()).lower()
    # Six digits are the authenticator's; anything else can only be a recovery code, and trying it
    # on the other kind would only slow that one down.
    kind = TOTPDevice if re.fullmatch(r"\d{6}", token) else StaticDevice
    throttled = False
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if not isinstance(device, kind):
                continue
            if not device.verify_is_allowed()[0]:
                throttled = True
            elif device.verify_token(token):
                return device, False
    return None, throttled
