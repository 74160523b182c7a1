from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.scoping import DistrictWideQuerySet, ScopedQuerySet
from secretaries.models import District
from secretaries.validators import validate_contact_phone

PIONEER = "pioneer"  # the code of the kind every district's teams had before kinds were data


class GroupKindQuerySet(DistrictWideQuerySet):
    district_path = "district_id"

    def default_for(self, district_id):
        """The district's 先锋队 kind, created with Fangshan's rules the first time it is needed."""
        kind, _created = self.get_or_create(district_id=district_id, code=PIONEER, defaults=PIONEER_DEFAULTS)
        return kind

    def ranking_default_ids(self, district_id):
        """The kind the ranking pages open on (as a one-row subquery): the 先锋队 kind when there is
        one, else the district's first scored kind."""
        return self._scored_in_order(district_id).values("pk")[:1]

    def ranking_default(self, district_id):
        return self._scored_in_order(district_id).first()

    def _scored_in_order(self, district_id):
        pioneer_first = models.Case(models.When(code=PIONEER, then=0), default=1)
        return self.filter(district_id=district_id, scored=True).order_by(pioneer_first, "sort_order", "pk")


class GroupKind(models.Model):
    """A kind of group (队伍类型): 先锋队, 服务团, 服务组, 联盟, 分盟, 宣讲团, 专家顾问团, 工作队,
    联合党组织… Data per district, with the rules its groups follow (teams/composition.py reads
    them; teams/presets.py writes a practice's set)."""

    class Level(models.TextChoices):
        DISTRICT = "district", "区（县）级"
        TOWNSHIP = "township", "乡镇级"
        VILLAGE = "village", "村级"

    district = models.ForeignKey(
        "secretaries.District", on_delete=models.PROTECT, related_name="group_kinds", verbose_name="所属区"
    )
    code = models.SlugField("代码", max_length=30, help_text="英文代码，如 pioneer、work_team")
    name = models.CharField("名称", max_length=20)
    level = models.CharField("层级", max_length=10, choices=Level.choices, default=Level.DISTRICT)
    leader_title = models.CharField("负责人称谓", max_length=10, default="队长")
    max_per_person = models.PositiveSmallIntegerField(
        "每人同时最多参加（个）", null=True, blank=True, default=1, help_text="留空表示不限"
    )
    allowance = models.BooleanField("成员按月领取补贴", default=False)
    scored = models.BooleanField("参与月度排名和年终考评", default=True)
    rotating_meeting = models.BooleanField("每月联席会议轮值主办", default=True)
    host_people = models.BooleanField(
        "非第一书记成员也可轮值主办",
        default=True,
        help_text="如村干部、技术员、村民；不勾选则只由第一书记轮值主办",
    )
    dispatchable = models.BooleanField("可作为派单对象", default=True)
    # Composition rules (组建要求); each check is skipped when its value is empty.
    min_size = models.PositiveSmallIntegerField("人数下限（新建时默认）", default=20)
    max_size = models.PositiveSmallIntegerField("人数上限（新建时默认）", default=40)
    age_band_max_share = models.DecimalField(
        "同一年龄段最多占比", max_digits=3, decimal_places=2, null=True, blank=True, help_text="如 0.50；留空不检查"
    )
    unit_max_share = models.DecimalField(
        "同一派出单位最多占比", max_digits=3, decimal_places=2, null=True, blank=True, help_text="如 0.25；留空不检查"
    )
    min_expertise = models.PositiveSmallIntegerField(
        "至少覆盖的业务特长（类）", null=True, blank=True, help_text="留空不检查"
    )
    one_one_one = models.BooleanField(
        "按“1+1+1”组建",
        default=False,
        help_text="1名省市派第一书记（或工作队）+1名本乡镇的区县派第一书记+1名外乡镇的区县派第一书记",
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    history = HistoricalRecords()

    objects = GroupKindQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "队伍类型"
        ordering = ["district", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="group_kind_unique_code"),
            models.UniqueConstraint(
                fields=["district", "name"],
                name="group_kind_unique_name",
                violation_error_message="本区已有同名队伍类型",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.max_size < self.min_size:
            raise ValidationError({"max_size": "人数上限不能小于下限"})
        for name in ("age_band_max_share", "unit_max_share"):
            value = getattr(self, name)
            if value is not None and not (0 < value <= 1):
                raise ValidationError({name: "占比应在 0 到 1 之间，如 0.5"})


PIONEER_DEFAULTS = {
    "name": "先锋队",
    "level": GroupKind.Level.DISTRICT,
    "leader_title": "队长",
    "max_per_person": 1,
    "scored": True,
    "rotating_meeting": True,
    "host_people": False,
    "min_size": 20,
    "max_size": 40,
    "age_band_max_share": Decimal("0.50"),
    "unit_max_share": Decimal("0.25"),
}


class AppliedPresetQuerySet(DistrictWideQuerySet):
    district_path = "district_id"

    def names(self, district_id):
        return set(self.filter(district_id=district_id).values_list("preset", flat=True))


class AppliedPreset(models.Model):
    """A practice's preset a district has applied (teams.presets.apply_preset records it): the pages
    a practice names its own way read it, e.g. Jining's 四张清单 in the menu."""

    district = models.ForeignKey(
        "secretaries.District", on_delete=models.CASCADE, related_name="applied_presets", verbose_name="所属区"
    )
    preset = models.CharField("做法预设", max_length=20)
    applied_at = models.DateTimeField("首次应用时间", auto_now_add=True)

    objects = AppliedPresetQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "已应用的做法预设"
        ordering = ["district", "applied_at"]
        constraints = [models.UniqueConstraint(fields=["district", "preset"], name="applied_preset_once")]

    def __str__(self):
        return f"{self.district} · {self.preset}"


class GroupMemberQuerySet(DistrictWideQuerySet):
    district_path = "district_id"


class GroupMember(models.Model):
    """A member of a group who is not a first secretary: a village cadre, a technician, a judge, a
    villager, an entrepreneur. Their phone follows the visibility rule of their village."""

    district = models.ForeignKey(
        "secretaries.District", on_delete=models.PROTECT, related_name="group_people", verbose_name="所属区"
    )
    name = models.CharField("姓名", max_length=30)
    phone = models.CharField("联系电话", max_length=20, blank=True, validators=[validate_contact_phone])
    organisation = models.CharField("工作单位", max_length=100, blank=True)
    title = models.CharField("身份/职务", max_length=30, help_text="如 村党支部书记、技术员、法官、村民、企业家")
    village = models.ForeignKey(
        "secretaries.Village",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_people",
        verbose_name="所在村",
    )
    # The optional login of a member (role 队伍成员): it sees its own groups only (teams.roles).
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_member",
        verbose_name="账号",
    )
    history = HistoricalRecords()

    objects = GroupMemberQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "队伍成员（非第一书记）"
        ordering = ["name", "pk"]

    def __str__(self):
        return f"{self.name}（{self.title}）" if self.title else self.name


class PioneerTeamQuerySet(DistrictWideQuerySet):
    district_path = "district_id"
    group_path = "pk"


class PioneerTeam(models.Model):
    """A group of any kind (队伍): 先锋队 (红色先锋, 致富先锋… in Fangshan), 服务团 and its 服务组,
    联盟 and its 分盟, 宣讲团, 专家顾问团, a village's 工作队, a 联合党组织. The model keeps its
    first name: activities, meetings, scoring and the loop's assignee_team point at it."""

    class Subkind(models.TextChoices):
        AREA = "area", "片区联合党委"
        VILLAGES = "villages", "村村联建"
        COMPANY = "company", "村企联建"
        SCHOOL = "school", "村校联建"

    district = models.ForeignKey(
        "secretaries.District", on_delete=models.PROTECT, related_name="teams", verbose_name="所属区"
    )
    # Filled with the district's 先锋队 kind on save when left empty (teams created before kinds were data).
    kind = models.ForeignKey(GroupKind, on_delete=models.PROTECT, related_name="groups", verbose_name="队伍类型")
    name = models.CharField("名称", max_length=30)
    township = models.ForeignKey(
        "secretaries.Township",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="groups",
        verbose_name="所属乡镇",
    )
    village = models.ForeignKey(
        "secretaries.Village",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="groups",
        verbose_name="所属村",
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级队伍"
    )
    subkind = models.CharField("联建形式", max_length=10, choices=Subkind.choices, blank=True)
    linked_villages = models.ManyToManyField(
        "secretaries.Village", blank=True, related_name="joint_groups", verbose_name="联建村"
    )
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
    captain_person = models.ForeignKey(
        GroupMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="captain_of",
        verbose_name="队长（非第一书记）",
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

    def save(self, *args, **kwargs):
        if self.kind_id is None:
            self.kind = GroupKind.objects.default_for(self.district_id)
        if self.village_id is not None and self.township_id is None:
            self.township_id = self.village.township_id
        super().save(*args, **kwargs)

    @property
    def leader(self):
        return self.captain or self.captain_person

    @property
    def place(self):
        return self.village or self.township

    def clean(self):
        if self.min_size and self.max_size and self.max_size < self.min_size:
            raise ValidationError({"max_size": "人数上限不能小于下限"})
        errors = {}
        kind = self.kind if self.kind_id else None
        if kind is not None and kind.district_id != self.district_id:
            errors["kind"] = "队伍类型不属于本区"
        if kind is not None and kind.level == GroupKind.Level.VILLAGE and self.village_id is None:
            errors["village"] = f"{kind.name}是村级队伍，请选择所属村"
        if kind is not None and kind.level == GroupKind.Level.TOWNSHIP and self.township_id is None:
            errors["township"] = f"{kind.name}是乡镇级队伍，请选择所属乡镇"
        if self.township_id and self.township.district_id != self.district_id:
            errors["township"] = "乡镇不属于本区"
        if self.village_id and self.township_id and self.village.township_id != self.township_id:
            errors["village"] = "所属村不在所选乡镇"
        if self.parent_id is not None:
            if self.parent.district_id != self.district_id:
                errors["parent"] = "上级队伍不属于本区"
            elif self.pk is not None and self.parent_id == self.pk:
                errors["parent"] = "上级队伍不能是本队"
        if errors:
            raise ValidationError(errors)


class GroupPartner(models.Model):
    """A member organisation of a joint party organisation (村企联建's company, 村校联建's university)."""

    class Kind(models.TextChoices):
        COMPANY = "company", "企业"
        UNIVERSITY = "university", "高校"
        ORGAN = "organ", "机关事业单位"
        OTHER = "other", "其他"

    team = models.ForeignKey(PioneerTeam, on_delete=models.CASCADE, related_name="partners", verbose_name="队伍")
    name = models.CharField("单位名称", max_length=100)
    kind = models.CharField("性质", max_length=12, choices=Kind.choices, default=Kind.COMPANY)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "联建单位"
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["team", "name"], name="group_partner_unique_name")]

    def __str__(self):
        return self.name


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
        INSTRUCTOR = "instructor", "党建工作指导员"

    team = models.ForeignKey(PioneerTeam, on_delete=models.CASCADE, related_name="memberships", verbose_name="先锋队")
    secretary = models.ForeignKey(
        "secretaries.Secretary",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="team_memberships",
        verbose_name="第一书记",
    )
    person = models.ForeignKey(
        GroupMember,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name="成员（非第一书记）",
    )
    role = models.CharField("职务", max_length=12, choices=Role.choices, default=Role.MEMBER)
    joined = models.DateField("加入日期")
    left = models.DateField("退出日期", null=True, blank=True)
    allowance = models.DecimalField(
        "每月补贴（元）", max_digits=8, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    history = HistoricalRecords()

    objects = TeamMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "先锋队成员"
        ordering = ["team", "role", "secretary__name"]
        constraints = [
            # A member is a secretary or another person, never both nor neither. How many groups
            # of one kind a person may be in at once is the kind's rule (teams.services.membership_add).
            models.CheckConstraint(
                condition=Q(secretary__isnull=False, person__isnull=True)
                | Q(secretary__isnull=True, person__isnull=False),
                name="membership_secretary_or_person",
                violation_error_message="成员须是一名第一书记或一名其他人员（二选一）",
            ),
            models.UniqueConstraint(
                fields=["team", "secretary"],
                condition=Q(left__isnull=True),
                name="membership_secretary_once_per_team",
                violation_error_message="该第一书记已是本队成员",
            ),
            models.UniqueConstraint(
                fields=["team", "person"],
                condition=Q(left__isnull=True),
                name="membership_person_once_per_team",
                violation_error_message="该人员已是本队成员",
            ),
        ]

    def __str__(self):
        return f"{self.team} · {self.member}"

    @property
    def member(self):
        return self.secretary or self.person

    @property
    def member_name(self):
        return self.member.name if self.member else ""

    def role_label(self):
        if self.role == self.Role.CAPTAIN and self.team.kind_id:
            return self.team.kind.leader_title
        return self.get_role_display()


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
    group_path = "team_id"


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
        ("走访入户", "走访入户"),
        ("帮办代办", "帮办代办"),
        ("联建共建", "联建共建"),
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
    people = models.ManyToManyField(
        GroupMember, blank=True, related_name="activities", verbose_name="参与成员（非第一书记）"
    )
    people_reached = models.PositiveIntegerField(
        "服务群众（人次）", default=0, validators=[at_most(MAX_PEOPLE_REACHED, "服务群众", "人次")]
    )
    people_helped = models.PositiveIntegerField(
        "帮助群众办事（人次）",
        default=0,
        validators=[at_most(MAX_PEOPLE_REACHED, "帮助群众办事", "人次")],
        help_text="如帮助申请救助、代办证照",
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
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[participants, people])

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
    group_path = "team_id"


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
    host_person = models.ForeignKey(
        GroupMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_meetings",
        verbose_name="轮值主办（非第一书记成员）",
    )
    attendees = models.ManyToManyField(
        "secretaries.Secretary", blank=True, related_name="meetings_attended", verbose_name="参会人员"
    )
    attendee_people = models.ManyToManyField(
        GroupMember, blank=True, related_name="meetings_attended", verbose_name="参会成员（非第一书记）"
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
            ),
            models.CheckConstraint(
                condition=Q(host__isnull=True) | Q(host_person__isnull=True),
                name="meeting_one_host",
                violation_error_message="轮值主办只能是一名第一书记或一名其他成员",
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.title}"

    @property
    def host_member(self):
        """The host, a secretary or another member of the group."""
        return self.host or self.host_person


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


# The general points scheme a new district starts with (key, label, points, cap); the department
# edits its own copy afterwards (/teams/scoring/). Migrations 0003 and 0004 wrote the same values.
GENERAL_RULES = [
    *(
        (f"activity:{kind}", f"开展{kind}活动（每场）", points, None)
        for kind, points in [
            ("红色党课", "5"),
            ("法律咨询", "4"),
            ("义诊服务", "5"),
            ("环境整治", "3"),
            ("矛盾调解", "4"),
            ("文明引导", "3"),
            ("农产品促销", "5"),
            ("安保服务", "3"),
            ("政策宣讲", "3"),
            ("技能培训", "4"),
            ("文旅推介", "4"),
            ("其他", "2"),
        ]
    ),
    ("people_reached", "服务群众（每人次）", "0.10", "10"),
    ("demand_resolved", "办结派单需求（每件）", "5", None),
    ("shift_done", "完成服务站值班（每班）", "3", None),
    ("list_on_time", "按时报送清单（每次）", "2", None),
    ("shift_absent", "值班缺勤（每次扣分）", "-5", None),
    ("list_late", "逾期报送清单（每次扣分）", "-2", None),
    ("list_missing", "逾期未报送清单（每次扣分）", "-3", None),
]


class ScoringRuleQuerySet(models.QuerySet):
    def for_user(self, user):
        """The general rules of the user's district and the rules of its kinds: another district's
        rules are not found (404), and its changes never reach this district's points."""
        return self.filter(
            Q(district__in=District.objects.for_user(user)) | Q(group_kind__in=GroupKind.objects.for_user(user))
        )

    def general(self, district_id):
        """A district's general rules (those of no kind of group)."""
        return self.filter(district_id=district_id, group_kind__isnull=True)


class ScoringRule(models.Model):
    """One line of the points scheme (考评细则), edited as data by the org department.

    `key` says what is counted (see teams/scoring.py): `activity:<kind>` per activity of that kind,
    `people_reached` per person reached, `demand_resolved`, `shift_done`, `list_on_time`,
    `shift_absent`, `list_late`. `cap` limits the points one team or one secretary can get (or
    lose) from the rule in one month."""

    # A rule is a district's general rule (district set) or one kind's own (group_kind set, the
    # kind's district): never both, never neither (scoring_rule_one_owner).
    district = models.ForeignKey(
        "secretaries.District",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scoring_rules",
        verbose_name="所属区",
        help_text="通用规则所属的区（某类队伍的规则留空，随队伍类型所属的区）",
    )
    group_kind = models.ForeignKey(
        GroupKind,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scoring_rules",
        verbose_name="适用队伍类型",
        help_text="留空为本区通用规则；某类队伍有自己的规则时只用它自己的",
    )
    key = models.CharField("规则代码", max_length=40)
    label = models.CharField("名称", max_length=60)
    points = models.DecimalField("分值（每项）", max_digits=7, decimal_places=2)
    cap = models.DecimalField(
        "每月上限（分）", max_digits=7, decimal_places=2, null=True, blank=True, help_text="留空表示不设上限"
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)
    history = HistoricalRecords()

    objects = ScoringRuleQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "考评计分规则"
        ordering = ["sort_order", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cap__isnull=True) | Q(cap__gt=0),
                name="scoring_rule_cap_positive",
                violation_error_message="每月上限须大于0（不设上限请留空）",
            ),
            models.UniqueConstraint(
                fields=["district", "key"],
                condition=Q(group_kind__isnull=True),
                name="scoring_rule_district_key_unique",
                violation_error_message="本区已有这个规则代码的通用规则",
            ),
            models.UniqueConstraint(fields=["group_kind", "key"], name="scoring_rule_kind_key_unique"),
            models.CheckConstraint(
                condition=Q(district__isnull=False, group_kind__isnull=True)
                | Q(district__isnull=True, group_kind__isnull=False),
                name="scoring_rule_one_owner",
                violation_error_message="计分规则须属于一个区（通用规则）或一类队伍，二者选其一",
            ),
        ]

    def __str__(self):
        return self.label


