from core.keep import pop_kept_input
from core.scoping import scope_for


def scope(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"scope": scope_for(user)}


def kept_input(request):
    """What was typed before the session expired, for the form of this page (static/js/keep.js
    fills a form marked data-keep with it), unless the page's view took it already."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {}
    kept = pop_kept_input(request)
    return {"kept_input": dict(kept.lists())} if kept else {}
