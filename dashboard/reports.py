"""The department's reports: the round report (bimonthly summary for the district leadership) and
the monthly work report of teams and stations. Each is built once as plain data, then rendered as
a printable A4 page or written to .xlsx with openpyxl."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.excel import append_row, table_header, workbook_bytes
from dashboard import charts, selectors
from dashboard.periods import add_months, month_end
from dashboard.selectors import RESOLVED, Scoped
from secretaries.models import Township
from stations.models import DutyShift

NOTABLE_COUNT = 10


def _round_info(rnd):
    return {
        "pk": rnd.pk,
        "title": rnd.title,
        "period_start": rnd.period_start,
        "period_end": rnd.period_end,
        "deadline": rnd.deadline,
        "status": rnd.status,
    }


def _scope_label(user, township_id):
    if township_id:
        return Township.objects.for_user(user).get(pk=township_id).name
    scoped = Scoped(user)
    names = list(scoped.townships().values_list("name", flat=True)[:2]) if scoped.township_ids else []
    return "、".join(names) if names else "全区"


def round_report(user, rnd, township_id=None):
    base = Scoped(user, township_id)
    info = _round_info(rnd)
    comp = selectors.completeness(base, info, missing_limit=None)
    funnel = selectors.funnel(base, rnd.pk)
    by_township = selectors.resolution_by(base, rnd.pk, "township")
    by_category = selectors.resolution_by(base, rnd.pk, "category")
    items = base.demands().filter(round_id=rnd.pk)
    money = items.aggregate(
        estimated=Sum("estimated_funds"),
        secured=Sum("funds_secured", filter=Q(status__in=RESOLVED)),
        overdue=Count(
            "pk",
            filter=Q(due_date__lt=timezone.localdate()) & ~Q(status__in=selectors.NOT_SUPERVISED),
        ),
    )
    notable = list(
        items.filter(status__in=RESOLVED)
        .select_related("village__township", "category")
        # Best rated, then most funds: NULLS LAST, as PostgreSQL puts NULLs first in descending order.
        .order_by(F("rating").desc(nulls_last=True), F("funds_secured").desc(nulls_last=True), "resolved_at", "pk")[
            :NOTABLE_COUNT
        ]
    )
    comp_rows = sorted(comp["rows"], key=lambda r: r["township"])
    chart_rows = comp["rows"][: selectors.TABLE_LIMIT]
    return {
        "round": info,
        "scope_label": _scope_label(user, township_id),
        "township_id": township_id,
        "generated_at": timezone.localtime(),
        "completeness": comp_rows,
        "completeness_total": comp["total"],
        "missing": comp["missing_villages"],
        "funnel": funnel,
        "by_township": by_township,
        "by_category": by_category,
        "totals": _resolution_totals(by_category),
        "estimated_funds": Decimal(money["estimated"] or 0),
        "secured_funds": Decimal(money["secured"] or 0),
        "overdue": money["overdue"],
        "notable": notable,
        "charts": {
            "completeness": charts.bar(
                "各乡镇报送情况",
                [r["township"] for r in chart_rows],
                [
                    ("按时报送", [r["on_time"] for r in chart_rows]),
                    ("逾期报送", [r["late"] for r in chart_rows]),
                    ("未报送", [r["missing"] for r in chart_rows]),
                ],
                horizontal=True,
                stacked=True,
                unit="个村",
            ),
            "categories": charts.bar(
                "需求类别分布与办结",
                [r["name"] for r in by_category],
                [("报送", [r["submitted"] for r in by_category]), ("办结", [r["resolved"] for r in by_category])],
                horizontal=True,
                unit="件",
            ),
            "funnel": charts.bar(
                "闭环办理漏斗",
                [s["label"] for s in funnel["stages"]],
                [("事项数", [s["count"] for s in funnel["stages"]])],
                horizontal=True,
                unit="件",
            ),
        },
    }


def _resolution_totals(rows):
    totals = {key: sum(r[key] for r in rows) for key in ("submitted", "taken_on", "resolved", "rated")}
    totals["rate"] = selectors._rate(totals["resolved"], totals["taken_on"])
    return totals


def monthly_report(user, month, township_id=None):
    base = Scoped(user, township_id)
    first, last = month, month_end(month)
    teams = selectors.team_ranking(base, month)
    keys = ("activities", "people", "funds", "projects", "produce_kg")
    team_totals = {key: sum((r[key] for r in teams), 0) for key in keys}
    in_month = Q(date__range=(first, last))
    kinds = list(
        base.activities()
        .filter(in_month)
        .order_by()
        .values("kind")
        .annotate(count=Count("pk"), people=Sum("people_reached"), funds=Sum("funds_secured"))
        .order_by("-count", "kind")
    )
    for row in kinds:
        row["people"] = row["people"] or 0
        row["funds"] = Decimal(row["funds"] or 0)
    produce_yuan = base.activities().filter(in_month).aggregate(v=Sum("produce_yuan"))["v"] or 0
    stations = _station_month(base, first, last)
    station_totals = {
        key: sum(r[key] for r in stations) for key in ("positions", "filled", "done", "absent", "swapped", "gap")
    }
    station_totals["absence_rate"] = selectors._rate(
        station_totals["absent"], station_totals["done"] + station_totals["absent"]
    )
    return {
        "month": month,
        "previous": add_months(month, -1),
        "next": add_months(month, 1),
        "scope_label": _scope_label(user, township_id),
        "township_id": township_id,
        "generated_at": timezone.localtime(),
        "teams": teams,
        "team_totals": team_totals,
        "produce_yuan": Decimal(produce_yuan),
        "kinds": kinds,
        "stations": stations,
        "station_totals": station_totals,
        "charts": {
            "teams": charts.bar(
                f"{month.year}年{month.month}月各先锋队活动次数",
                [r["name"] for r in teams],
                [("活动次数", [r["activities"] for r in teams])],
                horizontal=True,
                unit="次",
            ),
            "stations": charts.bar(
                f"{month.year}年{month.month}月各服务站值班",
                [r["name"] for r in stations[: selectors.TABLE_LIMIT]],
                [
                    ("已完成", [r["done"] for r in stations[: selectors.TABLE_LIMIT]]),
                    ("缺勤", [r["absent"] for r in stations[: selectors.TABLE_LIMIT]]),
                ],
                horizontal=True,
                stacked=True,
                unit="班",
            ),
        },
    }


def _mondays(first, last):
    day = first + timedelta(days=(7 - first.weekday()) % 7)
    while day <= last:
        yield day
        day += timedelta(weeks=1)


def _station_month(base, first, last):
    """Per station: positions to fill (weeks starting in the month x people per duty day x duty days), shifts
    filled, done, absent, swapped, unfilled positions and the absence rate."""
    weeks = len(list(_mondays(first, last)))
    in_month = Q(shifts__date__range=(first, last))
    S = DutyShift.Status
    rows = (
        base.stations()
        .annotate(
            filled=Count("shifts", filter=in_month & Q(shifts__status__in=selectors.FILLED_SHIFTS)),
            done=Count("shifts", filter=in_month & Q(shifts__status=S.DONE)),
            absent=Count("shifts", filter=in_month & Q(shifts__status=S.ABSENT)),
            swapped=Count("shifts", filter=in_month & Q(shifts__status=S.SWAPPED)),
        )
        .values("pk", "name", "secretaries_per_duty_day", "duty_weekdays", "filled", "done", "absent", "swapped")
        .order_by("name")
    )
    result = []
    for row in rows:
        per_week = row["secretaries_per_duty_day"] * len(set(row["duty_weekdays"] or []))
        positions = weeks * per_week
        result.append(
            {
                **row,
                "per_week": per_week,
                "positions": positions,
                "gap": max(0, positions - row["filled"] - row["absent"]),
                "absence_rate": selectors._rate(row["absent"], row["done"] + row["absent"]),
            }
        )
    return result


# ---------------------------------------------------------------- .xlsx

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="C0392B")
TOTAL_FONT = Font(bold=True)


def _sheet(workbook, title, headers, rows, totals=None, widths=None):
    sheet = workbook.create_sheet(title)
    append_row(sheet, headers)
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        append_row(sheet, [_plain(value) for value in row])
    if totals:
        append_row(sheet, [_plain(value) for value in totals])
        for cell in sheet[sheet.max_row]:
            cell.font = TOTAL_FONT
    for index, header in enumerate(headers, start=1):
        width = (widths or {}).get(index) or max(10, min(40, len(str(header)) * 2 + 2))
        sheet.column_dimensions[get_column_letter(index)].width = width
    table_header(sheet, len(headers), sheet.max_row)
    return sheet


def _plain(value):
    """Decimals as floats so spreadsheet formulas work; None as an empty cell."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def _summary(workbook, title, lines):
    sheet = workbook.active
    sheet.title = "概况"
    append_row(sheet, ["项目", "内容"])
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    append_row(sheet, ["报告", title])
    sheet["B2"].font = Font(bold=True, size=14)
    for label, value in lines:
        append_row(sheet, [label, _plain(value)])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 40
    table_header(sheet, 2, sheet.max_row)


