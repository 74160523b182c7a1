"""The project's own redis-server on a free port of 127.0.0.1, for fault tests: they stop, freeze or
restart only this process, never the machine's shared Redis. `own_redis` (registered in conftest)
points the cache at it for the test."""

import os
import signal
import socket
import subprocess
import time

import pytest
import redis
from django.conf import settings
from django.test import override_settings

from dashboard import caching


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.start()

    def restart(self):
        self.stop()
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.05)

    def cache_settings(self):
        cache = dict(settings.CACHES["default"])
        cache.update(
            BACKEND="django.core.cache.backends.redis.RedisCache",
            LOCATION=self.url,
            OPTIONS={"socket_connect_timeout": settings.REDIS_TIMEOUT, "socket_timeout": settings.REDIS_TIMEOUT},
        )
        return {"default": cache}

    def freeze(self):
        os.kill(self.process.pid, signal.SIGSTOP)

    def stop(self):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def own_redis():
    server = OwnRedis()
    try:
        with override_settings(CACHES=server.cache_settings()):  # clears the cache handler too
            caching._cache_paused_until = 0.0
            caching._bump_owed = False
            yield server
    finally:
        server.stop()
        caching._cache_paused_until = 0.0
        caching._bump_owed = False
