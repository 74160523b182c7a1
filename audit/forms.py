from django import forms

from audit.actions import ACTION_LABELS
from audit.models import AuditEntry
from secretaries.forms import BootstrapFormMixin

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(BootstrapFormMixin, forms.Form):
    start = forms.DateField(
        label="起始日期", required=False, widget=DATE_WIDGET, error_messages={"invalid": "起始日期格式应为 2026-01-31"}
    )
    end = forms.DateField(
        label="截止日期", required=False, widget=DATE_WIDGET, error_messages={"invalid": "截止日期格式应为 2026-01-31"}
    )
    user = forms.CharField(label="用户名", required=False, max_length=150)
    action = forms.ChoiceField(
        label="操作",
        required=False,
        choices=[("", "全部操作"), *ACTION_LABELS.items()],
        error_messages={"invalid_choice": "所选操作不存在，请重新选择"},
    )
    object_type = forms.ChoiceField(
        label="对象类型", required=False, error_messages={"invalid_choice": "所选对象类型不存在，请重新选择"}
    )
    result = forms.ChoiceField(
        label="结果",
        required=False,
        choices=[("", "全部结果"), *AuditEntry.Result.choices],
        error_messages={"invalid_choice": "所选结果不存在，请重新选择"},
    )

    def __init__(self, *args, object_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", "全部对象"), *object_types]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "截止日期不能早于起始日期")
        return cleaned
