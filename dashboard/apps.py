from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "工作台"

    def ready(self):
        # Registered in every process: caching queues the refresh by its name, and where
        # CELERY_TASK_ALWAYS_EAGER is set the task must be known here to run in place.
        from dashboard import tasks  # noqa: F401
        from dashboard.caching import connect_signals

        connect_signals()
