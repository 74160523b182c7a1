"""Who may manage logins (the account administrator's pages)."""

from core.scoping import ADMIN_ROLES


def can_manage_logins(scope):
    """The system administrator (and, until one is appointed, the department's login) for the
    logins of its district."""
    return scope.manages_logins


def hidden_roles(scope):
    """Roles whose logins a manager does not see: the administrators' are the system
    administrator's (and a superuser's) to manage, not the department's."""
    return () if (scope.is_superuser or scope.is_sysadmin) else ADMIN_ROLES
