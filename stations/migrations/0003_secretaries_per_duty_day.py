"""`secretaries_per_week` was always used per duty day by the roster: the name now says so."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("stations", "0002_rostergap"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="servicestation",
            name="station_one_or_two_per_week",
        ),
        migrations.RenameField(
            model_name="servicestation",
            old_name="secretaries_per_week",
            new_name="secretaries_per_duty_day",
        ),
        migrations.RenameField(
            model_name="historicalservicestation",
            old_name="secretaries_per_week",
            new_name="secretaries_per_duty_day",
        ),
        migrations.AlterField(
            model_name="servicestation",
            name="secretaries_per_duty_day",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="每个值班日人数"),
        ),
        migrations.AlterField(
            model_name="historicalservicestation",
            name="secretaries_per_duty_day",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="每个值班日人数"),
        ),
        migrations.AddConstraint(
            model_name="servicestation",
            constraint=models.CheckConstraint(
                condition=models.Q(("secretaries_per_duty_day__gte", 1), ("secretaries_per_duty_day__lte", 2)),
                name="station_one_or_two_per_duty_day",
                violation_error_message="每个值班日人数应为1到2人",
            ),
        ),
    ]