def _save(workbook):
    return workbook_bytes(workbook)


def round_report_xlsx(report):
    info, total, funnel = report["round"], report["completeness_total"], report["funnel"]
    workbook = Workbook()
    _summary(
        workbook,
        f"{info['title']} 轮次报告",
        [
            ("范围", report["scope_label"]),
            ("征集周期", f"{info['period_start']:%Y-%m-%d} 至 {info['period_end']:%Y-%m-%d}"),
            ("报送截止日期", f"{info['deadline']:%Y-%m-%d}"),
            ("应报送村数", total["expected"]),
            ("已报送村数", total["submitted"]),
            ("其中按时", total["on_time"]),
            ("其中逾期", total["late"]),
            ("未报送村数", total["missing"]),
            ("无新增需求村数", total["nil"]),
            ("报送率（%）", total["rate"]),
            ("按时率（%）", total["on_time_rate"]),
            ("需求事项数", report["totals"]["submitted"]),
            ("已接单", report["totals"]["taken_on"]),
            ("已办结", report["totals"]["resolved"]),
            ("办结率（%）", report["totals"]["rate"]),
            ("督导（逾期）事项", report["overdue"]),
            ("预计资金（元）", report["estimated_funds"]),
            ("办结争取资金（元）", report["secured_funds"]),
            ("生成时间", f"{report['generated_at']:%Y-%m-%d %H:%M}"),
        ],
    )
    _sheet(
        workbook,
        "报送完整率",
        ["乡镇", "应报村数", "按时报送", "逾期报送", "未报送", "无新增需求", "报送率（%）", "按时率（%）"],
        [
            [
                r["township"],
                r["expected"],
                r["on_time"],
                r["late"],
                r["missing"],
                r["nil"],
                r["rate"],
                r["on_time_rate"],
            ]
            for r in report["completeness"]
        ],
        [
            "合计",
            total["expected"],
            total["on_time"],
            total["late"],
            total["missing"],
            total["nil"],
            total["rate"],
            total["on_time_rate"],
        ],
    )
    _sheet(
        workbook,
        "未报送村",
        ["乡镇", "村（社区）", "第一书记", "联系电话"],
        [[m["township"], m["village"], m["secretary"], m["phone"]] for m in report["missing"]],
    )
    resolution_headers = ["报送", "接单", "办结", "已评价", "办结率（%）", "中位办结天数"]

    def resolution_rows(rows):
        return [
            [r["name"], r["submitted"], r["taken_on"], r["resolved"], r["rated"], r["rate"], r["median_days"]]
            for r in rows
        ]

    t = report["totals"]
    totals = ["合计", t["submitted"], t["taken_on"], t["resolved"], t["rated"], t["rate"], None]
    _sheet(workbook, "需求类别", ["需求类别", *resolution_headers], resolution_rows(report["by_category"]), totals)
    _sheet(workbook, "乡镇需求", ["乡镇", *resolution_headers], resolution_rows(report["by_township"]), totals)
    _sheet(
        workbook,
        "闭环漏斗",
        ["环节", "事项数", "占报送数（%）"],
        [[s["label"], s["count"], s["rate"]] for s in funnel["stages"]]
        + [["其中退回", funnel["returned"], None], ["其中合并", funnel["merged"], None]],
    )
    _sheet(
        workbook,
        "典型案例",
        ["乡镇", "村", "类别", "需求", "办理结果", "争取资金（元）", "评价", "办结时间"],
        [
            [
                item.village.township.name,
                item.village.name,
                item.category.name,
                item.title,
                item.resolution,
                item.funds_secured,
                item.rating,
                timezone.localtime(item.resolved_at).strftime("%Y-%m-%d") if item.resolved_at else None,
            ]
            for item in report["notable"]
        ],
        widths={4: 30, 5: 50},
    )
    return _save(workbook)


