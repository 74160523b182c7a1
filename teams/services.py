"""Writes of the teams app, and the pure helpers they rest on (composition, split, rotation)."""

import logging
from collections import Counter
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from core.dates import month_start, next_month  # teams.scoring and teams.demo read them from here
from core.signals import records_written
from demands.models import ProjectItem
from demands.services.loop import demand_create
from notices.services import notify
from secretaries.models import Secretary
from stations.models import Unavailability
from teams.access import DECISION_VILLAGE_MESSAGE, decision_villages
from teams.composition import team_composition  # noqa: F401  (the group page and the split read it here)
from teams.models import GENERAL_RULES, ActivityPhoto, GroupMember, Meeting, PioneerTeam, ScoringRule, TeamMembership
from teams.photos import MAX_PHOTOS, normalized_photo

logger = logging.getLogger(__name__)

JOINT_MEETING = "联席会议"
JOINT_MEETING_DAY = 15  # the monthly joint meeting is planned for the 15th; the host may move it


# --- a district's own points scheme -------------------------------------------------------------


def general_rules_create(district):
    """A district's general scoring rules from GENERAL_RULES; keys it has already are left as the
    department edited them. Returns how many were added."""
    existing = set(ScoringRule.objects.general(district.pk).values_list("key", flat=True))
    rules = [
        ScoringRule(district=district, key=key, label=label, points=points, cap=cap, sort_order=order)
        for order, (key, label, points, cap) in enumerate(GENERAL_RULES, start=1)
        if key not in existing
    ]
    ScoringRule.objects.bulk_create(rules)
    return len(rules)


def district_created(sender, instance, created, raw=False, **kwargs):
    """post_save of District (connected in TeamsConfig.ready): a new district starts with its own
    copy of the general rules, which no other district's change touches."""
    if created and not raw:
        general_rules_create(instance)


# --- the balanced split ------------------------------------------------------------------------


def team_split_propose(secretaries, n, *, min_size=20, max_size=40, today=None):
    """Propose a split of `secretaries` into `n` teams: ages spread (each age stratum of n people
    is dealt one to a team), expertise and dispatch units spread (within a stratum each person goes
    to the team they add most to), sizes differing by at most one. Deterministic.

    Returns a list of n lists of Secretary. Raises ValidationError when the bounds cannot hold."""
    secretaries = list(secretaries)
    if n < 1:
        raise ValidationError("队伍数量至少为 1。")
    total = len(secretaries)
    if total < n * min_size or total > n * max_size:
        raise ValidationError(
            f"{total} 名第一书记无法分成 {n} 支每队 {min_size}-{max_size} 人的队伍"
            f"（需要 {n * min_size}-{n * max_size} 人）。"
        )
    today = today or timezone.localdate()
    people = sorted(secretaries, key=lambda s: (s.birth_date, s.pk or 0))
    teams = [[] for _ in range(n)]
    covered = [Counter() for _ in range(n)]
    unit_counts = [Counter() for _ in range(n)]
    for start in range(0, total, n):
        stratum = people[start : start + n]
        free = set(range(n))
        # The smallest teams take the last, partial stratum, so sizes never differ by two.
        if len(stratum) < n:
            free = set(sorted(range(n), key=lambda i: (len(teams[i]), i))[: len(stratum)])
        for person in stratum:
            skills = {e.pk for e in person.expertise.all()}

            def gain(i, person=person, skills=skills):
                new_skills = sum(1 for s in skills if covered[i][s] == 0)
                return (new_skills * 2 - unit_counts[i][person.dispatch_unit_id] * 3, -len(teams[i]), -i)

            best = max(free, key=gain)
            free.discard(best)
            teams[best].append(person)
            covered[best].update(skills)
            unit_counts[best][person.dispatch_unit_id] += 1
    return teams


@transaction.atomic
def team_split_adopt(teams, groups, *, on=None, user=None):
    """Make `groups` (from team_split_propose) the current membership of `teams`, in order.
    People moving out get `left`; people staying keep their membership and role. Only groups of
    the same kinds as `teams` are touched: a secretary's 宣讲团 seat stays."""
    on = on or timezone.localdate()
    if len(teams) != len(groups):
        raise ValidationError("方案中的队伍数量与现有先锋队数量不一致。")
    wanted = {person.pk: team for team, group in zip(teams, groups, strict=True) for person in group}
    current = (
        TeamMembership.objects.current()
        .select_for_update(of=("self",))
        .filter(team__kind__in={team.kind_id for team in teams})
        .filter(Q(secretary_id__in=list(wanted)) | Q(team__in=teams))
    )
    staying = set()
    for membership in current:
        target = wanted.get(membership.secretary_id)
        if target is not None and target.pk == membership.team_id:
            staying.add(membership.secretary_id)
            continue
        membership.left = on
        membership.save(update_fields=["left"])
    for team in teams:
        if team.captain_id and wanted.get(team.captain_id) != team:
            team.captain = None
            team.save(update_fields=["captain"])
    TeamMembership.objects.bulk_create(
        [TeamMembership(team=team, secretary_id=pk, joined=on) for pk, team in wanted.items() if pk not in staying]
    )
    records_written.send(sender=TeamMembership)


