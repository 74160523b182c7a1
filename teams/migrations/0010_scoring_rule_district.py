"""Scoring rules get an owning district: the general rules become each district's own (0011 copies
them, 0012 requires an owner)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('secretaries', '0005_staffprofile_roles_city_and_admins'),
        ('teams', '0009_group_member_phone'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='scoringrule',
            name='scoring_rule_general_key_unique',
        ),
        migrations.AddField(
            model_name='historicalscoringrule',
            name='district',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='通用规则所属的区（某类队伍的规则留空，随队伍类型所属的区）', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='secretaries.district', verbose_name='所属区'),
        ),
        migrations.AddField(
            model_name='scoringrule',
            name='district',
            field=models.ForeignKey(blank=True, help_text='通用规则所属的区（某类队伍的规则留空，随队伍类型所属的区）', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='scoring_rules', to='secretaries.district', verbose_name='所属区'),
        ),
        migrations.AlterField(
            model_name='historicalscoringrule',
            name='group_kind',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='留空为本区通用规则；某类队伍有自己的规则时只用它自己的', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='teams.groupkind', verbose_name='适用队伍类型'),
        ),
        migrations.AlterField(
            model_name='scoringrule',
            name='group_kind',
            field=models.ForeignKey(blank=True, help_text='留空为本区通用规则；某类队伍有自己的规则时只用它自己的', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='scoring_rules', to='teams.groupkind', verbose_name='适用队伍类型'),
        ),
        migrations.AddConstraint(
            model_name='scoringrule',
            constraint=models.UniqueConstraint(condition=models.Q(('group_kind__isnull', True)), fields=('district', 'key'), name='scoring_rule_district_key_unique', violation_error_message='本区已有这个规则代码的通用规则'),
        ),
    ]
