from django import forms
from django.utils import timezone

from secretaries.forms import BootstrapFormMixin
from secretaries.models import Secretary
from stations.models import OPEN_STATUSES, DutyShift


class LeaveForm(BootstrapFormMixin, forms.Form):
    secretary = forms.ModelChoiceField(label="第一书记", queryset=Secretary.objects.none())
    start = forms.DateField(label="开始日期", widget=forms.DateInput)
    end = forms.DateField(label="结束日期", widget=forms.DateInput)
    reason = forms.CharField(label="事由", max_length=200)

    def __init__(self, *args, secretaries=None, **kwargs):
        super().__init__(*args, **kwargs)
        if secretaries is None:
            del self.fields["secretary"]
        else:
            self.fields["secretary"].queryset = secretaries

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "结束日期不能早于开始日期")
            elif (end - start).days > 366:
                self.add_error("end", "一次请假不超过一年")
            elif end < timezone.localdate():
                self.add_error("end", "不能登记已经结束的请假")
        return data


class WorkNoteForm(BootstrapFormMixin, forms.Form):
    work_note = forms.CharField(
        label="值班记录", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class SwapForm(BootstrapFormMixin, forms.Form):
    to_secretary = forms.ModelChoiceField(label="请谁代班", queryset=Secretary.objects.none())
    to_shift = forms.ModelChoiceField(
        label="与对方的班次互换（可不选）",
        queryset=DutyShift.objects.none(),
        required=False,
        help_text="不选表示请对方代班；选了表示两人互换班次。",
    )
    reason = forms.CharField(label="原因", max_length=200, required=False)

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_secretary"].queryset = colleagues
        self.fields["to_shift"].queryset = (
            DutyShift.objects.filter(secretary__in=colleagues, status__in=OPEN_STATUSES, date__gt=timezone.localdate())
            .select_related("station", "secretary")
            .order_by("date")
        )
        self.fields["to_shift"].label_from_instance = lambda s: f"{s.date:%m-%d} {s.station.name} {s.secretary.name}"

    def clean(self):
        data = super().clean()
        to_shift, to_secretary = data.get("to_shift"), data.get("to_secretary")
        if to_shift and to_secretary and to_shift.secretary_id != to_secretary.pk:
            self.add_error("to_shift", "互换的班次必须是所选代班人本人的班次")
        return data


class PoolAddForm(BootstrapFormMixin, forms.Form):
    secretary = forms.ModelChoiceField(label="加入值班池", queryset=Secretary.objects.none())

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secretary"].queryset = candidates
