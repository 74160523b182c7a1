"""django-import-export resources for a township's filled round template: one per sheet
(需求清单, 资源清单, 项目清单). Every widget answers a bad cell with a Chinese reason; the shared
`core.importing.import_dataset` turns those into row-numbered errors and saves nothing
unless every row of every sheet is valid."""

from decimal import Decimal, InvalidOperation

from import_export import fields, resources, widgets

from core.sheets import DateCellWidget
from demands.lifecycle import SUBMISSION_DONE
from demands.models import DemandCategory, DemandItem, ProjectItem, ResourceCategory, ResourceItem, Submission
from demands.services.lists import villages_filled_on_behalf
from secretaries.models import Secretary, Village


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


class TextWidget(widgets.Widget):
    def __init__(self, max_length=None, **kwargs):
        self.max_length = max_length
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if self.max_length and len(text) > self.max_length:
            raise ValueError(f"不能超过{self.max_length}个字（现有{len(text)}个字）")
        return text


class LookupWidget(widgets.Widget):
    """A name typed in a cell (picked from the template's drop-down) -> the object it names."""

    def __init__(self, mapping, what, required=True, **kwargs):
        self.mapping = mapping
        self.what = what
        self.required = required
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        name = _text(value)
        if not name:
            if self.required:
                raise ValueError("不能为空")
            return None
        if name not in self.mapping:
            raise ValueError(f"“{name}”不是可选的{self.what}，请从下拉列表中选择")
        return self.mapping[name]


class AmountWidget(widgets.Widget):
    def __init__(self, maximum=None, integer=False, **kwargs):
        self.maximum = maximum
        self.integer = integer
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            number = Decimal(_text(value).replace(",", "").replace("，", ""))
        except InvalidOperation:
            raise ValueError(f"“{value}”不是数字") from None
        if number < 0:
            raise ValueError("不能为负数")
        if self.maximum is not None and number > self.maximum:
            raise ValueError(f"不能大于{self.maximum}")
        if self.integer:
            if number != number.to_integral_value():
                raise ValueError("应为整数")
            return int(number)
        return number.quantize(Decimal("0.01"))


def _labels(choices):
    return {str(label): value for value, label in choices}


class _RoundResource(resources.ModelResource):
    """Shared set-up: the round, the township and the user the upload is for."""

    def __init__(self, *, collection_round, township, user):
        self.collection_round = collection_round
        self.township = township
        self.user = user
        # Names are looked up inside the user's scope and this township: another's is 不存在.
        self.villages = {v.name: v for v in Village.objects.for_user(user).filter(township=township)}
        super().__init__()
        self.saved = []

    def after_save_instance(self, instance, row, **kwargs):
        if not kwargs.get("dry_run"):
            self.saved.append(instance)


class DemandItemResource(_RoundResource):
    village = fields.Field(attribute="village", column_name="村（社区）")
    category = fields.Field(attribute="category", column_name="需求类别")
    title = fields.Field(attribute="title", column_name="需求名称", widget=TextWidget(100))
    detail = fields.Field(attribute="detail", column_name="具体内容", widget=TextWidget())
    urgency = fields.Field(attribute="urgency", column_name="紧急程度")
    wanted_by = fields.Field(attribute="wanted_by", column_name="期望完成时间", widget=DateCellWidget())
    estimated_funds = fields.Field(
        attribute="estimated_funds", column_name="预计资金（元）", widget=AmountWidget(maximum=Decimal("1e12"))
    )
    contact_name = fields.Field(attribute="contact_name", column_name="联系人", widget=TextWidget(30))
    contact_phone = fields.Field(attribute="contact_phone", column_name="联系电话", widget=TextWidget(20))

    class Meta:
        model = DemandItem
        fields = (
            "village",
            "category",
            "title",
            "detail",
            "urgency",
            "wanted_by",
            "estimated_funds",
            "contact_name",
            "contact_phone",
        )
        force_init_instance = True
        clean_model_instances = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        done = set(
            Submission.objects.filter(
                round=self.collection_round,
                village__township=self.township,
                status__in=SUBMISSION_DONE,
            ).values_list("village__name", flat=True)
        )
        on_behalf = set(villages_filled_on_behalf(self.township).values_list("name", flat=True))
        refusals = {name: f"“{name}”本轮已报送，如需修改请先在平台上退回该村清单" for name in done}
        refusals.update(
            {
                name: f"“{name}”的第一书记有平台账号，需求清单由第一书记本人在平台上填报，乡镇只代报没有账号的村"
                for name in self.villages
                if name not in on_behalf and name not in done
            }
        )
        open_villages = {name: v for name, v in self.villages.items() if name not in refusals}
        self.fields["village"].widget = RefusingLookupWidget(open_villages, "本乡镇的村（社区）", refusals=refusals)
        self.fields["category"].widget = LookupWidget(
            {c.name: c for c in DemandCategory.objects.filter(active=True)}, "需求类别"
        )
        self.fields["urgency"].widget = LookupWidget(_labels(DemandItem.Urgency.choices), "紧急程度", required=False)

    def init_instance(self, row=None):
        return DemandItem(
            round=self.collection_round,
            status=DemandItem.Status.DRAFT,
            channel=DemandItem.Channel.LIST,
            created_by=self.user,
        )

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)
        if field.attribute == "urgency" and not instance.urgency:
            instance.urgency = DemandItem.Urgency.LOW

    def before_save_instance(self, instance, row, **kwargs):
        instance.submission, _ = Submission.objects.get_or_create(round=self.collection_round, village=instance.village)


