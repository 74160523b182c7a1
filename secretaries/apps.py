from django.apps import AppConfig


class SecretariesConfig(AppConfig):
    name = "secretaries"
    verbose_name = "地区与人员"

    def ready(self):
        # The department's workbooks name their columns (HeaderSynonym.clean checks a synonym
        # against them) when their module is loaded; the round's lists do so with their models.
        from secretaries import imports  # noqa: F401
