"""The life of a demand item, in one place.

A village's need is filled in as a draft (its list for a round, or a row of an Excel upload) and
submitted with the list; an item raised elsewhere (a team meeting's decision) enters submitted.
Then the closed loop 点单 → 接单 → 派单 → 办结 → 评价:

    submitted ─accept→ accepted ─dispatch→ dispatched ─progress→ in_progress ─resolve→ resolved ─rate→ rated
    submitted, accepted ─return→ returned, ─merge→ merged
    dispatched, in_progress ─dispatch→ dispatched (改派, another assignee)
    rated (poorly) ─reopen→ dispatched (the same assignee, a new round of work)

What is here, and who reads it:

- the statuses of an item and of a village's list, and the kinds of assignee (the models' choices
  are these classes);
- the groups of statuses (OPEN, DONE, UNMET, ...): services, selectors, the dashboards, teams' scoring;
- the funnel's stages (FUNNEL): the dashboards;
- STEPS, the table of the loop's steps (label, from, to, who may, the item page's wording): the loop's
  services check and move by it, its views and the item page read the labels, the state-machine
  test walks it;
- who works an item (its assignee's people), read both ways: `workers_of` for the loop's permission
  checks and the notices' recipients, `items_worked_by` for a login's scope and work queue.

It imports no module of the demands app (the models import it), only the people, teams and stations
models it needs to answer who works an item.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from secretaries.models import Secretary, StaffProfile
from stations.models import DutyShift
from teams.models import PioneerTeam, TeamMembership

# --- statuses ----------------------------------------------------------------------------------


class Status(models.TextChoices):
    """DemandItem.Status."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    ACCEPTED = "accepted", "已接单"
    RETURNED = "returned", "已退回"
    DISPATCHED = "dispatched", "已派单"
    IN_PROGRESS = "in_progress", "办理中"
    RESOLVED = "resolved", "已办结"
    RATED = "rated", "已评价"
    MERGED = "merged", "已合并"


