"""The closed loop of a demand item (点单 → 接单 → 派单 → 办结 → 评价), and how an item raised
outside the lists enters it (demand_create).

Each step is one function: it locks the item, checks the step is legal for this item and this
person, changes the item, writes a DemandEvent and notifies the people concerned, all in one
transaction. An illegal step raises TransitionError with a Chinese message and changes nothing.
Which statuses a step starts from, the status it leaves and who may take it are read from the
table in demands/lifecycle.py (STEPS).
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.scoping import scope_for
from core.signals import audit
from demands import lifecycle
from demands.lifecycle import ASSIGNEE, DISPATCHERS, STEPS, SUBMIT, VILLAGE
from demands.models import DemandEvent, DemandItem, ResourceItem, SupervisionFlag
from notices.services import notify
from secretaries.models import DispatchUnit, Secretary, StaffProfile
from stations.models import ServiceStation
from teams.models import PioneerTeam

Status = DemandItem.Status
Kind = DemandItem.AssigneeKind
Flag = SupervisionFlag.Reason


class TransitionError(Exception):
    """An illegal step: the message is shown to the user as is."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- who may do what -------------------------------------------------------------------------


def _district_id(item):
    return item.village.township.district_id


def can_dispatch(user, item):
    """The org department of the item's district; township staff within their township when it
    runs the loop (lifecycle.township_runs_loop)."""
    scope = scope_for(user)
    if scope.is_superuser:
        return True
    if scope.is_org:
        return scope.district_id == _district_id(item)
    if scope.is_township and item.village.township_id in scope.township_ids:
        return lifecycle.township_runs_loop(item.village.township)
    return False


def is_assignee(user, item):
    """The assignee's people work the item (lifecycle.workers_of): the secretary; a team's captain
    or current members; a station's manager or its on-duty secretary today; a unit's secretaries
    on post in the item's district."""
    return lifecycle.works_on(scope_for(user), item)


def can_rate(user, item):
    """The village's own secretary, or the staff of its township."""
    scope = scope_for(user)
    if scope.is_secretary:
        return item.village_id in scope.village_ids
    if scope.is_township:
        return item.village.township_id in scope.township_ids
    return False


def _is_poorly_rated(item):
    return item.rating is not None and item.rating <= settings.SUPERVISION_POOR_RATING


# Who may take a step (lifecycle.Step.who) -> the check.
MAY = {DISPATCHERS: can_dispatch, ASSIGNEE: is_assignee, VILLAGE: can_rate}


def may(step, user, item):
    """May this user take this step on this item, whatever its status?"""
    return MAY[STEPS[step].who](user, item)


def step_allowed(step, item, user):
    rule = STEPS[step]
    if item.status not in rule.sources or not may(step, user, item):
        return False
    if rule.needs_poor_rating and not _is_poorly_rated(item):
        return False
    return not (step == "request_reopen" and reopen_requested(item))


def reopen_requested(item):
    """The village asked for this rating round to be reopened (an event since the rating)."""
    if item.status != Status.RATED or item.rated_at is None:
        return False
    return DemandEvent.objects.filter(item_id=item.pk, action="request_reopen", at__gte=item.rated_at).exists()


def allowed_steps(item, user):
    """The steps this user may take on this item now (for the item page's buttons)."""
    return [step for step in STEPS if step_allowed(step, item, user)]


def _check(step, item, user):
    rule = STEPS[step]
    if not may(step, user, item):
        raise TransitionError(f"您无权对该需求进行“{rule.label}”操作")
    if item.status not in rule.sources:
        raise TransitionError(f"该需求当前状态为“{item.get_status_display()}”，不能{rule.label}")
    if rule.needs_poor_rating and not _is_poorly_rated(item):
        raise TransitionError(f"只有评价为 {settings.SUPERVISION_POOR_RATING} 分及以下的需求才能{rule.label}")
    if step == "request_reopen" and reopen_requested(item):
        raise TransitionError("已申请重新办理，请等待区委组织部处理")


def _advance(item, step):
    """Move the (locked, checked) item to the status the step leads to; returns the status before."""
    before = item.status
    item.status = STEPS[step].target
    return before


def _lock(item):
    return (
        DemandItem.objects.select_for_update(of=("self",))
        .select_related("village__township", "assignee_secretary")
        .get(pk=item.pk)
    )


