import re

from django import forms

from accounts.services import NewLogin
from core.scoping import ROLE_STATION, ROLE_TOWNSHIP
from secretaries.forms import BootstrapFormMixin
from secretaries.models import Township
from secretaries.validators import normalize_phone, validate_mobile
from stations.models import ServiceStation

# Each password is hashed with PBKDF2 (about a quarter of a second of CPU): a batch of 50 answers
# in seconds, well inside the web server's timeout (bench/accounts_bench.py).
BATCH_MAX = 50
BATCH_MAX_MESSAGE = f"一次最多开通 {BATCH_MAX} 个账号，请分批开通"
DELIVERY_CHOICES = [("sms", "短信发送初始密码（无手机号的打印密码条）"), ("slip", "全部打印密码条")]


class OtpTokenForm(BootstrapFormMixin, forms.Form):
    token = forms.CharField(
        label="验证码",
        max_length=20,
        error_messages={"required": "请输入手机身份验证器上的 6 位验证码"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text="打开手机上的身份验证器，输入显示的 6 位数字；手机不在身边时可输入一个恢复码。",
    )


class EnrolConfirmForm(BootstrapFormMixin, forms.Form):
    token = forms.CharField(
        label="验证码",
        max_length=6,
        error_messages={"required": "请输入身份验证器上显示的 6 位验证码"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not re.fullmatch(r"\d{6}", token):
            raise forms.ValidationError("验证码应为 6 位数字")
        return token


class SecretaryLoginsForm(BootstrapFormMixin, forms.Form):
    secretaries = forms.ModelMultipleChoiceField(
        label="在岗且尚无账号的第一书记",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一位第一书记"},
    )
    delivery = forms.ChoiceField(label="初始密码送达方式", choices=DELIVERY_CHOICES, initial="sms")

    def __init__(self, *args, secretaries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secretaries"].queryset = secretaries
        self.fields["secretaries"].label_from_instance = lambda s: (
            f"{s.name}（{s.village.township.name}{s.village.name}）"
        )
        self.fields["secretaries"].initial = list(secretaries.values_list("pk", flat=True)[:BATCH_MAX])
        self.fields[
            "secretaries"
        ].help_text = f"每次最多 {BATCH_MAX} 人（已勾选前 {BATCH_MAX} 人）；开通后本页列出其余人员。"

    def clean_secretaries(self):
        chosen = self.cleaned_data["secretaries"]
        if len(chosen) > BATCH_MAX:
            raise forms.ValidationError(BATCH_MAX_MESSAGE)
        return chosen


class MemberLoginsForm(BootstrapFormMixin, forms.Form):
    """Logins for group members who are not secretaries: they see their own groups only and log
    their activities and attendance (role 队伍成员)."""

    members = forms.ModelMultipleChoiceField(
        label="尚无账号的队伍成员（非第一书记）",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一位成员"},
    )
    delivery = forms.ChoiceField(label="初始密码送达方式", choices=DELIVERY_CHOICES, initial="sms")

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members
        self.fields["members"].label_from_instance = lambda p: (
            f"{p.name}（{p.title}{'，' + p.organisation if p.organisation else ''}）"
        )
        self.fields[
            "members"
        ].help_text = f"每次最多 {BATCH_MAX} 人；开通后只能查看本人所在的队伍，并为其记录活动和会议签到。"

    def clean_members(self):
        chosen = self.cleaned_data["members"]
        if len(chosen) > BATCH_MAX:
            raise forms.ValidationError(BATCH_MAX_MESSAGE)
        return chosen


class StaffLoginsForm(BootstrapFormMixin, forms.Form):
    """Logins for township staff (choose the township) or station managers (choose the station),
    one person a line: name, then optionally a mobile number."""

    township = forms.ModelChoiceField(
        label="乡镇（街道）",
        queryset=None,
        required=False,
        empty_label="请选择",
        error_messages={"invalid_choice": "所选乡镇（街道）不存在或不在您的管理范围内"},
    )
    station = forms.ModelChoiceField(
        label="服务站",
        queryset=None,
        required=False,
        empty_label="请选择",
        error_messages={"invalid_choice": "所选服务站不存在或不在您的管理范围内"},
    )
    people = forms.CharField(
        label="人员（每行一人：姓名 手机号，手机号可不填）",
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "张三 13800000000\n李四"}),
        error_messages={"required": "请填写至少一位人员"},
    )
    delivery = forms.ChoiceField(label="初始密码送达方式", choices=DELIVERY_CHOICES, initial="sms")

    def __init__(self, *args, role, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.role = role
        if role == ROLE_TOWNSHIP:
            self.fields["township"].queryset = Township.objects.for_user(user).order_by("name")
            self.fields["township"].required = True
            self.fields["township"].error_messages["required"] = "请选择乡镇（街道）"
            del self.fields["station"]
        else:
            self.fields["station"].queryset = ServiceStation.objects.for_user(user).order_by("name")
            self.fields["station"].required = True
            self.fields["station"].error_messages["required"] = "请选择服务站"
            del self.fields["township"]

    def clean_people(self):
        entries, errors = [], []
        for number, line in enumerate(self.cleaned_data["people"].splitlines(), start=1):
            parts = line.split()
            if not parts:
                continue
            name, phone = parts[0], normalize_phone("".join(parts[1:]))
            if len(name) > 30:
                errors.append(f"第 {number} 行：姓名过长（最多 30 个字）")
                continue
            if phone:
                try:
                    validate_mobile(phone)
                except forms.ValidationError:
                    errors.append(f"第 {number} 行：手机号 {phone} 不是有效的 11 位手机号")
                    continue
            entries.append((name, phone))
        if errors:
            raise forms.ValidationError(errors)
        if not entries:
            raise forms.ValidationError("请填写至少一位人员")
        if len(entries) > BATCH_MAX:
            raise forms.ValidationError(BATCH_MAX_MESSAGE)
        return entries

    def entries(self):
        data = self.cleaned_data
        return [
            NewLogin(
                name=name,
                phone=phone,
                role=self.role,
                township=data.get("township") if self.role == ROLE_TOWNSHIP else None,
                station=data.get("station") if self.role == ROLE_STATION else None,
            )
            for name, phone in data["people"]
        ]


class LoginFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="姓名或用户名", required=False)
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), ("active", "启用"), ("disabled", "停用")]
    )
