from django import forms
from django.conf import settings
from django.utils import timezone

from demands.models import CollectionRound, DemandCategory, DemandItem, SupervisionFlag
from secretaries.forms import BootstrapFormMixin
from secretaries.models import Township

MAX_ID = 2**63 - 1  # larger ids would overflow PostgreSQL's bigint primary keys


# A tampered hidden id reads as "not found", in Chinese.
ID_ERRORS = {
    "invalid": "所选承办方或资源不存在",
    "min_value": "所选承办方或资源不存在",
    "max_value": "所选承办方或资源不存在",
}


class NoteForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label="说明", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label="退回原因",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "退回必须填写原因"},
    )


class DispatchForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="承办方类型",
        choices=DemandItem.AssigneeKind.choices,
        error_messages={"required": "请选择承办方类型", "invalid_choice": "承办方类型无效"},
    )
    assignee_id = forms.IntegerField(
        label="承办方",
        min_value=1,
        max_value=MAX_ID,
        widget=forms.HiddenInput,
        error_messages=ID_ERRORS | {"required": "请选择承办方"},
    )
    resource_id = forms.IntegerField(
        label="对接资源",
        min_value=1,
        max_value=MAX_ID,
        required=False,
        widget=forms.HiddenInput,
        error_messages=ID_ERRORS,
    )
    due_date = forms.DateField(label="办理期限", required=False, help_text="不填则按紧急程度自动计算")
    note = forms.CharField(label="派单说明", required=False, max_length=1000)

    def clean_due_date(self):
        due_date = self.cleaned_data.get("due_date")
        if due_date and due_date < timezone.localdate():
            raise forms.ValidationError("办理期限不能早于今天")
        return due_date


class ProgressForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label="进展情况",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写进展情况"},
    )


class ResolveForm(BootstrapFormMixin, forms.Form):
    resolution = forms.CharField(
        label="办理结果",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写办理结果"},
    )
    funds_secured = forms.DecimalField(
        label="争取资金（元）",
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
        error_messages={"invalid": "请填写金额（数字）", "min_value": "争取资金不能为负数", "max_digits": "金额过大"},
    )
    resolved_on = forms.DateField(label="办结日期", required=False, help_text="不填则为今天")

    def clean_resolved_on(self):
        resolved_on = self.cleaned_data.get("resolved_on")
        if resolved_on and resolved_on > timezone.localdate():
            raise forms.ValidationError("办结日期不能晚于今天")
        return resolved_on


class RateForm(BootstrapFormMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label="评价",
        coerce=int,
        choices=[
            (5, "5 分 非常满意"),
            (4, "4 分 满意"),
            (3, "3 分 基本满意"),
            (2, "2 分 不满意"),
            (1, "1 分 很不满意"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择评分", "invalid_choice": "评价须为 1 到 5 分"},
    )
    comment = forms.CharField(
        label="评价意见", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    request_reopen = forms.BooleanField(
        label="不满意，申请重新办理",
        required=False,
        help_text=f"评分 {settings.SUPERVISION_POOR_RATING} 分及以下时可勾选，区委组织部收到后安排重新办理",
    )

    def clean(self):
        data = super().clean()
        rating = data.get("rating")
        if data.get("request_reopen") and rating is not None and rating > settings.SUPERVISION_POOR_RATING:
            self.add_error("request_reopen", f"只有评分 {settings.SUPERVISION_POOR_RATING} 分及以下时才能申请重新办理")
        return data


class RequestReopenForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label="不满意的原因",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请写明不满意的原因"},
    )


class MergeForm(BootstrapFormMixin, forms.Form):
    into = forms.IntegerField(
        label="合并到需求编号",
        min_value=1,
        max_value=MAX_ID,
        error_messages={
            "required": "请填写目标需求编号",
            "invalid": "编号应为数字",
            "min_value": "目标需求不存在",
            "max_value": "目标需求不存在",
        },
    )
    note = forms.CharField(label="说明", required=False, max_length=1000)


STEP_FORMS = {
    "accept": NoteForm,
    "return": ReturnForm,
    "dispatch": DispatchForm,
    "merge": MergeForm,
    "progress": ProgressForm,
    "resolve": ResolveForm,
    "rate": RateForm,
    "request_reopen": RequestReopenForm,
    "reopen": NoteForm,
}


class CobuildFilterForm(BootstrapFormMixin, forms.Form):
    round = forms.ModelChoiceField(
        label="轮次",
        queryset=CollectionRound.objects.none(),
        required=False,
        empty_label="全部轮次",
        error_messages={"invalid_choice": "所选轮次不存在，请重新选择"},
    )
    township = forms.ModelChoiceField(
        label="乡镇",
        queryset=Township.objects.none(),
        required=False,
        empty_label="全部乡镇",
        error_messages={"invalid_choice": "所选乡镇不存在，请重新选择"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = CollectionRound.objects.for_user(user)
        self.fields["township"].queryset = Township.objects.for_user(user)


class SupervisionFilterForm(BootstrapFormMixin, forms.Form):
    township = forms.ModelChoiceField(
        label="乡镇",
        queryset=Township.objects.none(),
        required=False,
        empty_label="全部乡镇",
        error_messages={"invalid_choice": "所选乡镇不存在，请重新选择"},
    )
    category = forms.ModelChoiceField(
        label="类别",
        queryset=DemandCategory.objects.none(),
        required=False,
        empty_label="全部类别",
        error_messages={"invalid_choice": "所选类别不存在，请重新选择"},
    )
    reason = forms.ChoiceField(
        label="督导原因",
        choices=[("", "全部原因"), *SupervisionFlag.Reason.choices],
        required=False,
        error_messages={"invalid_choice": "督导原因无效，请重新选择"},
    )
    assignee = forms.CharField(label="承办方", required=False, max_length=50)
    min_days_overdue = forms.IntegerField(
        label="逾期天数≥",
        required=False,
        min_value=0,
        max_value=3650,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "逾期天数请填整数",
            "min_value": "逾期天数不能为负数",
            "max_value": "逾期天数不能超过 3650",
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.for_user(user)
        self.fields["category"].queryset = DemandCategory.objects.for_user(user)
