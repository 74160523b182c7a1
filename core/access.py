"""Who may open a page: the two view decorators every app uses.

- `role_required(*roles)`: the user's role is one of `roles` ('org', 'township', 'secretary',
  'station', 'city', 'member', and the administrators 'sysadmin', 'secadmin', 'auditadmin'); with no roles,
  any business role in a district will do. The city role (市委组织部) passes only a decorator that
  names it: its pages read, and no page that writes names it. Neither does the member role (队伍成员):
  the teams pages it uses name it (teams.access.group_page). The administrators (三员) use no
  business page.
- `scope_required(check, message)`: for the few pages whose rule is not a role alone (a role in a
  district, a station manager of a station that exists, ...).

Both send an anonymous visitor to the login page and answer 403 to a login with no role, with the
same message everywhere. Which *records* a user reaches is `for_user` (core/scoping.py): a foreign
township's record is 404. What a user may change on a record is each app's access module."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from core.scoping import scope_for

ROLE_CHECKS = {
    "org": lambda scope: scope.is_org,
    "township": lambda scope: scope.is_township,
    "secretary": lambda scope: scope.is_secretary,
    "station": lambda scope: scope.is_station_manager,
    "city": lambda scope: scope.is_city,
    "member": lambda scope: scope.is_member,
    "sysadmin": lambda scope: scope.is_sysadmin,
    "secadmin": lambda scope: scope.is_secadmin,
    "auditadmin": lambda scope: scope.is_auditadmin,
}
# Keyed by role_required()'s names ("station", not the stored "station_manager"); shorter for
# the refusal message than core.scoping.ROLE_LABELS.
ROLE_LABELS = {
    "org": "区委组织部",
    "township": "乡镇（街道）工作人员",
    "secretary": "驻村第一书记",
    "station": "服务站负责人",
    "city": "市委组织部",
    "member": "队伍成员",
    "sysadmin": "系统管理员",
    "secadmin": "安全管理员",
    "auditadmin": "审计管理员",
}
NO_ROLE_MESSAGE = "您的账号尚未分配角色，请联系区委组织部开通。"
CITY_MESSAGE = "市委组织部账号只能查看全市对比、各区工作台和报告，不能办理或修改"
ADMIN_NOT_BUSINESS_MESSAGE = "管理员账号（三员）不能使用业务功能，请使用管理后台或账号管理。"
MEMBER_MESSAGE = "队伍成员账号只能查看本人所在的队伍，并为其记录活动和会议签到"


def scope_required(check, message):
    """Logged in (else the login page), holding a role (else 403 NO_ROLE_MESSAGE) and `check(scope)`
    true (else 403 with `message`, or `message(scope)` when it is a function)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            scope = scope_for(request.user)
            if not (scope.has_access or scope.is_city or scope.is_admin or scope.is_member):
                raise PermissionDenied(NO_ROLE_MESSAGE)
            if not check(scope):
                raise PermissionDenied(message(scope) if callable(message) else message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def role_required(*roles):
    """403 unless the user holds one of `roles`; `role_required()` admits any role in a district
    (not the city role, which reads only through the pages that name it)."""
    unknown = set(roles) - set(ROLE_CHECKS)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    if not roles:
        return scope_required(
            lambda scope: scope.has_access,
            lambda scope: (
                CITY_MESSAGE if scope.is_city else MEMBER_MESSAGE if scope.is_member else ADMIN_NOT_BUSINESS_MESSAGE
            ),
        )
    names = "、".join(ROLE_LABELS[role] for role in roles)
    return scope_required(lambda scope: any(ROLE_CHECKS[role](scope) for role in roles), f"仅{names}可以使用此功能")
