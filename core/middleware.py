"""Middleware of the kernel."""

from django.utils.cache import patch_cache_control


class NoStoreForUsersMiddleware:
    """Every answer to a logged-in user may carry personal data (pages, JSON, exports, photos), so
    none of them is kept by the browser's cache or a shared proxy: `Cache-Control: no-store,
    private`. Static files never get here (WhiteNoise answers them first) and anonymous answers
    (the login page, /healthz) keep their caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
