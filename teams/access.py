"""Who may change what in the teams app. Reading is district-wide (the QuerySets' for_user);
these checks come on top of it, so a readable record someone may not change answers 403."""

from django.db.models import Q

from core.access import MEMBER_MESSAGE, scope_required
from core.scoping import scope_for
from secretaries.models import Secretary, Village
from teams.models import GroupMember, TeamMembership

DECISION_VILLAGE_MESSAGE = "议定事项只能转办到本次会议参会人员和本队成员所在的村（区委组织部可转办到全区各村）。"


# The pages a group's member (role 队伍成员) uses besides the district's roles: their groups, the
# activities and meetings of them. Every other page refuses the member role (core.access).
group_page = scope_required(lambda scope: scope.has_access or scope.is_member, MEMBER_MESSAGE)


def is_member_of(user, team):
    scope = scope_for(user)
    return scope.is_member and team.pk in scope.group_ids


def is_org_of(user, district_id):
    scope = scope_for(user)
    return scope.is_superuser or (scope.is_org and scope.district_id == district_id)


def is_captain_of(user, team):
    """The group's leader: a secretary captain, or (member role) the member who leads it."""
    scope = scope_for(user)
    if scope.is_member:
        return team.captain_person_id is not None and team.captain_person_id == scope.person_id
    return scope.is_secretary and team.captain_id is not None and team.captain_id == scope.secretary_id


def can_manage_team(user, team):
    """Composition, members and captain: the org department only."""
    return is_org_of(user, team.district_id)


def can_edit_activity(user, activity):
    """The org department all, a captain their team's, a secretary the ones they logged or took part in."""
    if is_org_of(user, activity.team.district_id) or is_captain_of(user, activity.team):
        return True
    scope = scope_for(user)
    if scope.is_member:
        if not is_member_of(user, activity.team):
            return False
        if activity.created_by_id is not None and activity.created_by_id == user.pk:
            return True
        return activity.people.filter(pk=scope.person_id).exists()
    if not scope.is_secretary:
        return False
    if activity.created_by_id is not None and activity.created_by_id == user.pk:
        return True
    return activity.participants.filter(pk=scope.secretary_id).exists()


def can_edit_meeting(user, meeting):
    if is_org_of(user, meeting.district_id):
        return True
    if meeting.team is not None and is_captain_of(user, meeting.team):
        return True
    scope = scope_for(user)
    if scope.is_member:
        return meeting.host_person_id is not None and meeting.host_person_id == scope.person_id
    return scope.is_secretary and meeting.host_id is not None and meeting.host_id == scope.secretary_id


def teams_user_may_log_for(user, teams_qs):
    """The teams a user may log an activity (or schedule a meeting) for."""
    scope = scope_for(user)
    if scope.is_org:
        return teams_qs
    if scope.is_secretary:
        member_of = TeamMembership.objects.current().filter(secretary_id=scope.secretary_id).values("team_id")
        return teams_qs.filter(pk__in=member_of)
    if scope.is_member:
        return teams_qs.filter(pk__in=scope.group_ids)
    return teams_qs.none()


def decision_villages(user, meeting):
    """The villages a meeting's decision may become a demand (or project) of: where the meeting's
    host, its attendees and its team's current members serve (on post now). The org department of the meeting's
    district may choose any village of the district."""
    villages = Village.objects.filter(township__district_id=meeting.district_id).select_related("township")
    if is_org_of(user, meeting.district_id):
        return villages
    people = Q(pk=meeting.host_id) | Q(meetings_attended=meeting)
    others = Q(pk=meeting.host_person_id) | Q(meetings_attended=meeting)
    if meeting.team_id is not None:
        people |= Q(team_memberships__team_id=meeting.team_id, team_memberships__left__isnull=True)
        others |= Q(memberships__team_id=meeting.team_id, memberships__left__isnull=True)
    return villages.filter(
        Q(pk__in=Secretary.objects.on_post().filter(people).values("village_id"))
        | Q(pk__in=GroupMember.objects.filter(others).exclude(village=None).values("village_id"))
    )
