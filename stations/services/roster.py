"""The roster: generating shifts, reporting gaps, freeing shifts for leave, confirming weeks.

The generator is a deterministic greedy pass over weeks and duty days. It loads everything it
needs in a handful of queries, decides in memory and writes with bulk_create, so a year for the
district or a month for a thousand stations stays well inside a second or a few.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.scoping import ROLE_ORG, ROLE_STATION
from core.signals import audit, records_written
from core.tasks import enqueue_on_commit
from core.text import clause
from notices.models import Notice
from notices.services import notify, notify_each
from secretaries.models import Secretary, StaffProfile
from stations import rules
from stations.access import can_change_leave, can_manage_station
from stations.models import (
    LIVE_STATUSES,
    OPEN_STATUSES,
    DutyShift,
    RosterGap,
    ServiceStation,
    SwapRequest,
    Unavailability,
)
from stations.selectors import monday_of, pool_ids_by_station

MAX_RANGE_DAYS = 3 * 366


@dataclass
class RosterResult:
    created: list = field(default_factory=list)  # new DutyShift objects
    gaps: list = field(default_factory=list)  # RosterGap rows open after this run (new or changed)
    refilled: list = field(default_factory=list)  # (gap, [new shifts]) for slots freed by leave


def _check_range(start, end):
    if not isinstance(start, date) or not isinstance(end, date):
        raise ValidationError("排班日期范围无效：开始和结束必须是日期")
    if end < start:
        raise ValidationError("排班日期范围无效：结束日期早于开始日期")
    if (end - start).days > MAX_RANGE_DAYS:
        raise ValidationError("排班日期范围过长：一次最多排三年")


def _weeks(start, end):
    monday = monday_of(start)
    while monday <= end:
        yield monday
        monday += timedelta(days=7)


def roster_generate(station_ids, start, end, *, notify_people=True, cap=None, by=None):
    """Fill every open duty slot of the given stations between start and end (inclusive).

    Hard rules: one live shift per person per day; none during leave; at most `cap`
    (ROSTER_MAX_SHIFTS_PER_WEEK) shifts per person per Monday-to-Sunday week across all stations.
    Existing shifts are kept (confirmed ones are never moved): a second run only fills gaps.
    Fairness: for each slot the pool member with the fewest shifts at this station comes first,
    then the fewest shifts anywhere (someone in two pools is not loaded twice), then the one who
    served here longest ago. Slots that cannot be filled become RosterGap rows and are reported.
    station_ids=None means every active station. Each station's run is an audit entry (`by`: who
    asked for it from the station page; None for the weekly job and the refills after leave)."""
    _check_range(start, end)
    cap = cap or settings.ROSTER_MAX_SHIFTS_PER_WEEK
    result = RosterResult()
    with transaction.atomic():
        stations = ServiceStation.objects.filter(active=True).order_by("pk")
        if station_ids is not None:
            stations = stations.filter(pk__in=list(station_ids))
        # Serialise concurrent runs over the same stations (a no-op on SQLite, which locks the file).
        stations = list(stations.select_for_update().only("pk", "name", "duty_weekdays", "secretaries_per_duty_day"))
        if not stations:
            return result
        pools = pool_ids_by_station([s.pk for s in stations])
        window_start, window_end = monday_of(start), monday_of(end) + timedelta(days=6)
        # Rules.Bookings.load's two reads, the shifts' one also counting each station's day.
        bookings = rules.Bookings(cap)
        bookings.add_leave(
            Unavailability.objects.filter(start__lte=window_end, end__gte=window_start).values_list(
                "secretary_id", "start", "end"
            )
        )
        filled = Counter()  # (station, day)
        for station_id, day, secretary_id in DutyShift.objects.filter(
            date__range=(window_start, window_end), status__in=LIVE_STATUSES
        ).values_list("station_id", "date", "secretary_id"):
            bookings.book(secretary_id, day)
            filled[(station_id, day)] += 1

        here_count, total_count = Counter(), Counter()
        last_here, last_any = {}, {}
        for row in (
            DutyShift.objects.filter(status__in=LIVE_STATUSES)
            .values("secretary_id", "station_id")
            .annotate(n=Count("id"), last=Max("date"))
        ):
            key = (row["station_id"], row["secretary_id"])
            here_count[key] = row["n"]
            last_here[key] = row["last"]
            total_count[row["secretary_id"]] += row["n"]
            if row["last"] > last_any.get(row["secretary_id"], date.min):
                last_any[row["secretary_id"]] = row["last"]

        gaps = {
            (g.station_id, g.date): g for g in RosterGap.objects.filter(station__in=stations, date__range=(start, end))
        }
        new_shifts, gap_changes, new_gaps = [], [], []
        refills = defaultdict(list)
        # Stations with the smallest pools choose first: they have the fewest alternatives.
        order = sorted(stations, key=lambda s: (len(pools.get(s.pk, ())), s.pk))
        for monday in _weeks(start, end):
            for station in order:
                pool = pools.get(station.pk, set())
                in_order = sorted(pool)
                for weekday in sorted(set(station.duty_weekdays or [])):
                    day = monday + timedelta(days=weekday)
                    if day < start or day > end:
                        continue
                    need = station.secretaries_per_duty_day - filled[(station.pk, day)]
                    chosen = []
                    if need > 0:
                        eligible = [
                            sid for sid in in_order if not rules.reasons_not_free(sid, day, bookings, pool=pool)
                        ]
                        eligible.sort(
                            key=lambda sid: (
                                here_count[(station.pk, sid)],
                                total_count[sid],
                                last_here.get((station.pk, sid), date.min),
                                last_any.get(sid, date.min),
                                sid,
                            )
                        )
                        chosen = eligible[:need]
                    for sid in chosen:
                        shift = DutyShift(station_id=station.pk, date=day, secretary_id=sid)
                        new_shifts.append(shift)
                        bookings.book(sid, day)
                        filled[(station.pk, day)] += 1
                        here_count[(station.pk, sid)] += 1
                        total_count[sid] += 1
                        last_here[(station.pk, sid)] = max(last_here.get((station.pk, sid), date.min), day)
                        last_any[sid] = max(last_any.get(sid, date.min), day)
                    missing = max(need - len(chosen), 0)
                    gap = gaps.get((station.pk, day))
                    if missing:
                        reason = rules.gap_reason(pool, day, bookings)
                        if gap is None:
                            gap = RosterGap(station_id=station.pk, date=day, missing=missing, reason=reason)
                            new_gaps.append(gap)
                        elif gap.resolved_at is not None or gap.missing != missing or gap.reason != reason:
                            if gap.resolved_at is not None:
                                gap.freed_secretary_id = None
                            gap.missing, gap.reason, gap.resolved_at = missing, reason, None
                            gap_changes.append(gap)
                        else:
                            continue
                        result.gaps.append(gap)
                    elif gap is not None and gap.resolved_at is None:
                        gap.resolved_at = timezone.now()
                        gap_changes.append(gap)
                        if gap.freed_secretary_id and chosen:
                            refills[gap.pk] = (gap, [s for s in new_shifts[-len(chosen) :]])

        bulk_create_with_history(new_shifts, DutyShift, batch_size=1000)
        if new_shifts or new_gaps or gap_changes:  # the dashboard counts shifts and open gaps
            records_written.send(sender=DutyShift)
        if not all(s.pk for s in new_shifts):
            _fetch_pks(new_shifts)
        RosterGap.objects.bulk_create(new_gaps, batch_size=1000)
        RosterGap.objects.bulk_update(
            gap_changes, ["missing", "reason", "resolved_at", "freed_secretary"], batch_size=1000
        )
        result.created = new_shifts
        result.refilled = list(refills.values())
        _audit_roster(stations, start, end, result, by)
        if notify_people:
            roster_notify(result)
    return result


def _audit_roster(stations, start, end, result, by):
    created = Counter(shift.station_id for shift in result.created)
    gaps = Counter(gap.station_id for gap in result.gaps)
    for station in stations:
        audit(
            "roster.generate",
            user=by,
            obj=station,
            detail=f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}：新排 {created[station.pk]} 个班次，缺口 {gaps[station.pk]} 天",
            created=created[station.pk],
            gaps=gaps[station.pk],
        )


def _fetch_pks(shifts):
    """Backends that do not return ids from bulk_create: look them up by the natural key."""
    by_key = {(s.secretary_id, s.date): s for s in shifts}
    rows = DutyShift.objects.filter(
        secretary_id__in={s.secretary_id for s in shifts}, date__in={s.date for s in shifts}
    ).exclude(status=DutyShift.Status.SWAPPED)
    for pk, secretary_id, day in rows.values_list("pk", "secretary_id", "date"):
        if (secretary_id, day) in by_key:
            by_key[(secretary_id, day)].pk = pk


def station_managers(station_ids):
    return list(
        get_user_model().objects.filter(
            staff_profile__role=ROLE_STATION, staff_profile__station__in=list(station_ids), is_active=True
        )
    )


def org_users(district_ids):
    return list(
        get_user_model()
        .objects.filter(staff_profile__role=ROLE_ORG, staff_profile__district__in=list(district_ids), is_active=True)
        .select_related("staff_profile")
    )


def _managers_by_station(station_ids):
    by_station = defaultdict(list)
    for profile in StaffProfile.objects.filter(role=ROLE_STATION, station__in=station_ids).select_related("user"):
        if profile.user.is_active:
            by_station[profile.station_id].append(profile.user)
    return by_station


def roster_notify(result):
    """Tell each secretary about their new shifts, the people whose leave freed a slot who took it
    over, and managers plus the org department about gaps. Every notice has a dedupe key. The
    people and stations of the whole run are read together and the notices written together, so
    a run over a province costs a fixed number of queries, not a few per gap."""
    if result.created:
        _notify_new_shifts([s.pk for s in result.created])
    notices = []
    stations = ServiceStation.objects.in_bulk(
        {gap.station_id for gap, _ in result.refilled} | {gap.station_id for gap in result.gaps}
    )
    if result.refilled:
        wanted = {gap.freed_secretary_id for gap, _ in result.refilled}
        wanted |= {shift.secretary_id for _, shifts in result.refilled for shift in shifts}
        secretaries = list(Secretary.objects.filter(pk__in=wanted).select_related("user"))  # in name order
        by_pk = {secretary.pk: secretary for secretary in secretaries}
        for gap, shifts in result.refilled:
            freed = by_pk.get(gap.freed_secretary_id)
            if not (freed and freed.user):
                continue
            taking_over = {shift.secretary_id for shift in shifts}
            names = "、".join(secretary.name for secretary in secretaries if secretary.pk in taking_over)
            notices.append(
                Notice(
                    recipient=freed.user,
                    title=f"您请假空出的{gap.date:%m月%d日}班次已有人接替",
                    body=f"{stations[gap.station_id].name} {gap.date:%Y年%m月%d日} 的班次由{names}接替。",
                    url=reverse("stations:my_shifts"),
                    kind="shift_refill",
                    dedupe_key=f"shift-refill:{gap.pk}:{gap.date}:{freed.pk}",
                )
            )
    if result.gaps:
        managers = _managers_by_station({gap.station_id for gap in result.gaps})
        districts = dict(
            ServiceStation.objects.filter(pk__in={gap.station_id for gap in result.gaps}).values_list(
                "pk", "township__district_id"
            )
        )
        org_by_district = defaultdict(list)
        for user in org_users(set(districts.values())):
            org_by_district[user.staff_profile.district_id].append(user)
        for gap in result.gaps:
            station = stations[gap.station_id]
            notices += [
                Notice(
                    recipient=user,
                    title=f"排班缺口：{station.name} {gap.date:%m月%d日} 缺{gap.missing}人",
                    body=f"{gap.date:%Y年%m月%d日}（{_weekday(gap.date)}）无法排满：{gap.reason}。请调整值班池或手工安排。",
                    url=reverse("stations:station_gaps", args=[station.pk]),
                    kind="roster_gap",
                    dedupe_key=f"roster-gap:{station.pk}:{gap.date}:{gap.missing}",
                )
                for user in managers[station.pk] + org_by_district[districts[station.pk]]
            ]
    notify_each(notices)


def _notify_new_shifts(shift_ids):
    """One notice per new shift, built in bulk: a few queries for the whole run instead of notify()'s
    three per shift."""
    shifts = DutyShift.objects.filter(pk__in=shift_ids, secretary__user__is_active=True).select_related(
        "station", "secretary__user"
    )
    return notify_each(
        Notice(
            recipient=shift.secretary.user,
            kind="shift_new",
            title=f"新的值班安排：{shift.date:%m月%d日} {shift.station.name}",
            body=f"您被安排于{shift.date:%Y年%m月%d日}（{_weekday(shift.date)}）在{shift.station.name}值班。",
            url=reverse("stations:shift_detail", args=[shift.pk]),
            dedupe_key=f"shift-new:{shift.pk}:{shift.date:%Y%m%d}",
        )
        for shift in shifts
    )


def _weekday(day):
    return "周" + "一二三四五六日"[day.weekday()]


def roster_horizon(today=None):
    """The range the weekly job keeps filled: today to the end of the ROSTER_WEEKS_AHEAD-th week."""
    today = today or timezone.localdate()
    end = monday_of(today) + timedelta(days=7 * settings.ROSTER_WEEKS_AHEAD - 1)
    return today, end


# --- leave ---------------------------------------------------------------------------------


def leave_add(secretary, start, end, reason, *, by=None, today=None):
    """Record leave and free the person's open shifts in it (from today on). Each freed day becomes
    a gap remembered with the person, so the next run fills it and tells both of them."""
    today = today or timezone.localdate()
    _check_leave(start, end, reason)
    with transaction.atomic():
        leave = Unavailability.objects.create(secretary=secretary, start=start, end=end, reason=reason.strip())
        freed = _free_shifts_for_leave(leave, today)
    return leave, freed


def _check_leave(start, end, reason):
    if not isinstance(start, date) or not isinstance(end, date):
        raise ValidationError("请假日期无效")
    if end < start:
        raise ValidationError("结束日期不能早于开始日期")
    if not (reason or "").strip():
        raise ValidationError("请填写请假事由")


def _leave_not_started(leave, today):
    if leave.start <= today:
        raise ValidationError("请假已经开始，不能再修改或撤回")


def leave_change(leave, user, start, end, reason, *, today=None):
    """Edit leave that has not started. Shifts inside the new dates are freed like new leave; shifts
    freed earlier stay freed (the next run may give them to this person again if they are free)."""
    today = today or timezone.localdate()
    if not can_change_leave(user, leave):
        raise PermissionDenied("无权修改这条请假")
    _check_leave(start, end, reason)
    with transaction.atomic():
        leave = Unavailability.objects.select_for_update().get(pk=leave.pk)
        _leave_not_started(leave, today)
        leave.start, leave.end, leave.reason = start, end, reason.strip()
        leave.save(update_fields=["start", "end", "reason"])
        freed = _free_shifts_for_leave(leave, today, key=f"leave-freed:{leave.pk}:{start}:{end}")
    return leave, freed


def leave_withdraw(leave, user, *, today=None):
    """Withdraw leave that has not started. Nothing else changes: shifts it freed stay freed and
    their gaps stay open; the next roster run may give them to this person again."""
    today = today or timezone.localdate()
    if not can_change_leave(user, leave):
        raise PermissionDenied("无权撤回这条请假")
    with transaction.atomic():
        leave = (
            Unavailability.objects.select_for_update(of=("self",)).select_related("secretary__user").get(pk=leave.pk)
        )
        _leave_not_started(leave, today)
        secretary, start, end, pk = leave.secretary, leave.start, leave.end, leave.pk
        leave.delete()
        if secretary.user_id and secretary.user_id != user.pk:
            notify(
                [secretary.user],
                f"您{start:%m月%d日}至{end:%m月%d日}的请假已被撤回",
                body=f"撤回人：{user.get_full_name() or user.get_username()}。如有疑问请联系所在乡镇或服务站。",
                url=reverse("stations:my_leave"),
                kind="leave_withdrawn",
                dedupe_key=f"leave-withdrawn:{pk}",
            )


def _free_shifts_for_leave(leave, today, *, key=None):
    secretary, start, end, reason = leave.secretary, leave.start, leave.end, leave.reason
    key = key or f"leave-freed:{leave.pk}"
    freed = list(
        DutyShift.objects.select_for_update()
        .filter(secretary=secretary, date__range=(max(start, today), end), status__in=OPEN_STATUSES)
        .filter(check_in_at__isnull=True)  # someone already at the station today keeps the shift
        .select_related("station")
    )
    # An exchange offered for one of these shifts cannot happen any more: without this, the
    # SET_NULL on to_shift would quietly turn it into a one-way cover the colleague never agreed to.
    SwapRequest.objects.filter(
        to_shift__in=freed, status__in=[SwapRequest.Status.PROPOSED, SwapRequest.Status.ACCEPTED]
    ).update(status=SwapRequest.Status.CANCELLED, decided_at=timezone.now())
    for shift in freed:
        gap, created = RosterGap.objects.get_or_create(
            station=shift.station,
            date=shift.date,
            defaults={"missing": 1, "reason": f"{secretary.name}请假空出", "freed_secretary": secretary},
        )
        if not created:
            gap.missing = 1 if gap.resolved_at else gap.missing + 1
            gap.reason, gap.freed_secretary, gap.resolved_at = f"{secretary.name}请假空出", secretary, None
            gap.save(update_fields=["missing", "reason", "freed_secretary", "resolved_at"])
        shift.delete()
    if freed:
        days = "、".join(f"{s.date:%m月%d日}{s.station.name}" for s in freed)
        managers = station_managers({s.station_id for s in freed})
        notify(
            managers,
            f"{secretary.name}请假，{len(freed)}个班次空出",
            body=f"{start:%Y-%m-%d}至{end:%Y-%m-%d}请假（{clause(reason)}）。空出的班次：{days}。系统将在下次排班时补齐。",
            url=reverse("stations:station_gaps", args=[freed[0].station_id]),
            kind="shift_freed",
            dedupe_key=key,
        )
        if secretary.user:
            notify(
                [secretary.user],
                "请假已登记，相关班次已释放",
                body=f"释放的班次：{days}。",
                url=reverse("stations:my_leave"),
                kind="shift_freed",
                dedupe_key=key,
            )
        station_ids = sorted({s.station_id for s in freed})
        first, last = min(s.date for s in freed), max(s.date for s in freed)
        # The task is named, not imported: stations.tasks calls these services.
        refill = current_app.signature(
            "stations.tasks.extend_roster",
            kwargs={"station_ids": station_ids, "start": first.isoformat(), "end": last.isoformat()},
        )
        enqueue_on_commit(refill)
    return freed


def roster_confirm_week(station, monday, user):
    """The station manager (or the org department) confirms a week: its scheduled shifts become
    confirmed, which the generator never moves."""
    if not can_manage_station(user, station):
        raise PermissionDenied("只有本站负责人或组织部可以确认排班")
    confirmed = DutyShift.objects.filter(
        station=station, date__range=(monday, monday + timedelta(days=6)), status=DutyShift.Status.SCHEDULED
    ).update(status=DutyShift.Status.CONFIRMED, updated_at=timezone.now())
    records_written.send(sender=DutyShift)
    return confirmed
