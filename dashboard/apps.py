from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "工作台"

    def ready(self):
        # The domain apps announce writes (model signals, and core.signals.records_written for
        # writes in bulk); the dashboard listens here, so no domain module imports it.
        # dashboard.tasks is registered in every process: caching queues the refresh by its name,
        # and where CELERY_TASK_ALWAYS_EAGER is set the task must be known here to run in place.
        from core.signals import records_written
        from dashboard import monitoring, tasks  # noqa: F401
        from dashboard.caching import connect_signals, data_changed

        connect_signals()
        monitoring.connect_signals()  # a Celery worker's heartbeat and beat watch (worker_ready)
        records_written.connect(data_changed, dispatch_uid="dashboard.records_written")