def _member_filter(secretary=None, person=None):
    if (secretary is None) == (person is None):
        raise ValidationError("请选择一名第一书记或一名其他人员。")
    return {"secretary": secretary} if secretary is not None else {"person": person}


@transaction.atomic
def membership_add(
    team, secretary=None, *, person=None, role=TeamMembership.Role.MEMBER, on=None, transfer=True, allowance=None
):
    """Add a secretary (or another person) to a group, within the kind's rule of how many groups of
    that kind one person may be in at once (`GroupKind.max_per_person`).

    At the limit: when the limit is one and `transfer` is on, the other membership ends first (the
    person moves, as between Fangshan's pioneer teams); otherwise the addition is refused with the
    groups the person is in. The person's row is locked first, so two additions at once on
    PostgreSQL are decided one after the other."""
    on = on or timezone.localdate()
    who = _member_filter(secretary, person)
    model = Secretary if secretary is not None else GroupMember
    model.objects.select_for_update().filter(pk=(secretary or person).pk).first()
    name = (secretary or person).name
    kind = team.kind
    same_kind = list(
        TeamMembership.objects.current()
        .select_for_update(of=("self",))
        .filter(team__kind=kind, **who)
        .select_related("team")
        .order_by("joined", "pk")
    )
    if any(m.team_id == team.pk for m in same_kind):
        raise ValidationError(f"{name} 已是{team.name}的成员。")
    limit = kind.max_per_person
    if limit is not None and len(same_kind) >= limit:
        if limit == 1 and transfer:
            membership_end(same_kind[0], on=on)
        else:
            groups = "、".join(m.team.name for m in same_kind)
            raise ValidationError(
                f"{name} 已在{groups}，按规定每人同时最多参加 {limit} 个{kind.name}，不能再加入{team.name}。"
            )
    if allowance is not None and not kind.allowance:
        raise ValidationError(f"{kind.name}的成员不领取补贴。")
    membership = TeamMembership.objects.create(team=team, role=role, joined=on, allowance=allowance, **who)
    if role == TeamMembership.Role.CAPTAIN:
        captain_set(team, secretary, person=person)
    return membership


def _is_captain(team, membership):
    if membership.secretary_id is not None:
        return team.captain_id == membership.secretary_id
    return team.captain_person_id is not None and team.captain_person_id == membership.person_id


@transaction.atomic
def membership_end(membership, *, on=None):
    membership.left = on or timezone.localdate()
    membership.save(update_fields=["left"])
    team = membership.team
    if _is_captain(team, membership):
        team.captain = team.captain_person = None
        team.save(update_fields=["captain", "captain_person"])


@transaction.atomic
def membership_set_role(membership, role):
    if role == TeamMembership.Role.CAPTAIN:
        captain_set(membership.team, membership.secretary, person=membership.person)
        return
    membership.role = role
    membership.save(update_fields=["role"])
    team = membership.team
    if _is_captain(team, membership):
        team.captain = team.captain_person = None
        team.save(update_fields=["captain", "captain_person"])


@transaction.atomic
def captain_set(team, secretary=None, *, person=None):
    """One leader per group: the old one becomes a member, the new one must be in the group."""
    who = _member_filter(secretary, person)
    membership = TeamMembership.objects.current().filter(team=team, **who).first()
    if membership is None:
        raise ValidationError(f"{(secretary or person).name} 不是{team.name}的成员，不能任{team.kind.leader_title}。")
    TeamMembership.objects.current().filter(team=team, role=TeamMembership.Role.CAPTAIN).exclude(
        pk=membership.pk
    ).update(role=TeamMembership.Role.MEMBER)
    membership.role = TeamMembership.Role.CAPTAIN
    membership.save(update_fields=["role"])
    team.captain, team.captain_person = secretary, person
    team.save(update_fields=["captain", "captain_person"])


