from django.apps import AppConfig


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = "乡村振兴服务站"
