"""Demo stations: Fangshan's 8 rural-revitalization service stations and a manager login each,
their duty pools (the covered townships, with two adjustments by the org department), a roster
for the past 8 weeks (mostly done, a few absent and swapped) and the next 4 weeks.

Deterministic and idempotent: the generator only fills gaps, and past shifts are settled from a
random generator seeded by the shift itself, only while they are still 'scheduled'."""

import random
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from secretaries.demo import demo_password_hash
from secretaries.models import Secretary, StaffProfile, Township
from stations.models import LIVE_STATUSES, DutyShift, PoolMember, ServiceStation, SwapRequest, Unavailability
from stations.selectors import monday_of, pool_ids_by_station
from stations.services import roster_generate

PAST_WEEKS = 8
WORK_NOTES = [
    "接待村民咨询{n}人次，受理农产品销售需求1件，已登记转区农业农村局。",
    "协调法律服务团队为{n}户村民解答土地流转问题。",
    "参加服务站例会，交流驻村工作经验，整理本周需求清单{n}条。",
    "接待来访群众{n}人，帮助联系电商平台直播带货事宜。",
    "走访周边村了解灾后恢复重建进度，收集需求{n}条。",
]

# (station township, covered townships, duty weekday, secretaries per week, manager login)
STATIONS = [
    ("十渡镇", ["十渡镇", "张坊镇", "蒲洼乡"], 2, 2, "zz_shidu"),
    ("佛子庄乡", ["佛子庄乡", "河北镇"], 1, 2, "zz_fozizhuang"),
    ("大安山乡", ["大安山乡", "史家营乡"], 3, 1, "zz_daanshan"),
    ("霞云岭乡", ["霞云岭乡", "南窖乡"], 2, 1, "zz_xiayunling"),
    ("周口店镇", ["周口店镇", "韩村河镇"], 4, 1, "zz_zhoukoudian"),
    ("青龙湖镇", ["青龙湖镇", "长阳镇", "良乡镇", "拱辰街道", "阎村镇"], 1, 2, "zz_qinglonghu"),
    ("琉璃河镇", ["琉璃河镇", "窦店镇", "石楼镇"], 3, 1, "zz_liulihe"),
    ("长沟镇", ["长沟镇", "大石窝镇"], 0, 1, "zz_changgou"),
]


def seed(stdout):
    stations_and_managers()
    _pool_adjustments()
    _roster(stdout)
    stdout.write(f"服务站：{ServiceStation.objects.count()}个。")


def stations_and_managers():
    townships = {t.name: t for t in Township.objects.filter(district__name="房山区")}
    User = get_user_model()
    for township_name, covered, weekday, per_day, username in STATIONS:
        station, created = ServiceStation.objects.get_or_create(
            name=f"{township_name}乡村振兴服务站",
            defaults={
                "township": townships[township_name],
                "duty_weekdays": [weekday],
                "secretaries_per_duty_day": per_day,
                "address": f"北京市房山区{township_name}人民政府院内",
                "contact_name": "站长",
            },
        )
        if created:
            station.covered_townships.set([townships[name] for name in covered])
        user, user_created = User.objects.get_or_create(
            username=username, defaults={"first_name": f"{township_name}服务站负责人"}
        )
        if user_created:
            user.password = demo_password_hash()
            user.save(update_fields=["password"])
        StaffProfile.objects.get_or_create(user=user, defaults={"role": "station_manager", "station": station})


def _pool_adjustments():
    """Two hand adjustments so the pool page shows both kinds: someone from a neighbouring
    township joins 大安山, and one default member of 十渡 is kept out (long-term training)."""
    joiner = Secretary.objects.filter(village__township__name="霞云岭乡").order_by("pk").first()
    station = ServiceStation.objects.filter(name="大安山乡乡村振兴服务站").first()
    if joiner and station:
        PoolMember.objects.get_or_create(
            station=station, secretary=joiner, defaults={"active": True, "added_manually": True}
        )
    away = Secretary.objects.filter(village__township__name="十渡镇").order_by("pk").last()
    station = ServiceStation.objects.filter(name="十渡镇乡村振兴服务站").first()
    if away and station:
        PoolMember.objects.get_or_create(
            station=station, secretary=away, defaults={"active": False, "added_manually": True}
        )


