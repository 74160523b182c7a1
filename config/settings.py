"""One settings module, driven by the environment (see README, section 'Settings')."""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_bool,
    env_broker,
    env_database,
    env_int,
    env_int_list,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("环境变量 SECRET_KEY 必须设置（DEBUG 关闭时）")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "bootstrap",
    "django_htmx",
    "import_export",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "secretaries",
    "teams",
    "stations",
    "demands",
    "notices",
    "audit",
    "dashboard",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.NoStoreForUsersMiddleware",
    # A login that must change its password or enrol two-factor login is sent there first.
    "accounts.middleware.AccountPolicyMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Inside the messages and sessions: it stashes an expired session's POST and says so.
    "core.middleware.KeepInputOnExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # The request a service acts in, so an audit entry written there has its source address.
    "audit.middleware.AuditRequestMiddleware",
    # Axes must stay last: it inspects the response of the login view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Widgets render through TEMPLATES, so templates/django/forms/ can word them (请选择… for an empty choice).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.scope",
                "notices.context_processors.unread_notices",
                "teams.context_processors.practice",
                "core.context_processors.kept_input",
            ],
            # |clause in every template: typed text inside our sentences, never 。。
            "builtins": ["core.text"],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite: wait for a writer instead of failing with 'database is locked' when the web
    # process, the worker and beat touch the file together.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # A new connection to a PostgreSQL that is down or frozen gives up after this many seconds
    # (libpq's connect_timeout) instead of hanging a worker (README, Production).
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
        "DB_CONNECT_TIMEOUT", 5, minimum=1, maximum=60
    )
_test_db_name = env_str("DATABASE_TEST_NAME")
if _test_db_name:
    DATABASES["default"]["TEST"] = {"NAME": _test_db_name}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache is shared by the web, the worker and beat (the dashboards' data version and results):
# Redis in production; files under var/ on the embedded default; one process's memory for tests.
# A Redis that is down or frozen must cost a request a fraction of a second, not a worker: both
# Redis clients (this cache and the Celery broker below) give up connecting and reading after
# REDIS_TIMEOUT_MS, and the code that writes through them carries on (dashboard.caching, core.tasks).
REDIS_TIMEOUT = env_int("REDIS_TIMEOUT_MS", 500, minimum=50, maximum=10_000) / 1000
CACHE_URL = env_str("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
elif CACHE_URL == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif not CACHE_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": VAR_DIR / "cache"}
    }
else:
    raise ImproperlyConfigured(f"环境变量 CACHE_URL 的值 {CACHE_URL!r} 应以 redis:// 开头（测试可用 locmem://）")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "secretaries.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    # None of the last 5 passwords again; also records each new one (and when) for the expiry.
    {"NAME": "accounts.passwords.PasswordHistoryValidator", "OPTIONS": {"remembered": 5}},
]
if env_bool("FAST_PASSWORD_HASHER", False):
    # Tests only: hashing is the slowest part of creating users and is not what they test.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# How a login maps to its role and places (core.scoping asks it; the kernel imports no app).
SCOPE_RESOLVER = "teams.roles.user_scope"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock out a username from one address after repeated failures. Keyed on the pair so that a
# township office behind one NAT address is not locked out by one person's typos; and lock out
# the address itself after AXES_IP_FAILURE_LIMIT failures across all usernames (one address
# trying many usernames). accounts.lockout counts both, each against its own limit.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", 30, minimum=2)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "accounts.lockout.PairAndAddressHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address as the audit trail sees it (core/client.py): behind nginx, the address nginx
# saw (X-Forwarded-For believed only from FORWARDED_ALLOW_IPS), not the proxy's own, which would
# put every user behind one address and lock them all out together.
AXES_CLIENT_IP_CALLABLE = "core.client.client_address"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# Account life cycle and passwords (accounts/): 0 turns a limit off.
ACCOUNT_INACTIVE_DAYS = env_int("ACCOUNT_INACTIVE_DAYS", 90, minimum=0)
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90, minimum=0)
# Two-factor login (django-otp, TOTP): always for superusers and the 三员 administrators; for the
# department's business logins when this is on.
OTP_REQUIRED_FOR_ORG = env_bool("OTP_REQUIRED_FOR_ORG", False)
OTP_TOTP_ISSUER = "第一书记组团服务平台"

# The reverse proxy whose X-Forwarded-For is believed (its last entry: the address nginx saw), the
# same variable gunicorn reads (config/gunicorn.conf.py); core/client.py. "*" trusts every peer.
FORWARDED_ALLOW_IPS = env_list("FORWARDED_ALLOW_IPS", ["127.0.0.1"])

