"""The org and township dashboards, assembled: figures from selectors, a chart and a numbers table
per panel, and drill-down links that keep the scope (a township view's links carry its township,
and the drill-down pages fetch through for_user again).

`dashboard_panels` is what the view renders; caching.cached() keeps it briefly. The panels that do
not depend on the period are built in dashboard.period_free (the worker stores them with the
district's counts, dashboard.summary); the headline, the teams' ranking and the activities by month
here."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from dashboard import caching, charts, selectors, summary
from dashboard.period_free import cell, link, ncell, period_free_panels
from dashboard.periods import add_months, month_end
from dashboard.selectors import TABLE_LIMIT, Scoped

FUNDS_UNIT = Decimal(10000)


def wan(yuan):
    """Yuan to 万元 with one decimal, the unit of the department's reports."""
    return (Decimal(yuan or 0) / FUNDS_UNIT).quantize(Decimal("0.1"))


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
