"""The production server's settings file loads and freezes the startup heap in each worker."""

import gc
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parent.parent / "config" / "gunicorn.conf.py"


def test_each_worker_moves_its_startup_objects_out_of_the_collectors_way():
    settings = runpy.run_path(str(CONF))
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        settings["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()


def test_the_settings_fit_slow_clients_and_the_cores(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    settings = runpy.run_path(str(CONF))
    assert settings["worker_class"] == "gthread" and settings["threads"] >= 2
    assert settings["workers"] == 3
    assert 0 < settings["timeout"] <= 120 and settings["max_requests"] > 0 < settings["max_requests_jitter"]
    monkeypatch.delenv("WEB_CONCURRENCY")
    assert runpy.run_path(str(CONF))["workers"] >= 3  # from the cores


def test_three_slow_clients_do_not_stop_the_site_answering(tmp_path):
    """A real gunicorn with these settings and one worker: three clients that send half a request
    and hold the connection, and a fourth client is still answered at once (it used to wait
    until the slow ones gave up)."""
    import os
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "WEB_CONCURRENCY": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": "",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "gunicorn-test-only",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(CONF), "config.wsgi"],
        cwd=CONF.parent.parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    slow = []
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "gunicorn did not start"
                time.sleep(0.1)
        for _ in range(3):
            client = socket.create_connection(("127.0.0.1", port), timeout=5)
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the end
            slow.append(client)
        time.sleep(0.5)
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            answer = client.recv(64)
        assert answer.startswith(b"HTTP/1.1 "), answer
        assert time.monotonic() - started < 5
    finally:
        for client in slow:
            client.close()
        server.terminate()
        server.wait(10)
