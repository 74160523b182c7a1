"""Ranked candidates for a demand item, with the reasons shown next to each.

Four parts, each scored 0..1 and weighted by settings.MATCH_WEIGHTS:
- fit: the demand category maps (DemandCategory.expertise / .resource_categories, edited as data)
  to a secretary's expertise, their own resources, their unit's resources, or a team's members;
- nearness: same village > same township > same area branch or the same station's area > district;
- load: open items already assigned (1 / (1 + open));
- record: items resolved and their mean rating (a newcomer counts as average).

The query count does not grow with the number of candidates: everything is loaded in a fixed
number of flat or aggregated queries, then scored in Python.
"""

import heapq
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Avg, Count, Exists, Min, OuterRef, Q
from django.utils import timezone

from demands.models import DemandItem, ResourceCategory, ResourceItem

Kind = DemandItem.AssigneeKind
OPEN_STATUSES = (DemandItem.Status.DISPATCHED, DemandItem.Status.IN_PROGRESS)
DONE_STATUSES = (DemandItem.Status.RESOLVED, DemandItem.Status.RATED)

NEAR_VILLAGE, NEAR_TOWNSHIP, NEAR_AREA, NEAR_DISTRICT = 1.0, 0.75, 0.5, 0.25


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
    stats = _assignee_stats(ctx)
    resources = _resource_owners(ctx)
    candidates = _secretaries_and_units(ctx, stats, resources)
    candidates += _teams(ctx, stats)
    candidates += _stations(ctx, stats)
    weights = settings.MATCH_WEIGHTS
    total = sum(weights.values()) or 1
    for c in candidates:
        load_score = 1 / (1 + c.open_items)
        if c.resolved:
            record_score = 0.5 * min(c.resolved, 5) / 5 + 0.5 * ((c.mean_rating or 3) - 1) / 4
        else:
            record_score = 0.5
        c.score = round(
            100
            * (
                weights["fit"] * c.fit
                + weights["nearness"] * c.nearness
                + weights["load"] * load_score
                + weights["record"] * record_score
            )
            / total,
            1,
        )
        c.is_current = c.kind == item.assignee_kind and c.id == _current_assignee_id(item)
    best = heapq.nsmallest(limit, candidates, key=lambda c: (-c.score, c.open_items, c.kind, c.name, c.id))
    _name_resources(best)
    for c in best:
        c.reasons += _load_and_record_reasons(c)
    return best


def _current_assignee_id(item):
    return {
        Kind.SECRETARY: item.assignee_secretary_id,
        Kind.TEAM: item.assignee_team_id,
        Kind.STATION: item.assignee_station_id,
        Kind.UNIT: item.assignee_unit_id,
    }.get(item.assignee_kind)


def _context(item, today):
    from secretaries.models import AreaBranch, Expertise, Village
    from stations.models import ServiceStation

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


def _assignee_stats(ctx):
    """(kind, id) -> (open items, resolved items, mean rating), one aggregated query."""
    rows = (
        DemandItem.objects.filter(
            village__township__district_id=ctx.district_id, status__in=OPEN_STATUSES + DONE_STATUSES
        )
        .exclude(assignee_kind="")
        .order_by()
        .values("assignee_kind", "assignee_secretary_id", "assignee_team_id", "assignee_station_id", "assignee_unit_id")
        .annotate(
            open_items=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            resolved=Count("id", filter=Q(status__in=DONE_STATUSES)),
            mean_rating=Avg("rating", filter=Q(status=DemandItem.Status.RATED)),
        )
    )
    stats = {}
    for row in rows:
        kind = row["assignee_kind"]
        target = row[f"assignee_{kind}_id"]
        if target is None:
            continue
        before = stats.get((kind, target), (0, 0, None))
        stats[(kind, target)] = (before[0] + row["open_items"], before[1] + row["resolved"], row["mean_rating"])
    return stats


def _resource_owners(ctx):
    """Matching resources by owner: {"secretary": {id: (count, first id)}, "unit": {...},
    "unit_by_secretary": {secretary id: (count, first id)}} from one aggregated query."""
    owners = {"secretary": {}, "unit": {}, "unit_by_secretary": {}}
    if not ctx.resource_categories:
        return owners
    rows = (
        ResourceItem.objects.filter(category_id__in=list(ctx.resource_categories), active=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=ctx.today))
        .filter(Q(secretary__village__township__district_id=ctx.district_id) | Q(secretary__isnull=True))
        .order_by()
        .values("source", "secretary_id", "dispatch_unit_id")
        .annotate(n=Count("id"), first=Min("id"))
    )
    for row in rows:
        entry = (row["n"], row["first"])
        if row["source"] == ResourceItem.Source.UNIT:
            if row["dispatch_unit_id"]:
                _add(owners["unit"], row["dispatch_unit_id"], entry)
            else:
                _add(owners["unit_by_secretary"], row["secretary_id"], entry)
        elif row["secretary_id"]:
            _add(owners["secretary"], row["secretary_id"], entry)
    return owners


def _add(mapping, key, entry):
    count, first = mapping.get(key, (0, None))
    mapping[key] = (count + entry[0], entry[1] if first is None else min(first, entry[1]))


