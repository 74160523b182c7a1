"""The one view decorator for 'who may open this page', used by every app.

Row-level scope (which records) is `for_user` in secretaries/scoping.py; this only decides
whether the user's role may use a page at all."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.scoping import scope_for

ROLE_CHECKS = {
    "org": lambda scope: scope.is_org,
    "township": lambda scope: scope.is_township,
    "secretary": lambda scope: scope.is_secretary,
    "station": lambda scope: scope.is_station_manager,
}


def scope_required(check=lambda scope: scope.has_access, message="您没有权限访问此页面", *, hide=False):
    """Logged in (else the login page) and `check(scope)` true (else 403 with `message`, or 404
    when `hide` is set: the page does not exist for that user)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not check(scope_for(request.user)):
                if hide:
                    raise Http404
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def roles_required(*roles):
    """403 unless the user holds one of `roles` ('org', 'township', 'secretary', 'station')."""
    return scope_required(lambda scope: any(ROLE_CHECKS[role](scope) for role in roles), "您的角色不能使用此功能")


role_required = scope_required(message="账号尚未分配角色")
org_required = scope_required(ROLE_CHECKS["org"], "仅区委组织部可操作")
