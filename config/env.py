"""Strict parsers for environment variables.

Every parser names the variable in its error, so a bad deployment fails at start with a message
an operator can act on instead of a stack trace deep inside Django.
"""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def _raw(name, environ):
    environ = os.environ if environ is None else environ
    return environ.get(name)


def env_str(name, default=None, *, required=False, environ=None):
    value = _raw(name, environ)
    if value is None or value.strip() == "":
        if required:
            raise ImproperlyConfigured(f"环境变量 {name} 必须设置（{name} is required）")
        return default
    return value.strip()


def env_bool(name, default=False, *, environ=None):
    value = _raw(name, environ)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"环境变量 {name} 的值 {value!r} 无效，应为 1/0、true/false、yes/no 或 on/off")


def env_int(name, default, *, minimum=None, maximum=None, environ=None):
    value = _raw(name, environ)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"环境变量 {name} 的值 {value!r} 不是整数") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"环境变量 {name} 的值 {number} 小于下限 {minimum}")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"环境变量 {name} 的值 {number} 大于上限 {maximum}")
    return number


def env_list(name, default=(), *, environ=None):
    value = _raw(name, environ)
    if value is None:
        return list(default)
    items = [part.strip() for part in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"环境变量 {name} 的值 {value!r} 含有空项（用逗号分隔，不要留空）")
    return items


def env_int_list(name, default=(), *, environ=None):
    items = env_list(name, default=[str(d) for d in default], environ=environ)
    try:
        return [int(item) for item in items]
    except ValueError:
        raise ImproperlyConfigured(f"环境变量 {name} 的值应为逗号分隔的整数") from None


def env_database(name, default, *, environ=None):
    import dj_database_url

    value = env_str(name, default, environ=environ)
    try:
        config = dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj_database_url raises several types for bad URLs
        raise ImproperlyConfigured(f"环境变量 {name} 的值 {value!r} 不是有效的数据库地址：{exc}") from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"环境变量 {name} 的值 {value!r} 不是有效的数据库地址")
    return config


def env_broker(name, default, *, environ=None):
    value = env_str(name, default, environ=environ)
    scheme = value.split("://", 1)[0] if "://" in value else ""
    if scheme not in {"filesystem", "redis", "rediss", "memory", "amqp", "pyamqp"}:
        raise ImproperlyConfigured(
            f"环境变量 {name} 的值 {value!r} 不是受支持的消息队列地址（filesystem://、redis://、amqp://）"
        )
    return value
