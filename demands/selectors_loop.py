"""Reads of the closed loop: work queues, an item with its timeline, the co-building list and the
supervision list. Everything starts from DemandItem.objects.for_user(user) (or the flag's own
for_user), so nothing outside the user's scope is ever listed or exported."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.scoping import scope_for
from demands.lifecycle import DONE, EVENT_LABELS, MATCHED, OPEN, items_worked_by, township_runs_loop
from demands.models import DemandEvent, DemandItem, SupervisionFlag
from secretaries.models import Township

Status = DemandItem.Status

ITEM_RELATED = (
    "village__township",
    "category",
    "round",
    "assignee_secretary__village",
    "assignee_team",
    "assignee_station",
    "assignee_unit",
    "matched_resource",
)


def items_for(user):
    return DemandItem.objects.for_user(user).select_related(*ITEM_RELATED)


def item_for(user, pk):
    return get_object_or_404(items_for(user), pk=pk)


def timeline(item):
    """The item's events, oldest first, with Chinese labels for the action and the statuses."""
    labels = dict(Status.choices)
    events = list(DemandEvent.objects.filter(item=item).select_related("actor").order_by("at", "pk"))
    for event in events:
        event.action_label = EVENT_LABELS.get(event.action, event.action)
        event.from_label = labels.get(event.from_status, event.from_status)
        event.to_label = labels.get(event.to_status, event.to_status)
    return events


def assigned_to(user):
    """Items the user works as an assignee (their own, their team's, their unit's, the station's)."""
    return items_for(user).filter(items_worked_by(scope_for(user)))


def queue_tabs(user, today=None):
    """[(key, label, queryset)] for the user's work queue, by role."""
    today = today or timezone.localdate()
    scope = scope_for(user)
    items = items_for(user)
    overdue = items.filter(status__in=OPEN, due_date__lt=today)
    if scope.is_org:
        return [
            ("to_accept", "待接单", items.filter(status=Status.SUBMITTED)),
            ("to_dispatch", "待派单", items.filter(status=Status.ACCEPTED)),
            ("to_reopen", "申请重办", reopen_requested(items)),
            ("overdue", "已逾期", overdue),
            ("open", "办理中", items.filter(status__in=OPEN)),
            ("resolved", "待评价", items.filter(status=Status.RESOLVED)),
        ]
    if scope.is_township:
        tabs = []
        if any(map(township_runs_loop, Township.objects.filter(pk__in=scope.township_ids))):
            tabs += [
                ("to_accept", "待接单", items.filter(status=Status.SUBMITTED)),
                ("to_dispatch", "待派单", items.filter(status=Status.ACCEPTED)),
                ("to_reopen", "申请重办", reopen_requested(items)),
            ]
        return tabs + [
            ("all", "本乡镇需求", items.exclude(status=Status.DRAFT)),
            ("open", "办理中", items.filter(status__in=OPEN)),
            ("to_rate", "待评价", items.filter(status=Status.RESOLVED)),
            ("overdue", "已逾期", overdue),
        ]
    if scope.is_secretary:
        village_items = items.filter(village__in=scope.village_ids)
        return [
            ("mine", "待我办理", assigned_to(user).filter(status__in=OPEN)),
            ("village", "本村需求", village_items.exclude(status=Status.DRAFT)),
            ("to_rate", "待我评价", village_items.filter(status=Status.RESOLVED)),
            ("done", "我已办结", assigned_to(user).filter(status__in=DONE)),
        ]
    if scope.is_station_manager:
        station_items = assigned_to(user)
        return [
            ("station", "服务站承办", station_items.filter(status__in=OPEN)),
            ("received", "服务站受理", items.filter(station_id=scope.station_id).exclude(status=Status.DRAFT)),
            ("done", "已办结", station_items.filter(status__in=DONE)),
        ]
    return []


def reopen_requested(items):
    """Rated items whose village asked, since the rating, for the work to be done again."""
    asked = DemandEvent.objects.filter(item=OuterRef("pk"), action="request_reopen", at__gte=OuterRef("rated_at"))
    return items.filter(status=Status.RATED).filter(Exists(asked))


def cobuild_rows(user, *, round_id=None, township_id=None):
    """共建清单: the matched pairs (item ↔ assignee / resource) of a round."""
    rows = items_for(user).filter(status__in=MATCHED)
    if round_id:
        rows = rows.filter(round_id=round_id)
    if township_id:
        rows = rows.filter(village__township_id=township_id)
    return rows.order_by("village__township__name", "village__name", "category__sort_order", "pk")


def supervision_rows(user, *, township_id=None, assignee="", category_id=None, min_days_overdue=None, reason=""):
    """督导清单: active flags in the user's scope, filtered."""
    today = timezone.localdate()
    flags = (
        SupervisionFlag.objects.for_user(user)
        .active()
        .select_related(*(f"item__{path}" for path in ITEM_RELATED))
        .filter(item__in=DemandItem.objects.for_user(user).values("pk"))
    )
    if township_id:
        flags = flags.filter(item__village__township_id=township_id)
    if category_id:
        flags = flags.filter(item__category_id=category_id)
    if reason:
        flags = flags.filter(reason=reason)
    if assignee:
        flags = flags.filter(
            Q(item__assignee_secretary__name__icontains=assignee)
            | Q(item__assignee_team__name__icontains=assignee)
            | Q(item__assignee_station__name__icontains=assignee)
            | Q(item__assignee_unit__name__icontains=assignee)
        )
    if min_days_overdue:
        flags = flags.filter(item__due_date__lte=today - timedelta(days=min_days_overdue))
    return flags.order_by("item__due_date", "item_id", "reason")
