"""Every scoring rule has one owner: a district (its general rules) or a kind of group."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("teams", "0011_general_rules_per_district")]

    operations = [
        migrations.AddConstraint(
            model_name='scoringrule',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('district__isnull', False), ('group_kind__isnull', True)), models.Q(('district__isnull', True), ('group_kind__isnull', False)), _connector='OR'), name='scoring_rule_one_owner', violation_error_message='计分规则须属于一个区（通用规则）或一类队伍，二者选其一'),
        ),
    ]
