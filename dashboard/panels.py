"""The org and township dashboards, assembled: figures from selectors, a chart and a numbers table
per panel, and drill-down links that keep the scope (a township view's links carry its township,
and the drill-down pages fetch through for_user again).

`dashboard_panels` is what the view renders; caching.cached() keeps it briefly."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from dashboard import caching, charts, selectors, summary
from dashboard.periods import add_months, month_end
from dashboard.selectors import TABLE_LIMIT, Scoped

FUNDS_UNIT = Decimal(10000)


def cell(text, url=None, num=False):
    return {"text": "—" if text is None else text, "url": url, "num": num}


def ncell(value, url=None, suffix=""):
    text = "—" if value is None else f"{value}{suffix}"
    return cell(text, url if value else None, num=True)


def wan(yuan):
    """Yuan to 万元 with one decimal, the unit of the department's reports."""
    return (Decimal(yuan or 0) / FUNDS_UNIT).quantize(Decimal("0.1"))


def link(name, **params):
    from urllib.parse import urlencode

    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(f"dashboard:{name}") + (f"?{query}" if query else "")


def short_round(round_info):
    return f"{round_info['period_start']:%Y.%m}"


def dashboard_panels(user, filters):
    base = Scoped(user, filters.township_id)
    figures = summary.Figures(base)
    # Everything but the headline, the ranking and the activity months is the same whatever the
    # period: computed once per scope, township, round and count, and shared by the other periods' views.
    key = f"panels:{caching.scope_key(user)}:{filters.township_id or '-'}:{filters.round_id or '-'}:{figures.basis_key}"
    stored = figures.default_panels(filters)
    if stored is not None:
        result = stored  # the worker built them with the counts, for the department's first look
    else:
        result = dict(caching.shared(key, lambda: period_free_panels(base, filters, figures)))
    warnings = list(filters.warnings)
    if result.pop("round_missing"):
        warnings.append("没有这个轮次，已显示当前轮次")
    period = filters.period
    months = figures.activity_months(
        min(period.prev_start, add_months(period.end.replace(day=1), -11)), month_end(period.end)
    )
    headline = figures.headline(period, months)
    result.update(
        {
            "headline": headline,
            "cards": headline_cards(headline),
            "warnings": warnings,
            "teams": _teams_panel(base, filters, figures),
            "activity_months": _activity_months_panel(filters, months),
            "basis": figures.basis,
        }
    )
    return result


def period_free_panels(base, filters, figures):
    township = filters.township_id
    rounds = selectors.rounds_for(base.user)
    chosen = next((r for r in rounds if r["pk"] == filters.round_id), None) or selectors.current_round(rounds)
    townships = list(base.townships().order_by("name").values("pk", "name"))
    # Two counts of the demand items (by category, by township) feed the whole loop and needs sections.
    by_category = figures.category_counts()
    six = selectors.last_rounds(rounds, chosen)
    by_township = figures.township_totals([r["pk"] for r in six]) if chosen else {}
    names = {
        "township": {t["pk"]: t["name"] for t in townships},
        "category": selectors.names_for(base, "category"),
    }
    result = {
        "rounds": rounds,
        "round": chosen,
        "round_missing": bool(filters.round_id and (chosen is None or chosen["pk"] != filters.round_id)),
        "townships": townships,
        "supervision": {
            "count": selectors.supervision_count_from(by_category),
            "oldest": figures.oldest_overdue(),
        },
    }
    if chosen:
        result.update(_round_panels(base, chosen, six, township, by_category, by_township, names, figures))
    resources = figures.resources()
    result["resources"] = _resources_panel(resources)
    result["unmet"] = _unmet_panel(
        selectors.unmet_from(by_category, names["category"], resources, figures.unmet_villages()), township
    )
    result["stations"] = figures.station_week()
    return result


def _round_panels(base, chosen, six, township, by_category, by_township, names, figures):
    rid = chosen["pk"]
    category_totals = selectors.stage_totals(by_category)
    comp = figures.completeness(chosen)
    funnel = selectors.funnel_from(by_category, rid)
    resolution_townships = selectors.resolution_from(
        by_township, rid, names["township"], figures.median_days(rid, "township")
    )
    resolution_categories = selectors.resolution_from(
        category_totals, rid, names["category"], figures.median_days(rid, "category")
    )
    return {
        "completeness": _completeness_panel(comp, chosen),
        "missing": comp["missing_villages"],
        "completeness_total": comp["total"],
        "funnel": _funnel_panel(funnel, rid, township),
        "resolution_rate": funnel["resolution_rate"],
        "resolution_townships": _resolution_panel(resolution_townships, rid, "township", "乡镇", township),
        "resolution_categories": _resolution_panel(resolution_categories, rid, "category", "需求类别", township),
        "needs_categories": _needs_panel(
            selectors.needs_from(category_totals, six, names["category"]), six, "category", "需求类别", township
        ),
        "needs_townships": _needs_panel(
            selectors.needs_from(by_township, six, names["township"]), six, "township", "乡镇", township
        ),
    }


