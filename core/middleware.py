"""Middleware of the kernel."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import resolve_url
from django.utils.cache import patch_cache_control

from core import keep


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


class PermissionsPolicyMiddleware:
    """`Permissions-Policy` from settings.PERMISSIONS_POLICY ({feature: [allowed origins]}; an
    empty list switches the feature off for every page and frame): camera, microphone, location,
    payment, USB and the like are never used by this site, so nothing injected may use them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})" for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


class KeepInputOnExpiryMiddleware:
    """A form posted after the session expired is sent to the login page by the view's access
    decorator: keep what was typed (core.keep) and say so, so that logging in leads back to the
    same form with the input. A JSON post (autosave) answers 401 with the message instead; the
    page keeps its own copy in the browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            keep.mark_browser(request, response)
            return response
        if request.method != "POST" or response.status_code != 302:
            return response
        login_path = resolve_url(settings.LOGIN_URL)
        if urlsplit(response.url).path != login_path or request.path == login_path:
            return response
        if request.content_type == "application/json":
            return JsonResponse({"error": "登录已超时，请重新登录；您填写的内容已暂存在本机"}, status=401)
        if not keep.knows_browser(request):
            messages.warning(request, "登录已超时，请重新登录")
        elif keep.stash_post(request):
            messages.warning(request, keep.EXPIRED_MESSAGE)
        else:
            messages.warning(request, "登录已超时，请重新登录（填写的内容过多，未能在服务器保留，请查看本机暂存）")
        return response
