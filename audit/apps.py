from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit trail (安全审计). Nothing imports this app: whatever is worth recording calls
    `core.signals.audit(...)`, and this app listens. It also listens to Django's and axes' login
    signals and to the admin's LogEntry."""

    name = "audit"
    verbose_name = "安全审计"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from audit import database, receivers

        database.connect()
        receivers.connect()
