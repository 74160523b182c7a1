"""Excel import/export of people and places (django-import-export), with Chinese headers and
Chinese error messages. Exports show phones, ID numbers and birth dates as the visibility rule
(secretaries/visibility.py) decides for the `visibility` given: masked for everyone without one."""

from datetime import date

from import_export import fields, resources, widgets

from core.scoping import NO_SCOPE
from core.sheets import DateCellWidget
from secretaries.models import AreaBranch, Batch, DispatchUnit, Expertise, Secretary, Township, Village
from secretaries.visibility import Person, Visibility

BIRTH_EARLIEST = date(1900, 1, 1)  # the dates read elsewhere start in 2000; people are older


class NamedForeignKeyWidget(widgets.ForeignKeyWidget):
    """Look a related row up by name; an unknown name is a Chinese error, not a stack trace."""

    def __init__(self, model, label, field="name", queryset=None, **kwargs):
        self.label = label
        self.queryset = queryset
        super().__init__(model, field=field, **kwargs)

    def get_queryset(self, value, row, *args, **kwargs):
        return self.queryset if self.queryset is not None else super().get_queryset(value, row, *args, **kwargs)

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        value = str(value).strip()
        try:
            return self.get_queryset(value, row, **kwargs).get(**{self.field: value})
        except self.model.DoesNotExist:
            raise ValueError(f"{self.label}“{value}”不存在，请先在系统中添加或检查名称") from None
        except self.model.MultipleObjectsReturned:
            raise ValueError(f"{self.label}“{value}”有重名，无法确定是哪一个") from None


class NamedManyToManyWidget(widgets.ManyToManyWidget):
    def __init__(self, model, label, separator="、", field="name", **kwargs):
        self.label = label
        super().__init__(model, separator=separator, field=field, **kwargs)

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return self.model.objects.none()
        names = [part.strip() for part in str(value).replace("，", "、").replace(",", "、").split("、") if part.strip()]
        found = {obj.name: obj for obj in self.model.objects.filter(name__in=names)}
        unknown = [name for name in names if name not in found]
        if unknown:
            raise ValueError(f"{self.label}“{'、'.join(unknown)}”不存在")
        return [found[name] for name in names]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "、".join(str(getattr(item, self.field)) for item in value.all())


class ChoiceLabelWidget(widgets.Widget):
    """Excel shows the Chinese label (男, 在岗, 市); the database stores the value (M, on_post, city)."""

    def __init__(self, choices, label, required=True):
        self.to_value = {str(lbl): val for val, lbl in choices}
        self.to_label = {val: str(lbl) for val, lbl in choices}
        self.label = label
        self.required = required
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            if self.required:
                raise ValueError(f"{self.label}不能为空")
            return ""
        value = str(value).strip()
        if value in self.to_value:
            return self.to_value[value]
        if value in self.to_label:
            return value
        raise ValueError(f"“{value}”不是有效的{self.label}，可选：{'、'.join(self.to_value)}")

    def render(self, value, obj=None, **kwargs):
        return self.to_label.get(value, value or "")


class TextWidget(widgets.Widget):
    """Excel turns phone and ID numbers into numbers (13800001234.0); read them back as text."""

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class IntegerOrBlankWidget(widgets.Widget):
    def __init__(self, label):
        self.label = label
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{self.label}“{value}”不是数字") from None
        if number < 0 or not number.is_integer():
            raise ValueError(f"{self.label}应为非负整数")
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class VillageWidget(widgets.Widget):
    """The village column names a village inside the row's township (names repeat across townships),
    the township one of `townships` (the importer's: another district's township is 不存在)."""

    def __init__(self, townships=None, **kwargs):
        self.townships = townships
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            raise ValueError("派驻村不能为空")
        township_name = str((row or {}).get("乡镇") or "").strip()
        if not township_name:
            raise ValueError("乡镇不能为空")
        townships = self.townships if self.townships is not None else Township.objects.all()
        township = townships.filter(name=township_name).first()
        if township is None:
            raise ValueError(f"乡镇“{township_name}”不存在")
        village = Village.objects.filter(township=township, name=str(value).strip()).first()
        if village is None:
            raise ValueError(f"乡镇“{township_name}”下没有村“{value}”")
        return village

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class ChineseModelResource(resources.ModelResource):
    """Common behaviour: validate every instance with full_clean (validators and constraints).

    An import names townships, villages and secretaries; with `user` every such name is looked up
    inside the user's scope (Model.objects.for_user), so a name from another district is 不存在
    and its record can be neither read nor updated. Units, batches and specialities are shared by
    the whole installation (their names are unique across it). Without a user (management
    commands, the demo seed) the lookups are unscoped."""

    def __init__(self, visibility=None, queryset=None, user=None):
        super().__init__()
        self.visibility = visibility or Visibility(NO_SCOPE)
        self._queryset = queryset
        self.user = user

    def scoped(self, model):
        return model.objects.for_user(self.user) if self.user is not None else model.objects.all()

    def get_queryset(self):
        return self._queryset if self._queryset is not None else super().get_queryset()


