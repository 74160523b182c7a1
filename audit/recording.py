"""Writing an entry: what `core.signals.audit(...)` leads to (AuditConfig connects `record`).

Who acted, their role and district, and the source address are read here, once, for every entry:
from the request when there is one (passed, or the one the view runs in), else from `user`; with
neither the entry is the system's (a beat job). The district is the object's when it has one (a
record belongs to a district: its audit administrator reads the entry), else the actor's."""

import json

from django.core.serializers.json import DjangoJSONEncoder

from audit.middleware import current_request
from audit.models import AuditEntry
from core.client import client_address
from core.scoping import scope_for
from secretaries.models import District
from secretaries.roles import user_scope
from secretaries.visibility import visibility_for

# What the caller may say in **extra instead of passing `obj` (an object already deleted, a login
# attempt for a name that may not exist).
OBJECT_KEYS = ("object_type", "object_id", "object_label")


def record(sender=None, *, action, request=None, user=None, obj=None, result="success", detail="", extra=None, **_):
    extra = dict(extra or {})
    request = request or current_request()
    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            user = request_user
    scope = scope_for(user) if user is not None else None
    if scope is not None and not scope.has_access and user.pk is not None:
        # A login the request does not hold (a failed or locked-out attempt, a disabled account):
        # the account's own place, so its district's administrator sees what happened to it.
        scope = user_scope(user)
    fields = _object_fields(obj, extra)
    if extra.pop("personal", False):
        # Whether the personal data in the file was shown in full follows the one visibility rule.
        extra["masked"] = not visibility_for(user).is_org
    username = extra.pop("username", "") or (user.get_username() if user is not None else "")
    return AuditEntry.objects.create(
        user_id=getattr(user, "pk", None),
        username=str(username)[:150],
        role=_role(scope),
        district_id=_district_of(obj) or (scope.district_id if scope else None),
        address=client_address(request) if request is not None else None,
        action=action[:50],
        result=result if result in AuditEntry.Result.values else AuditEntry.Result.FAILURE,
        detail=str(detail)[:500],
        extra=json.loads(json.dumps(extra, cls=DjangoJSONEncoder, default=str)),
        **fields,
    )


def _role(scope):
    if scope is None:
        return ""
    if scope.is_superuser:
        return "superuser"
    return scope.role or ""


def _object_fields(obj, extra):
    if obj is None:
        return {key: str(extra.pop(key, "") or "")[: AuditEntry._meta.get_field(key).max_length] for key in OBJECT_KEYS}
    for key in OBJECT_KEYS:
        extra.pop(key, None)
    return {
        "object_type": obj._meta.label_lower,
        "object_id": str(obj.pk or ""),
        "object_label": str(obj)[:200],
    }


def _district_of(obj):
    """The district a record belongs to, by the lookup path its scoped QuerySet names."""
    if obj is None or obj.pk is None:
        return None
    if isinstance(obj, District):
        return obj.pk
    model = obj._meta.model  # type(obj) would be the lazy wrapper of request.user
    path = getattr(model._default_manager.all(), "district_path", None)
    if not path:
        return None
    return model._default_manager.filter(pk=obj.pk).values_list(path, flat=True).first()
