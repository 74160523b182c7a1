from django.apps import AppConfig


class SecretariesConfig(AppConfig):
    name = "secretaries"
    verbose_name = "地区与人员"