def _record(item, actor, action, from_status, note=""):
    """The step's event, and its audit entry (the step's name and the statuses; the note, which
    may name people, stays in the event)."""
    event = DemandEvent.objects.create(
        item=item, actor=actor, action=action, from_status=from_status, to_status=item.status, note=note
    )
    statuses = dict(Status.choices)
    audit(
        f"loop.{action}",
        user=actor,
        obj=item,
        detail=f"{lifecycle.EVENT_LABELS.get(action, action)}：{statuses.get(from_status, from_status)} → "
        f"{statuses.get(item.status, item.status)}",
        event=event.pk,
    )
    return event


def _clear_flags(item, *reasons):
    """Take the item off the supervision list for reasons the step has just put right (a new
    dispatch restarts the due date and the stale clock, a progress note the stale clock, …),
    at once rather than at the next daily run. A state that comes back later is a new flag."""
    SupervisionFlag.objects.filter(item_id=item.pk, reason__in=reasons, cleared_at__isnull=True).update(
        cleared_at=timezone.now()
    )


def default_due_date(item, today=None):
    today = today or timezone.localdate()
    return today + timedelta(days=settings.DUE_DAYS_BY_URGENCY.get(item.urgency, 15))


# --- entering the loop ------------------------------------------------------------------------


@transaction.atomic
def demand_create(*, village, category, title, user, detail="", channel=DemandItem.Channel.OTHER, note=""):
    """An item raised outside the village's list (a team meeting's decision, …): it enters the loop
    submitted, with its submit event, as a list's items do when the list is submitted. Every item
    made outside the lists is made here."""
    item = DemandItem.objects.create(
        village=village,
        category=category,
        title=title,
        detail=detail,
        channel=channel,
        status=Status.SUBMITTED,
        submitted_at=timezone.now(),
        created_by=user,
    )
    _record(item, user, SUBMIT, Status.DRAFT, note)
    return item


# --- the steps --------------------------------------------------------------------------------


@transaction.atomic
def accept(item, actor, note=""):
    item = _lock(item)
    _check("accept", item, actor)
    before = _advance(item, "accept")
    item.accepted_at = timezone.now()
    item.save(update_fields=["status", "accepted_at", "updated_at"])
    _record(item, actor, "accept", before, note)
    _tell(item, village_people(item), "accept", f"需求已接单：{item.title}", "区委组织部已接单，正在匹配承办方。")
    return item


@transaction.atomic
def return_item(item, actor, reason):
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError("退回必须填写原因")
    item = _lock(item)
    _check("return", item, actor)
    before = _advance(item, "return")
    item.return_reason = reason
    item.save(update_fields=["status", "return_reason", "updated_at"])
    _record(item, actor, "return", before, reason)
    _tell(item, village_people(item), "return", f"需求被退回：{item.title}", f"退回原因：{reason}")
    return item


@transaction.atomic
def dispatch(item, actor, *, kind, assignee_id, resource_id=None, due_date=None, note=""):
    item = _lock(item)
    _check("dispatch", item, actor)
    assignee = _find_assignee(kind, assignee_id, _district_id(item))
    resource = _find_resource(kind, assignee, resource_id) if resource_id else None
    today = timezone.localdate()
    if due_date is not None and due_date < today:
        raise TransitionError("办理期限不能早于今天")
    before = _advance(item, "dispatch")
    item.assignee_kind = kind
    item.assignee_secretary = assignee if kind == Kind.SECRETARY else None
    item.assignee_team = assignee if kind == Kind.TEAM else None
    item.assignee_station = assignee if kind == Kind.STATION else None
    item.assignee_unit = assignee if kind == Kind.UNIT else None
    item.matched_resource = resource
    item.due_date = due_date or default_due_date(item, today)
    item.dispatched_at = timezone.now()
    item.save()
    # A (re-)dispatch gives a new due date and restarts the stale clock.
    _clear_flags(item, Flag.OVERDUE, Flag.STALE)
    description = f"派单给{Kind(kind).label}：{assignee}" + (f"（对接资源：{resource}）" if resource else "")
    _record(item, actor, "dispatch", before, "；".join(part for part in [description, note.strip()] if part))
    body = f"{description}，办理期限 {item.due_date:%Y-%m-%d}。"
    _tell(
        item,
        assignee_users(item),
        f"dispatch:{kind}:{assignee.pk}",
        f"新派单：{item.village} · {item.title}",
        body,
    )
    _tell(item, village_people(item), f"dispatch-village:{kind}:{assignee.pk}", f"需求已派单：{item.title}", body)
    return item


