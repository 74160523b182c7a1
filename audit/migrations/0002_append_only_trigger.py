"""The database refuses UPDATE and DELETE on the audit trail (audit/database.py): PostgreSQL and
SQLite triggers; the retention job's delete of entries older than 180 days is the one exception."""

from django.db import migrations

from audit import database


def install(apps, schema_editor):
    database.install(schema_editor)


def remove(apps, schema_editor):
    database.remove(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
