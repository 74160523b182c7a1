"""Loaded with `-p tests.env_plugin` before pytest-django configures Django: test defaults
for the environment. Anything already set in the environment (the PostgreSQL + Redis pass) wins."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
os.environ.setdefault("WHITENOISE_USE_FINDERS", "1")
os.environ.setdefault("VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test"))
# Browser tests run Django's live server in a thread; Playwright's sync API runs an event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("STATIC_MANIFEST", "0")
# One process (eager tasks): its memory is the shared cache.
os.environ.setdefault("CACHE_URL", "locmem://")
os.environ.setdefault("FAST_PASSWORD_HASHER", "1")
os.makedirs(os.path.join(os.environ["VAR_DIR"], "staticfiles"), exist_ok=True)
