"""The env-driven settings: strict parsing, a clear message naming the variable, a clean deploy check."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_broker, env_database, env_int, env_int_list, env_list

ROOT = Path(__file__).resolve().parent.parent


def test_booleans_accept_the_usual_words_and_refuse_others():
    assert env_bool("X", environ={"X": "yes"}) is True
    assert env_bool("X", environ={"X": "0"}) is False
    assert env_bool("X", default=True, environ={}) is True
    with pytest.raises(ImproperlyConfigured, match="X"):
        env_bool("X", environ={"X": "maybe"})


def test_integers_are_checked_against_their_bounds():
    assert env_int("N", 5, environ={"N": " 7 "}) == 7
    with pytest.raises(ImproperlyConfigured, match="N.*不是整数"):
        env_int("N", 5, environ={"N": "seven"})
    with pytest.raises(ImproperlyConfigured, match="下限"):
        env_int("N", 5, minimum=1, environ={"N": "0"})


def test_lists_refuse_empty_items():
    assert env_list("L", environ={"L": "a, b"}) == ["a", "b"]
    assert env_int_list("L", environ={"L": "1,3"}) == [1, 3]
    with pytest.raises(ImproperlyConfigured, match="L"):
        env_list("L", environ={"L": "a,,b"})
    with pytest.raises(ImproperlyConfigured, match="L"):
        env_int_list("L", environ={"L": "1,x"})


def test_database_and_broker_urls_are_validated():
    assert env_database("DATABASE_URL", "", environ={"DATABASE_URL": "postgres://u@h:5432/db"})["NAME"] == "db"
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env_database("DATABASE_URL", "", environ={"DATABASE_URL": "nosuchdb://x"})
    assert env_broker("B", "filesystem://", environ={}) == "filesystem://"
    with pytest.raises(ImproperlyConfigured, match="B"):
        env_broker("B", "", environ={"B": "http://example"})


def run_check(extra_env, *args):
    prefixes = ("DEBUG", "SECRET_KEY", "SECURE_", "ALLOWED", "SESSION", "CSRF", "DJANGO_ALLOW_ASYNC")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "VAR_DIR": str(ROOT / "var" / "test")})
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_start_fails_naming_the_variable_when_a_value_is_bad():
    result = run_check({"DEBUG": "perhaps"})
    assert result.returncode != 0
    assert "DEBUG" in result.stderr
    result = run_check({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    result = run_check({"CACHE_URL": "memcached://127.0.0.1:11211"})
    assert result.returncode != 0
    assert "CACHE_URL" in result.stderr


def opening_settings(extra_env):
    """The round-opening months as settings reads them from extra_env, and the job's beat hours."""
    code = (
        "from config import settings; "
        "print(sorted(settings.ROUND_OPEN_MONTHS), "
        "sorted(settings.CELERY_BEAT_SCHEDULE['demands-open-due-round']['schedule'].hour))"
    )
    env = {k: v for k, v in os.environ.items() if k != "ROUND_OPEN_MONTHS"}
    env.update({"DEBUG": "1", "VAR_DIR": str(ROOT / "var" / "test"), **extra_env})
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_the_round_opening_months_are_read_and_the_job_runs_every_hour_to_catch_up():
    every_hour = str(list(range(24)))
    default = opening_settings({})
    assert default.returncode == 0, default.stderr
    assert default.stdout.strip() == f"[1, 3, 5, 7, 9, 11] {every_hour}"
    quarterly = opening_settings({"ROUND_OPEN_MONTHS": "10,1,4,7"})
    assert quarterly.returncode == 0, quarterly.stderr
    assert quarterly.stdout.strip() == f"[1, 4, 7, 10] {every_hour}"
    bad = opening_settings({"ROUND_OPEN_MONTHS": "1,13"})
    assert bad.returncode != 0
    assert "ROUND_OPEN_MONTHS" in bad.stderr


