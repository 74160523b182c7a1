"""The installation-wide general scoring rules become each district's own: every existing district
gets a copy of them as they stand (edited or not), so its figures stay the same; the shared rows
go. A district made later starts from teams.models.GENERAL_RULES (teams.services)."""

from django.db import migrations

COPIED = ["key", "label", "points", "cap", "sort_order", "active"]


def copy_to_districts(apps, schema_editor):
    ScoringRule = apps.get_model("teams", "ScoringRule")
    District = apps.get_model("secretaries", "District")
    shared = list(ScoringRule.objects.filter(district__isnull=True, group_kind__isnull=True))
    for district in District.objects.order_by("pk"):
        ScoringRule.objects.bulk_create(
            [ScoringRule(district=district, **{name: getattr(rule, name) for name in COPIED}) for rule in shared],
            ignore_conflicts=True,
        )
    ScoringRule.objects.filter(pk__in=[rule.pk for rule in shared]).delete()


def back_to_shared(apps, schema_editor):
    """The first district's general rules become the shared ones again."""
    ScoringRule = apps.get_model("teams", "ScoringRule")
    general = ScoringRule.objects.filter(group_kind__isnull=True, district__isnull=False)
    first = general.order_by("district_id").values_list("district_id", flat=True).first()
    ScoringRule.objects.bulk_create(
        [
            ScoringRule(**{name: getattr(rule, name) for name in COPIED})
            for rule in general.filter(district_id=first)
        ]
    )
    general.delete()


class Migration(migrations.Migration):
    dependencies = [("teams", "0010_scoring_rule_district"), ("secretaries", "0005_staffprofile_roles_city_and_admins")]

    operations = [migrations.RunPython(copy_to_districts, back_to_shared)]
