from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.scoping import ADMIN_ROLES, ROLE_CHOICES, ScopedQuerySet, scope_for
from secretaries.models_import import ColumnMapping, HeaderSynonym, ImportKind  # noqa: F401 (models of this app)
from secretaries.validators import normalize_phone, validate_id_number, validate_mobile


class TrimmedNameMixin:
    """Names typed in forms and spreadsheets often carry stray spaces; store them trimmed."""

    trimmed_fields = ("name",)

    def clean_fields(self, exclude=None):
        for field in self.trimmed_fields:
            value = getattr(self, field, None)
            if isinstance(value, str):
                setattr(self, field, " ".join(value.split()))
        super().clean_fields(exclude=exclude)


class CityQuerySet(models.QuerySet):
    def for_user(self, user):
        """A city's department sees its city; a district's people see the city above it, if any."""
        scope = scope_for(user)
        if scope.is_superuser:
            return self
        if scope.is_city:
            return self.filter(pk=scope.city_id)
        if scope.has_access:
            return self.filter(districts__pk=scope.district_id)
        return self.none()


class City(TrimmedNameMixin, models.Model):
    """A city (市) above the districts: its organization department (the city role) reads and
    compares its districts and writes nothing."""

    name = models.CharField("名称", max_length=50, unique=True)
    code = models.CharField("行政区划代码", max_length=12, blank=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "市"
        ordering = ["name"]

    def __str__(self):
        return self.name


class DistrictQuerySet(ScopedQuerySet):
    district_path = "pk"


class District(TrimmedNameMixin, models.Model):
    name = models.CharField("名称", max_length=50, unique=True)
    code = models.CharField("行政区划代码", max_length=12, blank=True)
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, null=True, blank=True, related_name="districts", verbose_name="所属市"
    )
    history = HistoricalRecords()

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "区"
        ordering = ["name"]

    def __str__(self):
        return self.name


class TownshipQuerySet(ScopedQuerySet):
    district_path = "district"
    township_path = "pk"


class Township(TrimmedNameMixin, models.Model):
    KIND_CHOICES = [("镇", "镇"), ("乡", "乡"), ("街道", "街道")]

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="townships", verbose_name="所属区")
    name = models.CharField("名称", max_length=50)
    kind = models.CharField("类型", max_length=4, choices=KIND_CHOICES, default="镇")
    code = models.CharField("代码", max_length=12, blank=True)
    # Shiquan's 联络办: the township's staff accept and dispatch its villages' demands themselves
    # (demands.lifecycle.township_runs_loop reads it); the department may still do every step.
    runs_loop = models.BooleanField(
        "乡镇联络办接单派单",
        default=False,
        help_text="开启后，本乡镇工作人员可对本乡镇各村需求接单、退回、派单、合并和重新办理",
    )
    history = HistoricalRecords()

    objects = TownshipQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "乡镇（街道）"
        ordering = ["district", "name"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="township_unique_name")]

    def __str__(self):
        return self.name


class VillageQuerySet(ScopedQuerySet):
    district_path = "township__district"
    township_path = "township"
    village_path = "pk"


class Village(TrimmedNameMixin, models.Model):
    KIND_CHOICES = [("村", "行政村"), ("社区", "社区")]

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="villages", verbose_name="所属乡镇")
    name = models.CharField("名称", max_length=50)
    kind = models.CharField("类型", max_length=4, choices=KIND_CHOICES, default="村")
    population = models.PositiveIntegerField("户籍人口", null=True, blank=True)
    households = models.PositiveIntegerField("户数", null=True, blank=True)
    notes = models.TextField("备注", blank=True)
    history = HistoricalRecords()

    objects = VillageQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "村（社区）"
        ordering = ["township", "name"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="village_unique_name")]

    def __str__(self):
        return self.name


