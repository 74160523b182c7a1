"""The district's heavy dashboard figures, counted by the worker and kept in the database.

At province scale the department's dashboard reads a million demand items: status counts by
category and by township over every round, median days to resolve, villages with unmet needs, the
oldest overdue items; with them the district-wide resources, the activities by month, the teams'
points ranking of the month, this month's/quarter's/year's headline, the current round's
completeness and this week's roster. Counting them takes seconds, so `refresh` counts them once
per data version into a DistrictSummary row, and a view that finds no cached result (a new filter,
a restarted cache) reads that row instead (`Figures`). The row also keeps the department's default
panels (the whole district, this round), built from the same counts as a request would build them.

Freshness. A summary records the data version it was counted at (dashboard.caching) and the day
(overdue counts depend on it); it is current while neither has moved. `checked_at` is the last time
it was known current: the beat job (dashboard.tasks.warm_org_dashboards, every five minutes)
recounts a summary that is not current and confirms one that is. A view built on a summary that is
no longer current says so (数据更新于 its checked_at, 正在重新统计) and queues the recount; a summary
not known current for MAX_STALE_SECONDS (the worker is down) is recounted in the request, as is a
district that has none yet.

A view narrowed to townships counts its own share live (an index lookup, not a scan) and reads only
the district-wide parts here: resources and the teams' ranking."""

import logging
import time
from contextlib import nullcontext
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from core.scoping import DistrictReader
from dashboard import caching, selectors
from dashboard.models import DistrictSummary
from dashboard.periods import PERIOD_CHOICES, Period
from teams import scoring
from teams.models import RankingSnapshot

logger = logging.getLogger(__name__)

DISTRICT_WIDE = ("resources", "ranking")
WHOLE_DISTRICT = (
    "counts",
    "township_totals",
    "medians",
    "unmet_villages",
    "oldest_overdue",
    "activity_months",
    "completeness",
    "station_week",
    "headlines",
    "panels",
    *DISTRICT_WIDE,
)


# ---------------------------------------------------------------- counting


# Raise when the data's layout or meaning changes: rows of another format are recounted.
# 4: the week's gaps are the open RosterGap rows.
FORMAT = 4


def count(district_id):
    """The summary's data for the district, as JSON (one read of each source), as of today."""
    today = timezone.localdate()
    base = selectors.Scoped(DistrictReader(district_id))
    month = today.replace(day=1)
    current = selectors.current_round(selectors.rounds_for(base.user))
    week = selectors.station_week(base, today)
    months = selectors.activity_months(base)
    # The headline of this month, quarter and year (the periods a first look asks for).
    headlines = {
        _period_key(period): _tagged(selectors.headline(base, period, months))
        for period in (Period.of(kind, today) for kind, _ in PERIOD_CHOICES)
    }
    data = {
        "format": FORMAT,
        # By category a row per status (the funnel, supervision and unmet needs read them); by
        # township, of which a province has a thousand, the four numbers per round its tables read.
        "counts": [[*key, n, overdue] for key, (n, overdue) in selectors.status_counts(base, "category").items()],
        "township_totals": [
            [*key, *totals] for key, totals in selectors.stage_totals(selectors.status_counts(base, "township")).items()
        ],
        "medians": {
            group: [[*key, days] for key, days in selectors.median_days_by_round(base, group).items()]
            for group in selectors.GROUPS
        },
        "unmet_villages": [[key, n] for key, n in selectors.unmet_villages(base).items()],
        "oldest_overdue": [{**row, "due_date": row["due_date"].isoformat()} for row in selectors.oldest_overdue(base)],
        "activity_months": [
            [month.isoformat(), row["count"], *(str(row[name] or 0) for name in selectors.ACTIVITY_SUMS)]
            for month, row in months.items()
        ],
        "headlines": headlines,
        "resources": selectors.resources_by_category(base),
        # The current round's completeness and this week's roster: the rest of the default view.
        "completeness": {"round_id": current["pk"], **selectors.completeness(base, current)} if current else None,
        "station_week": {
            **week,
            "monday": week["monday"].isoformat(),
            "sunday": week["sunday"].isoformat(),
            "roster": [{**row, "date": row["date"].isoformat()} for row in week["roster"]],
        },
        "ranking": {"month": month.isoformat(), **ranking_to_json(live_ranking(district_id, month))},
    }
    data["panels"] = _tagged(default_panels(base, data, today))
    return data


def default_panels(base, data, today):
    """The department's default view's panels that do not depend on the period (this round, the
    whole district), built from `data` as a request would build them."""
    from dashboard.filters import Filters
    from dashboard.panels import period_free_panels

    return period_free_panels(base, Filters(period=Period.of("month", today)), Figures(base, data))


