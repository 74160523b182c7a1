"""Every district that already has teams (or frozen rankings, or awards) gets its 先锋队 kind, with
the rules the code applied before kinds were data; its teams, snapshots and awards point at it."""

from decimal import Decimal

from django.db import migrations

PIONEER = {
    "name": "先锋队",
    "level": "district",
    "leader_title": "队长",
    "max_per_person": 1,
    "allowance": False,
    "scored": True,
    "rotating_meeting": True,
    "dispatchable": True,
    "min_size": 20,
    "max_size": 40,
    "age_band_max_share": Decimal("0.50"),
    "unit_max_share": Decimal("0.25"),
}


def forwards(apps, schema_editor):
    GroupKind = apps.get_model("teams", "GroupKind")
    PioneerTeam = apps.get_model("teams", "PioneerTeam")
    RankingSnapshot = apps.get_model("teams", "RankingSnapshot")
    Award = apps.get_model("teams", "Award")
    district_ids = set(PioneerTeam.objects.values_list("district_id", flat=True))
    district_ids |= set(RankingSnapshot.objects.values_list("district_id", flat=True))
    district_ids |= set(Award.objects.values_list("district_id", flat=True))
    for district_id in district_ids:
        kind, _created = GroupKind.objects.get_or_create(district_id=district_id, code="pioneer", defaults=PIONEER)
        PioneerTeam.objects.filter(district_id=district_id, kind__isnull=True).update(kind=kind)
        RankingSnapshot.objects.filter(district_id=district_id, group_kind__isnull=True).update(group_kind=kind)
        Award.objects.filter(district_id=district_id, group_kind__isnull=True).update(group_kind=kind)


class Migration(migrations.Migration):
    dependencies = [("teams", "0006_groups_of_any_kind")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
