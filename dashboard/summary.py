"""The district's heavy dashboard figures, counted by the worker and kept in the database.

At province scale the department's dashboard reads a million demand items: status counts by
category and by township over every round, median days to resolve, villages with unmet needs, the
oldest overdue items; with them the district-wide resources, the activities by month, the teams'
points ranking of the month, this month's/quarter's/year's headline, the current round's
completeness and this week's roster. Counting them takes seconds, so `refresh` counts them once
per data version into a DistrictSummary row, and a view that finds no cached result (a new filter,
a restarted cache) reads that row instead (`Figures`). The row also keeps the department's default
panels (the whole district, this round), built from the same counts as a request would build them.

What is kept is declared once, in FIGURES: each figure's name, how it is counted, how it is stored
as JSON and read back (exactly: dates, Decimals and tuple keys return as counted), and whether every
view of the district reads it. `count` runs the registry, `Figures` reads through it, and FORMAT is
derived from it: a row of another format is recounted before it is read.

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
import zlib
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Subquery
from django.utils import timezone

from core.scoping import DistrictReader
from dashboard import caching, selectors
from dashboard.filters import Filters
from dashboard.models import DistrictSummary
from dashboard.period_free import period_free_panels
from dashboard.periods import PERIOD_CHOICES, Period
from secretaries.models import District
from secretaries.selectors import reserve_shortfall
from teams import scoring
from teams.models import GroupKind, RankingSnapshot

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------- the figures kept


class Counting:
    """What the figures are counted from: the district as its department sees it, today. An input
    two figures share is read once; `data` holds the figures counted so far, as stored."""

    def __init__(self, district_id):
        self.district_id = district_id
        self.today = timezone.localdate()
        self.base = selectors.Scoped(DistrictReader(district_id))
        self.data = {}

    @cached_property
    def months(self):
        return selectors.activity_months(self.base)


@dataclass(frozen=True)
class Figure:
    """One stored figure. `count` reads it for the whole district; `dump` makes that value JSON and
    `load` gives it back exactly (dates, Decimals, tuple keys), so a reader gets what a live read
    returns. `layout`: raise it when what is stored changes shape (the format follows). A
    `district_wide` figure is read by every view of the district, the others only by the
    department's view of the whole district (a narrower view counts its own share live)."""

    name: str
    count: Callable[[Counting], object]
    dump: Callable[[object], object]
    load: Callable[[object], object]
    layout: int = 1
    district_wide: bool = False


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


TAGS = {"decimal": Decimal, "datetime": datetime.fromisoformat, "date": date.fromisoformat}


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


def _table(width, values=None):
    """A dict keyed by `width`-tuples as JSON rows [*key, *values] and back: `values` (tuple or
    list) rebuilds each row's values; None for a table of single values, rows [*key, value]."""
    if values is None:
        return {
            "dump": lambda table: [[*key, value] for key, value in table.items()],
            "load": lambda rows: {tuple(row[:width]): row[width] for row in rows},
        }
    return {
        "dump": lambda table: [[*key, *items] for key, items in table.items()],
        "load": lambda rows: {tuple(row[:width]): values(row[width:]) for row in rows},
    }


def _by_group(codec):
    """{group: table} with each table stored by `codec`."""
    return {
        "dump": lambda groups: {group: codec["dump"](table) for group, table in groups.items()},
        "load": lambda groups: {group: codec["load"](table) for group, table in groups.items()},
    }


def _activity_row(row):
    return [row["count"], *(str(row[name] or 0) for name in selectors.ACTIVITY_SUMS)]


def _activity_values(values):
    n, *sums = values
    return {"count": n, **{name: _number(text) for name, text in zip(selectors.ACTIVITY_SUMS, sums, strict=True)}}


def _number(text):
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() and "." not in text else value


TAGGED = {"dump": _tagged, "load": _untagged}
PAIRS = {
    "dump": lambda pairs: [[key, value] for key, value in pairs.items()],
    "load": lambda rows: dict(map(tuple, rows)),
}
BY_ROUND = {
    "dump": lambda table: [[key, *values] for key, values in table.items()],
    "load": lambda rows: {row[0]: row[1:] for row in rows},
}
MONTHS = {
    "dump": lambda months: [[month.isoformat(), *_activity_row(row)] for month, row in months.items()],
    "load": lambda rows: {date.fromisoformat(month): _activity_values(values) for month, *values in rows},
}


def _period_key(period):
    return f"{period.kind}:{period.start.isoformat()}"


def _headlines(c):
    """The headline of this month, quarter and year (the periods a first look asks for)."""
    periods = (Period.of(kind, c.today) for kind, _ in PERIOD_CHOICES)
    return {_period_key(period): selectors.headline(c.base, period, c.months) for period in periods}