def refresh(district_id):
    """Count the district's summary again unless it is current (then only confirm it). Returns
    (summary, counted). On PostgreSQL concurrent callers queue on the row lock and find it current
    after the first count; on SQLite (development) two may both count, the later write wins."""
    locking = connection.features.has_select_for_update
    with transaction.atomic() if locking else nullcontext():
        row = DistrictSummary.objects.select_for_update().filter(district_id=district_id).first()
        version = caching.current_version()
        today = timezone.localdate()
        now = timezone.now()
        if row is not None and row.version == version and row.as_of == today and row.data.get("format") == FORMAT:
            DistrictSummary.objects.filter(pk=row.pk).update(checked_at=now)
            row.checked_at = now
            return row, False
        started = time.perf_counter()
        data = count(district_id)
        row, _ = DistrictSummary.objects.update_or_create(
            district_id=district_id,
            defaults={
                "version": version,
                "as_of": today,
                "built_at": now,
                "checked_at": now,
                "seconds": round(time.perf_counter() - started, 3),
                "data": data,
            },
        )
        return row, True


def refresh_all():
    """Refresh every district's summary; returns the ids of the districts recounted. A district
    that fails is logged and the others are still counted."""
    from secretaries.models import District

    counted = []
    for pk in District.objects.order_by("pk").values_list("pk", flat=True):
        try:
            if refresh(pk)[1]:
                counted.append(pk)
        except Exception:
            logger.exception("工作台统计汇总失败：区 %s", pk)
    return counted


# ---------------------------------------------------------------- the teams' ranking


def live_ranking(district_id, month):
    """The teams' points ranking of a month not yet frozen, without the secretaries' rows."""
    result = scoring.compute_months(district_id, [month])[month]
    return {"teams": _team_rows(result["teams"]), "frozen_at": None}


def _team_rows(teams):
    return [{"id": t["id"], "name": t["name"], "rank": t["rank"], "total": Decimal(t["total"])} for t in teams]


def ranking_to_json(ranking):
    return {"teams": [{**t, "total": str(t["total"])} for t in ranking["teams"]]}


def district_ranking(district_id, month, stored=None):
    """The teams' points ranking of the district for `month`: the frozen snapshot (its teams part
    only: the secretaries' rows are large and not shown), else the stored summary's if it counted
    that month, else counted now (once per data version, shared by every view)."""
    snapshot = (
        RankingSnapshot.objects.filter(district_id=district_id, month=month).values("frozen_at", "data__teams").first()
    )
    if snapshot is not None:
        return {"teams": _team_rows(snapshot["data__teams"]), "frozen_at": snapshot["frozen_at"]}
    if stored is not None and stored["month"] == month.isoformat():
        return {"teams": _team_rows(stored["teams"]), "frozen_at": None}
    return caching.shared(f"ranking:{district_id}:{month:%Y-%m}", lambda: live_ranking(district_id, month))


# ---------------------------------------------------------------- reading