def monthly_report_xlsx(report):
    month, tt, st = report["month"], report["team_totals"], report["station_totals"]
    workbook = Workbook()
    _summary(
        workbook,
        f"{month.year}年{month.month}月 先锋队与服务站工作报告",
        [
            ("范围", report["scope_label"]),
            ("志愿服务活动（次）", tt["activities"]),
            ("服务群众（人次）", tt["people"]),
            ("争取帮扶资金（元）", tt["funds"]),
            ("建成产业项目（个）", tt["projects"]),
            ("销售农产品（公斤）", tt["produce_kg"]),
            ("农产品销售额（元）", report["produce_yuan"]),
            ("服务站应值班（人次）", st["positions"]),
            ("已完成值班", st["done"]),
            ("缺勤", st["absent"]),
            ("缺勤率（%）", st["absence_rate"]),
            ("生成时间", f"{report['generated_at']:%Y-%m-%d %H:%M}"),
        ],
    )
    _sheet(
        workbook,
        "先锋队",
        ["名次", "先锋队", "活动次数", "服务群众（人次）", "帮扶资金（元）", "产业项目（个）", "农产品（公斤）"],
        [
            [r["rank"], r["name"], r["activities"], r["people"], r["funds"], r["projects"], r["produce_kg"]]
            for r in report["teams"]
        ],
        [None, "合计", tt["activities"], tt["people"], tt["funds"], tt["projects"], tt["produce_kg"]],
    )
    _sheet(
        workbook,
        "活动类型",
        ["活动类型", "次数", "服务群众（人次）", "帮扶资金（元）"],
        [[r["kind"], r["count"], r["people"], r["funds"]] for r in report["kinds"]],
        [
            "合计",
            sum(r["count"] for r in report["kinds"]),
            sum(r["people"] for r in report["kinds"]),
            sum((r["funds"] for r in report["kinds"]), Decimal(0)),
        ],
    )
    _sheet(
        workbook,
        "服务站值班",
        ["服务站", "每周人数", "应值班", "已排", "已完成", "缺勤", "调班", "空缺", "缺勤率（%）"],
        [
            [
                r["name"],
                r["per_week"],
                r["positions"],
                r["filled"],
                r["done"],
                r["absent"],
                r["swapped"],
                r["gap"],
                r["absence_rate"],
            ]
            for r in report["stations"]
        ],
        [
            "合计",
            None,
            st["positions"],
            st["filled"],
            st["done"],
            st["absent"],
            st["swapped"],
            st["gap"],
            st["absence_rate"],
        ],
    )
    return _save(workbook)
