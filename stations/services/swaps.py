"""Swaps: the secretary proposes, the other accepts, the station manager approves (rules rechecked)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notices.services import notify
from secretaries.models import Secretary
from stations import rules
from stations.access import can_manage_station, is_swap_invitee, is_swap_proposer
from stations.models import DutyShift, SwapRequest
from stations.selectors import pool_ids
from stations.services.duty import _own_shift
from stations.services.roster import station_managers

# --- swaps ---------------------------------------------------------------------------------


def _taking_over_problems(person, station, day, giving_up, today):
    """Why `person` may not take `station`'s shift on `day` when giving up the shift `giving_up`."""
    bookings = rules.Bookings.load(day, day, secretary_ids=[person.pk], excluding=[giving_up.pk if giving_up else None])
    reasons = rules.reasons_not_free(
        person.pk,
        day,
        bookings,
        pool=pool_ids(station),
        on_post=person.status == Secretary.Status.ON_POST,
        today=today,
    )
    return [reason.message(person, station, day, bookings.cap) for reason in reasons]


def swap_problems(swap, today=None):
    """The hard rules, checked for both people as the swap would leave them."""
    today = today or timezone.localdate()
    shift = swap.shift
    problems = []
    if not shift.is_open:
        problems.append("原班次已不是待值班状态")
    problems += _taking_over_problems(swap.to_secretary, shift.station, shift.date, swap.to_shift, today)
    if swap.to_shift is not None:
        other = swap.to_shift
        if not other.is_open or other.secretary_id != swap.to_secretary_id:
            problems.append("对方班次已变化")
        problems += _taking_over_problems(shift.secretary, other.station, other.date, shift, today)
    return problems


def swap_propose(shift, user, to_secretary, *, to_shift=None, reason="", today=None):
    today = today or timezone.localdate()
    _own_shift(shift, user)
    if to_secretary.pk == shift.secretary_id:
        raise ValidationError("不能调换给自己")
    if to_shift is not None and to_shift.secretary_id != to_secretary.pk:
        raise ValidationError("互换的班次必须是对方本人的班次")
    if shift.swap_requests.filter(status__in=[SwapRequest.Status.PROPOSED, SwapRequest.Status.ACCEPTED]).exists():
        raise ValidationError("该班次已有进行中的调班申请")
    swap = SwapRequest(shift=shift, to_secretary=to_secretary, to_shift=to_shift, reason=(reason or "").strip())
    problems = swap_problems(swap, today)
    if problems:
        raise ValidationError(problems)
    swap.save()
    if to_secretary.user:
        notify(
            [to_secretary.user],
            f"{shift.secretary.name}请您代班：{shift.date:%m月%d日} {shift.station.name}",
            body=swap.reason,
            url=reverse("stations:swap_list"),
            kind="swap",
            dedupe_key=f"swap-proposed:{swap.pk}",
        )
    return swap


def _move(swap, allowed_from, new_status, user=None):
    """Change the status only if it is still one of `allowed_from` (a conditional UPDATE), so a
    cancel racing an approval cannot overwrite it; the loser gets a clear message."""
    fields = {"status": new_status}
    if user is not None:
        fields.update(decided_by=user, decided_at=timezone.now())
    changed = SwapRequest.objects.filter(pk=swap.pk, status__in=allowed_from).update(**fields)
    if not changed:
        raise ValidationError("该申请刚刚已被处理，请刷新页面查看")
    for name, value in fields.items():
        setattr(swap, name, value)
    return swap


def _decide(swap, user, new_status, allowed_from):
    return _move(swap, allowed_from, new_status, user)


def swap_accept(swap, user):
    if not is_swap_invitee(user, swap):
        raise PermissionDenied("只有被邀请的第一书记可以同意")
    if swap.status != SwapRequest.Status.PROPOSED:
        raise ValidationError("该申请已处理")
    _move(swap, [SwapRequest.Status.PROPOSED], SwapRequest.Status.ACCEPTED)
    notify(
        station_managers([swap.shift.station_id]),
        f"待审批调班：{swap.shift.station.name} {swap.shift.date:%m月%d日}",
        body=f"{swap.shift.secretary.name} → {swap.to_secretary.name}",
        url=reverse("stations:swap_list"),
        kind="swap",
        dedupe_key=f"swap-accepted:{swap.pk}",
    )
    return swap


def swap_decline(swap, user):
    if not is_swap_invitee(user, swap):
        raise PermissionDenied("只有被邀请的第一书记可以拒绝")
    if swap.status != SwapRequest.Status.PROPOSED:
        raise ValidationError("该申请已处理")
    return _decide(swap, user, SwapRequest.Status.DECLINED, [SwapRequest.Status.PROPOSED])


def swap_cancel(swap, user):
    if not is_swap_proposer(user, swap):
        raise PermissionDenied("只有申请人可以撤回")
    if swap.status not in (SwapRequest.Status.PROPOSED, SwapRequest.Status.ACCEPTED):
        raise ValidationError("该申请已处理，不能撤回")
    return _decide(swap, user, SwapRequest.Status.CANCELLED, [SwapRequest.Status.PROPOSED, SwapRequest.Status.ACCEPTED])


def swap_reject(swap, user):
    if not can_manage_station(user, swap.shift.station):
        raise PermissionDenied("只有本站负责人或组织部可以审批")
    if swap.status != SwapRequest.Status.ACCEPTED:
        raise ValidationError("只能驳回对方已同意、待审批的申请")
    _decide(swap, user, SwapRequest.Status.REJECTED, [SwapRequest.Status.ACCEPTED])
    _tell_swap_people(swap, "调班申请被驳回")
    return swap


def swap_approve(swap, user, *, today=None):
    """The manager approves: the hard rules are checked again as things stand now, then the shift
    (and the counter shift of an exchange) is marked swapped and a new one made for the taker."""
    if not can_manage_station(user, swap.shift.station):
        raise PermissionDenied("只有本站负责人或组织部可以审批")
    with transaction.atomic():
        swap = SwapRequest.objects.select_for_update(of=("self",)).select_related("shift", "to_shift").get(pk=swap.pk)
        if swap.status != SwapRequest.Status.ACCEPTED:
            raise ValidationError("只能批准对方已同意的申请")
        problems = swap_problems(swap, today)
        if problems:
            raise ValidationError(problems)
        shift, other = swap.shift, swap.to_shift
        for old in filter(None, [shift, other]):
            old.status = DutyShift.Status.SWAPPED
            old.save(update_fields=["status", "updated_at"])
        DutyShift.objects.create(station=shift.station, date=shift.date, secretary=swap.to_secretary)
        if other is not None:
            DutyShift.objects.create(station=other.station, date=other.date, secretary=shift.secretary)
        _decide(swap, user, SwapRequest.Status.APPROVED, [SwapRequest.Status.ACCEPTED])
    _tell_swap_people(swap, "调班申请已批准")
    return swap


def _tell_swap_people(swap, title):
    users = [swap.shift.secretary.user, swap.to_secretary.user]
    notify(
        users,
        f"{title}：{swap.shift.station.name} {swap.shift.date:%m月%d日}",
        body=f"{swap.shift.secretary.name} → {swap.to_secretary.name}",
        url=reverse("stations:my_shifts"),
        kind="swap",
        dedupe_key=f"swap-{swap.status}:{swap.pk}",
    )
