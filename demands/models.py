from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.scoping import ROLE_SECRETARY, ROLE_STATION, DistrictWideQuerySet, ScopedQuerySet, scope_for
from demands import lifecycle
from demands.models_import import ListKind, ValueSynonym  # noqa: F401 (models of this app)


class CollectionRoundQuerySet(DistrictWideQuerySet):
    """Rounds are district-wide notices; anyone with a role in the district reads them."""

    district_path = "district_id"


class CollectionRound(models.Model):
    """征集轮次: every two months the department asks every village for its three lists."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        OPEN = "open", "征集中"
        CLOSED = "closed", "已截止"

    district = models.ForeignKey(
        "secretaries.District", on_delete=models.PROTECT, related_name="rounds", verbose_name="区"
    )
    title = models.CharField("标题", max_length=200)
    period_start = models.DateField("周期开始")
    period_end = models.DateField("周期结束")
    deadline = models.DateField("报送截止日期")
    notice_text = models.TextField("通知正文", blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    opened_at = models.DateTimeField("发布时间", null=True, blank=True)
    closed_at = models.DateTimeField("截止时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="创建人",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CollectionRoundQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "征集轮次"
        ordering = ["-period_start"]
        constraints = [
            # One round per period: opening is idempotent even with two beat processes.
            models.UniqueConstraint(fields=["district", "period_start"], name="round_one_per_period"),
            models.CheckConstraint(condition=Q(period_end__gt=models.F("period_start")), name="round_period_valid"),
        ]

    def __str__(self):
        return self.title


class DemandCategoryQuerySet(models.QuerySet):
    """Demand categories are a shared catalogue (district empty: every district's) plus each
    district's own (a practice's, e.g. Jining's 7 方面, created by its preset). A district sees the
    shared ones and its own; its own shadows a shared one of the same name, so a name read from a
    sheet or a pasted text means one category."""

    def for_district(self, district_id):
        own = self.model.objects.filter(district_id=district_id).values("name")
        shared = Q(district__isnull=True) & ~Q(name__in=own)
        return self.filter(shared | Q(district_id=district_id)) if district_id else self.filter(district__isnull=True)

    def offered(self, district_id, keep=None):
        """What a form, the paste parser and the importer offer a district: its active categories,
        its own first. `keep`: the edited record's current category, offered even when retired or
        shadowed since, so saving the record never drops it."""
        own_first = models.F("district").asc(nulls_last=True)
        offered = self.for_district(district_id).filter(active=True)
        if keep:
            offered = self.filter(Q(pk__in=offered.values("pk")) | Q(pk=keep))
        return offered.order_by(own_first, "sort_order", "name")

    def for_user(self, user):
        """What a login may read or filter by: the shared categories and its district's (its
        city's districts' for the city role), a shadowed shared one included (older items may
        name it). Another district's category is not found (404 / refused in forms)."""
        scope = scope_for(user)
        if scope.is_superuser:
            return self
        districts = scope.district_ids if scope.is_city else [scope.district_id] if scope.district_id else []
        return self.filter(Q(district__isnull=True) | Q(district_id__in=districts))


class DemandCategory(models.Model):
    name = models.CharField("需求类别", max_length=30)
    district = models.ForeignKey(
        "secretaries.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demand_categories",
        verbose_name="所属区",
        help_text="留空为各区共用；填写则只有该区使用（如做法预设建立的类别）",
    )
    description = models.CharField("说明", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)
    # The matching map, edited as data by the org department.
    resource_categories = models.ManyToManyField(
        "ResourceCategory", blank=True, related_name="demand_categories", verbose_name="对应资源类别"
    )
    expertise = models.ManyToManyField(
        "secretaries.Expertise", blank=True, related_name="demand_categories", verbose_name="对应个人特长"
    )

    objects = DemandCategoryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "需求类别"
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(district__isnull=True),
                name="demand_category_unique_shared_name",
                violation_error_message="已有同名的共用需求类别",
            ),
            models.UniqueConstraint(
                fields=["district", "name"],
                condition=Q(district__isnull=False),
                name="demand_category_unique_name_in_district",
                violation_error_message="本区已有同名需求类别",
            ),
        ]

    def __str__(self):
        return self.name


