import base64
import hashlib
import json
import logging
import re
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as CheckTimeout

from csp.decorators import csp_update
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection, connections
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app
from core.access import role_required
from core.scoping import scope_for
from dashboard import monitoring

logger = logging.getLogger(__name__)
HEALTH_KEY = "healthz"


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, "ok"
    except Exception as exc:  # any failure means 'down'; the message is for the operator
        return False, str(exc)[:200]


# /healthz asks the database, the broker and the cache at once, each in a thread of its own, and
# waits at most HEALTH_WAIT_SECONDS: a frozen PostgreSQL (whose open connection would wait forever)
# or a frozen Redis gives a 503 within a second. A check still hanging then finishes or fails in
# its thread (a new database connection gives up after DB_CONNECT_TIMEOUT).
HEALTH_WAIT_SECONDS = 1.0
_checks = ThreadPoolExecutor(max_workers=6, thread_name_prefix="healthz")


def _database_ok_in_thread():
    try:
        return _database_ok()
    finally:
        connections.close_all()  # this thread's own connection


def _answer(future, deadline_left, silent):
    try:
        return future.result(timeout=max(0.05, deadline_left))
    except CheckTimeout:
        return False, silent


def _broker_ok():
    try:
        # A fresh connection to the configured URL, not one from Celery's pool; one attempt,
        # bounded by the broker's connect and socket timeouts (settings.REDIS_TIMEOUT).
        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=0, timeout=settings.REDIS_TIMEOUT)
        return True, "ok"
    except Exception as exc:
        return False, str(exc)[:200]


def _cache_ok():
    try:
        # One round trip to the cache (Redis in production), bounded by its socket timeouts.
        cache.get(HEALTH_KEY)
        return True, "ok"
    except Exception as exc:
        return False, str(exc)[:200]


def _background(broker_ok):
    """dashboard.monitoring's figures: beat, workers, unsent notices, outbox, and the queue's length
    (asked only of a broker that just answered, so a frozen Redis costs one timeout, not two)."""
    try:
        details = monitoring.status()
    except Exception as exc:  # the database is down: /healthz says so already
        details = {"background": {"ok": False, "detail": str(exc)[:200]}}
    try:
        length = monitoring.queue_length() if broker_ok else None
        details["queue"] = {"ok": length is not None, "length": length}
    except Exception as exc:
        details["queue"] = {"ok": False, "length": None, "detail": str(exc)[:200]}
    return details


@never_cache
@require_GET
def healthz(request):
    started = time.monotonic()
    checks = [_checks.submit(check) for check in (_database_ok_in_thread, _broker_ok, _cache_ok)]
    (db_ok, db_detail), (broker_ok, broker_detail), (cache_ok, cache_detail) = (
        _answer(check, HEALTH_WAIT_SECONDS - (time.monotonic() - started), f"{name}在 1 秒内没有应答")
        for check, name in zip(checks, ("数据库", "消息代理", "缓存"), strict=True)
    )
    healthy = db_ok and broker_ok and cache_ok
    details = {
        "database": {"ok": db_ok, "detail": db_detail},
        "broker": {"ok": broker_ok, "detail": broker_detail},
        "cache": {"ok": cache_ok, "detail": cache_detail},
    }
    if not healthy:
        logger.warning("healthz failed: %s", details)
    if db_ok:
        # Beat's silence is checked here too (throttled), since beat cannot report its own death.
        monitoring.check_beat_silence_from_web()
    # Anyone (a load balancer, a monitor) learns ok or fail, which is this web process's own
    # health: database, broker, cache. Which check failed, its error text and the background's
    # figures (beat, workers, queue, unsent notices, outbox: they do not decide the status, since
    # a dead beat is no reason to take the web out of service) are for the department and superusers.
    body = {"status": "ok" if healthy else "fail"}
    scope = scope_for(request.user)
    if scope.is_org or scope.is_superuser:
        body |= details | _background(broker_ok)
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
@role_required("org")
def system_status(request):
    """The background at a glance for the department: beat, workers, queue, unsent notices, outbox."""
    if _database_ok()[0]:
        monitoring.check_beat_silence_from_web()
    broker_ok = _broker_ok()[0]
    return render(
        request,
        "system/status.html",
        {"figures": _background(broker_ok), "broker_ok": broker_ok, "silence_minutes": settings.BEAT_SILENCE_MINUTES},
    )


def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def forbidden(request, exception=None):
    return render(request, "errors/403.html", status=403)


def server_error(request):
    """The 500 page, rendered without the request's context: the context processors read the
    database, which may be the very thing that failed (errors/500.html is static). It loads no
    file, so its one inline <style> is allowed by the Content-Security-Policy through its hash."""
    html = loader.render_to_string("errors/500.html")
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    return csp_update({"style-src-elem": [f"'sha256-{digest}'"]})(HttpResponseServerError)(html)


# What the service worker keeps at install: the offline page and the files every page loads.
PRECACHED_STATIC = (
    "bootstrap/css/bootstrap.min.css",
    "bootstrap/js/bootstrap.bundle.min.js",
    "css/site.css",
    "css/charts.css",
    "css/print.css",
    "django_htmx/htmx-2.min.js",
    "django_htmx/django-htmx.js",
    "js/keep.js",
    "js/site.js",
    "js/listform.js",
    "manifest.webmanifest",
)


@require_GET
def service_worker(request):
    """static/js/sw.js from the site root, so its scope covers every page; the files to keep and
    a version (a new one whenever they change) are written above it."""
    with open(finders.find("js/sw.js"), encoding="utf-8") as source:
        body = source.read()
    precache = [reverse("offline"), *(static(path) for path in PRECACHED_STATIC)]
    version = hashlib.sha256((body + "".join(precache)).encode()).hexdigest()[:12]
    head = f"var VERSION = {json.dumps(version)};\nvar OFFLINE_URL = {json.dumps(reverse('offline'))};\n"
    head += f"var PRECACHE = {json.dumps(precache)};\n"
    response = HttpResponse(head + body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's): the site's icon."""
    return redirect(static("icons/app-192.png"))


@require_GET
def offline(request):
    """Shown by the service worker for a page that needs the network (no user data in it)."""
    return render(request, "offline.html")