def _roster(stdout):
    today = timezone.localdate()
    past_start = monday_of(today) - timedelta(weeks=PAST_WEEKS)
    roster_generate(None, past_start, today - timedelta(days=1), notify_people=False)
    _settle_past(today)
    _leave(today)
    future_end = monday_of(today) + timedelta(days=7 * settings.ROSTER_WEEKS_AHEAD - 1)
    roster_generate(None, today, future_end, notify_people=False)
    live = DutyShift.objects.filter(status__in=LIVE_STATUSES)
    stdout.write(
        f"值班：过去{PAST_WEEKS}周{live.filter(date__lt=today).count()}个班次，"
        f"未来{settings.ROSTER_WEEKS_AHEAD}周{live.filter(date__gte=today).count()}个班次。"
    )


def _settle_past(today):
    """Past shifts still 'scheduled' become done (with times and a note), absent, or swapped."""
    pools = pool_ids_by_station()
    busy = set(DutyShift.objects.filter(status__in=LIVE_STATUSES).values_list("secretary_id", "date"))
    week_load = {}
    for secretary_id, day in busy:
        key = (secretary_id, monday_of(day))
        week_load[key] = week_load.get(key, 0) + 1
    done, manager_of = [], {p.station_id: p.user for p in StaffProfile.objects.filter(role="station_manager")}
    past = DutyShift.objects.filter(date__lt=today, status=DutyShift.Status.SCHEDULED).order_by(
        "date", "station_id", "pk"
    )
    for n, shift in enumerate(past):
        rng = random.Random(f"{shift.station_id}-{shift.date}-{shift.secretary_id}")
        # One in twenty absent, one in twenty swapped: by position, so every seed has a few of each
        # whatever the ids and the day (a random draw left some seeds with none).
        if n % 20 == 7:
            shift.status = DutyShift.Status.ABSENT
        elif n % 20 == 13:
            taker = next(
                (
                    sid
                    for sid in sorted(pools.get(shift.station_id, ()))
                    if (sid, shift.date) not in busy and week_load.get((sid, monday_of(shift.date)), 0) == 0
                ),
                None,
            )
            if taker is not None:
                _swap_past(shift, taker, manager_of.get(shift.station_id), rng)
                busy.add((taker, shift.date))
                week_load[(taker, monday_of(shift.date))] = 1
                continue
            shift.status = DutyShift.Status.DONE
        else:
            shift.status = DutyShift.Status.DONE
        if shift.status == DutyShift.Status.DONE:
            _fill_done(shift, rng)
        done.append(shift)
    DutyShift.objects.bulk_update(done, ["status", "check_in_at", "check_out_at", "work_note"], batch_size=500)


def _fill_done(shift, rng):
    tz = timezone.get_current_timezone()
    shift.check_in_at = datetime.combine(shift.date, time(8, 30 + rng.randint(0, 25)), tz)
    shift.check_out_at = datetime.combine(shift.date, time(16, 30 + rng.randint(0, 29)), tz)
    shift.work_note = rng.choice(WORK_NOTES).format(n=rng.randint(2, 9))


def _swap_past(shift, taker_id, manager, rng):
    shift.status = DutyShift.Status.SWAPPED
    shift.save(update_fields=["status", "updated_at"])
    SwapRequest.objects.create(
        shift=shift,
        to_secretary_id=taker_id,
        reason=rng.choice(["单位临时开会", "村里接待上级检查", "家中有事"]),
        status=SwapRequest.Status.APPROVED,
        decided_by=manager,
        decided_at=timezone.now(),
    )
    replacement = DutyShift(station_id=shift.station_id, date=shift.date, secretary_id=taker_id)
    _fill_done(replacement, rng)
    replacement.status = DutyShift.Status.DONE
    replacement.save()


def _leave(today):
    """Two upcoming leaves, entered before the future roster is generated."""
    for username, offset, days, reason in [("sj003", 7, 10, "参加市委党校培训"), ("sj041", 3, 5, "病假")]:
        person = Secretary.objects.filter(user__username=username).first()
        if person is None:
            continue
        start = today + timedelta(days=offset)
        Unavailability.objects.get_or_create(
            secretary=person, reason=reason, defaults={"start": start, "end": start + timedelta(days=days)}
        )