# The audit trail (安全审计, app `audit`): entries are kept at least 180 days (网络安全法 第二十一条);
# the daily job moves older ones to gzip files under AUDIT_ARCHIVE_DIR (keep a copy off the machine).
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180, minimum=180)
AUDIT_ARCHIVE_DIR = Path(env_str("AUDIT_ARCHIVE_DIR", str(VAR_DIR / "audit-archive")))

# Idle sessions expire after 30 minutes: every request renews the cookie.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files need `collectstatic` (production); development and tests
        # serve straight from the app folders.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_UPLOAD_MB = env_int("IMPORT_MAX_UPLOAD_MB", 5, minimum=1, maximum=50)
# Checked before a workbook is parsed (core/importing.py): what it may expand to and declare.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000, minimum=100, maximum=1_000_000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 60, minimum=10, maximum=1_000)
IMPORT_MAX_UNCOMPRESSED_MB = env_int("IMPORT_MAX_UNCOMPRESSED_MB", 50, minimum=1, maximum=1_000)
IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 100, minimum=20, maximum=1_000)
# A previewed upload waits here for its confirm: outside MEDIA_ROOT, never served.
IMPORT_DIR = Path(env_str("IMPORT_DIR", str(VAR_DIR / "imports")))
# `manage.py backup` writes its dated folders here (README, Production: backup and restore).
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
IMPORT_PREVIEW_MAX_AGE_MINUTES = env_int("IMPORT_PREVIEW_MAX_AGE_MINUTES", 120, minimum=5, maximum=7 * 24 * 60)
# A workbook of more rows is previewed and imported by a Celery worker while the page polls it; a
# job that has not moved for IMPORT_JOB_TIMEOUT_MINUTES is reported as failed.
IMPORT_ASYNC_ROWS = env_int("IMPORT_ASYNC_ROWS", 2000, minimum=1, maximum=1_000_000)
IMPORT_JOB_TIMEOUT_MINUTES = env_int("IMPORT_JOB_TIMEOUT_MINUTES", 15, minimum=1, maximum=24 * 60)
if IMPORT_DIR.resolve().is_relative_to(MEDIA_ROOT.resolve()) or IMPORT_DIR.resolve().is_relative_to(
    STATIC_ROOT.resolve()
):
    raise ImproperlyConfigured(
        f"环境变量 IMPORT_DIR（{IMPORT_DIR}）不能位于 MEDIA_ROOT 或 STATIC_ROOT 之下：待导入的文件不得被公开访问"
    )
IMPORT_EXPORT_SKIP_ADMIN_LOG = True
# A photo declaring more pixels than this is refused from its header, before it is decoded.
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", 40_000_000, minimum=1_000_000, maximum=200_000_000)

# Security. With DEBUG off these default to the safe value; each can be relaxed by its variable
# (for example SECURE_SSL_REDIRECT=0 when TLS ends at a proxy that does the redirect itself).
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Content-Security-Policy (django-csp): only this site's own files; no inline or eval'd script
# (inline handlers live in static/js/site.js, htmx runs with allowEval off: templates/base.html),
# no inline <style> (the charts' styles are static/css/charts.css). Inline style="" attributes are
# allowed (style-src-attr): Django's and import-export's admin, pygal's SVG and a few computed
# widths use them, and an attribute can neither run script nor select other elements to read them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features no page uses, switched off for every page (core.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "serial",
        "bluetooth",
        "hid",
        "xr-spatial-tracking",
    )
}
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds one SMTP call may take: a hung mail server cannot hold a delivery past its lease.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1, maximum=120)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "第一书记组团服务平台 <noreply@localhost>")
SMS_BACKEND = env_str("SMS_BACKEND", "notices.sms.LoggingSMSBackend")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Celery. The default broker is kombu's filesystem transport under var/, so `make run` needs no
# server; production sets CELERY_BROKER_URL=redis://...
CELERY_BROKER_URL = env_broker("CELERY_BROKER_URL", "filesystem://")
# A task is acknowledged when it ends (a worker killed mid-task, or its pool child killed by the
# out-of-memory killer, gives it back to the queue), one at a time per worker process, and stopped
# after its time limit. Redis hands an unacknowledged task to another worker after the visibility
# timeout, which must exceed the longest task (its hard limit) or a running task is run twice.
# Every task is safe to run twice anyway, and notices do not wait for this: a sweep resends them.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 600, minimum=10)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=60)
if CELERY_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"环境变量 CELERY_VISIBILITY_TIMEOUT（{CELERY_VISIBILITY_TIMEOUT} 秒）应大于任务的硬时限"
        f"（CELERY_TASK_SOFT_TIME_LIMIT + 60 = {CELERY_TASK_TIME_LIMIT} 秒）"
    )
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery" / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Broadcast bindings (celery's control exchange); kombu's default is ./control.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        "socket_connect_timeout": REDIS_TIMEOUT,
        "socket_timeout": REDIS_TIMEOUT,
    }
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", None)
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Publishing (from a request, after its commit) gives up quickly when the broker is unreachable:
# short timeouts, two quick retries; core.tasks logs the failure and the write stands.
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.2}
# The same timeouts for a Redis result backend (CELERY_RESULT_BACKEND=redis://..., if set).
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_TIMEOUT
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Collection rounds (issue: the three lists). The hourly beat job below opens a round on the 1st of
# each ROUND_OPEN_MONTHS month (or at its first run after, if beat or the database was down).
ROUND_OPEN_MONTHS = env_int_list("ROUND_OPEN_MONTHS", [1, 3, 5, 7, 9, 11])
if not ROUND_OPEN_MONTHS or any(not 1 <= month <= 12 for month in ROUND_OPEN_MONTHS):
    raise ImproperlyConfigured(f"环境变量 ROUND_OPEN_MONTHS 的值 {ROUND_OPEN_MONTHS} 应为 1—12 的月份（逗号分隔）")