class ResourceCategory(models.Model):
    name = models.CharField("资源类别", max_length=30, unique=True)
    description = models.CharField("说明", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "资源类别"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class SubmissionQuerySet(ScopedQuerySet):
    district_path = "village__township__district"
    township_path = "village__township"
    village_path = "village"


class Submission(models.Model):
    """A village's answer to a round. A nil return ('no new needs') counts as submitted."""

    Status = lifecycle.SubmissionStatus

    round = models.ForeignKey(
        CollectionRound, on_delete=models.CASCADE, related_name="submissions", verbose_name="轮次"
    )
    village = models.ForeignKey(
        "secretaries.Village", on_delete=models.PROTECT, related_name="submissions", verbose_name="村"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    is_nil = models.BooleanField("本轮无新增需求", default=False)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="报送人",
    )
    on_behalf = models.BooleanField("乡镇代报", default=False)
    return_reason = models.TextField("退回原因", blank=True)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    accepted_at = models.DateTimeField("接收时间", null=True, blank=True)
    resources_confirmed_at = models.DateTimeField("资源清单确认时间", null=True, blank=True)
    # The list's default contact (each item may name another) and the form as last autosaved,
    # incomplete rows included, so nothing typed is lost (demands/services/lists.py, autosave).
    contact_name = models.CharField("默认联系人", max_length=30, blank=True)
    contact_phone = models.CharField("默认联系电话", max_length=20, blank=True)
    form_state = models.JSONField("填报中的表单", default=dict, blank=True)
    form_saved_at = models.DateTimeField("表单自动保存时间", null=True, blank=True)
    # The list's version (optimistic concurrency): every save of its rows adds one; a save based on
    # an older one (another browser saved meanwhile) is refused (demands/services/lists.py).
    version = models.PositiveIntegerField("版本", default=0)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "form_state", "form_saved_at", "version"])

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "村级报送"
        constraints = [models.UniqueConstraint(fields=["round", "village"], name="submission_one_per_village")]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self):
        return f"{self.round} · {self.village}"


class DemandItemQuerySet(ScopedQuerySet):
    district_path = "village__township__district"
    township_path = "village__township"
    village_path = "village"

    def for_user(self, user):
        scope = scope_for(user)
        # Beside their places' items, a secretary and a station manager see the items they work.
        if scope.role == ROLE_SECRETARY and not scope.is_superuser:
            return self.filter(Q(village__in=scope.village_ids) | lifecycle.items_worked_by(scope))
        if scope.role == ROLE_STATION and not scope.is_superuser:
            return self.filter(Q(village__township__in=scope.township_ids) | lifecycle.items_worked_by(scope))
        return super().for_user(user)

    def in_list_order(self):
        """The order items were entered in a list: 第1条 is the first one typed (or the first Excel
        row), for the secretary, the township and the exports alike."""
        return self.order_by("created_at", "pk")


def number_items(items):
    """The items of one list in entry order, each with its 第N条 number as `.number`."""
    items = list(items)
    for number, item in enumerate(items, start=1):
        item.number = number
    return items