class SubmissionStatus(models.TextChoices):
    """Submission.Status: a village's list for a round."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已接收"


class AssigneeKind(models.TextChoices):
    """DemandItem.AssigneeKind: who an item is dispatched to."""

    SECRETARY = "secretary", "第一书记"
    TEAM = "team", "先锋队"
    STATION = "station", "服务站"
    UNIT = "unit", "派出单位"


# --- groups of statuses ------------------------------------------------------------------------

# Dispatched and being worked: the assignee's load, progress and resolution, overdue and stale items.
OPEN = (Status.DISPATCHED, Status.IN_PROGRESS)
# Resolved, rated or not: an assignee's record, the funnel's 办结, teams' scoring.
DONE = (Status.RESOLVED, Status.RATED)
# Has had an assignee: the co-building list (共建清单), the funnel's 派单.
MATCHED = OPEN + DONE
# Taken on by the department: the funnel's 接单, the base of the resolution rate.
TAKEN_ON = (Status.ACCEPTED, *MATCHED)
# Still waiting for help: submitted and not yet resolved (the dashboards' 待办, a station's open items).
UNMET = (Status.SUBMITTED, Status.ACCEPTED, *OPEN)
# Accepted and not yet resolved: a secretary's own items on their home page.
UNRESOLVED = (Status.ACCEPTED, *OPEN)
# Nothing left to do: never counted overdue (the dashboards' supervision figure; the partial index
# demand_overdue_due_idx in models.py is built on it, so changing it needs a migration).
FINISHED = (*DONE, Status.MERGED)
# The supervision job watches these for overdue and stale items (a poor rating is watched on RATED).
SUPERVISED = OPEN
# Not a target for a merge: an item that is not (or no longer) in the loop.
NOT_MERGEABLE_INTO = (Status.DRAFT, Status.RETURNED, Status.MERGED)

# A village's list: still being filled in (by the village, or again after a return) ...
SUBMISSION_EDITABLE = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)
# ... or counted as submitted (a nil return, 本轮无新增需求, too).
SUBMISSION_DONE = (SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED)

# The funnel of the loop (the dashboards): each stage counts the items that reached it, that is
# whose status is at or past it; None = every item past draft.
FUNNEL = [
    ("submitted", "点单（报送）", None),
    ("accepted", "接单", TAKEN_ON),
    ("dispatched", "派单", MATCHED),
    ("resolved", "办结", DONE),
    ("rated", "评价", (Status.RATED,)),
]


# --- the steps of the loop ---------------------------------------------------------------------

# Who may take a step (demands.services.loop maps each to its check).
DISPATCHERS = "dispatchers"  # the department of the item's district; township staff where the township runs the loop
ASSIGNEE = "assignee"  # who works the item (workers_of below)
VILLAGE = "village"  # the village's own secretary, or the staff of its township


@dataclass(frozen=True)
class Step:
    name: str
    label: str  # the verb: "已接单：…", "不能接单", "您无权对该需求进行“接单”操作"
    sources: tuple  # the statuses it may start from
    target: str  # the status it leaves the item in
    who: str  # DISPATCHERS, ASSIGNEE or VILLAGE
    heading: str  # the item page: the step's form title ...
    button: str  # ... and its button
    event: str  # the timeline's name for the step's DemandEvent
    sends_back: bool = False  # a step against the item's course (its button is red)
    needs_poor_rating: bool = False  # only after a rating of SUPERVISION_POOR_RATING or below


S = Status
# fmt: off
STEPS = {step.name: step for step in [
    #    name              label           sources                       target          who          heading (item page)      button          event
    Step("accept",         "接单",         (S.SUBMITTED,),               S.ACCEPTED,     DISPATCHERS, "接单",                  "接单",         "接单"),
    Step("return",         "退回",         (S.SUBMITTED, S.ACCEPTED),    S.RETURNED,     DISPATCHERS, "退回",                  "退回",         "退回",
         sends_back=True),
    # Re-dispatch (改派) is possible while the item is open: a stuck assignee can be replaced.
    Step("dispatch",       "派单",         (S.ACCEPTED, *OPEN),          S.DISPATCHED,   DISPATCHERS, "派单",                  "派单",         "派单"),
    Step("merge",          "合并",         (S.SUBMITTED, S.ACCEPTED),    S.MERGED,       DISPATCHERS, "合并重复需求",          "合并",         "合并"),
    Step("progress",       "填报进展",     OPEN,                         S.IN_PROGRESS,  ASSIGNEE,    "填报进展",              "提交进展",     "进展"),
    Step("resolve",        "办结",         OPEN,                         S.RESOLVED,     ASSIGNEE,    "办结",                  "办结",         "办结"),
    Step("rate",           "评价",         (S.RESOLVED,),                S.RATED,        VILLAGE,     "评价",                  "提交评价",     "评价"),
    # The village asks; the item stays rated until the dispatchers reopen it (or dispatch it anew).
    Step("request_reopen", "申请重新办理", (S.RATED,),                   S.RATED,        VILLAGE,     "不满意，申请重新办理",  "申请重新办理", "申请重新办理",
         sends_back=True, needs_poor_rating=True),
    Step("reopen",         "重新办理",     (S.RATED,),                   S.DISPATCHED,   DISPATCHERS, "重新办理",              "重新办理",     "重新办理",
         needs_poor_rating=True),
]}
# fmt: on


def township_runs_loop(township):
    """Does this township's liaison office (联络办) take the dispatchers' steps for its own villages'
    items (accept, return, dispatch, merge, reopen)? Its own switch (Township.runs_loop: Shiquan's
    池河镇), or TOWNSHIP_MAY_DISPATCH for every township. The district's department always may; the
    steps, events and supervision are the same whoever takes them."""
    return settings.TOWNSHIP_MAY_DISPATCH or township.runs_loop


# Events that are not steps of the loop: how an item enters it.
SUBMIT = "submit"  # a draft submitted with its village's list, or an item raised elsewhere
EVENT_LABELS = {"create": "填报", SUBMIT: "报送", **{step.name: step.event for step in STEPS.values()}}


# --- who works an item -------------------------------------------------------------------------
#
# The assignee works the item: the secretary; a team's current members and its captain; a station's
# manager and the secretaries on duty there that day; a unit's secretaries on post in the item's
# district. `workers_of` answers it for given items, `items_worked_by` for a given login; a test
# checks the two agree on every kind of assignee.


@dataclass
class Workers:
    """Who works one item: secretaries (id → user id, None without a login) and the station
    whose manager works it."""

    secretaries: dict = field(default_factory=dict)
    station_id: int | None = None

    def include(self, scope):
        """Does the login with this scope work the item?"""
        if scope.is_station_manager:
            return self.station_id is not None and self.station_id == scope.station_id
        return scope.is_secretary and scope.secretary_id in self.secretaries


def workers_of(items, day=None):
    """{item id: Workers} for `items` on `day` (today by default): one query per kind of assignee
    among them, none for an item dispatched to a secretary when its assignee_secretary is loaded."""
    day = day or timezone.localdate()
    by_kind = defaultdict(list)
    for item in items:
        by_kind[item.assignee_kind].append(item)
    result = {item.pk: Workers() for item in items}

    for item in by_kind[AssigneeKind.SECRETARY]:
        if item.assignee_secretary_id:
            result[item.pk].secretaries[item.assignee_secretary_id] = item.assignee_secretary.user_id

    if by_kind[AssigneeKind.TEAM]:
        team_ids = {item.assignee_team_id for item in by_kind[AssigneeKind.TEAM]}
        in_team = defaultdict(dict)
        # Members who are not secretaries (villagers, cadres) have no login to work an item.
        members = TeamMembership.objects.filter(team_id__in=team_ids, left__isnull=True, secretary__isnull=False)
        for team_id, secretary_id, user_id in members.values_list("team_id", "secretary_id", "secretary__user_id"):
            in_team[team_id][secretary_id] = user_id
        captains = PioneerTeam.objects.filter(pk__in=team_ids, captain__isnull=False)
        for team_id, secretary_id, user_id in captains.values_list("pk", "captain_id", "captain__user_id"):
            in_team[team_id][secretary_id] = user_id
        for item in by_kind[AssigneeKind.TEAM]:
            result[item.pk].secretaries.update(in_team[item.assignee_team_id])

    if by_kind[AssigneeKind.STATION]:
        on_duty = defaultdict(dict)
        shifts = DutyShift.objects.on_duty(day).filter(
            station_id__in={item.assignee_station_id for item in by_kind[AssigneeKind.STATION]}
        )
        for station_id, secretary_id, user_id in shifts.values_list("station_id", "secretary_id", "secretary__user_id"):
            on_duty[station_id][secretary_id] = user_id
        for item in by_kind[AssigneeKind.STATION]:
            result[item.pk].station_id = item.assignee_station_id
            result[item.pk].secretaries.update(on_duty[item.assignee_station_id])

    if by_kind[AssigneeKind.UNIT]:
        in_unit = defaultdict(dict)  # (unit, district) -> {secretary id: user id}
        on_post = Secretary.objects.on_post().filter(
            dispatch_unit_id__in={item.assignee_unit_id for item in by_kind[AssigneeKind.UNIT]}
        )
        for unit_id, district_id, secretary_id, user_id in on_post.values_list(
            "dispatch_unit_id", "village__township__district_id", "pk", "user_id"
        ):
            in_unit[(unit_id, district_id)][secretary_id] = user_id
        for item in by_kind[AssigneeKind.UNIT]:
            result[item.pk].secretaries.update(in_unit[(item.assignee_unit_id, item.village.township.district_id)])
    return result


def works_on(scope, item, day=None):
    """Does the login with this scope work the item (take its progress and resolve steps)?"""
    if not (scope.is_secretary or scope.is_station_manager):
        return False
    return workers_of([item], day)[item.pk].include(scope)


def worker_user_ids(items, day=None):
    """{item id: [user ids]} of the people who work each item (those with a login): the station's
    managers first, then the secretaries. One query more than workers_of when a station is among them."""
    workers = workers_of(items, day)
    station_ids = {w.station_id for w in workers.values() if w.station_id is not None}
    managers = defaultdict(list)
    if station_ids:
        for station_id, user_id in StaffProfile.objects.filter(
            role="station_manager", station_id__in=station_ids
        ).values_list("station_id", "user_id"):
            managers[station_id].append(user_id)
    return {
        pk: managers[w.station_id] + [user_id for user_id in w.secretaries.values() if user_id is not None]
        for pk, w in workers.items()
    }


def items_worked_by(scope, day=None):
    """A Q over DemandItem: the items the login with this scope works on `day` (today by default),
    the same rule as workers_of read the other way."""
    if scope.is_station_manager:
        return Q(assignee_station_id=scope.station_id)
    if not scope.is_secretary:
        return Q(pk__in=[])
    sid = scope.secretary_id
    teams = PioneerTeam.objects.filter(
        Q(pk__in=TeamMembership.objects.filter(secretary_id=sid, left__isnull=True).values("team_id"))
        | Q(captain_id=sid)
    )
    stations = DutyShift.objects.on_duty(day or timezone.localdate()).filter(secretary_id=sid)
    return (
        Q(assignee_secretary_id=sid)
        | Q(assignee_team__in=teams.values("pk"))
        | Q(
            assignee_unit__in=Secretary.objects.on_post().filter(pk=sid).values("dispatch_unit_id"),
            village__township__district_id=scope.district_id,
        )
        | Q(assignee_station__in=stations.values("station_id"))
    )