def _completeness_panel(comp, chosen):
    rows = comp["rows"][:TABLE_LIMIT]
    rid = chosen["pk"]
    labels = [r["township"] for r in rows]
    svg = charts.bar(
        f"{chosen['title']}：各乡镇报送情况",
        labels,
        [
            ("按时报送", [r["on_time"] for r in rows]),
            ("逾期报送", [r["late"] for r in rows]),
            ("未报送", [r["missing"] for r in rows]),
        ],
        horizontal=True,
        stacked=True,
        unit="个村",
    )
    table = [
        [
            cell(r["township"]),
            ncell(r["expected"]),
            ncell(r["on_time"]),
            ncell(r["late"]),
            ncell(r["missing"], link("missing", round=rid, township=r["township_id"])),
            ncell(r["nil"]),
            ncell(r["rate"], suffix="%"),
            ncell(r["on_time_rate"], suffix="%"),
        ]
        for r in rows
    ]
    t = comp["total"]
    footer = [
        cell("合计"),
        ncell(t["expected"]),
        ncell(t["on_time"]),
        ncell(t["late"]),
        ncell(t["missing"]),
        ncell(t["nil"]),
        ncell(t["rate"], suffix="%"),
        ncell(t["on_time_rate"], suffix="%"),
    ]
    return {
        "key": "completeness",
        "title": "本轮报送完整率（按乡镇）",
        "svg": svg,
        "headers": ["乡镇", "应报村数", "按时", "逾期", "未报", "零报告", "报送率", "按时率"],
        "rows": table,
        "footer": footer,
        "note": _limit_note(comp["rows"], "报送率最低的"),
    }


def _limit_note(rows, what):
    if len(rows) > TABLE_LIMIT:
        return f"共 {len(rows)} 个乡镇，此处列出{what} {TABLE_LIMIT} 个；完整数据见轮次报告和 Excel。"
    return ""


def _funnel_panel(funnel, rid, township):
    stages = funnel["stages"]
    svg = charts.bar(
        "闭环办理漏斗：点单 → 接单 → 派单 → 办结 → 评价",
        [s["label"] for s in stages],
        [("事项数", [s["count"] for s in stages])],
        horizontal=True,
        unit="件",
    )
    rows = [
        [
            cell(s["label"]),
            ncell(s["count"], link("demands", round=rid, township=township, stage=s["key"])),
            ncell(s["rate"], suffix="%"),
        ]
        for s in stages
    ]
    rows.append(
        [
            cell("其中退回"),
            ncell(funnel["returned"], link("demands", round=rid, township=township, stage="returned")),
            cell(""),
        ]
    )
    rows.append([cell("其中合并"), ncell(funnel["merged"]), cell("")])
    return {
        "key": "funnel",
        "title": "闭环办理漏斗",
        "svg": svg,
        "headers": ["环节", "事项数", "占提交数"],
        "rows": rows,
        "footer": None,
        "note": "办结率 = 已办结（含已评价）÷ 已接单；中位办结天数自提交起算。",
    }


def _resolution_panel(rows, rid, param, heading, township):
    shown = rows[:TABLE_LIMIT]
    svg = charts.bar(
        f"按{heading}的办结率",
        [r["name"] for r in shown],
        [("办结率", [r["rate"] for r in shown])],
        horizontal=True,
        percent=True,
        unit="%",
    )

    def params(r):
        p = {"round": rid, "township": township}
        p[param] = r["id"]
        return p

    table = [
        [
            cell(r["name"]),
            ncell(r["submitted"], link("demands", **params(r))),
            ncell(r["taken_on"], link("demands", stage="accepted", **params(r))),
            ncell(r["resolved"], link("demands", stage="resolved", **params(r))),
            ncell(r["rate"], suffix="%"),
            ncell(r["median_days"], suffix=" 天"),
        ]
        for r in shown
    ]
    return {
        "key": f"resolution-{param}",
        "title": f"办结率与办结用时（按{heading}）",
        "svg": svg,
        "headers": [heading, "提交", "接单", "办结", "办结率", "中位办结天数"],
        "rows": table,
        "footer": None,
        "note": _limit_note(rows, "事项最多的") if param == "township" else "",
    }


