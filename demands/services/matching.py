"""Ranked candidates for a demand item, with the reasons shown next to each.

Four parts, each scored 0..1 and weighted by settings.MATCH_WEIGHTS:
- fit: the demand category maps (DemandCategory.expertise / .resource_categories, edited as data)
  to a secretary's expertise, their own resources, their unit's resources, or a team's members;
- nearness: same village > same township > same area branch or the same station's area > district
  (a team: its nearest current member; a station: its own township, then the townships it covers);
- load: open items already assigned (1 / (1 + open));
- record: items resolved (up to 5) and their mean rating (no rating yet counts as 3 of 5).
The tiers and the formula's numbers are the named constants below; the SQL is generated from them
(each number a query parameter), so Python and SQL cannot drift apart.

The query count does not grow with the number of candidates (17 queries, pinned in the tests).
Secretaries, the many, are scored in one SQL statement (expertise, resource and load figures
aggregated once in derived tables and joined) and only the best `limit` come back; teams,
stations and units, the few, come back aggregated and are scored in Python with the same formula.
Names and reasons are then fetched for the winners only.
"""

import heapq
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    FloatField,
    Max,
    Min,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from demands.lifecycle import DONE, OPEN
from demands.models import DemandItem, ResourceCategory, ResourceItem
from secretaries.models import AreaBranch, DispatchUnit, Expertise, Secretary, Township, Village
from stations.models import ServiceStation
from teams.models import PioneerTeam, TeamMembership

Kind = DemandItem.AssigneeKind
RATED = DemandItem.Status.RATED

# Fit: how well a candidate's skills and means match the item's category (0..1).
FIT_EXPERTISE = 1.0  # a secretary with an expertise the category maps to
FIT_OWN_RESOURCE = 0.9  # a secretary with an own valid resource in a mapped resource category
FIT_UNIT_RESOURCE = 0.6  # a secretary whose dispatching unit has one
FIT_NONE = 0.0
FIT_UNIT = 0.9  # a unit with a matching resource of its own (it is a candidate only then)
FIT_STATION = 0.3  # a station coordinates; whatever the category
FIT_TEAM_BASE = 0.5  # a team with fitting members (expertise or own resource): this, plus an equal
FIT_TEAM_FULL_AT = 5  # share of the rest for each fitting member up to this many (1.0)
# Nearness to the item's village (0..1); a team is as near as its nearest member.
NEAR_VILLAGE, NEAR_TOWNSHIP, NEAR_AREA, NEAR_DISTRICT = 1.0, 0.75, 0.5, 0.25
# Load: 1 / (LOAD_BASE + open items).
LOAD_BASE = 1
# Record: half for the items resolved (counted up to RECORD_RESOLVED_CAP), half for their mean
# rating on the scale RATING_LOW..RATING_HIGH (RATING_UNKNOWN before any rating).
RECORD_RESOLVED_SHARE, RECORD_RATING_SHARE = 0.5, 0.5
RECORD_RESOLVED_CAP = 5
RATING_LOW, RATING_HIGH, RATING_UNKNOWN = 1, 5, 3
PER_RESOLVED = RECORD_RESOLVED_SHARE / RECORD_RESOLVED_CAP
PER_RATING_POINT = RECORD_RATING_SHARE / (RATING_HIGH - RATING_LOW)


@dataclass
class Candidate:
    kind: str
    id: int
    name: str
    place: str = ""
    fit: float = 0.0
    nearness: float = NEAR_DISTRICT
    open_items: int = 0
    resolved: int = 0
    mean_rating: float | None = None
    reasons: list = field(default_factory=list)
    resource_id: int | None = None
    resource_title: str = ""
    score: float = 0.0
    is_current: bool = False

    @property
    def kind_label(self):
        return Kind(self.kind).label

    @property
    def key(self):
        return f"{self.kind}:{self.id}"


@dataclass
class _Context:
    village_id: int
    township_id: int
    district_id: int
    expertise: dict  # id -> name, mapped from the demand category
    resource_categories: dict  # id -> name
    area_branch_ids: set
    station_zone: set  # townships served by a station that serves the item's township
    today: object


