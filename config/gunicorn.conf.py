"""gunicorn's settings file: `gunicorn -c config/gunicorn.conf.py config.wsgi` (README, Production;
deploy/fsp-web.service). Every value can be overridden on the command line or by the variables below.

Slow clients: gthread workers keep idle and keep-alive connections out of the request threads, and
every request has a hard timeout. In production nginx (deploy/nginx-fsp.conf) sits in front and
buffers whole requests and responses, so a client on a slow mobile link holds an nginx connection,
not a gunicorn thread. Long work (imports, recounts) runs in Celery, not in a request."""

import gc
import multiprocessing
import os


def _int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip().isascii() and value.strip().isdigit() else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
worker_class = "gthread"
# Processes from the cores (the usual 2 × cores + 1), threads for requests that wait on the database.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 4)
timeout = _int("GUNICORN_TIMEOUT", 60)  # a worker silent this long (hung) is killed and replaced
graceful_timeout = 30
keepalive = 5
# Recycle each worker after a while, so a slow leak never grows for weeks.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# Headers of a sane size; request bodies are limited by Django (DATA_UPLOAD_MAX_MEMORY_SIZE) and nginx.
limit_request_line = 8190
limit_request_fields = 100
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log


def post_worker_init(worker):
    """Everything a worker loads at start (Django, the apps, their templates) lives as long as the
    worker: moved out of the garbage collector's way, a full collection during a request scans only
    that request's objects. The department's dashboard at province scale builds a few hundred
    thousand objects; without this a collection could add 50–200 ms to a page (bench/)."""
    gc.freeze()