class Batch(TrimmedNameMixin, models.Model):
    name = models.CharField("批次", max_length=20, unique=True)
    number = models.PositiveSmallIntegerField("序号", unique=True)
    term_start = models.DateField("任期开始")
    term_end = models.DateField("任期结束")

    class Meta:
        verbose_name = verbose_name_plural = "批次"
        ordering = ["-number"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.term_start and self.term_end and self.term_end <= self.term_start:
            raise ValidationError({"term_end": "任期结束日期必须晚于开始日期"})


class AreaBranchQuerySet(ScopedQuerySet):
    district_path = "district"
    township_path = "townships"


class AreaBranch(TrimmedNameMixin, models.Model):
    """片区临时党支部: the temporary party committee groups secretaries by nearness."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="area_branches", verbose_name="所属区"
    )
    name = models.CharField("名称", max_length=50)
    townships = models.ManyToManyField(Township, blank=True, related_name="area_branches", verbose_name="覆盖乡镇")

    objects = AreaBranchQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "片区临时党支部"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="areabranch_unique_name")]

    def __str__(self):
        return self.name


class DispatchUnit(TrimmedNameMixin, models.Model):
    LEVEL_CHOICES = [
        ("central", "中央"),
        ("province", "省"),
        ("city", "市"),
        ("district", "区"),
        ("county", "县"),
    ]
    KIND_CHOICES = [
        ("organ", "机关"),
        ("institution", "事业单位"),
        ("soe", "国企"),
        ("university", "高校"),
        ("hospital", "医院"),
        ("financial", "金融机构"),
        ("other", "其他"),
    ]

    name = models.CharField("单位名称", max_length=100, unique=True)
    level = models.CharField("层级", max_length=10, choices=LEVEL_CHOICES)
    kind = models.CharField("性质", max_length=12, choices=KIND_CHOICES)
    contact_name = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "派出单位"
        ordering = ["level", "name"]

    def __str__(self):
        return self.name


class Expertise(TrimmedNameMixin, models.Model):
    name = models.CharField("特长", max_length=30, unique=True)
    description = models.CharField("说明", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "个人特长"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class SecretaryQuerySet(ScopedQuerySet):
    district_path = "village__township__district"
    township_path = "village__township"
    village_path = "village"
    secretary_path = "pk"

    def on_post(self):
        return self.filter(status=Secretary.Status.ON_POST)


class Secretary(TrimmedNameMixin, models.Model):
    class Status(models.TextChoices):
        ON_POST = "on_post", "在岗"
        EXPIRED = "expired", "期满"
        RECALLED = "recalled", "召回"

    class Gender(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    name = models.CharField("姓名", max_length=30)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    phone = models.CharField("手机号码", max_length=11, validators=[validate_mobile])
    id_number = models.CharField("身份证号", max_length=18, blank=True, validators=[validate_id_number])
    email = models.EmailField("电子邮箱", blank=True)
    dispatch_unit = models.ForeignKey(
        DispatchUnit, on_delete=models.PROTECT, related_name="secretaries", verbose_name="派出单位"
    )
    position = models.CharField("原单位职务", max_length=50, blank=True)
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="secretaries", verbose_name="批次")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="secretaries", verbose_name="派驻村")
    area_branch = models.ForeignKey(
        AreaBranch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="secretaries",
        verbose_name="片区临时党支部",
    )
    expertise = models.ManyToManyField(Expertise, blank=True, related_name="secretaries", verbose_name="个人特长")
    term_start = models.DateField("任期开始")
    term_end = models.DateField("任期结束")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ON_POST)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="secretary",
        verbose_name="登录账号",
    )
    notes = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = SecretaryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "第一书记"
        ordering = ["village__township__name", "village__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "batch"],
                condition=Q(status="on_post"),
                name="secretary_one_on_post_per_village_batch",
                violation_error_message="该村在本批次已有在岗第一书记",
            ),
            models.CheckConstraint(
                condition=Q(term_end__gt=models.F("term_start")),
                name="secretary_term_end_after_start",
                violation_error_message="任期结束日期必须晚于开始日期",
            ),
        ]
        indexes = [models.Index(fields=["status", "village"]), models.Index(fields=["name"])]

    def __str__(self):
        return self.name

    @property
    def age(self):
        return age_on(self.birth_date, timezone.localdate())

    @property
    def township(self):
        return self.village.township

    def clean(self):
        if self.phone:
            self.phone = normalize_phone(self.phone)
        if self.id_number:
            self.id_number = self.id_number.strip().upper()
        errors = {}
        if self.term_start and self.term_end and self.term_end <= self.term_start:
            errors["term_end"] = "任期结束日期必须晚于开始日期"
        if self.birth_date and self.birth_date >= timezone.localdate():
            errors["birth_date"] = "出生日期必须早于今天"
        id_birth = self.id_number[6:14] if self.id_number and len(self.id_number) == 18 else None
        if id_birth and self.birth_date and id_birth != self.birth_date.strftime("%Y%m%d"):
            errors["id_number"] = "身份证号中的出生日期与填写的出生日期不一致"
        if errors:
            raise ValidationError(errors)


class ReserveCadreQuerySet(ScopedQuerySet):
    district_path = "village__township__district"
    township_path = "village__township"
    village_path = "village"

    def current(self):
        """Still in the reserve (not left)."""
        return self.filter(left__isnull=True)


class ReserveCadre(TrimmedNameMixin, models.Model):
    """A reserve candidate for village party secretary (后备力量): Jining asks every assisted
    village for at least two (settings.RESERVE_CADRES_MIN); the secretary mentors them."""

    class Source(models.TextChoices):
        ENTREPRENEUR = "entrepreneur", "致富能手"
        VETERAN = "veteran", "退役军人"
        GRADUATE = "graduate", "返乡大学生"
        CADRE = "cadre", "村干部"
        OTHER = "other", "其他"

    class Education(models.TextChoices):
        PRIMARY = "primary", "小学及以下"
        JUNIOR = "junior", "初中"
        SENIOR = "senior", "高中（中专）"
        COLLEGE = "college", "大专"
        BACHELOR = "bachelor", "本科"
        POSTGRADUATE = "postgraduate", "研究生"

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="reserve_cadres", verbose_name="村（社区）"
    )
    name = models.CharField("姓名", max_length=30)
    birth_year = models.PositiveSmallIntegerField(
        "出生年份", validators=[MinValueValidator(1940), MaxValueValidator(2010)]
    )
    education = models.CharField("学历", max_length=12, choices=Education.choices)
    current_post = models.CharField("现任职务", max_length=50, blank=True, help_text="如：村委会委员、合作社负责人")
    source = models.CharField("来源", max_length=12, choices=Source.choices)
    mentor = models.ForeignKey(
        Secretary,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reserve_mentees",
        verbose_name="培养联系人（第一书记）",
    )
    added = models.DateField("纳入日期", default=timezone.localdate)
    left = models.DateField("退出日期", null=True, blank=True, help_text="已任用或不再作为后备力量时填写")
    notes = models.TextField("备注", blank=True)
    history = HistoricalRecords()

    objects = ReserveCadreQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "后备力量"
        ordering = ["village", "left", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left__isnull=True) | Q(left__gte=models.F("added")),
                name="reserve_cadre_left_after_added",
                violation_error_message="退出日期不能早于纳入日期",
            )
        ]

    def __str__(self):
        return self.name

    def age_on(self, day):
        return day.year - self.birth_year


def age_on(birth_date, day):
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class StaffProfileQuerySet(models.QuerySet):
    def for_user(self, user):
        """The org department and the administrators see the logins of their district; anyone else
        only their own."""

        scope = scope_for(user)
        if scope.is_superuser:
            return self
        if not (scope.is_org or scope.is_admin):
            return self.filter(user=user) if user.is_authenticated else self.none()
        district = scope.district_id
        return self.filter(
            Q(district_id=district)
            | Q(township__district_id=district)
            | Q(station__township__district_id=district)
            | Q(user__secretary__village__township__district_id=district)
        )


class StaffProfile(models.Model):
    """The role and scope of a login. A first secretary's login also links Secretary.user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile", verbose_name="账号"
    )
    role = models.CharField("角色", max_length=20, choices=ROLE_CHOICES)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="区"
    )
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name="乡镇"
    )
    station = models.ForeignKey(
        "stations.ServiceStation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managers",
        verbose_name="服务站",
    )
    city = models.ForeignKey(City, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="市")
    phone = models.CharField("手机号码", max_length=11, blank=True, validators=[validate_mobile])
    history = HistoricalRecords()

    objects = StaffProfileQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "账号角色"

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"

    def clean(self):
        required = {
            "org": "district",
            "township": "township",
            "station_manager": "station",
            "city": "city",
            "member": "district",
        }
        required.update(dict.fromkeys(ADMIN_ROLES, "district"))
        field = required.get(self.role)
        if field and not getattr(self, f"{field}_id"):
            raise ValidationError({field: "该角色必须指定所属范围"})