class DemandItem(models.Model):
    """需求清单 item, and the closed loop it goes through (点单 → 接单 → 派单 → 办结 → 评价)."""

    Status = lifecycle.Status  # the statuses, their groups and the steps between them: demands/lifecycle.py

    class Urgency(models.TextChoices):
        LOW = "low", "一般"
        NORMAL = "normal", "较急"
        HIGH = "high", "紧急"
        CRITICAL = "critical", "特急"

    class Channel(models.TextChoices):
        LIST = "list", "需求清单"
        STATION = "station", "服务站受理"
        OTHER = "other", "其他渠道"

    AssigneeKind = lifecycle.AssigneeKind

    round = models.ForeignKey(
        CollectionRound, on_delete=models.PROTECT, null=True, blank=True, related_name="demands", verbose_name="轮次"
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.SET_NULL, null=True, blank=True, related_name="demands", verbose_name="报送"
    )
    village = models.ForeignKey(
        "secretaries.Village", on_delete=models.PROTECT, related_name="demands", verbose_name="村"
    )
    category = models.ForeignKey(DemandCategory, on_delete=models.PROTECT, related_name="demands", verbose_name="类别")
    title = models.CharField("需求名称", max_length=100)
    detail = models.TextField("具体内容", blank=True)
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.LOW)
    wanted_by = models.DateField("期望完成时间", null=True, blank=True)
    estimated_funds = models.DecimalField("预计资金（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    contact_name = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    channel = models.CharField("来源渠道", max_length=10, choices=Channel.choices, default=Channel.LIST)
    station = models.ForeignKey(
        "stations.ServiceStation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="received_demands",
        verbose_name="受理服务站",
    )
    received_shift = models.ForeignKey(
        "stations.DutyShift",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="received_demands",
        verbose_name="受理班次",
    )
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    due_date = models.DateField("办理期限", null=True, blank=True)
    assignee_kind = models.CharField("承办方类型", max_length=10, choices=AssigneeKind.choices, blank=True)
    assignee_secretary = models.ForeignKey(
        "secretaries.Secretary",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_demands",
        verbose_name="承办第一书记",
    )
    assignee_team = models.ForeignKey(
        "teams.PioneerTeam",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_demands",
        verbose_name="承办先锋队",
    )
    assignee_station = models.ForeignKey(
        "stations.ServiceStation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_demands",
        verbose_name="承办服务站",
    )
    assignee_unit = models.ForeignKey(
        "secretaries.DispatchUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_demands",
        verbose_name="承办派出单位",
    )
    matched_resource = models.ForeignKey(
        "ResourceItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="matched_demands",
        verbose_name="对接资源",
    )
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    accepted_at = models.DateTimeField("接单时间", null=True, blank=True)
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True)
    resolved_at = models.DateTimeField("办结时间", null=True, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)
    last_progress_at = models.DateTimeField("最近进展时间", null=True, blank=True)
    return_reason = models.TextField("退回原因", blank=True)
    resolution = models.TextField("办理结果", blank=True)
    funds_secured = models.DecimalField("争取资金（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        "评价（1-5）", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.TextField("评价意见", blank=True)
    resolved_on = models.DateField("办结日期", null=True, blank=True)
    # Counts reopenings after a poor rating; notification keys include it so a second round of
    # dispatch, progress and resolution notifies again, while a retry within one round does not.
    cycle = models.PositiveSmallIntegerField("重办次数", default=0)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_items", verbose_name="合并至"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="填报人",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The key the list form's row was given in the browser: an autosave sent twice (or a save
    # after an autosave) updates the same draft instead of adding another.
    client_key = models.CharField("表单行标识", max_length=40, blank=True, editable=False)

    objects = DemandItemQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "需求清单"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["round", "status"]),
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["village", "round"]),
            models.Index(fields=["assignee_secretary", "status"]),
            models.Index(fields=["category", "status"]),
            # The supervision list's oldest items (dashboard): due-date order among unfinished items.
            models.Index(
                fields=["due_date"],
                name="demand_overdue_due_idx",
                condition=~Q(status__in=list(lifecycle.FINISHED)),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)), name="demand_rating_1_to_5"
            ),
            models.UniqueConstraint(
                fields=["submission", "client_key"], condition=~Q(client_key=""), name="demand_client_key_once"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def assignee(self):
        return self.assignee_secretary or self.assignee_team or self.assignee_station or self.assignee_unit


class DemandEvent(models.Model):
    """Every step of an item's life: who, when, from, to, note."""

    item = models.ForeignKey(DemandItem, on_delete=models.CASCADE, related_name="events", verbose_name="需求")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    action = models.CharField("动作", max_length=20)
    from_status = models.CharField("原状态", max_length=12, blank=True)
    to_status = models.CharField("新状态", max_length=12, blank=True)
    note = models.TextField("说明", blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "需求办理记录"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.item} {self.action}"


class ResourceItemQuerySet(DistrictWideQuerySet):
    district_path = "secretary__village__township__district"
    township_path = "secretary__village__township"
    secretary_path = "secretary"

    # Resources are offers to the whole district: every role in it may read them; a secretary edits
    # only their own (checked in the view through `editable_by`). A unit's own resource belongs to
    # the districts its secretaries serve in.
    def in_district(self, district_id):
        return self.filter(
            Q(secretary__village__township__district_id=district_id)
            | Q(secretary__isnull=True, dispatch_unit__secretaries__village__township__district_id=district_id)
        ).distinct()


class ResourceItem(models.Model):
    """资源清单: what a secretary (own expertise) or their dispatching unit can offer."""

    class Source(models.TextChoices):
        PERSONAL = "personal", "个人特长"
        UNIT = "unit", "派出单位"

    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.PERSONAL)
    secretary = models.ForeignKey(
        "secretaries.Secretary",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name="第一书记",
    )
    dispatch_unit = models.ForeignKey(
        "secretaries.DispatchUnit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name="派出单位",
    )
    category = models.ForeignKey(ResourceCategory, on_delete=models.PROTECT, related_name="items", verbose_name="类别")
    expertise = models.ForeignKey(
        "secretaries.Expertise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name="相关特长",
    )
    title = models.CharField("资源名称", max_length=100)
    description = models.TextField("具体内容", blank=True)
    capacity = models.CharField("可提供规模", max_length=100, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)
    active = models.BooleanField("有效", default=True)
    confirmed_at = models.DateTimeField("最近确认时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = ResourceItemQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "资源清单"
        ordering = ["category", "title"]
        indexes = [models.Index(fields=["category", "active"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(secretary__isnull=False) | Q(dispatch_unit__isnull=False),
                name="resource_has_owner",
                violation_error_message="资源须属于一名第一书记或一个派出单位",
            )
        ]

    def __str__(self):
        return self.title


class ProjectItemQuerySet(ScopedQuerySet):
    district_path = "villages__township__district"
    township_path = "villages__township"
    village_path = "villages"

    def for_user(self, user):
        return super().for_user(user).distinct()


class ProjectItem(models.Model):
    """项目清单."""

    class Status(models.TextChoices):
        PLANNED = "planned", "拟开展"
        ONGOING = "ongoing", "正在开展"
        DONE = "done", "已完成"

    round = models.ForeignKey(
        CollectionRound, on_delete=models.SET_NULL, null=True, blank=True, related_name="projects", verbose_name="轮次"
    )
    title = models.CharField("项目名称", max_length=100)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PLANNED)
    villages = models.ManyToManyField("secretaries.Village", related_name="projects", verbose_name="涉及村")
    lead_secretary = models.ForeignKey(
        "secretaries.Secretary",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_projects",
        verbose_name="牵头第一书记",
    )
    demands = models.ManyToManyField(DemandItem, blank=True, related_name="projects", verbose_name="关联需求")
    category = models.ForeignKey(
        DemandCategory, on_delete=models.SET_NULL, null=True, blank=True, related_name="projects", verbose_name="类别"
    )
    budget = models.DecimalField("预算（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    funds_secured = models.DecimalField("已争取资金（元）", max_digits=14, decimal_places=2, default=0)
    progress = models.PositiveSmallIntegerField(
        "进度（%）", default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    start_date = models.DateField("开始日期", null=True, blank=True)
    end_date = models.DateField("完成日期", null=True, blank=True)
    outcomes = models.TextField("成效", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="填报人",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = ProjectItemQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "项目清单"
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="project_progress_max_100"),
        ]

    def __str__(self):
        return self.title


class ReminderLog(models.Model):
    """One row per reminder sent for a village in a round; makes the daily job idempotent."""

    round = models.ForeignKey(CollectionRound, on_delete=models.CASCADE, related_name="reminders")
    village = models.ForeignKey("secretaries.Village", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)  # e.g. "before_7", "before_1", "overdue_1"
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "village", "kind"], name="reminder_once")]


