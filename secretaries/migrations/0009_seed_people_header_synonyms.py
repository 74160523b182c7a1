"""The header spellings of the department's own workbooks (secretaries, villages, units), which the
code kept until now, as the importer's starting synonyms: editable in the admin from here on
(导入表头同义词), like the round's."""

from django.db import migrations

HEADERS = {
    "secretaries": {
        "姓名": ["名字", "第一书记", "第一书记姓名"],
        "出生日期": ["出生年月", "生日"],
        "手机号码": ["手机", "手机号", "联系电话", "电话"],
        "身份证号": ["身份证号码", "公民身份号码", "身份证"],
        "派出单位": ["选派单位", "派出单位名称", "原单位"],
        "批次": ["选派批次"],
        "乡镇": ["乡镇（街道）", "所在乡镇", "乡镇街道"],
        "派驻村": ["村（社区）", "村名", "任职村", "派驻村（社区）", "所驻村"],
        "片区临时党支部": ["片区", "片区党支部", "所属片区"],
        "个人特长": ["特长", "专业特长"],
        "任期开始": ["任职开始", "任职时间", "到村时间"],
        "任期结束": ["任职结束", "任期届满"],
    },
    "villages": {
        "乡镇": ["乡镇（街道）", "所在乡镇", "乡镇街道"],
        "村名": ["村（社区）", "行政村", "村名称", "村（社区）名称", "村"],
        "类型": ["村类型"],
        "户籍人口": ["人口", "户籍人口（人）", "人口数"],
        "户数": ["户籍户数", "户数（户）", "总户数"],
        "备注": ["说明"],
    },
    "units": {
        "单位名称": ["派出单位", "单位", "选派单位"],
        "性质": ["单位性质"],
        "联系人": ["单位联系人"],
        "联系电话": ["电话", "联系方式"],
    },
}


def seed(apps, schema_editor):
    HeaderSynonym = apps.get_model("secretaries", "HeaderSynonym")
    for kind, columns in HEADERS.items():
        for column, texts in columns.items():
            for text in texts:
                HeaderSynonym.objects.get_or_create(kind=kind, text=text, defaults={"column": column})


def unseed(apps, schema_editor):
    HeaderSynonym = apps.get_model("secretaries", "HeaderSynonym")
    HeaderSynonym.objects.filter(kind__in=HEADERS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("secretaries", "0008_column_mapping_district_required"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
