"""The default points scheme (考评细则). The org department edits it afterwards as data."""

from django.db import migrations

ACTIVITY_POINTS = [
    ("红色党课", 5),
    ("法律咨询", 4),
    ("义诊服务", 5),
    ("环境整治", 3),
    ("矛盾调解", 4),
    ("文明引导", 3),
    ("农产品促销", 5),
    ("安保服务", 3),
    ("政策宣讲", 3),
    ("技能培训", 4),
    ("文旅推介", 4),
    ("其他", 2),
]

OTHER_RULES = [
    ("people_reached", "服务群众（每人次）", "0.10", "10"),
    ("demand_resolved", "办结派单需求（每件）", "5", None),
    ("shift_done", "完成服务站值班（每班）", "3", None),
    ("list_on_time", "按时报送清单（每次）", "2", None),
    ("shift_absent", "值班缺勤（每次扣分）", "-5", None),
    ("list_late", "逾期报送清单（每次扣分）", "-2", None),
]


def add_rules(apps, schema_editor):
    ScoringRule = apps.get_model("teams", "ScoringRule")
    order = 0
    for kind, points in ACTIVITY_POINTS:
        order += 1
        ScoringRule.objects.get_or_create(
            key=f"activity:{kind}", defaults={"label": f"开展{kind}活动（每场）", "points": points, "sort_order": order}
        )
    for key, label, points, cap in OTHER_RULES:
        order += 1
        ScoringRule.objects.get_or_create(
            key=key, defaults={"label": label, "points": points, "cap": cap, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("teams", "0002_decisions_scoring_snapshots_awards")]

    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
