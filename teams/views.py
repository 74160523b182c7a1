"""Pages of the teams app. Reading is district-wide (for_user); writes are checked in
teams/access.py and answer 403 when someone may read but not change a record."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from core.access import role_required
from core.dates import next_month
from core.excel import xlsx_response
from core.scoping import scope_for
from core.text import as_id
from demands.models import DemandItem
from secretaries.models import Expertise, Secretary, Township
from secretaries.visibility import visibility_for
from teams import access, params, selectors, services
from teams.exports import activities_workbook
from teams.forms import (
    ActivityForm,
    DecisionConvertForm,
    DecisionForm,
    MeetingForm,
    MemberAddForm,
    MemberRoleForm,
    PartnerForm,
    PersonAddForm,
    SplitForm,
    TeamForm,
)
from teams.models import (
    ActivityPhoto,
    GroupKind,
    GroupMember,
    Meeting,
    MeetingDecision,
    PioneerTeam,
    TeamActivity,
    TeamMembership,
)
from teams.selectors import member_phone

# --- teams -------------------------------------------------------------------------------------


@access.group_page
def team_list(request):
    kinds = list(GroupKind.objects.for_user(request.user).order_by("sort_order", "pk"))
    kind = params.kind_param(request, kinds)
    teams = (
        PioneerTeam.objects.for_user(request.user)
        .select_related("captain", "captain_person", "kind", "township", "village", "parent")
        .annotate(members=Count("memberships", filter=Q(memberships__left__isnull=True)))
        .order_by("kind__sort_order", "kind_id", "township_id", "village_id", "pk")
    )
    if kind is not None:
        teams = teams.filter(kind=kind)
    township = request.GET.get("township", "")
    if as_id(township) is not None:
        teams = teams.filter(township_id=as_id(township))
    totals = {row["team_id"]: row for row in selectors.totals_by_team(TeamActivity.objects.for_user(request.user))}
    rows = [(team, totals.get(team.pk)) for team in teams]
    context = {
        "rows": rows,
        "kinds": kinds,
        "kind": kind,
        "townships": Township.objects.filter(district_id=params.district_id(request)) if len(kinds) > 1 else [],
        "township_filter": township,
        "is_org": scope_for(request.user).is_org,
    }
    return render(request, "teams/team_list.html", context)


@access.group_page
def team_detail(request, pk):
    team = get_object_or_404(
        PioneerTeam.objects.for_user(request.user).select_related(
            "captain", "captain_person", "kind", "township", "village", "parent"
        ),
        pk=pk,
    )
    composition = services.team_composition(team, all_expertise=list(Expertise.objects.values_list("name", flat=True)))
    is_org = access.can_manage_team(request.user, team)
    visibility = visibility_for(request.user)
    context = {
        "team": team,
        "composition": composition,
        "members": [(m, member_phone(visibility, m)) for m in composition.members],
        "is_org": is_org,
        "totals": selectors.activity_totals(TeamActivity.objects.for_user(request.user).filter(team=team), helped=True),
        "recent": team.activities.order_by("-date", "-pk")[:10],
        "meetings": team.meetings.select_related("host", "host_person").order_by("-date")[:6],
        "children": team.children.select_related("kind").annotate(
            members=Count("memberships", filter=Q(memberships__left__isnull=True))
        ),
        "partners": team.partners.all(),
        "linked_villages": team.linked_villages.select_related("township"),
        "resolved": selectors.demands_resolved_by(team, DemandItem.objects.for_user(request.user)),
        "add_form": MemberAddForm(team=team) if is_org else None,
        "person_form": PersonAddForm(team=team, prefix="person") if is_org else None,
        "partner_form": PartnerForm(prefix="partner") if is_org else None,
        "role_choices": TeamMembership.Role.choices,
        "can_log": access.teams_user_may_log_for(request.user, PioneerTeam.objects.filter(pk=team.pk)).exists(),
    }
    return render(request, "teams/team_detail.html", context)


@role_required("org")
def team_edit(request, pk=None):
    team = None
    if pk is not None:
        team = get_object_or_404(PioneerTeam.objects.for_user(request.user), pk=pk)
    district_id = params.district_id(request)
    initial = {}
    if team is None:
        kind = params.kind_param(request, GroupKind.objects.filter(district_id=district_id))
        if kind is not None:
            initial = {"kind": kind, "min_size": kind.min_size, "max_size": kind.max_size}
    form = TeamForm(request.POST or None, instance=team, district_id=district_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                team = form.save()
        except IntegrityError:  # the unique name per district
            form.add_error("name", "本区已有同名队伍。")
        else:
            messages.success(request, f"已保存{team.name}。")
            return redirect("teams:team_detail", pk=team.pk)
    return render(request, "teams/team_form.html", {"form": form, "team": team})


@role_required("org")
@require_POST
def member_add(request, pk):
    team = get_object_or_404(PioneerTeam.objects.for_user(request.user), pk=pk)
    form = MemberAddForm(request.POST, team=team)
    if form.is_valid():
        try:
            services.membership_add(team, form.cleaned_data["secretary"], role=form.cleaned_data["role"])
            messages.success(request, f"已将{form.cleaned_data['secretary'].name}加入{team.name}。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, "请选择要加入的第一书记。")
    return redirect("teams:team_detail", pk=team.pk)


@role_required("org")
@require_POST
def member_edit(request, pk):
    membership = get_object_or_404(
        TeamMembership.objects.filter(team__in=PioneerTeam.objects.for_user(request.user))
        .current()
        .select_related("team__kind", "secretary", "person"),
        pk=pk,
    )
    if request.POST.get("action") == "remove":
        services.membership_end(membership)
        messages.success(request, f"{membership.member_name}已退出{membership.team.name}。")
    else:
        form = MemberRoleForm(request.POST)
        if form.is_valid():
            services.membership_set_role(membership, form.cleaned_data["role"])
            messages.success(request, f"已调整{membership.member_name}的职务。")
        else:
            messages.error(request, "职务无效。")
    return redirect("teams:team_detail", pk=membership.team_id)


@role_required("org")
def team_split(request):
    district_id = params.district_id(request)
    kinds = GroupKind.objects.filter(district_id=district_id)
    kind = params.kind_param(request, kinds) or GroupKind.objects.ranking_default(district_id)
    teams = list(PioneerTeam.objects.for_user(request.user).filter(kind=kind).order_by("pk"))
    form = SplitForm(request.POST or request.GET or None, initial={"n": len(teams) or 5})
    proposal, compositions = None, []
    if form.is_bound and form.is_valid():
        people = (
            Secretary.objects.on_post()
            .filter(village__township__district_id=district_id)
            .select_related("dispatch_unit", "village")
            .prefetch_related("expertise")
        )
        try:
            proposal = services.team_split_propose(
                people,
                form.cleaned_data["n"],
                min_size=form.cleaned_data["min_size"],
                max_size=form.cleaned_data["max_size"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        if proposal is not None and request.method == "POST":
            if len(teams) != len(proposal):
                form.add_error("n", f"现有 {len(teams)} 支先锋队，采用方案时队伍数量须一致。")
            else:
                services.team_split_adopt(teams, proposal, user=request.user)
                messages.success(request, "已采用分队方案，可在各队页面手工调整。")
                return redirect("teams:team_list")
        if proposal is not None:
            all_expertise = list(Expertise.objects.values_list("name", flat=True))
            for index, group in enumerate(proposal):
                shell = teams[index] if index < len(teams) else PioneerTeam(name=f"第{index + 1}队")
                shell.min_size, shell.max_size = form.cleaned_data["min_size"], form.cleaned_data["max_size"]
                members = [TeamMembership(secretary=s) for s in group]
                compositions.append(services.team_composition(shell, members=members, all_expertise=all_expertise))
    return render(request, "teams/split.html", {"form": form, "compositions": compositions, "teams": teams})


# --- activities --------------------------------------------------------------------------------


def _filtered_activities(request):
    activities = TeamActivity.objects.for_user(request.user)
    filters = {}
    team = request.GET.get("team", "")
    if as_id(team) is not None:
        get_object_or_404(PioneerTeam.objects.for_user(request.user), pk=as_id(team))  # a foreign team: 404
        activities = activities.filter(team_id=as_id(team))
        filters["team"] = team
    kind = request.GET.get("kind", "")
    if kind in dict(TeamActivity.KIND_CHOICES):
        activities = activities.filter(kind=kind)
        filters["kind"] = kind
    month = params.month_param(request)
    if month is not None:
        activities = activities.filter(date__gte=month, date__lt=next_month(month))
        filters["month"] = f"{month:%Y-%m}"
    if request.GET.get("mine") == "1":
        scope = scope_for(request.user)
        activities = (
            activities.filter(participants=scope.secretary_id)
            if scope.is_secretary
            else activities.filter(created_by=request.user)
        )
        filters["mine"] = "1"
    return activities, filters


@access.group_page
def activity_list(request):
    activities, filters = _filtered_activities(request)
    page = Paginator(
        activities.select_related("team", "village").annotate(photo_count=Count("photos")).order_by("-date", "-pk"), 25
    ).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "querystring": urlencode(filters),
        "totals": selectors.activity_totals(activities),
        "teams": PioneerTeam.objects.for_user(request.user),
        "kinds": TeamActivity.KIND_CHOICES,
        "can_log": access.teams_user_may_log_for(request.user, PioneerTeam.objects.for_user(request.user)).exists(),
    }
    return render(request, "teams/activity_list.html", context)


@role_required()
def activity_export(request):
    activities, _filters = _filtered_activities(request)
    rows = (
        activities.select_related("team", "village__township", "created_by")
        .prefetch_related(
            Prefetch("participants", queryset=Secretary.objects.only("pk", "name")),
            Prefetch("people", queryset=GroupMember.objects.only("pk", "name")),
        )
        .annotate(photo_count=Count("photos"))
    )
    workbook = activities_workbook(
        rows,
        totals=selectors.activity_totals(activities),
        by_team=selectors.totals_by_team(activities),
        by_month=selectors.totals_by_month(activities),
        by_kind=selectors.totals_by_kind(activities),
    )
    return xlsx_response(workbook, f"志愿服务活动_{timezone.localdate():%Y%m%d}.xlsx", request=request)


@role_required()
def activity_stats(request):
    activities = TeamActivity.objects.for_user(request.user)
    context = {
        "totals": selectors.activity_totals(activities),
        "by_team": selectors.totals_by_team(activities),
        "by_month": selectors.totals_by_month(activities),
        "by_kind": selectors.totals_by_kind(activities),
    }
    return render(request, "teams/stats.html", context)


@access.group_page
def activity_detail(request, pk):
    activity = get_object_or_404(
        TeamActivity.objects.for_user(request.user).select_related("team", "village", "created_by"), pk=pk
    )
    context = {
        "activity": activity,
        "photos": activity.photos.all(),
        "participants": activity.participants.all(),
        "people": activity.people.all(),
        "can_edit": access.can_edit_activity(request.user, activity),
    }
    return render(request, "teams/activity_detail.html", context)


@access.group_page
def activity_edit(request, pk=None):
    district_id = params.district_id(request)
    teams = access.teams_user_may_log_for(request.user, PioneerTeam.objects.for_user(request.user))
    activity = None
    if pk is not None:
        activity = get_object_or_404(TeamActivity.objects.for_user(request.user).select_related("team"), pk=pk)
        if not access.can_edit_activity(request.user, activity):
            raise PermissionDenied("您只能修改本人填报或参与的活动（队长可修改本队活动）。")
        teams = (teams | PioneerTeam.objects.filter(pk=activity.team_id)).distinct()
    elif not teams.exists():
        raise PermissionDenied("您还不是任何队伍的成员，不能记录活动。")
    initial = {}
    secretary = getattr(request.user, "secretary", None)
    person = getattr(request.user, "group_member", None) if scope_for(request.user).is_member else None
    if activity is None and secretary is not None:
        initial = {"village": secretary.village_id, "participants": [secretary.pk]}
    elif activity is None and person is not None:
        initial = {"village": person.village_id, "people": [person.pk]}
    if activity is None and as_id(request.GET.get("team")) is not None:
        initial["team"] = as_id(request.GET["team"])
    form = ActivityForm(
        request.POST or None,
        request.FILES or None,
        instance=activity,
        teams=teams,
        district_id=district_id,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.activity_save(form, user=request.user, photos=form.cleaned_data["photos"])
        except ValidationError as exc:
            form.add_error("photos", exc)
        else:
            messages.success(request, f"已保存活动“{saved.title}”。")
            return redirect("teams:activity_detail", pk=saved.pk)
    return render(request, "teams/activity_form.html", {"form": form, "activity": activity})


@access.group_page
@require_POST
def activity_delete(request, pk):
    activity = get_object_or_404(TeamActivity.objects.for_user(request.user).select_related("team"), pk=pk)
    if not access.can_edit_activity(request.user, activity):
        raise PermissionDenied("您不能删除这项活动。")
    with transaction.atomic():
        services.activity_delete(activity)
    messages.success(request, "已删除活动。")
    return redirect("teams:activity_list")


@access.group_page
def photo_view(request, pk):
    """Photos are served through the scope, never as public media files."""
    photo = get_object_or_404(
        ActivityPhoto.objects.filter(activity__in=TeamActivity.objects.for_user(request.user)), pk=pk
    )
    try:
        return FileResponse(photo.image.open("rb"))
    except FileNotFoundError:
        raise Http404("照片文件不存在") from None


@access.group_page
@require_POST
def photo_delete(request, pk):
    photo = get_object_or_404(
        ActivityPhoto.objects.filter(activity__in=TeamActivity.objects.for_user(request.user)).select_related(
            "activity__team"
        ),
        pk=pk,
    )
    if not access.can_edit_activity(request.user, photo.activity):
        raise PermissionDenied("您不能删除这张照片。")
    with transaction.atomic():
        services.photo_delete(photo)
    messages.success(request, "已删除照片。")
    return redirect("teams:activity_edit", pk=photo.activity_id)


# --- meetings ----------------------------------------------------------------------------------


def _schedulable_teams(user):
    teams = PioneerTeam.objects.for_user(user)
    scope = scope_for(user)
    if scope.is_org:
        return teams
    if scope.is_secretary:
        return teams.filter(captain_id=scope.secretary_id)
    if scope.is_member:
        return teams.filter(captain_person_id=scope.person_id)
    return teams.none()


@access.group_page
def meeting_list(request):
    meetings = Meeting.objects.for_user(request.user).select_related("team", "host", "host_person")
    team = request.GET.get("team", "")
    if as_id(team) is not None:
        meetings = meetings.filter(team_id=as_id(team))
    page = Paginator(meetings, 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "teams": PioneerTeam.objects.for_user(request.user),
        "team_filter": team,
        "querystring": urlencode({"team": team}) if as_id(team) is not None else "",
        "can_schedule": _schedulable_teams(request.user).exists(),
    }
    return render(request, "teams/meeting_list.html", context)


@access.group_page
def meeting_detail(request, pk):
    meeting = get_object_or_404(
        Meeting.objects.for_user(request.user).select_related("team", "host", "host_person"), pk=pk
    )
    can_edit = access.can_edit_meeting(request.user, meeting)
    context = {
        "meeting": meeting,
        "attendees": meeting.attendees.all(),
        "attendee_people": meeting.attendee_people.all(),
        "decisions": meeting.decision_items.select_related("project", "demand"),
        "can_edit": can_edit,
        # A member's login keeps the minutes and attendance; decisions are the secretaries' and the department's.
        "decision_form": DecisionForm() if can_edit and scope_for(request.user).has_access else None,
    }
    return render(request, "teams/meeting_detail.html", context)


@access.group_page
def meeting_edit(request, pk=None):
    teams = _schedulable_teams(request.user)
    meeting = None
    if pk is not None:
        meeting = get_object_or_404(Meeting.objects.for_user(request.user), pk=pk)
        if not access.can_edit_meeting(request.user, meeting):
            raise PermissionDenied("只有组织部、本队队长和轮值主办人可以修改会议。")
        teams = (teams | PioneerTeam.objects.filter(pk=meeting.team_id)).distinct()
    elif not teams.exists():
        raise PermissionDenied("只有组织部和队长可以安排会议。")
    district_id = params.district_id(request)
    form = MeetingForm(
        request.POST or None,
        instance=meeting,
        teams=teams,
        district_id=district_id,
        require_team=not scope_for(request.user).is_org,
    )
    if request.method == "POST" and form.is_valid():
        form.instance.district_id = district_id
        with transaction.atomic():  # the meeting row and its attendees together
            meeting = form.save()
        messages.success(request, "已保存会议。")
        return redirect("teams:meeting_detail", pk=meeting.pk)
    return render(request, "teams/meeting_form.html", {"form": form, "meeting": meeting})


@role_required()
@require_POST
def decision_add(request, pk):
    meeting = get_object_or_404(Meeting.objects.for_user(request.user), pk=pk)
    if not access.can_edit_meeting(request.user, meeting):
        raise PermissionDenied("您不能为该会议添加议定事项。")
    form = DecisionForm(request.POST)
    if form.is_valid():
        MeetingDecision.objects.create(meeting=meeting, text=form.cleaned_data["text"])
        messages.success(request, "已添加议定事项。")
    else:
        messages.error(request, "议定事项不能为空，且不超过200字。")
    return redirect("teams:meeting_detail", pk=meeting.pk)


@role_required()
def decision_convert(request, pk):
    decision = get_object_or_404(MeetingDecision.objects.for_user(request.user).select_related("meeting__team"), pk=pk)
    if not access.can_edit_meeting(request.user, decision.meeting):
        raise PermissionDenied("您不能转办该议定事项。")
    villages = access.decision_villages(request.user, decision.meeting)
    form = DecisionConvertForm(request.POST or None, villages=villages, district_id=decision.meeting.district_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["target"] == "project":
                services.decision_to_project(
                    decision, village=data["village"], category=data["category"], user=request.user
                )
            else:
                services.decision_to_demand(
                    decision, village=data["village"], category=data["category"], user=request.user
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已转办。")
            return redirect("teams:meeting_detail", pk=decision.meeting_id)
    return render(request, "teams/decision_convert.html", {"form": form, "decision": decision})
