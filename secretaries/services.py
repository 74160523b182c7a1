"""Writes for people and logins."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

ORG_GROUP = "区委组织部"
ORG_APPS = ["secretaries", "teams", "stations", "demands", "notices", "dashboard"]


@transaction.atomic
def org_group_ensure():
    """The group that gives org-department logins the admin site's model permissions."""
    group, _ = Group.objects.get_or_create(name=ORG_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=ORG_APPS))
    return group


@transaction.atomic
def org_login_grant(user):
    """Let an org-department login use the admin site (its lists are still scoped by for_user)."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(org_group_ensure())
