"""Writes for people and logins: the admin site's permission groups of each role (三员分立)."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from core.scoping import ROLE_AUDITADMIN, ROLE_SECADMIN, ROLE_SYSADMIN

ORG_GROUP = "区委组织部"
ORG_APPS = ["secretaries", "teams", "stations", "demands", "notices", "dashboard"]
# Roles and scopes are the security administrator's: the department's login only reads them.
ROLES_AND_SCOPES = ("secretaries", "staffprofile")
# Settings of the installation: the system administrator's.
SETTINGS_MODELS = [
    ("teams", "scoringrule"),
    ("demands", "roundnoticetemplate"),
    ("demands", "demandcategory"),
    ("demands", "resourcecategory"),
    ("secretaries", "headersynonym"),
    ("demands", "valuesynonym"),
    ("secretaries", "columnmapping"),
    ("secretaries", "expertise"),
]
# What the audit administrator reads: login attempts (django-axes) and the audit trail's app.
AUDIT_APPS = ["axes", "audit"]


def _model_permissions(models):
    condition = Q(pk__in=[])
    for app_label, model in models:
        condition |= Q(content_type__app_label=app_label, content_type__model=model)
    return Permission.objects.filter(condition)


def _group_set(name, permissions):
    group, _ = Group.objects.get_or_create(name=name)
    group.permissions.set(permissions)
    return group


@transaction.atomic
def org_group_ensure():
    """The department's business login in the admin site: the business models, roles and scopes
    read-only (changing them is the security administrator's)."""
    app_label, model = ROLES_AND_SCOPES
    permissions = Permission.objects.filter(content_type__app_label__in=ORG_APPS).exclude(
        Q(content_type__app_label=app_label, content_type__model=model) & ~Q(codename__startswith="view_")
    )
    return _group_set(ORG_GROUP, permissions)


ADMIN_GROUPS = {
    ROLE_SYSADMIN: ("系统管理员", lambda: _model_permissions(SETTINGS_MODELS)),
    ROLE_SECADMIN: ("安全管理员", lambda: _model_permissions([ROLES_AND_SCOPES])),
    ROLE_AUDITADMIN: (
        "审计管理员",
        lambda: Permission.objects.filter(content_type__app_label__in=AUDIT_APPS, codename__startswith="view_"),
    ),
}


@transaction.atomic
def admin_group_ensure(role):
    name, permissions = ADMIN_GROUPS[role]
    return _group_set(name, permissions())


@transaction.atomic
def org_login_grant(user):
    """Let an org-department login use the admin site (its lists are still scoped by for_user)."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(org_group_ensure())


@transaction.atomic
def admin_login_grant(user, role):
    """Let an administrator (三员) use the admin site with its role's permissions only."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(admin_group_ensure(role))
