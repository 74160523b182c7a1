"""Input kept across an expired session: a form posted after the idle expiry is not lost. The
middleware (core.middleware.KeepInputOnExpiryMiddleware) stashes the POST in the anonymous
session (login() keeps session data while it cycles the key); the page of the same path, opened
after logging in, takes it back once: a view (`pop_kept_input`) or, for any form marked
data-keep, static/js/keep.js through the context processor.

Only a browser that was logged in here has its input kept: a signed cookie (MARKER, set on the
answers to a logged-in user, kept 30 days) says so. Without it an anonymous POST to a protected
page writes no session row, so a flood of such POSTs cannot fill the session table."""

from django.conf import settings
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
MARKER = "fsp_known"
MARKER_SALT = "core.keep.marker"
MARKER_MAX_AGE = 30 * 24 * 3600


def knows_browser(request):
    """True when this browser carries a valid marker of an earlier login."""
    return request.get_signed_cookie(MARKER, default=None, salt=MARKER_SALT, max_age=MARKER_MAX_AGE) is not None


def mark_browser(request, response):
    """Set (or refresh once a day) the marker on an answer to a logged-in user."""
    value = request.get_signed_cookie(MARKER, default=None, salt=MARKER_SALT, max_age=MARKER_MAX_AGE - 24 * 3600)
    if value is None:
        response.set_signed_cookie(
            MARKER,
            "1",
            salt=MARKER_SALT,
            max_age=MARKER_MAX_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


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