def _completeness(c):
    """The current round's completeness, with the round it counts."""
    current = selectors.current_round(selectors.rounds_for(c.base.user))
    return {"round_id": current["pk"], **selectors.completeness(c.base, current)} if current else None


def _default_panels(c):
    """The department's default view's panels that do not depend on the period (this round, the
    whole district), built from the figures counted before them as a request would build them."""
    return period_free_panels(c.base, Filters(period=Period.of("month", c.today)), Figures(c.base, c.data))


def reserve_figure(base):
    """The villages below RESERVE_CADRES_MIN reserve cadres, with the minimum they were counted against."""
    return {"minimum": settings.RESERVE_CADRES_MIN, "villages": reserve_shortfall(base.villages())}


def loop_by_round(base):
    """The whole loop of each round, for the city's comparison of its districts:
    {round id: [submitted, taken on, resolved, rated, median days]}."""
    totals = selectors.stage_totals(
        {(None, rid, status): value for (_, rid, status), value in selectors.status_counts(base, "category").items()}
    )
    medians = selectors.median_days_per_round(base)
    return {rid: [*row, medians.get(rid)] for (_, rid), row in totals.items()}


# ---------------------------------------------------------------- the teams' ranking


def live_ranking(district_id, month):
    """The teams' points ranking of a month not yet frozen, without the secretaries' rows."""
    result = scoring.compute_months(district_id, [month])[month]
    return {"teams": _team_rows(result["teams"]), "frozen_at": None}


def _team_rows(teams):
    return [{"id": t["id"], "name": t["name"], "rank": t["rank"], "total": Decimal(t["total"])} for t in teams]


def _stored_ranking(c):
    """This month's live ranking, as the district-wide `ranking` figure keeps it."""
    month = c.today.replace(day=1)
    return {"month": month, "teams": live_ranking(c.district_id, month)["teams"]}


def district_ranking(district_id, month, stored=None):
    """The teams' points ranking of the district for `month`: the frozen snapshot (its teams part
    only: the secretaries' rows are large and not shown), else the stored summary's if it counted
    that month, else counted now (once per data version, shared by every view)."""
    snapshot = (
        RankingSnapshot.objects.filter(
            district_id=district_id,
            month=month,
            group_kind=Subquery(GroupKind.objects.ranking_default_ids(district_id)),
        )
        .values("frozen_at", "data__teams")
        .first()
    )
    if snapshot is not None:
        return {"teams": _team_rows(snapshot["data__teams"]), "frozen_at": snapshot["frozen_at"]}
    if stored is not None and stored["month"] == month:
        return {"teams": stored["teams"], "frozen_at": None}
    return caching.shared(f"ranking:{district_id}:{month:%Y-%m}", lambda: live_ranking(district_id, month))


# ---------------------------------------------------------------- the registry


# By category a row per status (the funnel, supervision and unmet needs read them); by township, of
# which a province has a thousand, the four numbers per round its tables read. The panels come last:
# they are built from the others.
FIGURES = {
    figure.name: figure
    for figure in (
        Figure("counts", lambda c: selectors.status_counts(c.base, "category"), **_table(3, tuple)),
        Figure(
            "township_totals",
            lambda c: selectors.stage_totals(selectors.status_counts(c.base, "township")),
            **_table(2, list),
        ),
        Figure(
            "medians",
            lambda c: {group: selectors.median_days_by_round(c.base, group) for group in selectors.GROUPS},
            **_by_group(_table(2)),
        ),
        Figure("unmet_villages", lambda c: selectors.unmet_villages(c.base), **PAIRS),
        Figure("oldest_overdue", lambda c: selectors.oldest_overdue(c.base), **TAGGED),
        Figure("activity_months", lambda c: c.months, **MONTHS),
        Figure("headlines", _headlines, **TAGGED),
        Figure("completeness", _completeness, **TAGGED),
        Figure(
            "station_week", lambda c: selectors.station_week(c.base, c.today), layout=2, **TAGGED
        ),  # 2: open RosterGap rows
        Figure("resources", lambda c: selectors.resources_by_category(c.base), **TAGGED, district_wide=True),
        Figure("ranking", _stored_ranking, **TAGGED, district_wide=True),
        Figure("reserve_shortfall", lambda c: reserve_figure(c.base), **TAGGED),
        Figure("loop_by_round", lambda c: loop_by_round(c.base), **BY_ROUND),
        Figure("panels", _default_panels, **TAGGED),
    )
}
WHOLE_DISTRICT = tuple(FIGURES)
DISTRICT_WIDE = tuple(name for name, figure in FIGURES.items() if figure.district_wide)
# Rows of another format are recounted: a figure added, removed, renamed or stored another way.
FORMAT = zlib.crc32(repr([(figure.name, figure.layout) for figure in FIGURES.values()]).encode())


# ---------------------------------------------------------------- counting


