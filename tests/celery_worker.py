"""A real Celery worker in a subprocess, for the integration tests of the PostgreSQL + Redis pass.

The worker connects to the *test* database (pytest-django's test_<name>), so tests that use it must
commit their data: use `transactional_db` (or django_db(transaction=True))."""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def worker_env(**extra):
    """The environment of a worker on the test database (and the test's broker), plus `extra`."""
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{connection.settings_dict['NAME']}",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
    env.pop("DATABASE_TEST_NAME", None)
    env.update({name: str(value) for name, value in extra.items()})
    return env


def start_worker(env, pool="solo", name=None):
    """Start `celery worker` (the solo pool, or prefork with one child) and wait for it to answer a
    ping (60 s at most). Returns the Popen; stop it with stop_worker."""
    from config.celery import app

    pool_args = ["--pool=solo"] if pool == "solo" else ["--pool=prefork", "--concurrency=1"]
    log = tempfile.TemporaryFile("w+")  # noqa: SIM115  (closed by stop_worker) a file, not a pipe: a chatty worker never blocks
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", *pool_args, "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", name or f"test-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    worker.log = log
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"Celery worker exited early:\n{log.read()}")
        if app.control.ping(timeout=1):
            return worker
    stop_worker(worker)
    raise RuntimeError("Celery worker did not answer a ping within 60 s")


def stop_worker(worker):
    """Stop a worker this test started (by its own pid), killing it if it does not stop in 20 s."""
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
    worker.log.close()


@pytest.fixture
def celery_app_live(transactional_db):
    """The project's Celery app publishing for real (not eager) to the test's Redis broker, with an
    empty queue; restored afterwards."""
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("真实 Celery worker 测试需要 Redis（CI 第二轮）")
    from config.celery import app

    app.control.purge()
    previous_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield app
    finally:
        app.conf.task_always_eager = previous_eager


@pytest.fixture
def celery_worker_process(celery_app_live):
    worker = start_worker(worker_env())
    try:
        yield worker
    finally:
        stop_worker(worker)


def wait_for(predicate, timeout=30, interval=0.3):
    """Poll until predicate() is truthy (the worker works asynchronously); return its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