DEFAULT_NOTICE_TITLE = "关于征集第七批驻村第一书记助推乡村振兴“需求清单”的通知（{周期}）"
DEFAULT_NOTICE_BODY = """各乡镇（街道）、各位驻村第一书记：

为精准对接派驻村发展需求，现开展{周期}“三项清单”征集工作，有关事项通知如下：

一、征集内容。请各派驻村结合实际，梳理灾后恢复重建、基础设施建设、产业发展、农产品销售等方面的帮扶需求，形成“需求清单”；第一书记结合派出单位资源和个人特长，同步更新“资源清单”和“项目清单”。本轮没有新增需求的，请报送“本轮无新增需求”。

二、报送方式。第一书记登录第一书记组团服务平台在线填报；尚未开通账号的村，由乡镇（街道）工作人员代为报送，也可下载 Excel 模板填写后统一上传。

三、时间要求。请于{截止日期}前完成报送。逾期未报送的，平台将自动提醒。

区委组织部
{发布日期}"""


class RoundNoticeTemplate(models.Model):
    """The notice the department issues with each round, kept as data so it can be edited without
    a release. Placeholders {周期} {周期开始} {周期结束} {截止日期} {发布日期} are filled in per round."""

    district = models.OneToOneField(
        "secretaries.District", on_delete=models.CASCADE, related_name="round_notice_template", verbose_name="区"
    )
    title_template = models.CharField("标题模板", max_length=200, default=DEFAULT_NOTICE_TITLE)
    body_template = models.TextField("正文模板", default=DEFAULT_NOTICE_BODY)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "征集通知模板"

    def __str__(self):
        return f"{self.district} 征集通知模板"


