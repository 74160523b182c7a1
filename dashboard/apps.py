from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "工作台"

    def ready(self):
        from dashboard.caching import connect_signals

        connect_signals()
