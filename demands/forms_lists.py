from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone

from core.concurrency import VersionedFormMixin, keep_unseen_choices
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
from secretaries.validators import validate_contact_phone, validate_funds, validate_not_past


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


ITEM_FIELDS = [
    "category",
    "title",
    "detail",
    "urgency",
    "wanted_by",
    "estimated_funds",
    "contact_name",
    "contact_phone",
]
# Not the item's data: a row's browser key and the past-date confirmation do not make a row "filled in".
ROW_HELPERS = ("client_key", "confirm_past")


class DemandItemForm(BootstrapFormMixin, forms.ModelForm):
    """One row of the list form; also what the autosave endpoint validates each row with."""

    client_key = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    confirm_past = forms.BooleanField(
        label="确认日期无误", required=False, widget=forms.CheckboxInput(attrs={"aria-label": "确认日期无误"})
    )

    class Meta:
        model = DemandItem
        fields = ITEM_FIELDS
        widgets = {
            # Choices as large buttons (btn-check, drawn by _demand_row.html): one tap each on a phone.
            "category": forms.RadioSelect,
            "urgency": forms.RadioSelect,
            "detail": forms.Textarea(attrs={"rows": 2}),
            "wanted_by": forms.DateInput(),
            "estimated_funds": forms.NumberInput(attrs={"min": 0, "step": "0.01", "inputmode": "decimal"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, today=None, district_id=None, **kwargs):
        """`district_id`: the list's district, whose categories are offered (shared + its own;
        without it the shared ones only, never another district's)."""
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["category"].queryset = DemandCategory.objects.offered(district_id, keep=self.instance.category_id)
        self.fields["category"].empty_label = None
        self.fields["urgency"].choices = DemandItem.Urgency.choices
        for name in ("category", "urgency"):
            self.fields[name].widget.attrs["class"] = "btn-check"
        self.fields["estimated_funds"].validators.append(validate_funds)
        self.fields["contact_phone"].validators.append(validate_contact_phone)
        self.fields["contact_name"].widget.attrs["placeholder"] = "不填则用默认联系人"
        self.fields["contact_phone"].widget.attrs["placeholder"] = "不填则用默认电话"
        for field in self.fields.values():
            field.error_messages["required"] = f"{field.label}不能为空"
            field.error_messages["invalid_choice"] = f"请选择{field.label}"

    def has_changed(self):
        return any(name not in ROW_HELPERS for name in self.changed_data)

    def clean(self):
        data = super().clean()
        wanted_by = data.get("wanted_by")
        if "wanted_by" in self.changed_data and not data.get("confirm_past"):
            try:
                validate_not_past(wanted_by, self.today)
            except forms.ValidationError as exc:
                self.add_error("wanted_by", exc)
        return data

    def full_clean(self):
        super().full_clean()
        # Outline each bad field (Bootstrap's is-invalid) so it can be found on a long page.
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    @property
    def asks_past_confirmation(self):
        return self.is_bound and (
            bool(self.data.get(self.add_prefix("confirm_past")))
            or any(error.code == "past_date" for error in self.errors.as_data().get("wanted_by", []))
        )

    def row_errors(self):
        """(field, message) of each error, the message naming the field (第3条：需求名称不能为空)."""
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            for message in errors:
                yield name, message if not label or label in message else f"{label}：{message}"


class ListContactForm(BootstrapFormMixin, forms.Form):
    """The list's default contact: set once, used by every item that names no other."""

    contact_name = forms.CharField(label="默认联系人", max_length=30, required=False)
    contact_phone = forms.CharField(
        label="默认联系电话",
        max_length=20,
        required=False,
        validators=[validate_contact_phone],
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )


class BaseDemandItemFormSet(BaseInlineFormSet):
    """The list's rows. `row_initial` (one dict per row, in order) pre-fills an unbound formset
    from the autosaved form: the rows of drafts first, then rows not yet complete."""

    def __init__(self, *args, row_initial=None, today=None, extra=None, district_id=None, **kwargs):
        self.row_initial = row_initial or []
        self.today = today
        self.district_id = district_id
        super().__init__(*args, **kwargs)
        if extra is not None:
            self.extra = extra

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:  # toggled by the row's 删除此条 / 撤销 buttons, not shown itself
            form.fields["DELETE"].widget.attrs["aria-label"] = "删除此条"

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["today"] = self.today
        kwargs["district_id"] = self.district_id
        kwargs["use_required_attribute"] = False
        if not self.is_bound and index is not None and index < len(self.row_initial):
            kwargs["initial"] = self.row_initial[index]
        return kwargs

    def numbered_forms(self):
        """The rows shown, each with its 第N条 number (rows marked deleted are not counted)."""
        number = 0
        for form in self.forms:
            deleted = self.can_delete and self.is_bound and bool(form.data.get(form.add_prefix("DELETE")))
            if not deleted:
                number += 1
            form.number = None if deleted else number
            form.deleted = deleted
        return self.forms

    def error_summary(self):
        """One line per bad field: (anchor id, 第N条：message), in page order."""
        lines = []
        for form in self.numbered_forms():
            if form.deleted:
                continue
            for name, message in form.row_errors():
                lines.append((f"f-{form.add_prefix(name)}", f"第{form.number}条：{message}"))
        return lines


DemandItemFormSet = inlineformset_factory(
    Submission,
    DemandItem,
    form=DemandItemForm,
    formset=BaseDemandItemFormSet,
    fk_name="submission",
    extra=0,
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


class ResourceForm(VersionedFormMixin, BootstrapFormMixin, forms.ModelForm):
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


class ProjectForm(VersionedFormMixin, BootstrapFormMixin, forms.ModelForm):
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
        self.fields["category"].queryset = DemandCategory.objects.offered(
            scope.district_id, keep=self.instance.category_id
        )
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

    # A project spanning townships keeps the villages and demands the editor cannot see.
    def clean_villages(self):
        return keep_unseen_choices(self, "villages")

    def clean_demands(self):
        return keep_unseen_choices(self, "demands")

    def clean(self):
        data = super().clean()
        budget, secured = data.get("budget"), data.get("funds_secured")
        for name in ("budget", "funds_secured"):
            try:
                validate_funds(data.get(name))
            except forms.ValidationError as exc:
                self.add_error(name, exc)
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