class SupervisionFlagQuerySet(ScopedQuerySet):
    district_path = "item__village__township__district"
    township_path = "item__village__township"
    village_path = "item__village"

    def active(self):
        return self.filter(cleared_at__isnull=True)


class SupervisionFlag(models.Model):
    """督导清单 entry: an item flagged as overdue, without progress, or rated poorly.

    One row per (item, reason, state): the daily job may run any number of times and the
    unique constraint keeps it to one flag, and one notification, per state change."""

    class Reason(models.TextChoices):
        OVERDUE = "overdue", "逾期未办结"
        STALE = "stale", "长期无进展"
        POOR_RATING = "poor_rating", "群众评价差"

    item = models.ForeignKey(
        DemandItem, on_delete=models.CASCADE, related_name="supervision_flags", verbose_name="需求"
    )
    reason = models.CharField("督导原因", max_length=12, choices=Reason.choices)
    # What made the state: the due date, the last activity date, or the rating round.
    state_key = models.CharField("状态标识", max_length=40)
    flagged_at = models.DateTimeField("列入时间", auto_now_add=True)
    cleared_at = models.DateTimeField("解除时间", null=True, blank=True)

    objects = SupervisionFlagQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "督导清单"
        ordering = ["-flagged_at"]
        constraints = [
            models.UniqueConstraint(fields=["item", "reason", "state_key"], name="supervision_flag_once_per_state")
        ]
        indexes = [models.Index(fields=["cleared_at", "reason"])]

    def __str__(self):
        return f"{self.item} · {self.get_reason_display()}"
