"""The importer's synonyms and remembered mappings serve the department's workbooks too: the
tables take secretaries' names, the import kinds gain 第一书记 / 村（社区）/ 派出单位, and a remembered
mapping names its district (backfilled from its township), its township left blank for the
department's own. 0008 makes the district required."""

import django.db.models.deletion
from django.db import migrations, models

KINDS = [
    ("demands", "需求清单"),
    ("resources", "资源清单"),
    ("projects", "项目清单"),
    ("secretaries", "第一书记"),
    ("villages", "村（社区）"),
    ("units", "派出单位"),
]


def district_from_township(apps, schema_editor):
    ColumnMapping = apps.get_model("secretaries", "ColumnMapping")
    Township = apps.get_model("secretaries", "Township")
    for township_id, district_id in Township.objects.values_list("pk", "district_id"):
        ColumnMapping.objects.filter(township_id=township_id).update(district_id=district_id)


class Migration(migrations.Migration):
    dependencies = [
        ("secretaries", "0006_import_mapping_from_demands"),
    ]

    operations = [
        migrations.AlterModelTable(name="columnmapping", table=None),
        migrations.AlterModelTable(name="headersynonym", table=None),
        migrations.AlterModelOptions(
            name="columnmapping",
            options={
                "ordering": ["district", "township", "kind", "header"],
                "verbose_name": "导入列对应",
                "verbose_name_plural": "导入列对应",
            },
        ),
        migrations.AlterField(
            model_name="headersynonym",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=20, verbose_name="导入内容"),
        ),
        migrations.AlterField(
            model_name="headersynonym",
            name="column",
            field=models.CharField(
                help_text="平台模板的表头，如 需求名称、预计资金（元）、派驻村、出生日期", max_length=20, verbose_name="对应的列"
            ),
        ),
        migrations.AlterField(
            model_name="headersynonym",
            name="text",
            field=models.CharField(
                help_text="表格里的表头，如 事项、项目名称、所驻村。金额列不必写单位：预估资金（万元）按“预估资金”匹配，并按万元换算",
                max_length=50,
                verbose_name="表头写法",
            ),
        ),
        migrations.AlterField(
            model_name="columnmapping",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=20, verbose_name="导入内容"),
        ),
        migrations.AlterField(
            model_name="columnmapping",
            name="column",
            field=models.CharField(blank=True, help_text="留空表示该列不导入", max_length=20, verbose_name="对应的列"),
        ),
        migrations.AddField(
            model_name="columnmapping",
            name="district",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="column_mappings",
                to="secretaries.district",
                verbose_name="区",
            ),
        ),
        migrations.RunPython(district_from_township, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="columnmapping",
            name="township",
            field=models.ForeignKey(
                blank=True,
                help_text="留空表示区委组织部自己的导入（第一书记、村（社区）、派出单位）",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="column_mappings",
                to="secretaries.township",
                verbose_name="乡镇",
            ),
        ),
        migrations.AddConstraint(
            model_name="columnmapping",
            constraint=models.UniqueConstraint(
                condition=models.Q(("township__isnull", True)),
                fields=("district", "kind", "header"),
                name="column_mapping_once_per_district_header",
            ),
        ),
    ]