@transaction.atomic
def add_progress(item, actor, note):
    note = (note or "").strip()
    if not note:
        raise TransitionError("请填写进展情况")
    item = _lock(item)
    _check("progress", item, actor)
    before = _advance(item, "progress")
    item.last_progress_at = timezone.now()
    item.save(update_fields=["status", "last_progress_at", "updated_at"])
    _clear_flags(item, Flag.STALE)
    _record(item, actor, "progress", before, note)
    # The village hears once that work has started; each later note is on the timeline.
    _tell(item, village_people(item), "progress", f"需求办理中：{item.title}", note)
    return item


@transaction.atomic
def resolve(item, actor, *, resolution, funds_secured=None, resolved_on=None):
    resolution = (resolution or "").strip()
    if not resolution:
        raise TransitionError("请填写办理结果")
    if funds_secured is not None and Decimal(funds_secured) < 0:
        raise TransitionError("争取资金不能为负数")
    today = timezone.localdate()
    if resolved_on is not None and resolved_on > today:
        raise TransitionError("办结日期不能晚于今天")
    item = _lock(item)
    _check("resolve", item, actor)
    before = _advance(item, "resolve")
    item.resolution = resolution
    item.funds_secured = funds_secured
    item.resolved_on = resolved_on or today
    item.resolved_at = timezone.now()
    item.save(update_fields=["status", "resolution", "funds_secured", "resolved_on", "resolved_at", "updated_at"])
    _clear_flags(item, Flag.OVERDUE, Flag.STALE)
    _record(item, actor, "resolve", before, resolution)
    _tell(item, village_people(item), "resolve", f"需求已办结，请评价：{item.title}", resolution)
    return item


@transaction.atomic
def rate(item, actor, *, rating, comment="", request_reopen=False):
    """The village rates the work. With request_reopen (only for a poor rating) it also asks the
    dispatchers to have the item done again; they decide (reopen() or a new dispatch)."""
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        raise TransitionError("评价须为 1 到 5 分") from None
    if not 1 <= rating <= 5:
        raise TransitionError("评价须为 1 到 5 分")
    if request_reopen and rating > settings.SUPERVISION_POOR_RATING:
        raise TransitionError(f"只有评价为 {settings.SUPERVISION_POOR_RATING} 分及以下时才能申请重新办理")
    item = _lock(item)
    _check("rate", item, actor)
    before = _advance(item, "rate")
    item.rating = rating
    item.rating_comment = (comment or "").strip()
    item.rated_at = timezone.now()
    item.save(update_fields=["status", "rating", "rating_comment", "rated_at", "updated_at"])
    _record(item, actor, "rate", before, f"{rating} 分" + (f"：{item.rating_comment}" if item.rating_comment else ""))
    people = assignee_users(item)
    if _is_poorly_rated(item):
        people += org_people(item)
    _tell(item, people, "rate", f"需求评价 {rating} 分：{item.title}", item.rating_comment)
    if request_reopen:
        _ask_to_reopen(item, actor, item.rating_comment)
    return item


@transaction.atomic
def request_reopen(item, actor, note=""):
    """The village (its secretary or township), unhappy with the result, asks for it to be done
    again. Only a poor rating qualifies, once per rating round; the dispatchers are told and
    decide: reopen() with the same assignee, then change the assignee from the candidates if needed."""
    item = _lock(item)
    _check("request_reopen", item, actor)
    _ask_to_reopen(item, actor, (note or "").strip())
    return item


def _ask_to_reopen(item, actor, note):
    _record(item, actor, "request_reopen", _advance(item, "request_reopen"), note)
    body = f"评价 {item.rating} 分，村里申请重新办理。" + (f"意见：{note}" if note else "")
    _tell(
        item,
        [user for user in dispatcher_people(item) if user.pk != actor.pk],
        "request_reopen",
        f"申请重新办理：{item.village} · {item.title}",
        body,
    )


@transaction.atomic
def reopen(item, actor, note=""):
    item = _lock(item)
    _check("reopen", item, actor)
    before = _advance(item, "reopen")
    old = f"原评价 {item.rating} 分"
    item.cycle += 1
    item.rating = None
    item.rating_comment = ""
    item.rated_at = None
    item.resolved_at = None
    item.resolved_on = None
    item.dispatched_at = timezone.now()
    item.due_date = default_due_date(item)
    item.save()
    _clear_flags(item, Flag.POOR_RATING)
    _record(item, actor, "reopen", before, "；".join(part for part in [old, (note or "").strip()] if part))
    body = f"因评价不满意重新办理，办理期限 {item.due_date:%Y-%m-%d}。{note}"
    _tell(item, assignee_users(item) + village_people(item), "reopen", f"需求重新办理：{item.title}", body)
    return item