@transaction.atomic
def person_add(
    team,
    *,
    name,
    title,
    phone="",
    organisation="",
    village=None,
    role=TeamMembership.Role.MEMBER,
    allowance=None,
    on=None,
):
    """A member who is not a first secretary (a village cadre, a technician, a villager): the same
    name and phone in the district is the same person, so one villager in two groups is one row."""
    person = GroupMember.objects.filter(district_id=team.district_id, name=name, phone=phone).first() if phone else None
    if person is None:
        person = GroupMember.objects.create(
            district_id=team.district_id,
            name=name,
            title=title,
            phone=phone,
            organisation=organisation,
            village=village,
        )
    return membership_add(team, person=person, role=role, allowance=allowance, on=on)


# --- activities --------------------------------------------------------------------------------


@transaction.atomic
def activity_save(form, *, user, photos=()):
    """Save a TeamActivity ModelForm (new or edited) and its new photos. Participants default to
    the secretary logging it. Photos were checked by the form; here they are resized and stored."""
    activity = form.save(commit=False)
    if activity.pk is None:
        activity.created_by = user
    if not activity.title:
        activity.title = f"{activity.kind}（{activity.date:%m月%d日}）"
    activity.save()
    form.save_m2m()
    secretary = getattr(user, "secretary", None)
    if not activity.participants.exists() and secretary is not None:
        activity.participants.add(secretary)
    if secretary is None and not activity.people.exists() and not activity.participants.exists():
        person = getattr(user, "group_member", None)  # a member's login: they took part
        if person is not None:
            activity.people.add(person)
    existing = activity.photos.count()
    if existing + len(photos) > MAX_PHOTOS:
        raise ValidationError(f"每次活动最多 {MAX_PHOTOS} 张照片，已有 {existing} 张。")
    written = []
    try:
        for upload in photos:
            content, width, height = normalized_photo(upload)
            photo = ActivityPhoto(activity=activity, width=width, height=height)
            photo.image.save(content.name, content, save=False)
            written.append((photo.image.storage, photo.image.name))
            photo.save()
    except BaseException:
        # The transaction rolls the rows back; the files already written are ours to remove.
        for storage, name in written:
            storage.delete(name)
        raise
    return activity


def photo_delete(photo):
    storage, name = photo.image.storage, photo.image.name
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))


def activity_delete(activity):
    names = [(p.image.storage, p.image.name) for p in activity.photos.all()]
    activity.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])


# --- meetings and the rotating host ------------------------------------------------------------


def choose_host(member_ids, hosted_counts, last_hosted, on_leave):
    """Round-robin: among members not on leave, the one who hosted least; ties go to whoever
    hosted longest ago (never first), then to member order. None when nobody is available."""
    candidates = [pk for pk in member_ids if pk not in on_leave]
    if not candidates:
        return None
    order = {pk: i for i, pk in enumerate(member_ids)}
    return min(candidates, key=lambda pk: (hosted_counts.get(pk, 0), last_hosted.get(pk, date.min), order[pk]))


def host_candidates(team):
    """Who may host `team`'s joint meeting, in rotation order (by joining date; secretaries before
    other members joined the same day): its current secretaries on post and, where the kind allows
    it, its current other members. Members who left are not in it. Keys are ("s", secretary id) or
    ("p", member id)."""
    memberships = TeamMembership.objects.current().filter(team=team)
    on_post = Q(secretary__status=Secretary.Status.ON_POST)
    memberships = memberships.filter(on_post | Q(person__isnull=False) if team.kind.host_people else on_post)
    rows = memberships.values_list("joined", "secretary_id", "person_id")
    ordered = sorted(
        (joined, 0, secretary_id) if secretary_id is not None else (joined, 1, person_id)
        for joined, secretary_id, person_id in rows
    )
    return [("s" if side == 0 else "p", pk) for _joined, side, pk in ordered]


def _host_key(meeting_row):
    if meeting_row["host_id"] is not None:
        return ("s", meeting_row["host_id"])
    return ("p", meeting_row["host_person_id"])


