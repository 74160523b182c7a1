"""The Scope of a login (settings.SCOPE_RESOLVER names `user_scope`): the people app's roles, and
the member role (队伍成员) of a group's member who is not a first secretary, which only this app
can resolve: its scope is the member's current groups."""

from core.scoping import NO_SCOPE, ROLE_MEMBER, Scope
from secretaries import roles
from secretaries.models import StaffProfile
from teams.models import GroupMember, TeamMembership


def user_scope(user):
    scope = roles.user_scope(user)
    if scope is not NO_SCOPE:
        return scope
    # Only a login the people app could not place costs the queries below.
    if not StaffProfile.objects.filter(user=user, role=ROLE_MEMBER).exists():
        return NO_SCOPE
    person = GroupMember.objects.filter(user=user).first()
    if person is None:
        return NO_SCOPE
    return member_scope(person)


def member_scope(person):
    """What a member sees: the groups they are in now (a member who left every group sees none)."""
    groups = TeamMembership.objects.current().filter(person=person).values_list("team_id", flat=True)
    return Scope(role=ROLE_MEMBER, district_id=person.district_id, person_id=person.pk, group_ids=frozenset(groups))
