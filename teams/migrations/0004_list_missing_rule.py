"""The deduction for a village list not sent at all by its round's deadline (考评: 逾期未报)."""

from django.db import migrations


def add_rule(apps, schema_editor):
    ScoringRule = apps.get_model("teams", "ScoringRule")
    last = ScoringRule.objects.order_by("-sort_order").values_list("sort_order", flat=True).first() or 0
    ScoringRule.objects.get_or_create(
        key="list_missing",
        defaults={"label": "逾期未报送清单（每次扣分）", "points": "-3", "sort_order": last + 1},
    )


def remove_rule(apps, schema_editor):
    apps.get_model("teams", "ScoringRule").objects.filter(key="list_missing").delete()


class Migration(migrations.Migration):
    dependencies = [("teams", "0003_default_scoring_rules")]

    operations = [migrations.RunPython(add_rule, remove_rule)]