def candidates_for(item, limit=20, today=None):
    """The best `limit` candidates for the item, best first."""
    ctx = _context(item, today or timezone.localdate())
    scorer = _Scorer(settings.MATCH_WEIGHTS)
    units = _unit_resources(ctx)
    secretary_ids = _best_secretary_ids(ctx, scorer, units, limit)
    details = _secretary_details(ctx, secretary_ids)
    stats = _assignee_stats(secretary_ids)
    no_stats = (0, 0, None)

    pool = []  # (score, kind, id, fit, nearness)
    for sid, row in details["rows"].items():
        fit = _secretary_fit(sid, row["unit_id"], details, units)
        nearness = _nearness(ctx, row["village_id"], row["township_id"], row["branch_id"])[0]
        pool.append(
            (
                scorer.score(fit, nearness, stats.get((Kind.SECRETARY, sid), no_stats)),
                Kind.SECRETARY,
                sid,
                fit,
                nearness,
            )
        )
    for unit_id, nearness in _unit_nearness(ctx, units).items():
        pool.append(
            (
                scorer.score(FIT_UNIT, nearness, stats.get((Kind.UNIT, unit_id), no_stats)),
                Kind.UNIT,
                unit_id,
                FIT_UNIT,
                nearness,
            )
        )
    teams = _teams(ctx)
    for team_id, (fit, nearness, *_rest) in teams.items():
        pool.append(
            (scorer.score(fit, nearness, stats.get((Kind.TEAM, team_id), no_stats)), Kind.TEAM, team_id, fit, nearness)
        )
    stations = _stations(ctx)
    for station_id, (nearness, *_rest) in stations.items():
        pool.append(
            (
                scorer.score(FIT_STATION, nearness, stats.get((Kind.STATION, station_id), no_stats)),
                Kind.STATION,
                station_id,
                FIT_STATION,
                nearness,
            )
        )

    def rank(entry):
        open_items = stats.get((entry[1], entry[2]), no_stats)[0]
        return (-round(entry[0], 6), open_items, entry[1], entry[2])

    best = heapq.nsmallest(limit, pool, key=rank)
    candidates = _describe(ctx, best, stats, details, units, teams, stations)
    current = (item.assignee_kind, _current_assignee_id(item))
    for c in candidates:
        c.is_current = (c.kind, c.id) == current
    return candidates


class _Scorer:
    """The one scoring formula: in Python (score) and as SQL (sql), both from the constants above."""

    def __init__(self, weights):
        total = sum(weights.values()) or 1
        self.fit, self.nearness, self.load, self.record = (
            100 * weights[key] / total for key in ("fit", "nearness", "load", "record")
        )

    def score(self, fit, nearness, stats):
        open_items, resolved, mean_rating = stats
        rating = mean_rating if mean_rating is not None else RATING_UNKNOWN
        record = PER_RESOLVED * min(resolved, RECORD_RESOLVED_CAP) + PER_RATING_POINT * (rating - RATING_LOW)
        return self.fit * fit + self.nearness * nearness + self.load / (LOAD_BASE + open_items) + self.record * record

    def sql(self, fit, nearness, open_items, resolved, mean_rating):
        """score() over SQL expressions (each a (sql, params) pair, open_items and resolved never
        NULL): (sql, params), every number a parameter."""
        parts = [
            ("%s * ", [self.fit]),
            fit,
            (" + %s * ", [self.nearness]),
            nearness,
            (" + %s / (%s + ", [self.load, float(LOAD_BASE)]),
            open_items,
            (") + %s * (%s * (CASE WHEN ", [self.record, PER_RESOLVED]),
            resolved,
            (" > %s THEN %s ELSE ", [RECORD_RESOLVED_CAP, RECORD_RESOLVED_CAP]),
            resolved,
            (" END) + %s * (COALESCE(", [PER_RATING_POINT]),
            mean_rating,
            (", %s) - %s))", [float(RATING_UNKNOWN), float(RATING_LOW)]),
        ]
        return "".join(sql for sql, _ in parts), [param for _, params in parts for param in params]


