"""Input kept across an expired session: a form posted after the idle expiry is not lost. The
middleware (core.middleware.KeepInputOnExpiryMiddleware) stashes the POST in the anonymous
session (login() keeps session data while it cycles the key); the page of the same path, opened
after logging in, takes it back once: a view (`pop_kept_input`) or, for any form marked
data-keep, static/js/keep.js through the context processor."""

from django.http import QueryDict

SESSION_KEY = "kept_input"
# A form, not an upload: larger bodies are left to the browser's own copy (localStorage).
MAX_CHARS = 200_000
NOT_KEPT = {
    "csrfmiddlewaretoken",
    "password",
    "password1",
    "password2",
    "old_password",
    "new_password1",
    "new_password2",
}
EXPIRED_MESSAGE = "登录已超时，请重新登录，您填写的内容已保留"


def stash_post(request):
    """Keep the POST of `request` for its path; False when it is too large to keep."""
    data = {key: values for key, values in request.POST.lists() if key not in NOT_KEPT}
    if sum(len(key) + sum(len(v) for v in values) for key, values in data.items()) > MAX_CHARS:
        return False
    request.session[SESSION_KEY] = {"path": request.path, "data": data}
    return True


def pop_kept_input(request):
    """The input kept for this page (a QueryDict), once; None when there is none."""
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("path") != request.path or request.method != "GET":
        return None
    del request.session[SESSION_KEY]
    data = QueryDict(mutable=True)
    for key, values in kept.get("data", {}).items():
        data.setlist(key, values)
    return data
