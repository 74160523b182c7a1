"""The day of the shift (check-in, check-out, note, reminders, absence), pools and the calendar feed."""

import secrets
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event
from simple_history.utils import bulk_update_with_history

from core.signals import records_written
from notices.models import Notice
from notices.services import notify, notify_each
from stations.access import can_edit_pool, is_own_shift
from stations.models import (
    OPEN_STATUSES,
    CalendarToken,
    DutyShift,
    PoolMember,
    ShiftReminderLog,
)
from stations.services.roster import _managers_by_station, org_users

# --- the day of the shift --------------------------------------------------------------------


def _own_shift(shift, user):
    if not is_own_shift(user, shift):
        raise PermissionDenied("只有本班次的值班第一书记可以签到、签退")


def shift_check_in(shift, user, *, now=None):
    now = now or timezone.now()
    _own_shift(shift, user)
    if shift.date != timezone.localdate(now):
        raise ValidationError("只能在值班当天签到")
    if not shift.is_open:
        raise ValidationError(f"该班次状态为“{shift.get_status_display()}”，不能签到")
    if shift.check_in_at:
        raise ValidationError("已经签到过了")
    shift.check_in_at = now
    shift.status = DutyShift.Status.CONFIRMED
    shift.save(update_fields=["check_in_at", "status", "updated_at"])
    return shift


def shift_check_out(shift, user, *, now=None, work_note=None):
    now = now or timezone.now()
    _own_shift(shift, user)
    if shift.date != timezone.localdate(now):
        raise ValidationError("只能在值班当天签退")
    if not shift.check_in_at:
        raise ValidationError("请先签到")
    if shift.check_out_at:
        raise ValidationError("已经签退过了")
    shift.check_out_at = now
    shift.status = DutyShift.Status.DONE
    if work_note is not None:
        shift.work_note = work_note.strip()
    shift.save(update_fields=["check_out_at", "status", "work_note", "updated_at"])
    return shift


def shift_save_note(shift, user, work_note, *, today=None):
    today = today or timezone.localdate()
    _own_shift(shift, user)
    if shift.date > today:
        raise ValidationError("值班当天或之后才能填写值班记录")
    if shift.status == DutyShift.Status.SWAPPED:
        raise ValidationError("该班次已调换，不能填写值班记录")
    shift.work_note = work_note.strip()
    shift.save(update_fields=["work_note", "updated_at"])
    return shift


def shifts_mark_absent(day):
    """End of the duty day: a shift never checked into is absent (and reported); one checked into
    but not out is done. Idempotent: only open shifts on or before `day` change. The shifts are
    written and the reports sent in bulk, so a province's day costs a fixed number of queries;
    the reports stay inside the transaction, so a failed run changes nothing and is retried whole."""
    absent = []
    with transaction.atomic():
        shifts = list(
            DutyShift.objects.select_for_update()
            .filter(date__lte=day, status__in=OPEN_STATUSES)
            .select_related("station__township", "secretary")
        )
        now = timezone.now()
        for shift in shifts:
            if shift.check_in_at:
                shift.status = DutyShift.Status.DONE
            else:
                shift.status = DutyShift.Status.ABSENT
                absent.append(shift)
            shift.updated_at = now  # bulk_update does not apply auto_now
        bulk_update_with_history(shifts, DutyShift, ["status", "updated_at"], batch_size=500)
        records_written.send(sender=DutyShift)
        if absent:
            managers = _managers_by_station({s.station_id for s in absent})
            orgs = defaultdict(list)
            for user in org_users({s.station.township.district_id for s in absent}):
                orgs[user.staff_profile.district_id].append(user)
            notify_each(
                Notice(
                    recipient=user,
                    title=f"值班缺勤：{shift.station.name} {shift.date:%m月%d日} {shift.secretary.name}",
                    body=f"{shift.secretary.name}在{shift.date:%Y年%m月%d日}未签到，已记为缺勤。",
                    url=reverse("stations:shift_detail", args=[shift.pk]),
                    kind="shift_absent",
                    dedupe_key=f"shift-absent:{shift.pk}",
                )
                for shift in absent
                for user in managers[shift.station_id] + orgs[shift.station.township.district_id]
            )
    return absent


def shifts_send_reminders(day):
    """Remind each secretary on duty the day after `day`. ShiftReminderLog's unique constraint
    makes a second run send nothing."""
    target = day + timedelta(days=1)
    shifts = list(
        DutyShift.objects.filter(date=target, status__in=OPEN_STATUSES)
        .exclude(reminders__kind="day_before")
        .select_related("station", "secretary__user")
    )
    sent = []
    for shift in shifts:
        _, created = ShiftReminderLog.objects.get_or_create(shift=shift, kind="day_before")
        if not created or shift.secretary.user is None:
            continue
        notify(
            [shift.secretary.user],
            f"明天值班提醒：{shift.station.name}",
            body=f"您明天（{target:%Y年%m月%d日}）在{shift.station.name}值班，地址：{shift.station.address or '见服务站信息'}。到站后请在手机上签到。",
            url=reverse("stations:shift_detail", args=[shift.pk]),
            kind="shift_reminder",
            dedupe_key=f"shift-remind:{shift.pk}",
            sms=True,
        )
        sent.append(shift)
    return sent


# --- pool and calendar token ---------------------------------------------------------------


def pool_set_member(station, secretary, active, user):
    """Org department only: put a person into or out of the pool. A default person who is
    taken out keeps a row with active=False; someone from elsewhere is added with active=True."""
    if not can_edit_pool(user):
        raise PermissionDenied("只有组织部可以调整值班池")
    is_default = station.covered_townships.filter(pk=secretary.village.township_id).exists()
    if active and is_default:
        PoolMember.objects.filter(station=station, secretary=secretary).delete()
    elif active:
        PoolMember.objects.update_or_create(
            station=station, secretary=secretary, defaults={"active": True, "added_manually": True}
        )
    elif is_default:
        PoolMember.objects.update_or_create(
            station=station, secretary=secretary, defaults={"active": False, "added_manually": True}
        )
    else:
        PoolMember.objects.filter(station=station, secretary=secretary).delete()


def calendar_token_for(secretary):
    token, _ = CalendarToken.objects.get_or_create(secretary=secretary, defaults={"token": secrets.token_urlsafe(32)})
    return token


def calendar_token_regenerate(secretary):
    """A new token; the old address stops working at once."""
    token = calendar_token_for(secretary)
    token.token = secrets.token_urlsafe(32)
    token.save(update_fields=["token"])
    return token


def ical_feed(secretary, today=None):
    """The secretary's shifts from 90 days back as an iCalendar document (bytes)."""
    today = today or timezone.localdate()
    calendar = Calendar()
    calendar.add("prodid", "-//第一书记组团服务平台//值班//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{secretary.name}的服务站值班")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    shifts = (
        DutyShift.objects.filter(secretary=secretary, date__gte=today - timedelta(days=90))
        .exclude(status=DutyShift.Status.SWAPPED)
        .select_related("station")
        .order_by("date")
    )
    for shift in shifts:
        event = Event()
        event.add("uid", f"shift-{shift.pk}@fsp")
        event.add("summary", f"服务站值班：{shift.station.name}")
        event.add("dtstart", shift.date)
        event.add("dtend", shift.date + timedelta(days=1))
        event.add("dtstamp", shift.updated_at)
        if shift.station.address:
            event.add("location", shift.station.address)
        event.add("description", f"状态：{shift.get_status_display()}")
        calendar.add_component(event)
    return calendar.to_ical()