def _needs_panel(rows, six, param, heading, township):
    shown = rows[:TABLE_LIMIT] if param == "township" else rows
    labels = [short_round(r) for r in six]
    top = shown[:8]
    svg = charts.line(
        f"近六轮需求数（按{heading}）",
        labels,
        [(r["name"], r["counts"]) for r in top],
        unit="件",
    )
    table = []
    for r in shown:
        row = [cell(r["name"])]
        for round_info, count in zip(six, r["counts"], strict=True):
            p = {"round": round_info["pk"], "township": township, param: r["id"]}
            row.append(ncell(count, link("demands", **p)))
        row.append(ncell(r["total"]))
        table.append(row)
    note = "图中显示需求最多的 8 项，其余见表。" if len(shown) > 8 else ""
    if param == "township":
        note = (note + " " + _limit_note(rows, "需求最多的")).strip()
    return {
        "key": f"needs-{param}",
        "title": f"近六轮需求（按{heading}）",
        "svg": svg,
        "headers": [heading, *[f"{r['title']}" for r in six], "合计"],
        "rows": table,
        "footer": None,
        "note": note,
    }


def _resources_panel(resources):
    svg = charts.bar(
        "可用资源（按资源类别）",
        [r["name"] for r in resources],
        [("资源数", [r["count"] for r in resources])],
        horizontal=True,
        unit="项",
    )
    return {
        "key": "resources",
        "title": "资源清单（按类别，全区可调用的有效资源）",
        "svg": svg,
        "headers": ["资源类别", "有效资源数"],
        "rows": [[cell(r["name"]), ncell(r["count"], link("resources", category=r["id"]))] for r in resources],
        "footer": None,
        "note": "",
    }


def _unmet_panel(unmet, township):
    rows = unmet["rows"]
    svg = charts.bar(
        "未满足的需求（按需求类别）",
        [r["name"] for r in rows],
        [
            ("有对应资源", [r["count"] if r["has_resource"] else None for r in rows]),
            ("缺少对应资源", [None if r["has_resource"] else r["count"] for r in rows]),
        ],
        horizontal=True,
        stacked=True,
        unit="件",
    )
    table = [
        [
            cell(r["name"]),
            ncell(r["count"], link("demands", category=r["id"], township=township, stage="unmet")),
            ncell(r["villages"]),
            cell("有" if r["has_resource"] else ("无有效资源" if r["mapped"] else "未设置对应资源类别")),
        ]
        for r in rows
    ]
    return {
        "key": "unmet",
        "title": "未满足需求与资源缺口",
        "svg": svg,
        "headers": ["需求类别", "待办需求", "涉及村数", "对应资源"],
        "rows": table,
        "footer": None,
        "note": "“缺少对应资源”的类别：应当招募相应特长的人员或派出单位资源。",
        "to_recruit": unmet["to_recruit"],
    }


def _teams_panel(base, filters, figures):
    # A quarter or a year: its last month that has begun.
    this_month = timezone.localdate().replace(day=1)
    month = (
        filters.period.start if filters.period.kind == "month" else min(filters.period.end.replace(day=1), this_month)
    )
    ranking, frozen_at = _ranking(base, month, figures)
    every = len(ranking)
    ranking = ranking[:TABLE_LIMIT]
    month_param = f"{month:%Y-%m}"
    ranking_url = reverse("teams:ranking") + f"?month={month_param}"
    svg = charts.bar(
        f"{month.year}年{month.month}月先锋队考评得分",
        [r["name"] for r in ranking],
        [("得分", [float(r["points"] or 0) for r in ranking])],
        horizontal=True,
        unit="分",
        whole=False,
    )
    table = [
        [
            ncell(r["rank"]),
            cell(r["name"]),
            ncell(r["points"], ranking_url),
            ncell(r["activities"], link("activities", team=r["id"], month=month_param, township=filters.township_id)),
            ncell(r["people"]),
            ncell(wan(r["funds"])),
            ncell(r["projects"]),
            ncell(r["produce_kg"]),
        ]
        for r in ranking
    ]
    status = f"已于 {frozen_at:%Y-%m-%d} 冻结" if frozen_at else "本月实时计算，次月1日冻结"
    scope_note = "；活动等数字为在本乡镇开展的活动" if base.township_ids is not None else ""
    if every > TABLE_LIMIT:
        scope_note += f"；共 {every} 支先锋队，此处列出前 {TABLE_LIMIT} 名，完整排名见“先锋队考评”页"
    return {
        "key": "teams",
        "title": f"先锋队月度排名（{month.year}年{month.month}月，考评积分）",
        "svg": svg,
        "headers": [
            "名次",
            "先锋队",
            "得分",
            "活动次数",
            "服务群众（人次）",
            "帮扶资金（万元）",
            "产业项目",
            "销售农产品（公斤）",
        ],
        "rows": table,
        "footer": None,
        "note": f"按考评细则积分排名（{status}），与“先锋队考评”页一致{scope_note}。",
        "month": month,
        "ranking_url": ranking_url,
    }