ROUND_DEADLINE_DAY = env_int("ROUND_DEADLINE_DAY", 15, minimum=1, maximum=28)
ROUND_REMINDER_DAYS_BEFORE = env_int_list("ROUND_REMINDER_DAYS_BEFORE", [7, 1])
ROUND_OVERDUE_NOTICE_DAYS_AFTER = env_int("ROUND_OVERDUE_NOTICE_DAYS_AFTER", 1, minimum=0)

# Periodic jobs, reviewed like code. Every job is idempotent: a second run, or a second beat
# started by mistake, changes nothing (each relies on a unique constraint, see the task).
CELERY_BEAT_SCHEDULE = {
    # Jobs that catch up: each finds from the data what is due and not yet done, so it runs more
    # often than its work falls due (a run missed during an outage is made up by the next one).
    "demands-open-due-round": {
        "task": "demands.tasks.open_due_round",
        "schedule": crontab(minute=5),  # hourly; opens the round of ROUND_OPEN_MONTHS' period once
    },
    "demands-send-round-reminders": {
        "task": "demands.tasks.send_round_reminders",
        "schedule": crontab(minute=0, hour=9),
    },
    "demands-flag-supervision": {
        "task": "demands.tasks.flag_supervision",
        "schedule": crontab(minute=30, hour=7),
    },
    "demands-weekly-supervision-digest": {
        "task": "demands.tasks.send_supervision_digest",
        "schedule": crontab(minute=0, hour=8, day_of_week="mon"),
    },
    "audit-archive-old-entries": {
        "task": "audit.tasks.archive_audit_entries",
        "schedule": crontab(minute=40, hour=3),  # daily; only entries past AUDIT_RETENTION_DAYS
    },
    "stations-extend-roster": {
        "task": "stations.tasks.extend_roster",
        "schedule": crontab(minute=0, hour=6, day_of_week="mon"),
    },
    "stations-shift-reminders": {
        "task": "stations.tasks.send_shift_reminders",
        "schedule": crontab(minute=0, hour=17),
    },
    "stations-mark-absent": {
        "task": "stations.tasks.mark_absent_shifts",
        "schedule": crontab(minute=55, hour=23),
    },
    "teams-pick-next-host": {
        "task": "teams.tasks.pick_next_meeting_host",
        "schedule": crontab(minute=0, hour=8, day_of_month="20-31"),  # from the 20th until it is done
    },
    "teams-freeze-ranking": {
        "task": "teams.tasks.freeze_last_month_ranking",
        "schedule": crontab(minute=30, hour=0),  # daily; freezes last month once
    },
    "secretaries-delete-expired-import-previews": {
        # Deletes preview files older than IMPORT_PREVIEW_MAX_AGE_MINUTES (a second run finds none).
        "task": "secretaries.tasks.delete_expired_import_previews",
        "schedule": crontab(minute="*/30"),
    },
    "core-send-outbox": {
        # Tasks a write recorded while the broker could not take them (core.tasks).
        "task": "core.tasks.send_outbox",
        "schedule": crontab(minute="*"),
    },
    "notices-sweep-unsent": {
        # Email and SMS still unsent a few minutes after the notice (a worker died, the broker was
        # down): queued again, so nothing waits for the broker's redelivery (notices.delivery).
        "task": "notices.tasks.sweep_unsent_notices",
        "schedule": crontab(minute="*/5"),
    },
    "core-beat-tick": {
        # The beat's heartbeat (core.models.Heartbeat 'beat'); dashboard.monitoring watches its age.
        "task": "core.tasks.beat_tick",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},  # a tick that waited for a worker longer than this says nothing
    },
    "accounts-disable-due-logins": {
        # Logins of secretaries whose term ended or who left post, and logins unused for
        # ACCOUNT_INACTIVE_DAYS; only active logins are looked at, so a second run finds none.
        "task": "accounts.tasks.disable_due_logins",
        "schedule": crontab(minute=15, hour=1),
    },
    "dashboard-warm-org": {
        # Recomputes the department's view only if something changed since (idempotent).
        "task": "dashboard.tasks.warm_org_dashboards",
        "schedule": crontab(minute="*/5"),
    },
}