def pick_meeting_host(team, month, *, notify_people=True):
    """Schedule `team`'s joint meeting (联席会议) of `month` with its next host. Idempotent: the
    unique (team, kind, month) constraint decides, so a second run returns None and notifies nobody."""
    month = month_start(month)
    if Meeting.objects.filter(team=team, kind=JOINT_MEETING, month=month).exists():
        return None
    meeting_day = month.replace(day=JOINT_MEETING_DAY)
    members = host_candidates(team)
    secretary_ids = [pk for side, pk in members if side == "s"]
    person_ids = [pk for side, pk in members if side == "p"]
    history = (
        Meeting.objects.filter(team=team, kind=JOINT_MEETING)
        .filter(Q(host_id__in=secretary_ids) | Q(host_person_id__in=person_ids))
        .values("host_id", "host_person_id")
        .annotate(n=Count("pk"), last=Max("date"))
    )
    counts = {_host_key(row): row["n"] for row in history}
    last = {_host_key(row): row["last"] for row in history}
    on_leave = {
        ("s", pk)
        for pk in Unavailability.objects.filter(
            secretary_id__in=secretary_ids, start__lte=meeting_day, end__gte=meeting_day
        ).values_list("secretary_id", flat=True)
    }
    host = choose_host(members, counts, last, on_leave)
    if host is None:
        logger.warning("队伍 %s 在 %s 没有可轮值主办的成员", team, month)
        return None
    side, host_pk = host
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                district_id=team.district_id,
                team=team,
                kind=JOINT_MEETING,
                title=f"{team.name}{month.month}月联席会议",
                date=meeting_day,
                month=month,
                host_id=host_pk if side == "s" else None,
                host_person_id=host_pk if side == "p" else None,
            )
    except IntegrityError:
        return None  # another run got there first
    if notify_people:
        transaction.on_commit(lambda: _notify_host(meeting))
    return meeting


def _notify_host(meeting):
    team = meeting.team
    if meeting.host_id is not None:
        host = Secretary.objects.select_related("user").get(pk=meeting.host_id)
    else:
        host = GroupMember.objects.select_related("user").get(pk=meeting.host_person_id)
    captain = Secretary.objects.select_related("user").filter(pk=team.captain_id).first()
    if captain is None and team.captain_person_id is not None:
        captain = GroupMember.objects.select_related("user").filter(pk=team.captain_person_id).first()
    url = reverse("teams:meeting_detail", args=[meeting.pk])
    key = f"teams-host:{team.pk}:{meeting.month:%Y-%m}"
    if host.user is not None:
        notify(
            [host.user],
            f"您是{team.name}{meeting.month:%Y年%m月}联席会议的轮值主办人",
            body=f"会议暂定 {meeting.date:%m月%d日}，请确定地点并通知队员。",
            url=url,
            kind="teams.host",
            dedupe_key=key,
        )
    if captain is not None and captain != host and captain.user is not None:
        notify(
            [captain.user],
            f"{team.name}{meeting.month:%Y年%m月}联席会议由{host.name}轮值主办",
            url=url,
            kind="teams.host",
            dedupe_key=key,
        )


def pick_next_month_hosts(today=None):
    """For every team, the joint meeting of next month. Returns the meetings created now."""
    month = next_month(today or timezone.localdate())
    created = []
    for team in PioneerTeam.objects.filter(kind__rotating_meeting=True).select_related("kind"):
        meeting = pick_meeting_host(team, month)
        if meeting is not None:
            created.append(meeting)
    return created


def _decision_check(decision, village, user):
    if decision.project_id or decision.demand_id:
        raise ValidationError("该议定事项已经转办，不能重复转办。")
    if not decision_villages(user, decision.meeting).filter(pk=village.pk).exists():
        raise ValidationError(DECISION_VILLAGE_MESSAGE)


@transaction.atomic
def decision_to_project(decision, *, village, user, category=None):
    """Turn a meeting decision into a planned ProjectItem led by the meeting host (a secretary; a
    host who is another member of the group is named in the project's source), linked back."""
    _decision_check(decision, village, user)
    meeting = decision.meeting
    source = f"来源：{meeting}议定事项"
    if meeting.host_person_id is not None:
        source += f"（主办：{meeting.host_person}）"
    project = ProjectItem.objects.create(
        title=decision.text[:100],
        status=ProjectItem.Status.PLANNED,
        lead_secretary_id=meeting.host_id,
        category=category,
        outcomes=source,
        created_by=user,
    )
    project.villages.add(village)
    decision.project = project
    decision.save(update_fields=["project"])
    return project


@transaction.atomic
def decision_to_demand(decision, *, village, category, user):
    """Turn a meeting decision into a submitted DemandItem of `village` (through the demands
    service, which writes its submit event), linked back."""
    _decision_check(decision, village, user)
    source = f"来源：{decision.meeting}议定事项"
    demand = demand_create(
        village=village, category=category, title=decision.text[:100], detail=source, user=user, note=source
    )
    decision.demand = demand
    decision.save(update_fields=["demand"])
    return demand
