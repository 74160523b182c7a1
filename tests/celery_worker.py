"""A real Celery worker in a subprocess, for the integration tests of the PostgreSQL + Redis pass.

The worker connects to the *test* database (pytest-django's test_<name>), so tests that use it must
commit their data: use `transactional_db` (or django_db(transaction=True))."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def celery_worker_process(transactional_db):
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("真实 Celery worker 测试需要 Redis（CI 第二轮）")
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
    from config.celery import app

    app.control.purge()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"test-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if worker.poll() is not None:
                raise RuntimeError(f"Celery worker exited early:\n{worker.stdout.read()}")
            if app.control.ping(timeout=1):
                break
        else:
            raise RuntimeError("Celery worker did not answer a ping within 60 s")
        previous_eager = app.conf.task_always_eager
        app.conf.task_always_eager = False
        yield worker
        app.conf.task_always_eager = previous_eager
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def wait_for(predicate, timeout=30, interval=0.3):
    """Poll until predicate() is truthy (the worker works asynchronously); return its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
