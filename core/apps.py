from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The kernel (scoping, access, imports, exports, tasks). An app only to hold the task outbox."""

    name = "core"
    verbose_name = "系统"
    default_auto_field = "django.db.models.BigAutoField"
