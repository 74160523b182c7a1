"""A partial index for the supervision list's oldest items (due date order among unfinished items).

It lives on demands_demanditem but is created here, by the dashboard that needs it, as plain SQL
(the same statement works on SQLite and PostgreSQL). Moving it into DemandItem.Meta.indexes in the
demands app later would be cleaner; then this migration's reverse drops it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("demands", "0001_initial")]

    operations = [
        migrations.RunSQL(
            sql=(
                "CREATE INDEX IF NOT EXISTS dashboard_demand_overdue_idx ON demands_demanditem (due_date) "
                "WHERE status NOT IN ('resolved', 'rated', 'merged')"
            ),
            reverse_sql="DROP INDEX IF EXISTS dashboard_demand_overdue_idx",
        )
    ]