def _current_assignee_id(item):
    return {
        Kind.SECRETARY: item.assignee_secretary_id,
        Kind.TEAM: item.assignee_team_id,
        Kind.STATION: item.assignee_station_id,
        Kind.UNIT: item.assignee_unit_id,
    }.get(item.assignee_kind)


def _context(item, today):
    township_id, district_id = Village.objects.filter(pk=item.village_id).values_list(
        "township_id", "township__district_id"
    )[0]
    expertise = dict(Expertise.objects.filter(demand_categories=item.category_id).values_list("id", "name"))
    resource_categories = dict(
        ResourceCategory.objects.filter(demand_categories=item.category_id).values_list("id", "name")
    )
    area_branch_ids = set(AreaBranch.objects.filter(townships=township_id).values_list("id", flat=True))
    # The townships a station serves, for every station that serves the item's township.
    serving = ServiceStation.objects.filter(active=True).filter(
        Q(township_id=township_id) | Q(covered_townships=township_id)
    )
    Through = ServiceStation.covered_townships.through
    zone = set(Through.objects.filter(servicestation__in=serving.values("pk")).values_list("township_id", flat=True))
    return _Context(
        village_id=item.village_id,
        township_id=township_id,
        district_id=district_id,
        expertise=expertise,
        resource_categories=resource_categories,
        area_branch_ids=area_branch_ids,
        station_zone=zone,
        today=today,
    )


def _valid_resources(ctx):
    return ResourceItem.objects.filter(category_id__in=list(ctx.resource_categories), active=True).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=ctx.today)
    )


def _unit_resources(ctx):
    """{unit id: (matching unit resources, first id)}: one aggregated query."""
    if not ctx.resource_categories:
        return {}
    rows = (
        _valid_resources(ctx)
        .filter(source=ResourceItem.Source.UNIT)
        .order_by()
        .annotate(unit=Coalesce("dispatch_unit_id", "secretary__dispatch_unit_id"))
        .values_list("unit")
        .annotate(n=Count("id"), first=Min("id"))
    )
    return {unit: (n, first) for unit, n, first in rows if unit is not None}


def _near_sql(ctx, village="village_id", township="village__township_id", branch="area_branch_id"):
    whens = [
        When(**{village: ctx.village_id}, then=Value(NEAR_VILLAGE)),
        When(**{township: ctx.township_id}, then=Value(NEAR_TOWNSHIP)),
    ]
    area = Q()
    if ctx.area_branch_ids:
        area |= Q(**{f"{branch}__in": list(ctx.area_branch_ids)})
    if ctx.station_zone:
        area |= Q(**{f"{township}__in": list(ctx.station_zone)})
    if area:
        whens.append(When(area, then=Value(NEAR_AREA)))
    return Case(*whens, default=Value(NEAR_DISTRICT), output_field=FloatField())


def _marks(values):
    return ", ".join(["%s"] * len(values))


def _near_case(ctx, village, township, branch):
    """The nearness tiers as a SQL CASE over the given columns: (sql, params)."""
    cases = [
        (f"{village} = %s", [ctx.village_id], NEAR_VILLAGE),
        (f"{township} = %s", [ctx.township_id], NEAR_TOWNSHIP),
    ]
    area, area_params = [], []
    if ctx.area_branch_ids:
        area.append(f"{branch} IN ({_marks(ctx.area_branch_ids)})")
        area_params += list(ctx.area_branch_ids)
    if ctx.station_zone:
        area.append(f"{township} IN ({_marks(ctx.station_zone)})")
        area_params += list(ctx.station_zone)
    if area:
        cases.append((" OR ".join(area), area_params, NEAR_AREA))
    return _case(cases, NEAR_DISTRICT)


def _case(cases, default):
    """CASE WHEN condition THEN value … ELSE default END from [(condition, its params, value)]:
    (sql, params), the values parameters too."""
    sql, params = [], []
    for condition, condition_params, value in cases:
        sql.append(f"WHEN {condition} THEN %s")
        params += [*condition_params, value]
    return f"(CASE {' '.join(sql)} ELSE %s END)", [*params, default]


