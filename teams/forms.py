from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from demands.models import DemandCategory
from secretaries.forms import BootstrapFormMixin
from secretaries.models import Secretary, Township, Village
from secretaries.validators import normalize_phone
from teams.access import DECISION_VILLAGE_MESSAGE
from teams.models import (
    Award,
    GroupKind,
    GroupMember,
    GroupPartner,
    Meeting,
    PioneerTeam,
    ScoringRule,
    TeamActivity,
    TeamMembership,
)
from teams.photos import MAX_PHOTOS, check_photo


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Up to MAX_PHOTOS images; each is checked by content (teams/photos.py)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "multiple": True})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(f"每次活动最多上传 {MAX_PHOTOS} 张照片，您选择了 {len(files)} 张。")
        errors = []
        for upload in files:
            try:
                check_photo(upload)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return files


def _village_label(village):
    return f"{village.township.name} · {village.name}"


class TeamForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = PioneerTeam
        fields = [
            "kind",
            "name",
            "township",
            "village",
            "parent",
            "subkind",
            "linked_villages",
            "focus",
            "description",
            "min_size",
            "max_size",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "linked_villages": forms.SelectMultiple()}
        help_texts = {
            "kind": "不选则为先锋队",
            "township": "乡镇级、村级队伍必填",
            "village": "村级队伍（如工作队）必填",
            "subkind": "仅联合党组织填写",
            "linked_villages": "联合党组织联结的村（按住 Ctrl 多选）",
        }

    def __init__(self, *args, district_id, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's checks (kind, places and parent of this district) need the district first.
        self.instance.district_id = district_id
        self.fields["kind"].required = False
        self.fields["kind"].queryset = GroupKind.objects.filter(district_id=district_id)
        self.fields["kind"].empty_label = "先锋队（默认）"
        self.fields["township"].queryset = Township.objects.filter(district_id=district_id)
        villages = Village.objects.filter(township__district_id=district_id).select_related("township")
        for name in ("village", "linked_villages"):
            self.fields[name].queryset = villages
            self.fields[name].label_from_instance = _village_label
        parents = PioneerTeam.objects.filter(district_id=district_id).select_related("kind")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = lambda team: f"{team.name}（{team.kind.name}）"

    def clean(self):
        data = super().clean()
        if data.get("kind") is None:
            data["kind"] = (
                self.instance.kind
                if self.instance.kind_id
                else GroupKind.objects.default_for(self.instance.district_id)
            )
            self.instance.kind = data["kind"]
        return data


class PersonAddForm(BootstrapFormMixin, forms.ModelForm):
    """A member who is not a first secretary, with their role in the group and allowance."""

    role = forms.ChoiceField(label="职务", choices=TeamMembership.Role.choices, initial=TeamMembership.Role.MEMBER)
    allowance = forms.DecimalField(label="每月补贴（元）", required=False, min_value=0, max_digits=8, decimal_places=2)

    class Meta:
        model = GroupMember
        fields = ["name", "title", "phone", "organisation", "village"]

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        self.instance.district_id = team.district_id
        villages = Village.objects.filter(township__district_id=team.district_id).select_related("township")
        if team.village_id:
            self.initial.setdefault("village", team.village_id)
        self.fields["village"].queryset = villages
        self.fields["village"].label_from_instance = _village_label
        if not team.kind.allowance:
            del self.fields["allowance"]

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])

    def clean_name(self):
        return self.cleaned_data["name"].strip()


class PartnerForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = GroupPartner
        fields = ["name", "kind", "note"]

    def clean_name(self):
        return self.cleaned_data["name"].strip()


class MemberAddForm(BootstrapFormMixin, forms.Form):
    secretary = forms.ModelChoiceField(label="第一书记", queryset=Secretary.objects.none())
    role = forms.ChoiceField(label="职务", choices=TeamMembership.Role.choices, initial=TeamMembership.Role.MEMBER)

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        in_team = TeamMembership.objects.current().filter(team=team).values("secretary_id")
        self.fields["secretary"].queryset = (
            Secretary.objects.on_post()
            .filter(village__township__district_id=team.district_id)
            .exclude(pk__in=in_team)
            .select_related("village")
            .order_by("name")
        )
        self.fields["secretary"].label_from_instance = lambda s: f"{s.name}（{s.village}）"


class MemberRoleForm(BootstrapFormMixin, forms.Form):
    role = forms.ChoiceField(label="职务", choices=TeamMembership.Role.choices)


class SplitForm(BootstrapFormMixin, forms.Form):
    n = forms.IntegerField(label="队伍数量", min_value=1, max_value=20, initial=5)
    min_size = forms.IntegerField(label="每队人数下限", min_value=1, max_value=200, initial=20)
    max_size = forms.IntegerField(label="每队人数上限", min_value=1, max_value=200, initial=40)

    def clean(self):
        data = super().clean()
        if data.get("min_size") and data.get("max_size") and data["max_size"] < data["min_size"]:
            raise ValidationError("人数上限不能小于下限。")
        return data