def _ranking(base, month, figures):
    """The teams app's points ranking of the month (its frozen snapshot for a past month, else
    live), with the month's activity figures in view next to it. Without a district (a
    superuser), the activity-based order."""
    activity = {r["id"]: r for r in selectors.team_ranking(base, month)}
    result = figures.ranking(month)
    if result is None:
        rows = list(activity.values())
        for row in rows:
            row["points"] = None
        return rows, None
    rows = []
    for team in result["teams"]:
        figures_of_team = activity.get(team["id"]) or {
            "activities": 0,
            "people": 0,
            "funds": Decimal(0),
            "projects": 0,
            "produce_kg": Decimal(0),
        }
        rows.append(
            {
                **figures_of_team,
                "id": team["id"],
                "name": team["name"],
                "rank": team["rank"],
                "points": _tidy(team["total"]),
            }
        )
    return rows, result["frozen_at"]


def _activity_months_panel(filters, found):
    months = selectors.activity_by_month(None, filters.period.end.replace(day=1), found=found)
    labels = [f"{m['month']:%Y.%m}" for m in months]
    svg = charts.bar("近12个月志愿服务活动", labels, [("活动次数", [m["count"] for m in months])], unit="次")
    table = [
        [
            cell(label),
            ncell(m["count"], link("activities", month=f"{m['month']:%Y-%m}", township=filters.township_id)),
            ncell(m["people"]),
        ]
        for label, m in zip(labels, months, strict=True)
    ]
    return {
        "key": "activity-months",
        "title": "志愿服务活动（按月）",
        "svg": svg,
        "headers": ["月份", "活动次数", "服务群众（人次）"],
        "rows": table,
        "footer": None,
        "note": "",
    }


def _tidy(value):
    """Decimal sums read 300.0 on PostgreSQL and 300 on SQLite; show whole numbers without '.0'."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def _delta_text(delta, money=False, unit=""):
    if delta is None:
        return "—"
    delta = wan(delta) if money else _tidy(delta)
    if delta == 0:
        return "持平"
    sign = "+" if delta > 0 else "−"
    return f"{sign}{abs(delta):,}{unit}"


def _trend(delta, up_is_good=True):
    if not delta:
        return "text-secondary"
    return "text-success" if (delta > 0) == up_is_good else "text-danger"


def headline_cards(h):
    """The headline figures as cards: label, value, change against the previous period."""

    def card(key, label, unit="", money=False, up_is_good=True, value=None, note=""):
        figure = h[key]
        shown = value if value is not None else (wan(figure["value"]) if money else _tidy(figure["value"]))
        return {
            "key": key,
            "label": label,
            "value": f"{shown:,}" if isinstance(shown, int | Decimal) else shown,
            "unit": unit,
            "previous": wan(figure["previous"]) if money else _tidy(figure["previous"]),
            "delta": _delta_text(figure["delta"], money),
            "trend": _trend(figure["delta"], up_is_good),
            "note": note,
        }

    absence = h["absence_rate"]
    return [
        card("secretaries_on_post", "在岗第一书记", "人"),
        card("villages_covered", "覆盖村（社区）", "个"),
        card("teams", "先锋队", "支"),
        card("activities", "志愿服务活动", "次"),
        card("people_reached", "服务群众", "人次"),
        card("funds_secured", "争取帮扶资金", "万元", money=True),
        card("projects_built", "建成产业项目", "个"),
        card("produce_kg", "销售农产品", "公斤"),
        card(
            "projects_done_in_period",
            "项目清单",
            "",
            value=f"拟开展 {h['projects_planned']} · 在建 {h['projects_ongoing']} · 已完成 {h['projects_done']}",
            note="变化为本期完成的项目数",
        ),
        card("shifts_done", "服务站值班完成", "班次"),
        {
            "key": "absence_rate",
            "label": "值班缺勤率",
            "value": "—" if absence["value"] is None else absence["value"],
            "unit": "%" if absence["value"] is not None else "",
            "previous": "—" if absence["previous"] is None else f"{absence['previous']}%",
            "delta": _delta_text(absence["delta"], unit=" 个百分点"),
            "trend": _trend(absence["delta"], up_is_good=False),
            "note": f"缺勤 {h['shifts_absent']['value']} 班次",
        },
    ]
