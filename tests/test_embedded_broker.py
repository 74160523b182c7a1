"""`make run`'s embedded broker (kombu's filesystem transport under VAR_DIR): a real worker started
on it answers a ping, and everything the broker writes stays under VAR_DIR (kombu's default put the
control exchange in ./control of the checkout)."""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env(var_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "DATABASE_", "CACHE_URL"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "VAR_DIR": str(var_dir), "DEBUG": "1"})
    return env


def test_a_worker_on_the_embedded_broker_answers_and_writes_only_under_var(tmp_path):
    env = _env(tmp_path)
    before = set(os.listdir(ROOT))
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--without-gossip",
         "--without-mingle", "--without-heartbeat", "-n", f"embedded-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        answered = ""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and worker.poll() is None:
            ping = subprocess.run(
                [sys.executable, "-m", "celery", "-A", "config", "inspect", "ping", "--timeout=2"],
                cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
            )  # fmt: skip
            if "pong" in ping.stdout:
                answered = ping.stdout
                break
            time.sleep(0.5)
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()
        assert f"embedded-{os.getpid()}@" in answered
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
        log.close()
    assert (tmp_path / "celery" / "control" / "celery.pidbox.exchange").exists()
    assert set(os.listdir(ROOT)) - before == set()
