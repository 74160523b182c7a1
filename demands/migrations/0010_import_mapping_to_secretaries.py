"""HeaderSynonym and ColumnMapping now belong to secretaries (its 0006 took over their tables)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("demands", "0009_wording_reported"),
        ("secretaries", "0006_import_mapping_from_demands"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="HeaderSynonym"),
                migrations.DeleteModel(name="ColumnMapping"),
            ],
            database_operations=[],
        ),
    ]