def _fit_joins(ctx, secretary_column):
    """LEFT JOINs that mark the secretaries (`secretary_column`) who fit the item's category: by
    expertise (alias ex) and by an own active resource (alias own). Returns (joins, params, the
    aliases joined); each set is aggregated once as a derived table, never probed per row."""
    q = connection.ops.quote_name
    joins, params, aliases = [], [], []
    if ctx.expertise:
        expertise = list(ctx.expertise)
        joins.append(
            f"LEFT JOIN (SELECT DISTINCT secretary_id AS sid FROM {q(Secretary.expertise.through._meta.db_table)}"
            f" WHERE expertise_id IN ({_marks(expertise)})) ex ON ex.sid = {secretary_column}"
        )
        params += expertise
        aliases.append("ex")
    if ctx.resource_categories:
        categories = list(ctx.resource_categories)
        joins.append(
            f"LEFT JOIN (SELECT DISTINCT secretary_id AS sid FROM {q(ResourceItem._meta.db_table)}"
            f" WHERE secretary_id IS NOT NULL AND source = %s AND active = %s AND category_id IN ({_marks(categories)})"
            f" AND (valid_until IS NULL OR valid_until >= %s)) own ON own.sid = {secretary_column}"
        )
        params += [ResourceItem.Source.PERSONAL.value, True, *categories, ctx.today]
        aliases.append("own")
    return joins, params, aliases


def _best_secretary_ids(ctx, scorer, units, limit):
    return [sid for sid, _score in _best_secretaries(ctx, scorer, units, limit)]


def _best_secretaries(ctx, scorer, units, limit):
    """[(id, score)] of the `limit` best-scoring secretaries on post in the district, scored in the
    database, best first.

    Plain SQL that PostgreSQL and SQLite both run: the expertise, resource and load figures are
    aggregated once in derived tables and hash-joined, never looked up row by row. The score is
    _Scorer.sql, the fit and nearness tiers CASEs generated from the constants (the few winners
    are re-scored in Python with _Scorer.score for the reasons; a test checks the two agree)."""
    q = connection.ops.quote_name
    table = {
        "secretary": q(Secretary._meta.db_table),
        "village": q(Village._meta.db_table),
        "township": q(Township._meta.db_table),
        "item": q(DemandItem._meta.db_table),
    }
    joins, join_params, fitting = _fit_joins(ctx, "s.id")
    tiers = {"ex": FIT_EXPERTISE, "own": FIT_OWN_RESOURCE}
    fit_cases = [(f"{alias}.sid IS NOT NULL", [], tiers[alias]) for alias in fitting]
    if units:
        fit_cases.append((f"s.dispatch_unit_id IN ({_marks(units)})", list(units), FIT_UNIT_RESOURCE))
    fit = _case(fit_cases, FIT_NONE) if fit_cases else ("%s", [FIT_NONE])
    nearness = _near_case(ctx, "s.village_id", "v.township_id", "s.area_branch_id")
    open_marks, done_marks = _marks(OPEN), _marks(DONE)
    joins.append(
        "LEFT JOIN (SELECT assignee_secretary_id AS sid,"
        f" COUNT(CASE WHEN status IN ({open_marks}) THEN id END) AS open_items,"
        f" COUNT(CASE WHEN status IN ({done_marks}) THEN id END) AS resolved,"
        " AVG(CASE WHEN status = %s THEN rating END) AS mean_rating"
        f" FROM {table['item']} WHERE assignee_secretary_id IS NOT NULL AND status IN ({open_marks}, {done_marks})"
        " GROUP BY assignee_secretary_id) st ON st.sid = s.id"
    )
    join_params += [*OPEN, *DONE, RATED, *OPEN, *DONE]
    score, score_params = scorer.sql(
        fit,
        nearness,
        ("COALESCE(st.open_items, %s)", [0]),
        ("COALESCE(st.resolved, %s)", [0]),
        ("st.mean_rating", []),
    )
    sql = (
        f"SELECT s.id, {score} AS score FROM {table['secretary']} s"
        f" INNER JOIN {table['village']} v ON v.id = s.village_id"
        f" INNER JOIN {table['township']} t ON t.id = v.township_id "
        + " ".join(joins)
        + " WHERE s.status = %s AND t.district_id = %s ORDER BY score DESC, s.id LIMIT %s"
    )
    params = score_params + join_params + [Secretary.Status.ON_POST.value, ctx.district_id, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(sid, float(score)) for sid, score in cursor.fetchall()]


