"""The importer's header synonyms and remembered column mappings move from demands to
secretaries, so that the department's own imports (secretaries/imports.py) read them too. The
tables stay as they are here (state only); 0007 renames them. Their content types follow, so the
permissions granted on them keep working."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ["headersynonym", "columnmapping"]


def move_content_types(apps, schema_editor, source="demands", target="secretaries"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label=source, model__in=MOVED).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="secretaries", target="demands")


KINDS = [("demands", "需求清单"), ("resources", "资源清单"), ("projects", "项目清单")]


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("secretaries", "0005_staffprofile_roles_city_and_admins"),
        ("demands", "0009_wording_reported"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HeaderSynonym",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=KINDS, max_length=10, verbose_name="清单")),
                        ("column", models.CharField(max_length=20, verbose_name="对应的列")),
                        ("text", models.CharField(max_length=50, verbose_name="表头写法")),
                    ],
                    options={
                        "verbose_name": "导入表头同义词",
                        "verbose_name_plural": "导入表头同义词",
                        "ordering": ["kind", "column", "text"],
                        "db_table": "demands_headersynonym",
                        "constraints": [
                            models.UniqueConstraint(fields=("kind", "text"), name="header_synonym_once_per_list")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ColumnMapping",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=KINDS, max_length=10, verbose_name="清单")),
                        ("header", models.CharField(max_length=100, verbose_name="表头（规范化）")),
                        ("column", models.CharField(blank=True, max_length=20, verbose_name="对应的列")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="设置时间")),
                        (
                            "township",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="column_mappings",
                                to="secretaries.township",
                                verbose_name="乡镇",
                            ),
                        ),
                        (
                            "updated_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="设置人",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "乡镇导入列对应",
                        "verbose_name_plural": "乡镇导入列对应",
                        "ordering": ["township", "kind", "header"],
                        "db_table": "demands_columnmapping",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("township", "kind", "header"), name="column_mapping_once_per_header"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
