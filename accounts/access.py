"""Who may manage logins (the account administrator's pages)."""


def can_manage_logins(scope):
    """The department's login (and a superuser) for its district's logins."""
    return scope.is_org