def _secretaries_and_units(ctx, stats, resources):
    from secretaries.models import Secretary

    rows = (
        Secretary.objects.on_post()
        .filter(village__township__district_id=ctx.district_id)
        .order_by()
        .values_list(
            "id",
            "name",
            "village_id",
            "village__name",
            "village__township_id",
            "village__township__name",
            "area_branch_id",
            "dispatch_unit_id",
            "dispatch_unit__name",
        )
    )
    matched_expertise = {}
    if ctx.expertise:
        Through = Secretary.expertise.through
        for secretary_id, expertise_id in Through.objects.filter(
            expertise_id__in=list(ctx.expertise),
            secretary__status=Secretary.Status.ON_POST,
            secretary__village__township__district_id=ctx.district_id,
        ).values_list("secretary_id", "expertise_id"):
            matched_expertise.setdefault(secretary_id, []).append(ctx.expertise[expertise_id])

    unit_resources = dict(resources["unit"])
    candidates, units = [], {}
    for sid, name, village_id, village, township_id, township, branch_id, unit_id, unit_name in rows:
        nearness, near_reason = _nearness(ctx, village_id, township_id, branch_id)
        c = Candidate(kind=Kind.SECRETARY, id=sid, name=name, place=f"{township} {village}", nearness=nearness)
        c.reasons.append(near_reason)
        own = resources["secretary"].get(sid)
        if sid in matched_expertise:
            c.fit = 1.0
            c.reasons.insert(0, "特长对口：" + "、".join(sorted(matched_expertise[sid])))
        if own:
            c.fit = max(c.fit, 0.9)
            c.resource_id = own[1]
            c.reasons.insert(0 if c.fit < 1 else 1, f"个人资源对口 {own[0]} 项")
        via_unit = resources["unit_by_secretary"].get(sid)
        if via_unit:
            _add(unit_resources, unit_id, via_unit)
        if c.fit == 0 and (via_unit or unit_id in resources["unit"]):
            c.fit = 0.6
            c.reasons.insert(0, f"派出单位（{unit_name}）有对口资源")
        if c.fit == 0:
            c.reasons.insert(0, "无对口特长或资源")
        c.open_items, c.resolved, c.mean_rating = stats.get((Kind.SECRETARY, sid), (0, 0, None))
        candidates.append(c)
        best = units.get(unit_id)
        if best is None or nearness > best[1]:
            units[unit_id] = (unit_name, nearness, near_reason)
    for unit_id, (count, first) in unit_resources.items():
        if unit_id not in units:
            continue  # a unit with no secretary on post in this district cannot take the item
        unit_name, nearness, near_reason = units[unit_id]
        c = Candidate(kind=Kind.UNIT, id=unit_id, name=unit_name, place="派出单位", fit=0.9, nearness=nearness)
        c.resource_id = first
        c.reasons += [f"单位资源对口 {count} 项", f"派驻书记{near_reason}"]
        c.open_items, c.resolved, c.mean_rating = stats.get((Kind.UNIT, unit_id), (0, 0, None))
        candidates.append(c)
    return candidates


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


def _teams(ctx, stats):
    from teams.models import PioneerTeam

    current = Q(memberships__left__isnull=True)
    if ctx.expertise:
        fitting = Count(
            "memberships__secretary",
            filter=current & Q(memberships__secretary__expertise__in=list(ctx.expertise)),
            distinct=True,
        )
    else:
        fitting = Count("memberships__secretary", filter=Q(pk__isnull=True), distinct=True)
    rows = (
        PioneerTeam.objects.filter(district_id=ctx.district_id)
        .order_by()
        .annotate(
            fitting=fitting,
            nearby=Count(
                "memberships__secretary",
                filter=current & Q(memberships__secretary__village__township_id=ctx.township_id),
                distinct=True,
            ),
        )
        .values_list("id", "name", "focus", "fitting", "nearby")
    )
    candidates = []
    for team_id, name, focus, fitting_count, nearby in rows:
        c = Candidate(kind=Kind.TEAM, id=team_id, name=name, place=focus or "先锋队")
        if fitting_count:
            c.fit = 0.5 + 0.5 * min(fitting_count, 5) / 5
            c.reasons.append(f"{fitting_count} 名队员特长对口")
        else:
            c.reasons.append("无对口特长队员")
        if nearby:
            c.nearness = NEAR_TOWNSHIP
            c.reasons.append(f"{nearby} 名队员在本乡镇")
        else:
            c.reasons.append("同区")
        c.open_items, c.resolved, c.mean_rating = stats.get((Kind.TEAM, team_id), (0, 0, None))
        candidates.append(c)
    return candidates


def _stations(ctx, stats):
    from stations.models import ServiceStation

    Through = ServiceStation.covered_townships.through
    rows = (
        ServiceStation.objects.filter(active=True, township__district_id=ctx.district_id)
        .order_by()
        .annotate(covers=Exists(Through.objects.filter(servicestation_id=OuterRef("pk"), township_id=ctx.township_id)))
        .values_list("id", "name", "township_id", "township__name", "covers")
    )
    candidates = []
    for station_id, name, township_id, township, covers in rows:
        # A station coordinates resources for any kind of need; its fit is modest and general.
        c = Candidate(kind=Kind.STATION, id=station_id, name=name, place=township, fit=0.3)
        c.reasons.append("服务站统筹协调")
        if covers or township_id == ctx.township_id:
            c.nearness = NEAR_AREA
            c.reasons.append("服务站覆盖该乡镇")
        else:
            c.reasons.append("同区")
        c.open_items, c.resolved, c.mean_rating = stats.get((Kind.STATION, station_id), (0, 0, None))
        candidates.append(c)
    return candidates


def _name_resources(candidates):
    wanted = {c.resource_id for c in candidates if c.resource_id}
    if not wanted:
        return
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
