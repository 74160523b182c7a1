from django import forms
from django.contrib.auth.forms import AuthenticationForm

from core.concurrency import VersionedFormMixin
from secretaries.models import AreaBranch, DispatchUnit, Expertise, ReserveCadre, Secretary, Township, Village


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。注意：连续输错多次将被暂时锁定。",
        "inactive": "该账号已停用，请联系区委组织部。",
    }


class BootstrapFormMixin:
    """Give every widget Bootstrap's classes; used by every form of the project."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple) and not isinstance(
                widget, forms.CheckboxSelectMultiple
            ):
                css = "form-select"
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                css = ""
            else:
                css = "form-control"
            if css:
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"


class SecretaryFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        label="姓名或村名", required=False, widget=forms.TextInput(attrs={"placeholder": "输入姓名或村名搜索"})
    )
    township = forms.ModelChoiceField(label="乡镇", queryset=None, required=False, empty_label="全部乡镇")
    dispatch_unit = forms.ModelChoiceField(label="派出单位", queryset=None, required=False, empty_label="全部单位")
    unit_level = forms.ChoiceField(label="单位层级", required=False)
    expertise = forms.ModelChoiceField(label="个人特长", queryset=None, required=False, empty_label="全部特长")
    area_branch = forms.ModelChoiceField(label="片区支部", queryset=None, required=False, empty_label="全部片区")
    status = forms.ChoiceField(label="状态", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.for_user(user)
        self.fields["dispatch_unit"].queryset = DispatchUnit.objects.all()
        self.fields["unit_level"].choices = [("", "全部层级"), *DispatchUnit.LEVEL_CHOICES]
        self.fields["expertise"].queryset = Expertise.objects.all()
        self.fields["area_branch"].queryset = AreaBranch.objects.for_user(user)
        self.fields["status"].choices = [("", "全部状态"), *Secretary.Status.choices]


class SecretaryForm(VersionedFormMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Secretary
        fields = [
            "name", "gender", "birth_date", "phone", "id_number", "email", "dispatch_unit", "position",
            "batch", "village", "area_branch", "expertise", "term_start", "term_end", "status", "notes",
        ]  # fmt: skip
        widgets = {
            "birth_date": forms.DateInput(),
            "term_start": forms.DateInput(),
            "term_end": forms.DateInput(),
            "expertise": forms.CheckboxSelectMultiple(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "phone": "11位手机号码",
            "id_number": "选填；18位，系统会核对校验位",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = Village.objects.for_user(user).select_related("township")
        self.fields["village"].label_from_instance = lambda v: f"{v.township.name} · {v.name}"
        self.fields["area_branch"].queryset = AreaBranch.objects.for_user(user)

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())


class VillageForm(VersionedFormMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Village
        fields = ["township", "name", "kind", "population", "households", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.for_user(user)

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())


class DispatchUnitForm(VersionedFormMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = DispatchUnit
        fields = ["name", "level", "kind", "contact_name", "contact_phone"]

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())


class ImportUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        error_messages={"required": "请选择要上传的 Excel 文件", "empty": "文件是空的"},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class ReserveCadreForm(BootstrapFormMixin, forms.ModelForm):
    """A reserve cadre of one village; the mentor is a secretary on post in the village's township."""

    class Meta:
        model = ReserveCadre
        fields = ["name", "birth_year", "education", "current_post", "source", "mentor", "added", "left", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3}), "added": forms.DateInput(), "left": forms.DateInput()}
        error_messages = {
            "name": {"required": "请填写姓名"},
            "birth_year": {"required": "请填写出生年份", "invalid": "出生年份应为四位数字，如 1990"},
            "education": {"required": "请选择学历"},
            "source": {"required": "请选择来源"},
            "added": {"required": "请填写纳入日期", "invalid": "日期格式应为 2026-03-01"},
            "left": {"invalid": "日期格式应为 2026-03-01"},
        }

    def __init__(self, *args, user, village, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.village = village
        self.fields["mentor"].queryset = (
            Secretary.objects.for_user(user).on_post().filter(village__township_id=village.township_id)
        )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_birth_year(self):
        year = self.cleaned_data["birth_year"]
        if not 1940 <= year <= 2010:
            raise forms.ValidationError("出生年份应在 1940 至 2010 年之间")
        return year

    def clean(self):
        cleaned = super().clean()
        added, left = cleaned.get("added"), cleaned.get("left")
        if added and left and left < added:
            self.add_error("left", "退出日期不能早于纳入日期")
        return cleaned