class Figures:
    """What a dashboard reads: from the district's summary where it covers the view (the whole
    district: everything; a view narrowed to townships: resources and the ranking), else live.

    `basis` is None when the figures are current, else the stored summary's version and the time
    it was last known current (the dashboard then shows that time and queues a recount);
    `basis_key` tells apart results built from different counts (for shared cache keys)."""

    def __init__(self, base, data=None):
        """`data`: counts just made (the summary being built), else the stored row is read."""
        self.base = base
        self.stored = {}
        self.basis = None
        self.basis_key = "live"
        district_id = None if base.scope.is_superuser else base.scope.district_id
        self.district_id = district_id
        if district_id is None:
            return
        if data is not None:
            self.stored = dict(data)
            return
        # The whole district's figures are the department's; any narrower view reads only these two.
        keys = WHOLE_DISTRICT if base.scope.is_org and base.township_ids is None else DISTRICT_WIDE
        row = _load(district_id, keys)
        if row is None or row["format"] != FORMAT or _too_old(row):
            refresh(district_id)
            row = _load(district_id, keys)
        self.stored = {key: row["data"][key] for key in keys}
        self.basis_key = f"{row['version']}:{row['built_at'].timestamp()}"
        if not _current(row):
            self.basis = {"version": row["version"], "checked_at": row["checked_at"]}

    def has(self, key):
        return key in self.stored

    def category_counts(self):
        """status_counts() by category, over every round."""
        if not self.has("counts"):
            return selectors.status_counts(self.base, "category")
        return {(key, rid, status): (n, overdue) for key, rid, status, n, overdue in self.stored["counts"]}

    def township_totals(self, round_ids):
        """stage_totals() by township for these rounds."""
        if not self.has("township_totals"):
            return selectors.stage_totals(selectors.status_counts(self.base, "township", round_ids))
        wanted = set(round_ids)
        return {(key, rid): totals for key, rid, *totals in self.stored["township_totals"] if rid in wanted}

    def median_days(self, round_id, group):
        if not self.has("medians"):
            return selectors.median_days(self.base, round_id, group)
        return {key: days for rid, key, days in self.stored["medians"][group] if rid == round_id}

    def unmet_villages(self):
        if not self.has("unmet_villages"):
            return selectors.unmet_villages(self.base)
        return dict(map(tuple, self.stored["unmet_villages"]))

    def oldest_overdue(self):
        if not self.has("oldest_overdue"):
            return selectors.oldest_overdue(self.base)
        return [{**row, "due_date": date.fromisoformat(row["due_date"])} for row in self.stored["oldest_overdue"]]

    def activity_months(self, first, last):
        """selectors.activity_months() for whole months: `first` and `last` are first days of months."""
        if not self.has("activity_months"):
            return selectors.activity_months(self.base, first, last)
        result = {}
        for month, n, *sums in self.stored["activity_months"]:
            month = date.fromisoformat(month)
            if first <= month <= last:
                values = dict(zip(selectors.ACTIVITY_SUMS, sums, strict=True))
                result[month] = {"count": n, **{name: _number(value) for name, value in values.items()}}
        return result

    def completeness(self, round_info):
        stored = self.stored.get("completeness")
        if stored is None or stored["round_id"] != round_info["pk"]:
            return selectors.completeness(self.base, round_info)
        return stored

    def station_week(self):
        stored = self.stored.get("station_week")
        if stored is None or stored["monday"] != selectors.week_of(timezone.localdate())[0].isoformat():
            return selectors.station_week(self.base)
        return {
            **stored,
            "monday": date.fromisoformat(stored["monday"]),
            "sunday": date.fromisoformat(stored["sunday"]),
            "roster": [{**row, "date": date.fromisoformat(row["date"])} for row in stored["roster"]],
        }

    def default_panels(self, filters):
        """The stored panels of the department's default view (whole district, this round), if
        these filters ask for it; else None."""
        stored = self.stored.get("panels")
        if stored is None or filters.township_id is not None or filters.round_id is not None:
            return None
        return _untagged(stored)

    def headline(self, period, months):
        """selectors.headline(): stored for this month, quarter and year, else read now."""
        stored = self.stored.get("headlines", {}).get(_period_key(period))
        if stored is None:
            return selectors.headline(self.base, period, months)
        return _untagged(stored)

    def resources(self):
        if not self.has("resources"):
            return selectors.resources_by_category(self.base)
        return self.stored["resources"]

    def ranking(self, month):
        """The district's teams ranking of `month`; None for a view without a district (a superuser)."""
        if not self.has("ranking"):
            return None
        return district_ranking(self.district_id, month, self.stored["ranking"])


def _period_key(period):
    return f"{period.kind}:{period.start.isoformat()}"


TAGS = {"decimal": Decimal, "datetime": datetime.fromisoformat, "date": date.fromisoformat}


def _tagged(value):
    """JSON for figures and panels: Decimals and dates kept exact as {"decimal": "…"} etc."""
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, dict):
        return {key: _tagged(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_tagged(item) for item in value]
    return value


def _untagged(value):
    if isinstance(value, dict):
        if len(value) == 1:
            ((tag, text),) = value.items()
            if tag in TAGS and isinstance(text, str):
                return TAGS[tag](text)
        return {key: _untagged(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_untagged(item) for item in value]
    return value


def _number(text):
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() and "." not in text else value


def _load(district_id, keys):
    """The summary's state and the parts of its data named by `keys` (each extracted by the
    database: a narrowed view does not read the large counts), or None."""
    fields = ["version", "as_of", "built_at", "checked_at"]
    whole = set(keys) == set(WHOLE_DISTRICT)
    parts = ["data"] if whole else [f"data__{key}" for key in (*keys, "format")]
    row = DistrictSummary.objects.filter(district_id=district_id).values(*fields, *parts).first()
    if row is None:
        return None
    data = row.pop("data") if whole else {key: row.pop(f"data__{key}") for key in (*keys, "format")}
    row["format"] = data.get("format")
    row["data"] = data
    return row


def _current(row):
    return row["version"] == caching.current_version() and row["as_of"] == timezone.localdate()


def _too_old(row):
    return not _current(row) and (timezone.now() - row["checked_at"]).total_seconds() > caching.MAX_STALE_SECONDS