class SecretaryResource(ChineseModelResource):
    name = fields.Field(attribute="name", column_name="姓名", widget=TextWidget())
    gender = fields.Field(
        attribute="gender", column_name="性别", widget=ChoiceLabelWidget(Secretary.Gender.choices, "性别")
    )
    birth_date = fields.Field(
        attribute="birth_date", column_name="出生日期", widget=DateCellWidget(earliest=BIRTH_EARLIEST)
    )
    phone = fields.Field(attribute="phone", column_name="手机号码", widget=TextWidget())
    id_number = fields.Field(attribute="id_number", column_name="身份证号", widget=TextWidget())
    dispatch_unit = fields.Field(
        attribute="dispatch_unit", column_name="派出单位", widget=NamedForeignKeyWidget(DispatchUnit, "派出单位")
    )
    batch = fields.Field(attribute="batch", column_name="批次", widget=NamedForeignKeyWidget(Batch, "批次"))
    township = fields.Field(column_name="乡镇", readonly=True)
    village = fields.Field(attribute="village", column_name="派驻村", widget=VillageWidget())
    area_branch = fields.Field(
        attribute="area_branch",
        column_name="片区临时党支部",
        widget=NamedForeignKeyWidget(AreaBranch, "片区临时党支部"),
    )
    expertise = fields.Field(
        attribute="expertise", column_name="个人特长", widget=NamedManyToManyWidget(Expertise, "个人特长")
    )
    term_start = fields.Field(attribute="term_start", column_name="任期开始", widget=DateCellWidget())
    term_end = fields.Field(attribute="term_end", column_name="任期结束", widget=DateCellWidget())
    status = fields.Field(
        attribute="status", column_name="状态", widget=ChoiceLabelWidget(Secretary.Status.choices, "状态")
    )

    REQUIRED_HEADERS = [
        "姓名",
        "性别",
        "出生日期",
        "手机号码",
        "派出单位",
        "批次",
        "乡镇",
        "派驻村",
        "任期开始",
        "任期结束",
    ]
    OPTIONAL_HEADERS = ["身份证号", "片区临时党支部", "个人特长", "状态"]

    class Meta:
        model = Secretary
        fields = (
            "name", "gender", "birth_date", "phone", "id_number", "dispatch_unit", "batch",
            "township", "village", "area_branch", "expertise", "term_start", "term_end", "status",
        )  # fmt: skip
        export_order = fields
        import_id_fields = ()
        clean_model_instances = True
        skip_unchanged = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields["village"].widget = VillageWidget(townships=self.scoped(Township))
        self.fields["area_branch"].widget = NamedForeignKeyWidget(
            AreaBranch, "片区临时党支部", queryset=self.scoped(AreaBranch)
        )

    def get_instance(self, instance_loader, row):
        """A row updates the secretary of the same name in the same village, else creates one."""
        try:
            village = self.fields["village"].widget.clean(row.get("派驻村"), row=row)
        except ValueError:
            return None
        name = " ".join(str(row.get("姓名") or "").split())
        return self.scoped(Secretary).filter(name=name, village=village).first()

    def before_import_row(self, row, **kwargs):
        if row.get("状态") in (None, ""):
            row["状态"] = "在岗"

    def dehydrate_township(self, secretary):
        return secretary.village.township.name

    def dehydrate_phone(self, secretary):
        return self.visibility.secretary_phone(secretary).text

    def dehydrate_id_number(self, secretary):
        return self.visibility.id_number(secretary.id_number)

    def dehydrate_birth_date(self, secretary):
        # The org department's file is a date (it re-imports); everyone else's an age.
        if self.visibility.sees_birth_date:
            return self.fields["birth_date"].export(secretary)
        return self.visibility.birth(secretary.birth_date)

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("dispatch_unit", "batch", "village__township", "area_branch")
            .prefetch_related("expertise")
        )


class VillageResource(ChineseModelResource):
    township = fields.Field(attribute="township", column_name="乡镇", widget=NamedForeignKeyWidget(Township, "乡镇"))
    name = fields.Field(attribute="name", column_name="村名", widget=TextWidget())
    kind = fields.Field(attribute="kind", column_name="类型", widget=ChoiceLabelWidget(Village.KIND_CHOICES, "类型"))
    population = fields.Field(attribute="population", column_name="户籍人口", widget=IntegerOrBlankWidget("户籍人口"))
    households = fields.Field(attribute="households", column_name="户数", widget=IntegerOrBlankWidget("户数"))
    notes = fields.Field(attribute="notes", column_name="备注", widget=TextWidget())

    REQUIRED_HEADERS = ["乡镇", "村名", "类型"]
    OPTIONAL_HEADERS = ["户籍人口", "户数", "备注"]

    class Meta:
        model = Village
        fields = ("township", "name", "kind", "population", "households", "notes")
        export_order = fields
        import_id_fields = ("township", "name")
        clean_model_instances = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields["township"].widget = NamedForeignKeyWidget(Township, "乡镇", queryset=self.scoped(Township))

    def get_queryset(self):
        return super().get_queryset().select_related("township")


class DispatchUnitResource(ChineseModelResource):
    name = fields.Field(attribute="name", column_name="单位名称", widget=TextWidget())
    level = fields.Field(
        attribute="level", column_name="层级", widget=ChoiceLabelWidget(DispatchUnit.LEVEL_CHOICES, "层级")
    )
    kind = fields.Field(
        attribute="kind", column_name="性质", widget=ChoiceLabelWidget(DispatchUnit.KIND_CHOICES, "性质")
    )
    contact_name = fields.Field(attribute="contact_name", column_name="联系人", widget=TextWidget())
    contact_phone = fields.Field(attribute="contact_phone", column_name="联系电话", widget=TextWidget())

    REQUIRED_HEADERS = ["单位名称", "层级", "性质"]
    OPTIONAL_HEADERS = ["联系人", "联系电话"]

    class Meta:
        model = DispatchUnit
        fields = ("name", "level", "kind", "contact_name", "contact_phone")
        export_order = fields
        import_id_fields = ("name",)
        clean_model_instances = True

    def dehydrate_contact_phone(self, unit):
        return self.visibility.phone(unit.contact_phone, Person.unit_contact(unit)).text