def count(district_id):
    """The summary's data for the district, as JSON (one read of each source), as of today."""
    counting = Counting(district_id)
    for name, figure in FIGURES.items():
        counting.data[name] = figure.dump(figure.count(counting))
    return {"format": FORMAT, **counting.data}


def refresh(district_id):
    """Count the district's summary again unless it is current (then only confirm it). Returns
    (summary, counted). On PostgreSQL concurrent callers queue on the row lock and find it current
    after the first count; on SQLite (development) two may both count, the later write wins."""
    locking = connection.features.has_select_for_update
    with transaction.atomic() if locking else nullcontext():
        row = DistrictSummary.objects.select_for_update().filter(district_id=district_id).first()
        version = caching.current_version() or 0  # 0: counted while the cache was unreachable
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
    counted = []
    for pk in District.objects.order_by("pk").values_list("pk", flat=True):
        try:
            if refresh(pk)[1]:
                counted.append(pk)
        except Exception:
            logger.exception("工作台统计汇总失败：区 %s", pk)
    return counted


# ---------------------------------------------------------------- reading


class Figures:
    """What a dashboard reads: from the district's summary where it covers the view (the whole
    district: everything; a view narrowed to townships: resources and the ranking), else live.
    Each stored figure comes back as FIGURES' `load` gives it: what a live read returns.

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
        # The whole district's figures are the department's; any narrower view reads only the district-wide ones.
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

    def _read(self, name):
        """The stored figure as its count made it; None if this view does not read it stored.
        Loaded afresh on each call: callers may change what they get."""
        stored = self.stored.get(name)
        return None if stored is None else FIGURES[name].load(stored)

    def category_counts(self):
        """status_counts() by category, over every round."""
        stored = self._read("counts")
        return selectors.status_counts(self.base, "category") if stored is None else stored

    def township_totals(self, round_ids):
        """stage_totals() by township for these rounds."""
        stored = self._read("township_totals")
        if stored is None:
            return selectors.stage_totals(selectors.status_counts(self.base, "township", round_ids))
        wanted = set(round_ids)
        return {(key, rid): totals for (key, rid), totals in stored.items() if rid in wanted}

    def median_days(self, round_id, group):
        stored = self._read("medians")
        if stored is None:
            return selectors.median_days(self.base, round_id, group)
        return {key: days for (rid, key), days in stored[group].items() if rid == round_id}

    def unmet_villages(self):
        stored = self._read("unmet_villages")
        return selectors.unmet_villages(self.base) if stored is None else stored

    def oldest_overdue(self):
        stored = self._read("oldest_overdue")
        return selectors.oldest_overdue(self.base) if stored is None else stored

    def activity_months(self, first, last):
        """selectors.activity_months() for whole months: `first` and `last` are first days of months."""
        stored = self._read("activity_months")
        if stored is None:
            return selectors.activity_months(self.base, first, last)
        return {month: row for month, row in stored.items() if first <= month <= last}

    def completeness(self, round_info):
        stored = self._read("completeness")
        if stored is None or stored["round_id"] != round_info["pk"]:
            return selectors.completeness(self.base, round_info)
        return stored

    def station_week(self):
        stored = self._read("station_week")
        if stored is None or stored["monday"] != selectors.week_of(timezone.localdate())[0]:
            return selectors.station_week(self.base)
        return stored

    def default_panels(self, filters):
        """The stored panels of the department's default view (whole district, this round), if
        these filters ask for it; else None."""
        if filters.township_id is not None or filters.round_id is not None:
            return None
        return self._read("panels")

    def headline(self, period, months):
        """selectors.headline(): stored for this month, quarter and year, else read now."""
        stored = (self._read("headlines") or {}).get(_period_key(period))
        return selectors.headline(self.base, period, months) if stored is None else stored

    def reserve_shortfall(self):
        """reserve_figure(): stored for the whole district unless the minimum changed since."""
        stored = self._read("reserve_shortfall")
        if stored is None or stored["minimum"] != settings.RESERVE_CADRES_MIN:
            return reserve_figure(self.base)
        return stored

    def loop_by_round(self):
        stored = self._read("loop_by_round")
        return loop_by_round(self.base) if stored is None else stored

    def resources(self):
        stored = self._read("resources")
        return selectors.resources_by_category(self.base) if stored is None else stored

    def ranking(self, month):
        """The district's teams ranking of `month`; None for a view without a district (a superuser)."""
        if not self.has("ranking"):
            return None
        return district_ranking(self.district_id, month, self._read("ranking"))


def stored_figures(district_id, names):
    """The named figures of a district's summary as counted, and when it was last known current
    (the city's comparison of its districts reads these). A district without a summary, or with one
    of another format or too old, is counted first."""
    row = _load(district_id, names)
    if row is None or row["format"] != FORMAT or _too_old(row):
        refresh(district_id)
        row = _load(district_id, names)
    return {name: FIGURES[name].load(row["data"][name]) for name in names}, row["checked_at"]


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
