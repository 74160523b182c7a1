from django import forms
from django.forms import inlineformset_factory

from core.scoping import scope_for
from demands.models import (
    CollectionRound,
    DemandCategory,
    DemandItem,
    ProjectItem,
    ResourceCategory,
    ResourceItem,
    Submission,
)
from secretaries.forms import BootstrapFormMixin
from secretaries.models import Expertise, Secretary, Township, Village


class RoundForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = CollectionRound
        fields = ["title", "period_start", "period_end", "deadline", "notice_text"]
        widgets = {"notice_text": forms.Textarea(attrs={"rows": 12})}
        help_texts = {
            "notice_text": "已按通知模板填入周期和截止日期，可直接修改。模板可在管理后台“征集通知模板”中编辑。"
        }

    def clean(self):
        data = super().clean()
        start, end, deadline = data.get("period_start"), data.get("period_end"), data.get("deadline")
        if start and end and end <= start:
            self.add_error("period_end", "周期结束日期必须晚于开始日期")
        if start and end and deadline and not (start <= deadline <= end):
            self.add_error("deadline", "报送截止日期应在征集周期之内")
        return data


class DemandItemForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = DemandItem
        fields = [
            "category",
            "title",
            "detail",
            "urgency",
            "wanted_by",
            "estimated_funds",
            "contact_name",
            "contact_phone",
        ]
        widgets = {
            "detail": forms.Textarea(attrs={"rows": 2}),
            "wanted_by": forms.DateInput(),
            "estimated_funds": forms.NumberInput(attrs={"min": 0, "step": "0.01", "inputmode": "decimal"}),
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = DemandCategory.objects.filter(active=True)
        self.fields["category"].empty_label = "请选择类别"

    def clean_estimated_funds(self):
        value = self.cleaned_data.get("estimated_funds")
        if value is not None and value < 0:
            raise forms.ValidationError("预计资金不能为负数")
        return value

    def clean_contact_phone(self):
        value = (self.cleaned_data.get("contact_phone") or "").strip()
        digits = value.replace("-", "").replace(" ", "")
        if value and (not digits.isdigit() or not 7 <= len(digits) <= 12):
            raise forms.ValidationError("联系电话格式不正确（手机号 11 位，或带区号的座机）")
        return value


DemandItemFormSet = inlineformset_factory(
    Submission,
    DemandItem,
    form=DemandItemForm,
    fk_name="submission",
    extra=0,
    can_delete=True,
    max_num=50,
    validate_max=True,
)
# The first visit shows one empty row, so the form is ready to type into.
DemandItemFormSetFirstRow = inlineformset_factory(
    Submission,
    DemandItem,
    form=DemandItemForm,
    fk_name="submission",
    extra=1,
    can_delete=True,
    max_num=50,
    validate_max=True,
)


class ReturnForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label="退回原因",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        error_messages={
            "required": "请填写退回原因",
            "max_length": "退回原因最多 %(limit_value)d 字（现有 %(show_value)d 字）",
        },
    )


class ResourceForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ResourceItem
        fields = [
            "source",
            "category",
            "expertise",
            "title",
            "description",
            "capacity",
            "valid_until",
            "active",
            "secretary",
            "dispatch_unit",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "valid_until": forms.DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ResourceCategory.objects.filter(active=True)
        self.fields["expertise"].queryset = Expertise.objects.all()
        scope = scope_for(user)
        if scope.is_org:
            self.fields["secretary"].queryset = Secretary.objects.for_user(user).on_post()
            self.fields["secretary"].help_text = "个人特长资源须指定第一书记；派出单位资源可只指定派出单位"
        else:
            # A secretary's resources belong to them (and their unit); the service sets the owner.
            del self.fields["secretary"]
            del self.fields["dispatch_unit"]

    def clean(self):
        data = super().clean()
        if "secretary" in self.fields and not (
            data.get("secretary") or data.get("dispatch_unit") or self.instance.secretary_id
        ):
            raise forms.ValidationError("资源须属于一名第一书记或一个派出单位")
        return data


class ProjectForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ProjectItem
        fields = [
            "title",
            "status",
            "category",
            "villages",
            "lead_secretary",
            "demands",
            "budget",
            "funds_secured",
            "progress",
            "start_date",
            "end_date",
            "outcomes",
        ]
        widgets = {
            "outcomes": forms.Textarea(attrs={"rows": 3}),
            "start_date": forms.DateInput(),
            "end_date": forms.DateInput(),
            "villages": forms.SelectMultiple(attrs={"size": 6}),
            "demands": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_for(user)
        self.fields["villages"].queryset = Village.objects.for_user(user).select_related("township")
        self.fields["villages"].label_from_instance = lambda v: f"{v.township.name} · {v.name}"
        self.fields["lead_secretary"].queryset = Secretary.objects.for_user(user).on_post()
        self.fields["category"].queryset = DemandCategory.objects.filter(active=True)
        demands = DemandItem.objects.for_user(user).exclude(status=DemandItem.Status.DRAFT)
        if scope.is_org:
            # The whole district would be thousands of options: offer the open round's items
            # and whatever is linked already.
            linked = self.instance.demands.values("pk") if self.instance.pk else DemandItem.objects.none()
            demands = demands.filter(round__status=CollectionRound.Status.OPEN) | DemandItem.objects.filter(
                pk__in=linked
            )
        else:
            demands = demands.filter(village__in=scope.village_ids or Village.objects.for_user(user).values("pk"))
        self.fields["demands"].queryset = demands.select_related("village").order_by("-pk")
        self.fields["demands"].label_from_instance = lambda d: f"{d.village.name} · {d.title}"
        self.fields["demands"].required = False
        if scope.is_secretary:
            self.fields["villages"].initial = list(scope.village_ids)

    def clean(self):
        data = super().clean()
        budget, secured = data.get("budget"), data.get("funds_secured")
        for name in ("budget", "funds_secured"):
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, "金额不能为负数")
        if budget is not None and secured is not None and secured > budget * 10:
            self.add_error("funds_secured", "已争取资金远超预算，请核对单位（元）")
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "完成日期不能早于开始日期")
        return data


class UploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label="填好的 Excel 模板（.xlsx）",
        error_messages={"empty": "文件是空的", "required": "请选择要上传的 Excel 文件"},
    )
    township = forms.ModelChoiceField(label="乡镇", queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_for(user)
        self.fields["township"].queryset = Township.objects.for_user(user)
        if scope.is_org:
            self.fields["township"].required = True
        else:
            del self.fields["township"]