# Watching beat and the workers (dashboard.monitoring). The department is told when beat's last
# tick is older than BEAT_SILENCE_MINUTES; each worker's monitor thread writes its heartbeat and
# makes that check every MONITOR_INTERVAL_SECONDS (the web makes it too, on /healthz, at most as often).
BEAT_SILENCE_MINUTES = env_int("BEAT_SILENCE_MINUTES", 15, minimum=2, maximum=24 * 60)
MONITOR_INTERVAL_SECONDS = env_int("MONITOR_INTERVAL_SECONDS", 60, minimum=1, maximum=600)

# The closed loop (issue: accept, match, dispatch, resolve, rate). Every township's staff may
# dispatch when set; one township's alone with its switch (Township.runs_loop).
TOWNSHIP_MAY_DISPATCH = env_bool("TOWNSHIP_MAY_DISPATCH", False)
# Reserve cadres (后备力量): a village with fewer current ones is listed on the dashboards (Jining: 2).
RESERVE_CADRES_MIN = env_int("RESERVE_CADRES_MIN", 2, minimum=0, maximum=20)
DUE_DAYS_BY_URGENCY = {
    "low": env_int("DUE_DAYS_LOW", 30, minimum=1, maximum=365),
    "normal": env_int("DUE_DAYS_NORMAL", 15, minimum=1, maximum=365),
    "high": env_int("DUE_DAYS_HIGH", 7, minimum=1, maximum=365),
    "critical": env_int("DUE_DAYS_CRITICAL", 3, minimum=1, maximum=365),
}
SUPERVISION_STALE_DAYS = env_int("SUPERVISION_STALE_DAYS", 14, minimum=1, maximum=365)
SUPERVISION_POOR_RATING = env_int("SUPERVISION_POOR_RATING", 2, minimum=1, maximum=4)
MATCH_WEIGHTS = {
    "fit": env_int("MATCH_WEIGHT_FIT", 40, minimum=0, maximum=100),
    "nearness": env_int("MATCH_WEIGHT_NEARNESS", 30, minimum=0, maximum=100),
    "load": env_int("MATCH_WEIGHT_LOAD", 20, minimum=0, maximum=100),
    "record": env_int("MATCH_WEIGHT_RECORD", 10, minimum=0, maximum=100),
}

# Service-station duty roster (issue: stations). A person serves at most this many shifts per
# week across all stations; the weekly job keeps the roster filled this many weeks ahead.
ROSTER_MAX_SHIFTS_PER_WEEK = env_int("ROSTER_MAX_SHIFTS_PER_WEEK", 1, minimum=1, maximum=7)
ROSTER_WEEKS_AHEAD = env_int("ROSTER_WEEKS_AHEAD", 4, minimum=1, maximum=26)

# Pioneer teams (issue 6): activity photos are checked with Pillow, size-limited and re-encoded
# with the longest edge at most TEAM_PHOTO_MAX_EDGE pixels.
TEAM_PHOTO_MAX_MB = env_int("TEAM_PHOTO_MAX_MB", 8, minimum=1, maximum=30)
TEAM_PHOTO_MAX_EDGE = env_int("TEAM_PHOTO_MAX_EDGE", 1600, minimum=320, maximum=8000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}
