from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.scoping import DistrictWideQuerySet, ScopedQuerySet


class PioneerTeamQuerySet(DistrictWideQuerySet):
    district_path = "district_id"


class PioneerTeam(models.Model):
    """先锋队: 红色先锋, 致富先锋, 文明先锋, 为民先锋, 维稳先锋 in Fangshan."""

    district = models.ForeignKey(
        "secretaries.District", on_delete=models.PROTECT, related_name="teams", verbose_name="所属区"
    )
    name = models.CharField("名称", max_length=30)
    focus = models.CharField("服务方向", max_length=100, blank=True)
    description = models.TextField("简介", blank=True)
    captain = models.ForeignKey(
        "secretaries.Secretary",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="captain_of",
        verbose_name="队长",
    )
    min_size = models.PositiveSmallIntegerField("人数下限", default=20)
    max_size = models.PositiveSmallIntegerField("人数上限", default=40)
    history = HistoricalRecords()

    objects = PioneerTeamQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "先锋队"
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="team_unique_name")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.min_size and self.max_size and self.max_size < self.min_size:
            raise ValidationError({"max_size": "人数上限不能小于下限"})


class TeamMembershipQuerySet(ScopedQuerySet):
    district_path = "team__district"
    township_path = "secretary__village__township"
    secretary_path = "secretary"

    def current(self):
        return self.filter(left__isnull=True)


class TeamMembership(models.Model):
    class Role(models.TextChoices):
        CAPTAIN = "captain", "队长"
        VICE_CAPTAIN = "vice_captain", "副队长"
        MEMBER = "member", "队员"

    team = models.ForeignKey(PioneerTeam, on_delete=models.CASCADE, related_name="memberships", verbose_name="先锋队")
    secretary = models.ForeignKey(
        "secretaries.Secretary", on_delete=models.CASCADE, related_name="team_memberships", verbose_name="第一书记"
    )
    role = models.CharField("职务", max_length=12, choices=Role.choices, default=Role.MEMBER)
    joined = models.DateField("加入日期")
    left = models.DateField("退出日期", null=True, blank=True)
    history = HistoricalRecords()

    objects = TeamMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "先锋队成员"
        ordering = ["team", "role", "secretary__name"]
        constraints = [
            # A secretary belongs to one team at a time.
            models.UniqueConstraint(
                fields=["secretary"],
                condition=Q(left__isnull=True),
                name="membership_one_current_team",
                violation_error_message="该第一书记已在另一支先锋队中",
            )
        ]

    def __str__(self):
        return f"{self.team} · {self.secretary}"


# One activity's figures stay within what one activity can honestly reach, so a typo of a few extra
# digits is refused instead of standing in the district's totals.
MAX_YUAN = 100_000_000
MAX_PEOPLE_REACHED = 1_000_000
MAX_PRODUCE_KG = 100_000_000
MAX_PROJECTS = 1_000


def at_most(limit, what, unit):
    return MaxValueValidator(limit, message=f"{what}不能超过 {limit:,} {unit}，请核对是否多输了位数。")


class TeamActivityQuerySet(DistrictWideQuerySet):
    district_path = "team__district_id"


