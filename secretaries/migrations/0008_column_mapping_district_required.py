"""Every remembered mapping names its district (0007 backfilled it)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("secretaries", "0007_import_mapping_people"),
    ]

    operations = [
        migrations.AlterField(
            model_name="columnmapping",
            name="district",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="column_mappings",
                to="secretaries.district",
                verbose_name="区",
            ),
        ),
    ]