OUTCOME_FIELDS = ("people_reached", "people_helped", "funds_secured", "projects_built", "produce_kg", "produce_yuan")


class ActivityForm(BootstrapFormMixin, forms.ModelForm):
    photos = MultiplePhotoField(
        label="活动照片",
        help_text=f"最多 {MAX_PHOTOS} 张，JPEG、PNG 或 WebP 格式；上传后自动压缩。",
    )

    class Meta:
        model = TeamActivity
        fields = [
            "team",
            "kind",
            "date",
            "title",
            "village",
            "place",
            "participants",
            "people",
            "people_reached",
            "people_helped",
            "funds_secured",
            "projects_built",
            "produce_kg",
            "produce_yuan",
            "description",
        ]
        widgets = {
            "date": forms.DateInput(),
            "participants": forms.CheckboxSelectMultiple(),
            "people": forms.CheckboxSelectMultiple(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"title": "可不填，默认为“活动类型（日期）”", "participants": "不选则默认为填报人本人"}

    def __init__(self, *args, teams, district_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["team"].queryset = teams
        self.fields["team"].empty_label = None if teams.count() == 1 else "请选择先锋队"
        self.fields["village"].queryset = Village.objects.filter(township__district_id=district_id).select_related(
            "township"
        )
        self.fields["village"].label_from_instance = lambda v: f"{v.township.name} · {v.name}"
        self.fields["participants"].queryset = (
            Secretary.objects.filter(team_memberships__team__in=teams, team_memberships__left__isnull=True)
            .distinct()
            .order_by("name")
        )
        self.fields["people"].queryset = (
            GroupMember.objects.filter(memberships__team__in=teams, memberships__left__isnull=True)
            .distinct()
            .order_by("name")
        )
        if not self.fields["people"].queryset.exists():
            del self.fields["people"]
        if not self.instance.pk and "date" not in self.initial:
            self.initial["date"] = timezone.localdate()
        self.fields["kind"].choices = [("", "请选择活动类型"), *TeamActivity.KIND_CHOICES]
        # The figures may be left empty on a phone (counted as 0) rather than erased and retyped.
        for name in OUTCOME_FIELDS:
            self.fields[name].required = False
        # The phone keyboard that fits: digits only for counts, with a decimal point for amounts.
        for name in ("people_reached", "people_helped", "projects_built"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "min": "0"})
        for name in ("funds_secured", "produce_kg", "produce_yuan"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "min": "0"})

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day and day > timezone.localdate():
            raise ValidationError("活动日期不能晚于今天。")
        return day

    def clean(self):
        data = super().clean()
        for name in OUTCOME_FIELDS:
            if name in data and data[name] is None:
                data[name] = 0
        team, participants = data.get("team"), data.get("participants")
        if team and participants:
            members = set(TeamMembership.objects.current().filter(team=team).values_list("secretary_id", flat=True))
            outsiders = [p.name for p in participants if p.pk not in members]
            if outsiders:
                self.add_error("participants", f"{'、'.join(outsiders)} 不是{team.name}的队员。")
        if team and data.get("people"):
            members = set(TeamMembership.objects.current().filter(team=team).values_list("person_id", flat=True))
            outsiders = [p.name for p in data["people"] if p.pk not in members]
            if outsiders:
                self.add_error("people", f"{'、'.join(outsiders)} 不是{team.name}的成员。")
        for name in ("funds_secured", "produce_kg", "produce_yuan"):
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, "不能为负数。")
        return data