@transaction.atomic
def merge(item, actor, into, note=""):
    item = _lock(item)
    _check("merge", item, actor)
    if into.pk == item.pk:
        raise TransitionError("不能把需求合并到它自己")
    into = DemandItem.objects.select_related("village__township").get(pk=into.pk)
    if into.status in lifecycle.NOT_MERGEABLE_INTO:
        raise TransitionError(f"目标需求状态为“{into.get_status_display()}”，不能作为合并目标")
    if _district_id(into) != _district_id(item):
        raise TransitionError("只能合并同一区内的需求")
    before = _advance(item, "merge")
    item.merged_into = into
    item.save(update_fields=["status", "merged_into", "updated_at"])
    _record(item, actor, "merge", before, "；".join(p for p in [f"合并至 #{into.pk} {into.title}", note.strip()] if p))
    _tell(item, village_people(item), "merge", f"需求已合并：{item.title}", f"与需求“{into.title}”合并办理。")
    return item


# --- assignees and resources ------------------------------------------------------------------


def _find_assignee(kind, assignee_id, district_id):
    try:
        assignee_id = int(assignee_id)
    except (TypeError, ValueError):
        raise TransitionError("请选择承办方") from None
    found = {
        Kind.SECRETARY: lambda: Secretary.objects.on_post().filter(village__township__district_id=district_id),
        Kind.TEAM: lambda: PioneerTeam.objects.filter(district_id=district_id, kind__dispatchable=True),
        Kind.STATION: lambda: ServiceStation.objects.filter(active=True, township__district_id=district_id),
        Kind.UNIT: lambda: DispatchUnit.objects.filter(
            secretaries__status=Secretary.Status.ON_POST, secretaries__village__township__district_id=district_id
        ).distinct(),
    }.get(kind)
    if found is None:
        raise TransitionError("承办方类型无效")
    assignee = found().filter(pk=assignee_id).first()
    if assignee is None:
        raise TransitionError("所选承办方不存在或不在本区")
    return assignee


def _find_resource(kind, assignee, resource_id):
    try:
        resource = ResourceItem.objects.filter(pk=int(resource_id), active=True).first()
    except (TypeError, ValueError):
        resource = None
    if resource is None:
        raise TransitionError("所选资源不存在或已失效")
    owns = (kind == Kind.SECRETARY and resource.secretary_id == assignee.pk) or (
        kind == Kind.UNIT and resource.source == ResourceItem.Source.UNIT and _resource_unit_id(resource) == assignee.pk
    )
    if not owns:
        raise TransitionError("所选资源不属于该承办方")
    return resource


def _resource_unit_id(resource):
    if resource.dispatch_unit_id:
        return resource.dispatch_unit_id
    return resource.secretary.dispatch_unit_id if resource.secretary_id else None


# --- people to tell ---------------------------------------------------------------------------


def village_people(item):
    """The village's secretaries on post and its township's staff."""
    users = [
        s.user
        for s in Secretary.objects.on_post()
        .filter(village_id=item.village_id, user__isnull=False)
        .select_related("user")
    ]
    users += [
        p.user
        for p in StaffProfile.objects.filter(role="township", township_id=item.village.township_id).select_related(
            "user"
        )
    ]
    return users


def org_people(item):
    return [
        p.user for p in StaffProfile.objects.filter(role="org", district_id=_district_id(item)).select_related("user")
    ]


def dispatcher_people(item):
    """Who decides on dispatch and reopening: the org department, and the township's staff when
    the township runs the loop."""
    people = org_people(item)
    if lifecycle.township_runs_loop(item.village.township):
        people += [
            p.user
            for p in StaffProfile.objects.filter(role="township", township_id=item.village.township_id).select_related(
                "user"
            )
        ]
    return people


def assignee_users(item):
    """The people who work the item (lifecycle.workers_of) and have a login."""
    ids = lifecycle.worker_user_ids([item])[item.pk]
    users = get_user_model().objects.in_bulk(ids)
    return [users[pk] for pk in ids if pk in users]


def _tell(item, users, step, title, body=""):
    notify(
        users,
        title,
        body=body,
        url=reverse("demands:item_detail", args=[item.pk]),
        kind="demand",
        dedupe_key=f"demand:{item.pk}:{item.cycle}:{step}",
    )
