from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "工作台"

    def ready(self):
        # The domain apps announce writes (model signals, and core.signals.records_written for
        # writes in bulk); the dashboard listens here, so no domain module imports it.
        from core.signals import records_written
        from dashboard.caching import connect_signals, data_changed

        connect_signals()
        records_written.connect(data_changed, dispatch_uid="dashboard.records_written")