def _secretary_details(ctx, ids):
    """Names, places, matched expertise and own matching resources of the chosen secretaries."""
    ids = ids or [0]  # a fixed number of queries, even when there is nobody
    rows = {}
    for (
        sid,
        name,
        village_id,
        village,
        township_id,
        township,
        branch_id,
        unit_id,
        unit_name,
    ) in Secretary.objects.filter(pk__in=ids).values_list(
        "id",
        "name",
        "village_id",
        "village__name",
        "village__township_id",
        "village__township__name",
        "area_branch_id",
        "dispatch_unit_id",
        "dispatch_unit__name",
    ):
        rows[sid] = {
            "name": name,
            "village_id": village_id,
            "place": f"{township} {village}",
            "township_id": township_id,
            "branch_id": branch_id,
            "unit_id": unit_id,
            "unit_name": unit_name,
        }
    matched, own = {}, {}
    if ctx.expertise:
        Through = Secretary.expertise.through
        for sid, expertise_id in Through.objects.filter(
            secretary_id__in=ids, expertise_id__in=list(ctx.expertise)
        ).values_list("secretary_id", "expertise_id"):
            matched.setdefault(sid, []).append(ctx.expertise[expertise_id])
    if ctx.resource_categories:
        own = {
            sid: (n, first)
            for sid, n, first in _valid_resources(ctx)
            .filter(secretary_id__in=ids, source=ResourceItem.Source.PERSONAL)
            .order_by()
            .values_list("secretary_id")
            .annotate(n=Count("id"), first=Min("id"))
        }
    return {"rows": rows, "matched": matched, "own": own}


def _secretary_fit(sid, unit_id, details, units):
    if sid in details["matched"]:
        return FIT_EXPERTISE
    if sid in details["own"]:
        return FIT_OWN_RESOURCE
    if unit_id in units:
        return FIT_UNIT_RESOURCE
    return FIT_NONE


def _assignee_stats(secretary_ids):
    """(kind, id) -> (open items, resolved items, mean rating) for the chosen secretaries and for
    every team, station and unit: one aggregated query. An assignee's load counts wherever their
    items are; assignee ids are unique, so no district filter is needed."""
    rows = (
        DemandItem.objects.filter(status__in=OPEN + DONE)
        .filter(
            Q(assignee_secretary_id__in=secretary_ids or [0])
            | Q(assignee_kind__in=[Kind.TEAM, Kind.STATION, Kind.UNIT])
        )
        .order_by()
        .annotate(
            assignee=Coalesce("assignee_secretary_id", "assignee_team_id", "assignee_station_id", "assignee_unit_id")
        )
        .values_list("assignee_kind", "assignee")
        .annotate(
            open_items=Count("id", filter=Q(status__in=OPEN)),
            resolved=Count("id", filter=Q(status__in=DONE)),
            mean_rating=Avg("rating", filter=Q(status=RATED)),
        )
    )
    return {(kind, target): (open_items, resolved, mean) for kind, target, open_items, resolved, mean in rows}


def _unit_nearness(ctx, units):
    """{unit id: nearness of its nearest secretary on post here}; a unit with nobody on post in
    the district cannot take the item and is left out."""
    return dict(
        Secretary.objects.on_post()
        .filter(village__township__district_id=ctx.district_id, dispatch_unit_id__in=list(units) or [0])
        .order_by()
        .values_list("dispatch_unit_id")
        .annotate(best=Max(_near_sql(ctx)))
    )


def _nearness(ctx, village_id, township_id, branch_id):
    if village_id == ctx.village_id:
        return NEAR_VILLAGE, "同村"
    if township_id == ctx.township_id:
        return NEAR_TOWNSHIP, "同乡镇"
    if branch_id is not None and branch_id in ctx.area_branch_ids:
        return NEAR_AREA, "同片区临时党支部"
    if township_id in ctx.station_zone:
        return NEAR_AREA, "同一服务站服务片区"
    return NEAR_DISTRICT, "同区"


