"""/healthz when PostgreSQL is frozen (issue 15, point 2): the project's own throwaway cluster
(bench/stack.py's OwnPostgres: initdb in a temporary folder, a spare port of 127.0.0.1), frozen
with SIGSTOP and thawed again by its process ids; never the machine's shared PostgreSQL."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import django, os, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings"); django.setup()
from django.db import connection
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
connection.ensure_connection()  # an open connection, as a web worker holds one
print(client.get("/healthz").status_code, flush=True)
input()
started = time.monotonic(); answer = client.get("/healthz")
print(answer.status_code, round(time.monotonic() - started, 3), answer.content.decode(), flush=True)
"""


@pytest.mark.services
def test_healthz_answers_503_within_about_a_second_when_postgresql_is_frozen():
    sys.path.insert(0, str(ROOT))
    from bench.stack import OwnPostgres

    cluster = OwnPostgres()
    frozen = []
    try:
        cluster.createdb("fsp")
        env = {
            **os.environ,
            "DATABASE_URL": cluster.url("fsp"),
            "DEBUG": "1",
            "CELERY_BROKER_URL": "memory://",
            "CACHE_URL": "locmem://",
        }
        env.pop("DATABASE_TEST_NAME", None)
        probe = subprocess.Popen(
            [sys.executable, "-c", PROBE], cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert probe.stdout.readline().strip() == "200"
        postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
        backends = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True).stdout.split()
        for pid in [postmaster, *map(int, backends)]:
            os.kill(pid, signal.SIGSTOP)
            frozen.append(pid)
        try:
            output, _ = probe.communicate("\n", timeout=20)
        except subprocess.TimeoutExpired:
            probe.kill()
            pytest.fail("/healthz hung while PostgreSQL was frozen")
        status, seconds, body = output.strip().split(" ", 2)
        assert status == "503" and body.strip() == '{"status": "fail"}'
        assert float(seconds) < 2  # was: hung until the database came back
    finally:
        for pid in frozen:
            os.kill(pid, signal.SIGCONT)
        cluster.destroy()
