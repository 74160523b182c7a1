from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = "先锋队"

    def ready(self):
        from django.db.models.signals import post_save

        from secretaries.models import District
        from teams.services import district_created

        post_save.connect(district_created, sender=District, dispatch_uid="teams.general_rules")
