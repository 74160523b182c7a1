"""What the account rules do when something happens elsewhere (connected in AccountsConfig.ready):
a login's pending steps at login, a secretary leaving post, a staff profile deleted."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

from accounts.policy import PENDING_KEY, pending_for
from accounts.services import login_disable, secretary_left_post
from secretaries.models import Secretary, StaffProfile


def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[PENDING_KEY] = pending_for(user)


def on_secretary_saved(sender, instance, raw=False, **kwargs):
    if raw or not instance.user_id:
        return
    reason = secretary_left_post(instance)
    if reason and instance.user.is_active:
        login_disable(instance.user, reason)


def on_staff_profile_deleted(sender, instance, origin=None, **kwargs):
    """The role is gone, so is the login; not when the login itself is being deleted."""
    User = get_user_model()
    deleting_user = isinstance(origin, User) or (isinstance(origin, QuerySet) and origin.model is User)
    if deleting_user:
        return
    user = User.objects.filter(pk=instance.user_id, is_active=True, is_superuser=False).first()
    if user is not None:
        login_disable(user, "账号角色已删除")


def connect_signals():
    user_logged_in.connect(on_login, dispatch_uid="accounts.on_login")
    post_save.connect(on_secretary_saved, sender=Secretary, dispatch_uid="accounts.secretary")
    post_delete.connect(on_staff_profile_deleted, sender=StaffProfile, dispatch_uid="accounts.profile")