class MeetingForm(BootstrapFormMixin, forms.ModelForm):
    """A meeting: its host is a secretary or (where the group's kind allows it) another member of
    the group; its attendance names the group's secretaries and its other members."""

    class Meta:
        model = Meeting
        fields = [
            "team",
            "kind",
            "title",
            "date",
            "place",
            "host",
            "host_person",
            "attendees",
            "attendee_people",
            "minutes",
            "decisions",
        ]
        widgets = {
            "date": forms.DateInput(),
            "attendees": forms.CheckboxSelectMultiple(),
            "attendee_people": forms.CheckboxSelectMultiple(),
            "minutes": forms.Textarea(attrs={"rows": 5}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"host": "轮值主办（第一书记）", "attendees": "参会第一书记"}
        help_texts = {
            "decisions": "每行一项；保存后可在会议页面把某一项转为项目或需求。",
            "host_person": "村干部、技术员、村民等本队成员；与第一书记主办二选一",
        }

    def __init__(self, *args, teams, district_id, require_team=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        # Only the org department holds district-wide meetings; a captain's or host's is their team's.
        self.fields["team"].required = require_team
        people = Secretary.objects.filter(village__township__district_id=district_id).order_by("name")
        self.fields["host"].queryset = people
        self.fields["attendees"].queryset = people
        others = GroupMember.objects.filter(district_id=district_id).order_by("name")
        if self.instance.pk and self.instance.team_id:
            members = TeamMembership.objects.current().filter(team_id=self.instance.team_id)
            self.fields["attendees"].queryset = people.filter(pk__in=members.values("secretary_id"))
            others = others.filter(pk__in=members.values("person_id"))
        else:
            in_teams = TeamMembership.objects.current().filter(team__in=teams).values("person_id")
            others = others.filter(pk__in=in_teams)
        # An earlier host or attendee who has left stays choosable on the meeting they were part of.
        if self.instance.pk:
            kept = Q(pk=self.instance.host_person_id) | Q(pk__in=self.instance.attendee_people.values("pk"))
            others = GroupMember.objects.filter(Q(pk__in=others.values("pk")) | kept).order_by("name")
        self.fields["host_person"].queryset = others
        self.fields["attendee_people"].queryset = others
        if not others.exists():
            del self.fields["host_person"]
            del self.fields["attendee_people"]

    def clean(self):
        data = super().clean()
        team, host, person = data.get("team"), data.get("host"), data.get("host_person")
        if host and person:
            self.add_error("host_person", "轮值主办只能选一人：第一书记或其他成员。")
        if team is None:
            return data
        current = TeamMembership.objects.current().filter(team=team)
        if person and person != self.instance.host_person:
            if not team.kind.host_people:
                self.add_error("host_person", f"{team.kind.name}只由第一书记轮值主办。")
            elif not current.filter(person=person).exists():
                self.add_error("host_person", f"{person.name} 不是{team.name}的成员。")
        earlier = set(self.instance.attendee_people.values_list("pk", flat=True)) if self.instance.pk else set()
        members = set(current.values_list("person_id", flat=True)) | earlier
        outsiders = [p.name for p in data.get("attendee_people") or () if p.pk not in members]
        if outsiders:
            self.add_error("attendee_people", f"{'、'.join(outsiders)} 不是{team.name}的成员。")
        return data


class DecisionForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label="议定事项", max_length=200)


class DecisionConvertForm(BootstrapFormMixin, forms.Form):
    target = forms.ChoiceField(label="转为", choices=[("project", "项目清单"), ("demand", "需求清单")])
    village = forms.ModelChoiceField(label="涉及村", queryset=Village.objects.none())
    category = forms.ModelChoiceField(label="类别", queryset=None, required=False, help_text="转为需求时必选")

    def __init__(self, *args, villages, district_id, **kwargs):
        """`villages`: those the decision may go to (teams.access.decision_villages); `district_id`:
        the meeting's, whose demand categories are offered (shared + its own)."""
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["village"].error_messages["invalid_choice"] = DECISION_VILLAGE_MESSAGE
        self.fields["category"].queryset = DemandCategory.objects.offered(district_id)

    def clean(self):
        data = super().clean()
        if data.get("target") == "demand" and not data.get("category"):
            self.add_error("category", "转为需求时请选择需求类别。")
        return data


class AwardForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Award
        fields = ["year", "kind", "team", "secretary", "person", "township", "note"]

    def __init__(self, *args, district_id, group_kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.group_kind = group_kind
        teams = PioneerTeam.objects.filter(district_id=district_id)
        people = GroupMember.objects.filter(district_id=district_id)
        if group_kind is not None:
            teams = teams.filter(kind=group_kind)
            people = people.filter(memberships__team__kind=group_kind).distinct()
        self.fields["team"].queryset = teams
        self.fields["person"].queryset = people
        self.fields["township"].queryset = Township.objects.filter(district_id=district_id)
        self.fields["secretary"].queryset = Secretary.objects.filter(
            village__township__district_id=district_id
        ).order_by("name")

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Award.Kind.TEAM and not data.get("team"):
            self.add_error("team", "优秀先锋队须选择先锋队。")
        if kind == Award.Kind.MEMBER and not (data.get("secretary") or data.get("person")):
            self.add_error("secretary", "优秀队员须选择第一书记。")
        if kind == Award.Kind.MEMBER and data.get("secretary") and data.get("person"):
            self.add_error("person", "优秀队员只能选择一名第一书记或一名成员。")
        if kind == Award.Kind.TOWNSHIP and not data.get("township"):
            self.add_error("township", "优秀乡镇须选择乡镇。")
        for name, keep in (("team", Award.Kind.TEAM), ("township", Award.Kind.TOWNSHIP)):
            if kind != keep:
                data[name] = None
        if kind != Award.Kind.MEMBER:
            data["secretary"] = data["person"] = None
        self.instance.group_kind = self.group_kind
        return data


class BestAwardsForm(BootstrapFormMixin, forms.Form):
    """Gangcha's year-end: name the best townships, groups and members of the evaluation."""

    townships = forms.IntegerField(label="优秀乡镇（个）", min_value=0, max_value=50, initial=2)
    teams = forms.IntegerField(label="优秀队伍（支）", min_value=0, max_value=200, initial=10)
    members = forms.IntegerField(label="优秀队员（名）", min_value=0, max_value=500, initial=10)


class ScoringRuleForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ScoringRule
        fields = ["label", "points", "cap", "active"]


# edit_only: the page changes the rules it lists; a posted extra row adds nothing.
ScoringRuleFormSet = forms.modelformset_factory(ScoringRule, form=ScoringRuleForm, extra=0, edit_only=True)