class TeamActivity(models.Model):
    KIND_CHOICES = [
        ("红色党课", "红色党课"),
        ("法律咨询", "法律咨询"),
        ("义诊服务", "义诊服务"),
        ("环境整治", "环境整治"),
        ("矛盾调解", "矛盾调解"),
        ("文明引导", "文明引导"),
        ("农产品促销", "农产品促销"),
        ("安保服务", "安保服务"),
        ("政策宣讲", "政策宣讲"),
        ("技能培训", "技能培训"),
        ("文旅推介", "文旅推介"),
        ("其他", "其他"),
    ]

    team = models.ForeignKey(PioneerTeam, on_delete=models.PROTECT, related_name="activities", verbose_name="先锋队")
    kind = models.CharField("活动类型", max_length=20, choices=KIND_CHOICES)
    title = models.CharField("活动名称", max_length=100)
    date = models.DateField("日期")
    village = models.ForeignKey(
        "secretaries.Village", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="村"
    )
    place = models.CharField("地点", max_length=100, blank=True)
    participants = models.ManyToManyField(
        "secretaries.Secretary", blank=True, related_name="activities", verbose_name="参与第一书记"
    )
    people_reached = models.PositiveIntegerField(
        "服务群众（人次）", default=0, validators=[at_most(MAX_PEOPLE_REACHED, "服务群众", "人次")]
    )
    funds_secured = models.DecimalField(
        "争取帮扶资金（元）",
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[at_most(MAX_YUAN, "争取帮扶资金", "元")],
    )
    projects_built = models.PositiveIntegerField(
        "建成产业项目（个）", default=0, validators=[at_most(MAX_PROJECTS, "建成产业项目", "个")]
    )
    produce_kg = models.DecimalField(
        "销售农产品（公斤）",
        max_digits=12,
        decimal_places=1,
        default=0,
        validators=[at_most(MAX_PRODUCE_KG, "销售农产品", "公斤")],
    )
    produce_yuan = models.DecimalField(
        "农产品销售额（元）",
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[at_most(MAX_YUAN, "农产品销售额", "元")],
    )
    description = models.TextField("活动情况", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="填报人",
    )
    created_at = models.DateTimeField("填报时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[participants])

    objects = TeamActivityQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "志愿服务活动"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["team", "date"]), models.Index(fields=["date", "kind"])]

    def __str__(self):
        return self.title


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(TeamActivity, on_delete=models.CASCADE, related_name="photos", verbose_name="活动")
    image = models.ImageField("照片", upload_to="activities/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "活动照片"


class MeetingQuerySet(DistrictWideQuerySet):
    district_path = "district_id"


class Meeting(models.Model):
    KIND_CHOICES = [
        ("会商研讨", "会商研讨"),
        ("交流观摩", "交流观摩"),
        ("比武打擂", "比武打擂"),
        ("风采展示", "风采展示"),
        ("联席会议", "联席会议"),
    ]

    district = models.ForeignKey(
        "secretaries.District", on_delete=models.PROTECT, related_name="meetings", verbose_name="所属区"
    )
    team = models.ForeignKey(
        PioneerTeam, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings", verbose_name="先锋队"
    )
    kind = models.CharField("会议类型", max_length=10, choices=KIND_CHOICES)
    title = models.CharField("主题", max_length=100)
    date = models.DateField("日期")
    month = models.DateField("所属月份（每月1日）", null=True, blank=True)
    place = models.CharField("地点", max_length=100, blank=True)
    host = models.ForeignKey(
        "secretaries.Secretary",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_meetings",
        verbose_name="轮值主办",
    )
    attendees = models.ManyToManyField(
        "secretaries.Secretary", blank=True, related_name="meetings_attended", verbose_name="参会人员"
    )
    minutes = models.TextField("会议纪要", blank=True)
    decisions = models.TextField("议定事项", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "会商研讨与联席会议"
        ordering = ["-date"]
        constraints = [
            # The monthly joint meeting of a team has one host per month, however often beat fires.
            models.UniqueConstraint(
                fields=["team", "kind", "month"],
                condition=Q(month__isnull=False),
                name="meeting_one_rotating_host_per_month",
            )
        ]

    def __str__(self):
        return f"{self.date} {self.title}"


class MeetingDecisionQuerySet(ScopedQuerySet):
    district_path = "meeting__district"

    def for_user(self, user):
        return self.filter(meeting__in=Meeting.objects.for_user(user))


class MeetingDecision(models.Model):
    """议定事项: one decision of a meeting; it may become a project or a demand item."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decision_items", verbose_name="会议")
    text = models.CharField("议定事项", max_length=200)
    project = models.ForeignKey(
        "demands.ProjectItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_decisions",
        verbose_name="转为项目",
    )
    demand = models.ForeignKey(
        "demands.DemandItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_decisions",
        verbose_name="转为需求",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "议定事项"
        ordering = ["pk"]

    def __str__(self):
        return self.text


class ScoringRule(models.Model):
    """One line of the points scheme (考评细则), edited as data by the org department.

    `key` says what is counted (see teams/scoring.py): `activity:<kind>` per activity of that kind,
    `people_reached` per person reached, `demand_resolved`, `shift_done`, `list_on_time`,
    `shift_absent`, `list_late`. `cap` limits the points one team or one secretary can get (or
    lose) from the rule in one month."""

    key = models.CharField("规则代码", max_length=40, unique=True)
    label = models.CharField("名称", max_length=60)
    points = models.DecimalField("分值（每项）", max_digits=7, decimal_places=2)
    cap = models.DecimalField(
        "每月上限（分）", max_digits=7, decimal_places=2, null=True, blank=True, help_text="留空表示不设上限"
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "考评计分规则"
        ordering = ["sort_order", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cap__isnull=True) | Q(cap__gt=0),
                name="scoring_rule_cap_positive",
                violation_error_message="每月上限须大于0（不设上限请留空）",
            )
        ]

    def __str__(self):
        return self.label


class RankingSnapshot(models.Model):
    """A month's ranking frozen on the 1st of the next month: later edits do not rewrite it."""

    district = models.ForeignKey(
        "secretaries.District", on_delete=models.PROTECT, related_name="ranking_snapshots", verbose_name="所属区"
    )
    month = models.DateField("月份（每月1日）")
    data = models.JSONField("排名数据")
    frozen_at = models.DateTimeField("冻结时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "月度排名快照"
        ordering = ["-month"]
        constraints = [
            # One snapshot per month: a second run of the freezing job, or two beats, change nothing.
            models.UniqueConstraint(fields=["district", "month"], name="ranking_snapshot_one_per_month")
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} 排名"


class AwardQuerySet(DistrictWideQuerySet):
    district_path = "district_id"


class Award(models.Model):
    class Kind(models.TextChoices):
        TEAM = "team", "优秀先锋队"
        MEMBER = "member", "优秀队员"

    district = models.ForeignKey(
        "secretaries.District", on_delete=models.PROTECT, related_name="team_awards", verbose_name="所属区"
    )
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("奖项", max_length=10, choices=Kind.choices)
    team = models.ForeignKey(
        PioneerTeam, on_delete=models.CASCADE, null=True, blank=True, related_name="awards", verbose_name="先锋队"
    )
    secretary = models.ForeignKey(
        "secretaries.Secretary",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="team_awards",
        verbose_name="第一书记",
    )
    note = models.CharField("说明", max_length=200, blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AwardQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "考评表彰"
        ordering = ["-year", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="team", team__isnull=False, secretary__isnull=True))
                | Q(kind="member", secretary__isnull=False),
                name="award_subject_matches_kind",
                violation_error_message="优秀先锋队须选择先锋队，优秀队员须选择第一书记",
            ),
            models.UniqueConstraint(
                fields=["year", "kind", "team"],
                condition=Q(kind="team"),
                name="award_team_once_a_year",
                violation_error_message="该先锋队本年度已获此表彰",
            ),
            models.UniqueConstraint(
                fields=["year", "kind", "secretary"],
                condition=Q(kind="member"),
                name="award_member_once_a_year",
                violation_error_message="该第一书记本年度已获此表彰",
            ),
        ]

    def __str__(self):
        subject = self.team if self.kind == self.Kind.TEAM else self.secretary
        return f"{self.year}年{self.get_kind_display()} {subject}"
