from core.scoping import scope_for


def scope(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"scope": scope_for(user)}