class RankingSnapshot(models.Model):
    """A month's ranking frozen on the 1st of the next month: later edits do not rewrite it."""

    district = models.ForeignKey(
        "secretaries.District", on_delete=models.PROTECT, related_name="ranking_snapshots", verbose_name="所属区"
    )
    group_kind = models.ForeignKey(
        GroupKind, on_delete=models.PROTECT, related_name="ranking_snapshots", verbose_name="队伍类型"
    )
    month = models.DateField("月份（每月1日）")
    data = models.JSONField("排名数据")
    frozen_at = models.DateTimeField("冻结时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "月度排名快照"
        ordering = ["-month"]
        constraints = [
            # One snapshot per kind and month: a second run of the freezing job, or two beats, change nothing.
            models.UniqueConstraint(fields=["district", "group_kind", "month"], name="ranking_snapshot_one_per_month")
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.group_kind or ''}排名"


class AwardQuerySet(DistrictWideQuerySet):
    district_path = "district_id"


class Award(models.Model):
    class Kind(models.TextChoices):
        TEAM = "team", "优秀先锋队"
        MEMBER = "member", "优秀队员"
        TOWNSHIP = "township", "优秀乡镇"

    district = models.ForeignKey(
        "secretaries.District", on_delete=models.PROTECT, related_name="team_awards", verbose_name="所属区"
    )
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("奖项", max_length=10, choices=Kind.choices)
    group_kind = models.ForeignKey(
        GroupKind,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards",
        verbose_name="队伍类型",
        help_text="哪一类队伍的考评",
    )
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
    person = models.ForeignKey(
        GroupMember, on_delete=models.CASCADE, null=True, blank=True, related_name="awards", verbose_name="成员"
    )
    township = models.ForeignKey(
        "secretaries.Township",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="team_awards",
        verbose_name="乡镇",
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
                condition=Q(kind="team", team__isnull=False, secretary__isnull=True, person__isnull=True)
                | Q(kind="member", secretary__isnull=False, person__isnull=True)
                | Q(kind="member", secretary__isnull=True, person__isnull=False)
                | Q(kind="township", township__isnull=False, secretary__isnull=True, person__isnull=True),
                name="award_subject_matches_kind",
                violation_error_message="优秀队伍须选择队伍，优秀队员须选择一名第一书记或成员，优秀乡镇须选择乡镇",
            ),
            models.UniqueConstraint(
                fields=["year", "kind", "person"],
                condition=Q(kind="member", person__isnull=False),
                name="award_person_once_a_year",
                violation_error_message="该成员本年度已获此表彰",
            ),
            models.UniqueConstraint(
                fields=["year", "kind", "group_kind", "township"],
                condition=Q(kind="township"),
                name="award_township_once_a_year",
                violation_error_message="该乡镇本年度已获此表彰",
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
        return f"{self.year}年{self.label} {self.subject}"

    @property
    def subject(self):
        return {self.Kind.TEAM: self.team, self.Kind.TOWNSHIP: self.township}.get(
            self.kind, self.secretary or self.person
        )

    @property
    def label(self):
        """优秀先锋队 for Fangshan's teams, 优秀工作队 for Gangcha's, …"""
        if self.kind == self.Kind.TEAM and self.group_kind_id and self.group_kind.code != PIONEER:
            return f"优秀{self.group_kind.name}"
        return self.get_kind_display()