class RefusingLookupWidget(LookupWidget):
    """A lookup that names the reason for a known name it may not take (already submitted, has
    its own account), rather than calling it unknown."""

    def __init__(self, mapping, what, refusals, **kwargs):
        self.refusals = refusals
        super().__init__(mapping, what, **kwargs)

    def clean(self, value, row=None, **kwargs):
        if _text(value) in self.refusals:
            raise ValueError(self.refusals[_text(value)])
        return super().clean(value, row=row, **kwargs)


class ResourceItemResource(_RoundResource):
    secretary = fields.Field(attribute="secretary", column_name="第一书记所在村")
    source = fields.Field(attribute="source", column_name="来源")
    category = fields.Field(attribute="category", column_name="资源类别")
    title = fields.Field(attribute="title", column_name="资源名称", widget=TextWidget(100))
    description = fields.Field(attribute="description", column_name="具体内容", widget=TextWidget())
    capacity = fields.Field(attribute="capacity", column_name="可提供规模", widget=TextWidget(100))
    valid_until = fields.Field(attribute="valid_until", column_name="有效期至", widget=DateCellWidget())

    class Meta:
        model = ResourceItem
        fields = ("secretary", "source", "category", "title", "description", "capacity", "valid_until")
        force_init_instance = True
        clean_model_instances = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        on_post = (
            Secretary.objects.for_user(self.user)
            .on_post()
            .filter(village__township=self.township)
            .select_related("village")
        )
        with_login = set(on_post.filter(user__isnull=False, user__is_active=True).values_list("pk", flat=True))
        secretaries = {s.village.name: s for s in on_post if s.pk not in with_login}
        refusals = {
            s.village.name: f"“{s.village.name}”的第一书记有平台账号，资源清单由其本人在平台上维护"
            for s in on_post
            if s.pk in with_login
        }
        self.fields["secretary"].widget = RefusingLookupWidget(
            secretaries, "本乡镇没有平台账号的在岗第一书记所在村", refusals=refusals
        )
        self.fields["source"].widget = LookupWidget(_labels(ResourceItem.Source.choices), "来源")
        self.fields["category"].widget = LookupWidget(
            {c.name: c for c in ResourceCategory.objects.filter(active=True)}, "资源类别"
        )

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)
        if field.attribute == "secretary" and instance.secretary_id and instance.source == ResourceItem.Source.UNIT:
            instance.dispatch_unit_id = instance.secretary.dispatch_unit_id

    def before_save_instance(self, instance, row, **kwargs):
        if instance.source == ResourceItem.Source.UNIT:
            instance.dispatch_unit_id = instance.secretary.dispatch_unit_id
        from django.utils import timezone

        instance.confirmed_at = timezone.now()


class ProjectItemResource(_RoundResource):
    title = fields.Field(attribute="title", column_name="项目名称", widget=TextWidget(100))
    village = fields.Field(attribute="import_village", column_name="村（社区）")
    status = fields.Field(attribute="status", column_name="状态")
    category = fields.Field(attribute="category", column_name="项目类别")
    budget = fields.Field(attribute="budget", column_name="预算（元）", widget=AmountWidget(maximum=Decimal("1e12")))
    funds_secured = fields.Field(
        attribute="funds_secured", column_name="已争取资金（元）", widget=AmountWidget(maximum=Decimal("1e12"))
    )
    progress = fields.Field(
        attribute="progress", column_name="进度（%）", widget=AmountWidget(maximum=100, integer=True)
    )
    start_date = fields.Field(attribute="start_date", column_name="开始日期", widget=DateCellWidget())
    end_date = fields.Field(attribute="end_date", column_name="完成日期", widget=DateCellWidget())
    outcomes = fields.Field(attribute="outcomes", column_name="成效", widget=TextWidget())

    class Meta:
        model = ProjectItem
        fields = (
            "title",
            "village",
            "status",
            "category",
            "budget",
            "funds_secured",
            "progress",
            "start_date",
            "end_date",
            "outcomes",
        )
        force_init_instance = True
        clean_model_instances = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields["village"].widget = LookupWidget(self.villages, "本乡镇的村（社区）")
        self.fields["status"].widget = LookupWidget(_labels(ProjectItem.Status.choices), "项目状态")
        self.fields["category"].widget = LookupWidget(
            {c.name: c for c in DemandCategory.objects.filter(active=True)}, "项目类别", required=False
        )

    def init_instance(self, row=None):
        return ProjectItem(round=self.collection_round, created_by=self.user)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)
        if field.attribute in ("funds_secured", "progress") and getattr(instance, field.attribute) is None:
            setattr(instance, field.attribute, 0)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if instance.start_date and instance.end_date and instance.end_date < instance.start_date:
            from django.core.exceptions import ValidationError

            errors.setdefault("end_date", ValidationError("完成日期不能早于开始日期"))
        super().validate_instance(instance, errors, validate_unique)

    def before_save_instance(self, instance, row, **kwargs):
        village = getattr(instance, "import_village", None)
        if village is not None and instance.lead_secretary_id is None:
            instance.lead_secretary = Secretary.objects.on_post().filter(village=village).first()

    def after_save_instance(self, instance, row, **kwargs):
        village = getattr(instance, "import_village", None)
        if village is not None:
            instance.villages.set([village])
        super().after_save_instance(instance, row, **kwargs)
