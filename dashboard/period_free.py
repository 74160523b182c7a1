"""The dashboard's panels that do not depend on the period: the rounds, supervision, the loop
(completeness, funnel, resolution), needs over six rounds, resources, unmet needs and the stations'
week; with the table cells and drill-down links every panel uses.

They are built from a `summary.Figures` given to them, the same way whether a request builds them
or the worker stores them with the district's counts (dashboard.summary), so this module sits below
both dashboard.summary and dashboard.panels."""

from urllib.parse import urlencode

from django.urls import reverse

from dashboard import charts, selectors
from dashboard.selectors import TABLE_LIMIT


def cell(text, url=None, num=False):
    return {"text": "—" if text is None else text, "url": url, "num": num}


def ncell(value, url=None, suffix=""):
    text = "—" if value is None else f"{value}{suffix}"
    return cell(text, url if value else None, num=True)


def link(name, **params):
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(f"dashboard:{name}") + (f"?{query}" if query else "")


def short_round(round_info):
    return f"{round_info['period_start']:%Y.%m}"


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
    result["reserve"] = _reserve_panel(figures.reserve_shortfall())
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
        "headers": ["乡镇", "应报村数", "按时", "逾期", "未报送", "无新增需求", "报送率", "按时率"],
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
        "headers": ["环节", "事项数", "占报送数"],
        "rows": rows,
        "footer": None,
        "note": "办结率 = 已办结（含已评价）÷ 已接单；中位办结天数自报送起算。",
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
        "headers": [heading, "报送", "接单", "办结", "办结率", "中位办结天数"],
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


def _reserve_panel(reserve):
    """The villages below the required number of reserve cadres (后备力量), fewest first."""
    villages = reserve["villages"]
    rows = [
        [
            cell(r["township"]),
            cell(r["village"], reverse("secretaries:reserve_list", args=[r["village_id"]])),
            ncell(r["count"]),
        ]
        for r in villages[:TABLE_LIMIT]
    ]
    return {
        "key": "reserve",
        "title": f"后备力量不足 {reserve['minimum']} 名的村",
        "count": len(villages),
        "minimum": reserve["minimum"],
        "headers": ["乡镇", "村（社区）", "现有后备力量"],
        "rows": rows,
        "footer": None,
        "note": (
            f"共 {len(villages)} 个村，此处列出现有最少的 {TABLE_LIMIT} 个；完整名单见“各村后备力量”。"
            if len(villages) > TABLE_LIMIT
            else ""
        ),
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