NEAR_LABELS = {NEAR_VILLAGE: "同村", NEAR_TOWNSHIP: "同乡镇", NEAR_AREA: "同片区", NEAR_DISTRICT: "同区"}


def _teams(ctx):
    """{team id: (fit, nearness, name, focus, fitting members, nearby members, kind name, home)}:
    the groups that may take dispatches (every kind but those marked otherwise, e.g. joint party
    organisations too), and their members counted in one aggregated query. A group fits through its
    current members' expertise or their own resources in a mapped category; it is as near as its
    nearest member, or as its own place: a group of the item's village, or a joint organisation
    linking it, is in the village; a group of its township, in the township."""
    Linked = PioneerTeam.linked_villages.through
    rows = (
        PioneerTeam.objects.filter(district_id=ctx.district_id, kind__dispatchable=True)
        .order_by()
        .annotate(linked=Exists(Linked.objects.filter(pioneerteam_id=OuterRef("pk"), village_id=ctx.village_id)))
        .values_list("id", "name", "focus", "kind__name", "village_id", "township_id", "linked")
    )
    counts = _team_member_counts(ctx)
    result = {}
    for team_id, name, focus, kind_name, village_id, township_id, linked in rows:
        fitting_count, nearby, nearest = counts.get(team_id, (0, 0, NEAR_DISTRICT))
        home = "linked" if linked else "village" if village_id == ctx.village_id else ""
        if home:
            nearest = max(nearest, NEAR_VILLAGE)
        elif township_id == ctx.township_id:
            nearest = max(nearest, NEAR_TOWNSHIP)
        fit = _team_fit(fitting_count)
        result[team_id] = (fit, nearest, name, focus, fitting_count, nearby, kind_name, home)
    return result


def _team_fit(fitting_members):
    if not fitting_members:
        return FIT_NONE
    return FIT_TEAM_BASE + (1 - FIT_TEAM_BASE) * min(fitting_members, FIT_TEAM_FULL_AT) / FIT_TEAM_FULL_AT


def _team_member_counts(ctx):
    """{team id: (fitting members, members in the item's township, nearness of the nearest member)}
    in one SQL aggregate over current memberships (the expertise and resource sets joined once as
    derived tables, not probed per member)."""
    q = connection.ops.quote_name

    joins, join_params, fitting = _fit_joins(ctx, "m.secretary_id")
    fitting_when = [f"{alias}.sid IS NOT NULL" for alias in fitting]
    if fitting_when:
        fitting, fitting_params = f"COUNT(CASE WHEN {' OR '.join(fitting_when)} THEN m.id END)", []
    else:
        fitting, fitting_params = "%s", [0]
    nearness, near_params = _near_case(ctx, "s.village_id", "v.township_id", "s.area_branch_id")
    sql = (
        f"SELECT m.team_id, {fitting}, COUNT(CASE WHEN v.township_id = %s THEN m.id END), MAX({nearness})"
        f" FROM {q(TeamMembership._meta.db_table)} m"
        f" INNER JOIN {q(PioneerTeam._meta.db_table)} tm ON tm.id = m.team_id"
        f" INNER JOIN {q(Secretary._meta.db_table)} s ON s.id = m.secretary_id"
        f" INNER JOIN {q(Village._meta.db_table)} v ON v.id = s.village_id {' '.join(joins)}"
        f" WHERE tm.district_id = %s AND m.{q('left')} IS NULL AND s.status = %s GROUP BY m.team_id"
    )
    params = [*fitting_params, ctx.township_id, *near_params, *join_params]
    params += [ctx.district_id, Secretary.Status.ON_POST.value]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            team_id: (int(fitting_count), int(nearby), float(nearest))
            for team_id, fitting_count, nearby, nearest in cursor.fetchall()
        }


