from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.scoping import ROLE_SECRETARY, ROLE_STATION, ROLE_TOWNSHIP, ScopedQuerySet, scope_for

WEEKDAY_CHOICES = [(0, "周一"), (1, "周二"), (2, "周三"), (3, "周四"), (4, "周五"), (5, "周六"), (6, "周日")]


class ServiceStationQuerySet(ScopedQuerySet):
    district_path = "township__district"
    township_path = "township"

    def for_user(self, user):
        scope = scope_for(user)
        if scope.role == ROLE_STATION and not scope.is_superuser:
            return self.filter(pk=scope.station_id)
        if scope.role == ROLE_SECRETARY and not scope.is_superuser:
            # A secretary sees the stations whose pool they belong to or that cover their township.
            return self.filter(
                Q(pool_members__secretary_id=scope.secretary_id, pool_members__active=True)
                | Q(covered_townships__in=scope.township_ids)
                | Q(township__in=scope.township_ids)
            ).distinct()
        if scope.role == "township" and not scope.is_superuser:
            return self.filter(
                Q(township__in=scope.township_ids) | Q(covered_townships__in=scope.township_ids)
            ).distinct()
        return super().for_user(user)


class ServiceStation(models.Model):
    """乡村振兴服务站, set up in a township with many secretaries and serving those around it."""

    name = models.CharField("名称", max_length=60, unique=True)
    township = models.ForeignKey(
        "secretaries.Township", on_delete=models.PROTECT, related_name="stations", verbose_name="所在乡镇"
    )
    covered_townships = models.ManyToManyField(
        "secretaries.Township", blank=True, related_name="covering_stations", verbose_name="服务乡镇"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    contact_name = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    duty_weekdays = models.JSONField("值班日（0=周一）", default=list, blank=True)
    secretaries_per_duty_day = models.PositiveSmallIntegerField("每个值班日人数", default=1)
    active = models.BooleanField("启用", default=True)
    history = HistoricalRecords()

    objects = ServiceStationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "乡村振兴服务站"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(secretaries_per_duty_day__gte=1) & Q(secretaries_per_duty_day__lte=2),
                name="station_one_or_two_per_duty_day",
                violation_error_message="每个值班日人数应为1到2人",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def weekdays_display(self):
        names = dict(WEEKDAY_CHOICES)
        return "、".join(names[d] for d in sorted(self.duty_weekdays or []) if d in names) or "未设置"

    def clean(self):
        weekdays = self.duty_weekdays or []
        if not isinstance(weekdays, list) or any(d not in range(7) for d in weekdays):
            raise ValidationError({"duty_weekdays": "值班日应为0（周一）到6（周日）之间的数字"})


class PoolMemberQuerySet(ScopedQuerySet):
    district_path = "station__township__district"
    township_path = "secretary__village__township"
    secretary_path = "secretary"


class PoolMember(models.Model):
    """A secretary in a station's duty pool. Defaults come from the covered townships; the org
    department adds or removes people (an excluded default stays as active=False)."""

    station = models.ForeignKey(
        ServiceStation, on_delete=models.CASCADE, related_name="pool_members", verbose_name="服务站"
    )
    secretary = models.ForeignKey(
        "secretaries.Secretary", on_delete=models.CASCADE, related_name="station_pools", verbose_name="第一书记"
    )
    active = models.BooleanField("在值班池中", default=True)
    added_manually = models.BooleanField("手工调整", default=False)

    objects = PoolMemberQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "值班池成员"
        constraints = [models.UniqueConstraint(fields=["station", "secretary"], name="pool_member_unique")]

    def __str__(self):
        return f"{self.station} · {self.secretary}"


class DutyShiftQuerySet(ScopedQuerySet):
    district_path = "station__township__district"
    township_path = "station__township"
    secretary_path = "secretary"

    def for_user(self, user):
        scope = scope_for(user)
        if scope.is_superuser:
            return self
        if scope.role == ROLE_STATION:
            return self.filter(station_id=scope.station_id)
        if scope.role == ROLE_TOWNSHIP:
            # Township staff see their own secretaries' shifts and the shifts at their stations.
            return self.filter(
                Q(station__township__in=scope.township_ids) | Q(secretary__village__township__in=scope.township_ids)
            )
        return super().for_user(user)

    def on_duty(self, day):
        """Shifts whose secretary is at the station on `day`: the one answer to "who is on duty".
        A swapped shift was handed to someone else; an absent one was not worked."""
        return self.filter(date=day).exclude(status__in=[DutyShift.Status.SWAPPED, DutyShift.Status.ABSENT])


class DutyShift(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "已排班"
        CONFIRMED = "confirmed", "已确认"
        DONE = "done", "已完成"
        ABSENT = "absent", "缺勤"
        SWAPPED = "swapped", "已调换"

    station = models.ForeignKey(ServiceStation, on_delete=models.PROTECT, related_name="shifts", verbose_name="服务站")
    date = models.DateField("值班日期")
    secretary = models.ForeignKey(
        "secretaries.Secretary", on_delete=models.PROTECT, related_name="duty_shifts", verbose_name="值班第一书记"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    check_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    check_out_at = models.DateTimeField("签退时间", null=True, blank=True)
    work_note = models.TextField("值班记录", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = DutyShiftQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "值班班次"
        ordering = ["date", "station"]
        constraints = [
            # Never two live shifts for one person on one day (a swapped shift no longer counts).
            models.UniqueConstraint(
                fields=["secretary", "date"],
                condition=~Q(status="swapped"),
                name="shift_one_per_person_per_day",
                violation_error_message="同一人同一天不能有两个班次",
            ),
        ]
        indexes = [models.Index(fields=["station", "date"]), models.Index(fields=["date", "status"])]

    def __str__(self):
        return f"{self.station} {self.date} {self.secretary}"

    @property
    def is_open(self):
        """Still ahead of the secretary: can be checked into, swapped or freed by leave."""
        return self.status in OPEN_STATUSES

    @property
    def status_label(self):
        return shift_status_label(self.status, self.check_in_at, self.check_out_at)


def shift_status_label(status, check_in_at, check_out_at):
    """A shift's status as people read it: one checked into (and not yet out) is 已签到, though
    its stored status is the week's 已确认 (pages read DutyShift.status_label, lists of values this)."""
    if status == DutyShift.Status.CONFIRMED and check_in_at and not check_out_at:
        return "已签到"
    return dict(DutyShift.Status.choices).get(status, status)


# A swapped shift was handed to someone else; every other status holds the person's day.
LIVE_STATUSES = [
    DutyShift.Status.SCHEDULED,
    DutyShift.Status.CONFIRMED,
    DutyShift.Status.DONE,
    DutyShift.Status.ABSENT,
]
OPEN_STATUSES = [DutyShift.Status.SCHEDULED, DutyShift.Status.CONFIRMED]


class UnavailabilityQuerySet(ScopedQuerySet):
    district_path = "secretary__village__township__district"
    township_path = "secretary__village__township"
    secretary_path = "secretary"


class Unavailability(models.Model):
    secretary = models.ForeignKey(
        "secretaries.Secretary", on_delete=models.CASCADE, related_name="unavailabilities", verbose_name="第一书记"
    )
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    reason = models.CharField("事由", max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnavailabilityQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "请假"
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="unavailability_end_not_before_start",
                violation_error_message="结束日期不能早于开始日期",
            )
        ]

    def __str__(self):
        return f"{self.secretary} {self.start}~{self.end}"


class SwapRequestQuerySet(ScopedQuerySet):
    district_path = "shift__station__township__district"
    township_path = "shift__station__township"

    def for_user(self, user):
        scope = scope_for(user)
        if scope.is_superuser:
            return self
        if scope.role == ROLE_STATION:
            return self.filter(shift__station_id=scope.station_id)
        if scope.role == ROLE_SECRETARY:
            return self.filter(Q(shift__secretary_id=scope.secretary_id) | Q(to_secretary_id=scope.secretary_id))
        return super().for_user(user)


class SwapRequest(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "待对方同意"
        ACCEPTED = "accepted", "待站长审批"
        APPROVED = "approved", "已批准"
        DECLINED = "declined", "对方拒绝"
        REJECTED = "rejected", "站长驳回"
        CANCELLED = "cancelled", "已撤回"

    shift = models.ForeignKey(DutyShift, on_delete=models.CASCADE, related_name="swap_requests", verbose_name="原班次")
    to_secretary = models.ForeignKey(
        "secretaries.Secretary", on_delete=models.CASCADE, related_name="swap_offers", verbose_name="调换给"
    )
    to_shift = models.ForeignKey(
        DutyShift,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="swap_counter_requests",
        verbose_name="对方班次（互换时）",
    )
    reason = models.CharField("原因", max_length=200, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PROPOSED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审批人",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = SwapRequestQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "调班申请"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.shift} → {self.to_secretary}"


class ShiftReminderLog(models.Model):
    """One row per reminder sent; the unique constraint makes a second run harmless."""

    shift = models.ForeignKey(DutyShift, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shift", "kind"], name="shift_reminder_once")]


class CalendarToken(models.Model):
    """Private, revocable token for a secretary's iCalendar feed."""

    secretary = models.OneToOneField(
        "secretaries.Secretary", on_delete=models.CASCADE, related_name="calendar_token", verbose_name="第一书记"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "日历订阅令牌"


class RosterGapQuerySet(ScopedQuerySet):
    district_path = "station__township__district"
    township_path = "station__township"

    def for_user(self, user):
        scope = scope_for(user)
        if scope.is_superuser:
            return self
        if scope.role == ROLE_STATION:
            return self.filter(station_id=scope.station_id)
        if scope.role == ROLE_SECRETARY:
            return self.none()
        return super().for_user(user)

    def open(self):
        return self.filter(resolved_at__isnull=True)


class RosterGap(models.Model):
    """A duty day the roster could not fill (pool too small, everyone on leave or already on duty),
    or a shift freed by leave and waiting for the next run. One row per station and day: it is
    reopened or resolved as the roster changes, so the gap list never repeats itself."""

    station = models.ForeignKey(ServiceStation, on_delete=models.CASCADE, related_name="gaps", verbose_name="服务站")
    date = models.DateField("值班日期")
    missing = models.PositiveSmallIntegerField("缺少人数", default=1)
    reason = models.CharField("原因", max_length=200)
    freed_secretary = models.ForeignKey(
        "secretaries.Secretary",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="因请假空出（原值班人）",
    )
    created_at = models.DateTimeField("发现时间", auto_now_add=True)
    resolved_at = models.DateTimeField("补齐时间", null=True, blank=True)

    objects = RosterGapQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "排班缺口"
        ordering = ["date", "station"]
        constraints = [models.UniqueConstraint(fields=["station", "date"], name="roster_gap_one_per_station_day")]

    def __str__(self):
        return f"{self.station} {self.date} 缺{self.missing}人"
