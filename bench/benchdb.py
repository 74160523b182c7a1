"""What the PostgreSQL benches share: a database of their own beside DATABASE_URL's (dropped and
created by the bench; nothing else is touched) and the settings Django runs with there."""

import os
import sys
from urllib.parse import urlparse, urlunparse

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"
SETTINGS = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
    "ALLOWED_HOSTS": "testserver",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "STATIC_MANIFEST": "0",
    "WHITENOISE_USE_FINDERS": "1",
    # Refreshes are queued in memory and not run: the stale path is measured as a request sees it.
    "CELERY_TASK_ALWAYS_EAGER": "0",
    "CELERY_BROKER_URL": "memory://",
    # The cache in this process's memory (set CACHE_URL=redis://… to measure through Redis instead).
    "CACHE_URL": "locmem://",
    "FAST_PASSWORD_HASHER": "1",
    "LOG_LEVEL": "WARNING",
}


class BenchDatabase:
    """The bench's own database `name`. Creating it points DATABASE_URL there and sets the bench
    settings (unless the environment sets them), so call it before Django is set up."""

    def __init__(self, name, script):
        self.name = name
        self.source_url = os.environ.get("DATABASE_URL", DEFAULT_URL)
        if not self.source_url.startswith("postgres"):
            sys.exit(f"{script} 需要 PostgreSQL：DATABASE_URL=postgres://user@host:5432/postgres")
        self.url = urlunparse(urlparse(self.source_url)._replace(path=f"/{name}"))
        os.environ["DATABASE_URL"] = self.url
        for key, value in SETTINGS.items():
            os.environ.setdefault(key, value)

    def _admin(self):
        import psycopg2

        url = urlparse(self.source_url)
        conn = psycopg2.connect(
            dbname=(url.path or "/postgres").lstrip("/") or "postgres",
            user=url.username or "postgres",
            password=url.password,
            host=url.hostname or "127.0.0.1",
            port=url.port or 5432,
        )
        conn.autocommit = True
        return conn

    def _run(self, *statements):
        from django.db import connections

        connections.close_all()
        conn = self._admin()
        try:
            with conn.cursor() as cursor:
                for statement, params in statements:
                    cursor.execute(statement, params)
                return cursor.fetchone() if cursor.description else None
        finally:
            conn.close()

    def exists(self):
        return self._run(("SELECT 1 FROM pg_database WHERE datname = %s", [self.name])) is not None

    def recreate(self):
        self._run((f'DROP DATABASE IF EXISTS "{self.name}"', None), (f'CREATE DATABASE "{self.name}"', None))

    def drop(self):
        self._run((f'DROP DATABASE IF EXISTS "{self.name}"', None))