def _stations(ctx):
    """{station id: (nearness, name, township name, covers)}."""
    Through = ServiceStation.covered_townships.through
    rows = (
        ServiceStation.objects.filter(active=True, township__district_id=ctx.district_id)
        .order_by()
        .annotate(covers=Exists(Through.objects.filter(servicestation_id=OuterRef("pk"), township_id=ctx.township_id)))
        .values_list("id", "name", "township_id", "township__name", "covers")
    )
    result = {}
    for station_id, name, township_id, township, covers in rows:
        if township_id == ctx.township_id:
            nearness, covers = NEAR_TOWNSHIP, True  # the station of the item's own township
        else:
            nearness = NEAR_AREA if covers else NEAR_DISTRICT
        result[station_id] = (nearness, name, township, covers)
    return result


def _describe(ctx, best, stats, details, units, teams, stations):
    """Candidate objects with names and reasons for the entries that made the list."""
    unit_ids = [entry[2] for entry in best if entry[1] == Kind.UNIT] or [0]
    unit_names = dict(DispatchUnit.objects.filter(pk__in=unit_ids).values_list("id", "name"))
    candidates = []
    for score, kind, target, fit, nearness in best:
        c = Candidate(kind=kind, id=target, name="", fit=fit, nearness=nearness, score=round(score, 1))
        c.open_items, c.resolved, c.mean_rating = stats.get((kind, target), (0, 0, None))
        if kind == Kind.SECRETARY:
            row = details["rows"][target]
            c.name, c.place = row["name"], row["place"]
            if target in details["matched"]:
                c.reasons.append("特长对口：" + "、".join(sorted(details["matched"][target])))
            own = details["own"].get(target)
            if own:
                c.reasons.append(f"个人资源对口 {own[0]} 项")
                c.resource_id = own[1]
            if fit == FIT_UNIT_RESOURCE:
                c.reasons.append(f"派出单位（{row['unit_name']}）有对口资源")
            if fit == FIT_NONE:
                c.reasons.append("无对口特长或资源")
            c.reasons.append(_nearness(ctx, row["village_id"], row["township_id"], row["branch_id"])[1])
        elif kind == Kind.UNIT:
            count, first = units[target]
            c.name, c.place, c.resource_id = unit_names.get(target, ""), "派出单位", first
            c.reasons += [f"单位资源对口 {count} 项", f"派驻书记{NEAR_LABELS[nearness]}"]
        elif kind == Kind.TEAM:
            _fit, _near, name, focus, fitting, nearby, kind_name, home = teams[target]
            c.name, c.place = name, focus or kind_name
            c.reasons.append(f"{fitting} 名队员特长或资源对口" if fitting else "无对口特长或资源的队员")
            if home == "linked":
                c.reasons.append(f"{kind_name}联建本村")
            elif home == "village":
                c.reasons.append(f"本村的{kind_name}")
            elif nearness == NEAR_VILLAGE:
                c.reasons.append("有队员驻本村")
            elif nearby:
                c.reasons.append(f"{nearby} 名队员在本乡镇")
            else:
                c.reasons.append("队员在同片区" if nearness == NEAR_AREA else "同区")
        else:
            _near, name, township, covers = stations[target]
            c.name, c.place = name, township
            where = "本乡镇服务站" if nearness == NEAR_TOWNSHIP else "服务站覆盖该乡镇" if covers else "同区"
            c.reasons += ["服务站统筹协调", where]
        c.reasons += _load_and_record_reasons(c)
        candidates.append(c)
    _name_resources(candidates)
    return candidates


def _name_resources(candidates):
    wanted = [c.resource_id for c in candidates if c.resource_id] or [0]
    titles = {
        pk: f"{title}（{category}）"
        for pk, title, category in ResourceItem.objects.filter(pk__in=wanted).values_list(
            "id", "title", "category__name"
        )
    }
    for c in candidates:
        if c.resource_id:
            c.resource_title = titles.get(c.resource_id, "")


def _load_and_record_reasons(c):
    reasons = [f"在办 {c.open_items} 件" if c.open_items else "当前无在办事项"]
    if c.resolved:
        rating = f"，平均评分 {c.mean_rating:.1f}" if c.mean_rating is not None else ""
        reasons.append(f"已办结 {c.resolved} 件{rating}")
    else:
        reasons.append("暂无办结记录")
    return reasons
