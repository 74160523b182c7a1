"""What the audit app listens to (AuditConfig.ready connects them): the project's own
`core.signals.audited`, Django's login signals, axes' lockout and the admin's change log."""

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save

from audit.recording import record
from core.signals import audit, audited

ADMIN_ACTIONS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}


def connect():
    audited.connect(record, dispatch_uid="audit.record")
    user_logged_in.connect(on_login, dispatch_uid="audit.login")
    user_logged_out.connect(on_logout, dispatch_uid="audit.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="audit.locked_out")
    post_save.connect(on_admin_log, sender=LogEntry, dispatch_uid="audit.admin_log")
    # The admin's bulk delete writes its LogEntry rows with bulk_create (no post_save): the
    # site-wide action is replaced by one that records each object it deleted.
    admin.site.disable_action("delete_selected")
    admin.site.add_action(delete_selected, "delete_selected")


def on_login(sender, request, user, **kwargs):
    audit("login", request=request, user=user)


def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit("logout", request=request, user=user)


def _account(username):
    """The login a typed username names, if any (its district's administrator sees the attempt)."""
    if not username:
        return None
    return get_user_model()._default_manager.filter(**{get_user_model().USERNAME_FIELD: username}).first()


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username") or "")[:150]
    locked = bool(getattr(request, "axes_locked_out", False))
    audit(
        "login_failed",
        request=request,
        user=_account(username),
        result="failure",
        detail="账号已锁定，拒绝登录" if locked else "用户名或密码错误",
        username=username,
    )


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    audit(
        "lockout",
        request=request,
        user=_account(username),
        result="failure",
        detail=f"连续 {settings.AXES_FAILURE_LIMIT} 次登录失败，该用户名从此地址锁定 {minutes} 分钟",
        username=str(username or "")[:150],
    )


def on_admin_log(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    try:
        obj = instance.get_edited_object()
    except Exception:  # deleted meanwhile, or a model that is gone: keep what the log entry says
        obj = None
    model = instance.content_type.model_class() if instance.content_type_id else None
    audit(
        ADMIN_ACTIONS.get(instance.action_flag, "admin.change"),
        user=instance.user,
        obj=obj,
        # Field names only (已修改 手机号码), never the values.
        detail=instance.get_change_message() or "",
        object_type=model._meta.label_lower if model is not None else "",
        object_id=instance.object_id or "",
        object_label=instance.object_repr,
    )


def delete_selected(modeladmin, request, queryset):
    confirmed = request.method == "POST" and request.POST.get("post")
    deleted = [(obj._meta.label_lower, str(obj.pk), str(obj)[:200]) for obj in queryset] if confirmed else []
    response = django_delete_selected(modeladmin, request, queryset)
    # None: the objects are gone. One object was logged by a LogEntry.save() (recorded above).
    if confirmed and response is None and len(deleted) > 1:
        for object_type, object_id, object_label in deleted:
            audit(
                "admin.delete",
                request=request,
                detail="批量删除",
                object_type=object_type,
                object_id=object_id,
                object_label=object_label,
            )
    return response


delete_selected.short_description = django_delete_selected.short_description
delete_selected.allowed_permissions = django_delete_selected.allowed_permissions
