""".xlsx exports of the teams app (openpyxl, Chinese headers)."""

from openpyxl import Workbook

from core.excel import write_only_sheet

TOTAL_HEADERS = [
    "活动（场次）",
    "服务群众（人次）",
    "争取帮扶资金（元）",
    "建成产业项目（个）",
    "销售农产品（公斤）",
    "农产品销售额（元）",
]
TOTAL_KEYS = ["activities", "people_reached", "funds_secured", "projects_built", "produce_kg", "produce_yuan"]


def _totals(row):
    return [
        float(row[key]) if key in ("funds_secured", "produce_kg", "produce_yuan") else row[key] for key in TOTAL_KEYS
    ]


def activities_workbook(activities, *, totals, by_team, by_month, by_kind):
    workbook = Workbook(write_only=True)
    write_only_sheet(
        workbook,
        "活动明细",
        [
            "日期",
            "先锋队",
            "活动类型",
            "活动名称",
            "乡镇",
            "村",
            "地点",
            "参与第一书记",
            "参与成员（非第一书记）",
            *TOTAL_HEADERS[1:],
            "照片（张）",
            "活动情况",
            "填报人",
        ],
        (
            [
                a.date,
                a.team.name,
                a.get_kind_display(),
                a.title,
                a.village.township.name if a.village else "",
                a.village.name if a.village else "",
                a.place,
                "、".join(p.name for p in a.participants.all()),
                "、".join(p.name for p in a.people.all()),
                a.people_reached,
                float(a.funds_secured),
                a.projects_built,
                float(a.produce_kg),
                float(a.produce_yuan),
                a.photo_count,
                a.description,
                (a.created_by.get_full_name() or a.created_by.username) if a.created_by else "",
            ]
            for a in activities
        ),
    )
    write_only_sheet(
        workbook, "按先锋队", ["先锋队", *TOTAL_HEADERS], ([r["team__name"], *_totals(r)] for r in by_team)
    )
    write_only_sheet(
        workbook, "按月份", ["月份", *TOTAL_HEADERS], ([f"{r['month']:%Y-%m}", *_totals(r)] for r in by_month)
    )
    write_only_sheet(
        workbook, "按活动类型", ["活动类型", *TOTAL_HEADERS], ([r["kind_label"], *_totals(r)] for r in by_kind)
    )
    write_only_sheet(workbook, "全区合计", TOTAL_HEADERS, [_totals(totals)])
    return workbook


def evaluation_workbook(months, result, awards):
    workbook = Workbook(write_only=True)
    month_headers = [f"{m:%Y-%m}" for m in months]

    def ranking_rows(rows, with_team):
        for row in rows:
            team = [row["team"]] if with_team else []
            yield [row["rank"], row["name"], *team, float(row["total"]), *(float(v) for v in row["monthly"])]

    write_only_sheet(
        workbook, "先锋队排名", ["名次", "先锋队", "总分", *month_headers], ranking_rows(result["teams"], False)
    )
    write_only_sheet(
        workbook,
        "队员排名",
        ["名次", "第一书记", "先锋队", "总分", *month_headers],
        ranking_rows(result["secretaries"], True),
    )

    def detail_rows():
        for kind, rows in (("先锋队", result["teams"]), ("第一书记", result["secretaries"])):
            for row in rows:
                for line in row["lines"]:
                    yield [kind, row["name"], line.label, line.quantity, float(line.points), float(line.subtotal)]

    write_only_sheet(workbook, "得分明细", ["对象", "名称", "计分项", "数量", "分值", "得分"], detail_rows())
    # Other members (villagers of a work team) and the villages' and townships' means, when there are any.
    for title, header, key in (
        ("成员排名", ["名次", "成员", "所在队伍", "总分"], "people"),
        ("村排名", ["名次", "村", "乡镇", "平均分"], "villages"),
        ("乡镇排名", ["名次", "乡镇", "", "平均分"], "townships"),
    ):
        if result.get(key):
            write_only_sheet(workbook, title, [*header, *month_headers], ranking_rows(result[key], True))
    write_only_sheet(
        workbook,
        "表彰",
        ["年度", "奖项", "先锋队/第一书记", "说明"],
        ([a.year, a.label, str(a.subject), a.note] for a in awards),
    )
    return workbook