def test_the_embedded_default_cache_is_shared_between_processes(tmp_path):
    """make run starts the web, a worker and beat as separate processes: the dashboards' data
    version written by one must be read by the others."""
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup(); "
        "from django.core.cache import cache; import sys; "
        "cache.set('shared', 'from-' + sys.argv[1]) if sys.argv[1] == 'writer' else print(cache.get('shared'))"
    )
    env = {**os.environ, "VAR_DIR": str(tmp_path), "DEBUG": "1"}
    env.pop("CACHE_URL", None)
    for role in ("writer", "reader"):
        result = subprocess.run(
            [sys.executable, "-c", code, role], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "from-writer"


def test_manage_py_runs_in_development_mode_on_a_fresh_clone():
    result = run_check({})  # neither DEBUG nor SECRET_KEY set
    assert result.returncode == 0, result.stderr


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = run_check(
        {
            "DEBUG": "0",
            "SECRET_KEY": "k8$Jq2!vR7zLm@4pXw9#Tn6&Yb3^Hs1*Gd5(Fc0)Ea-Ue_Wi+Oo=Pl~Qk",
            "ALLOWED_HOSTS": "fsp.example.gov.cn",
            "STATIC_MANIFEST": "0",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def settings_values(extra_env, expression):
    code = f"from config import settings; print({expression})"
    env = {**os.environ, "DEBUG": "1", "VAR_DIR": str(ROOT / "var" / "test"), **extra_env}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_redis_clients_get_short_timeouts_and_tasks_a_visibility_timeout_beyond_their_limit():
    redis_env = {"CACHE_URL": "redis://127.0.0.1:6379/1", "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"}
    result = settings_values(
        redis_env,
        "repr((settings.CACHES['default']['OPTIONS'], settings.CELERY_BROKER_TRANSPORT_OPTIONS, "
        "settings.CELERY_BROKER_CONNECTION_TIMEOUT, settings.CELERY_TASK_TIME_LIMIT, "
        "settings.CELERY_TASK_REJECT_ON_WORKER_LOST))",
    )
    assert result.returncode == 0, result.stderr
    cache, broker, connect, hard_limit, reject = ast.literal_eval(result.stdout.strip())
    assert cache == {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    assert broker == {"visibility_timeout": 3600, "socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    assert (connect, hard_limit, reject) == (0.5, 660, True)
    short = settings_values(
        {**redis_env, "CELERY_TASK_SOFT_TIME_LIMIT": "3600", "CELERY_VISIBILITY_TIMEOUT": "3600"}, "1"
    )
    assert short.returncode != 0
    assert "CELERY_VISIBILITY_TIMEOUT" in short.stderr


def test_the_notice_sweep_runs_every_few_minutes():
    result = settings_values({}, "settings.CELERY_BEAT_SCHEDULE['notices-sweep-unsent']['schedule'].minute")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(set(range(0, 60, 5)))


def test_account_limits_default_to_ninety_days_accept_zero_and_refuse_negatives():
    defaults = settings_values(
        {},
        "settings.ACCOUNT_INACTIVE_DAYS, settings.PASSWORD_MAX_AGE_DAYS, settings.AXES_IP_FAILURE_LIMIT, settings.OTP_REQUIRED_FOR_ORG",
    )
    assert defaults.stdout.strip() == "90 90 30 False", defaults.stderr
    off = settings_values(
        {"ACCOUNT_INACTIVE_DAYS": "0", "PASSWORD_MAX_AGE_DAYS": "0"}, "settings.PASSWORD_MAX_AGE_DAYS"
    )
    assert off.stdout.strip() == "0", off.stderr
    bad = settings_values({"PASSWORD_MAX_AGE_DAYS": "-5"}, "settings.PASSWORD_MAX_AGE_DAYS")
    assert bad.returncode != 0 and "PASSWORD_MAX_AGE_DAYS" in bad.stderr
