"""A group's meetings and activities take its other members too (village cadres, technicians,
villagers): attendance, the host (where the group's kind allows it), the rotation (which skips
members who left), the decisions' villages and the activities' participants."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from teams import access, services
from teams.models import GroupKind, Meeting, MeetingDecision, TeamMembership
from tests.teams.factories import ActivityFactory, TeamFactory

FORMED = date(2025, 12, 1)


@pytest.fixture
def work_kind(district):
    return GroupKind.objects.create(
        district=district, code="work_team", name="工作队", level=GroupKind.Level.VILLAGE, min_size=1, max_size=20
    )


@pytest.fixture
def work_team(district, work_kind, village_a, secretary):
    """六渡村's work team: the secretary (joined first) and two villagers, 赵大姐 then 钱大哥."""
    team = TeamFactory(district=district, kind=work_kind, name="六渡村产业促进工作队", village=village_a)
    services.membership_add(team, secretary, on=date(2025, 11, 1))
    services.person_add(team, name="赵大姐", title="村民", village=village_a, on=FORMED)
    services.person_add(team, name="钱大哥", title="村委委员", village=village_a, on=date(2025, 12, 2))
    return team


def person(team, name):
    return TeamMembership.objects.get(team=team, person__name=name).person


def test_the_rotation_takes_secretaries_and_other_members_in_turn(work_team, secretary):
    zhao, qian = person(work_team, "赵大姐"), person(work_team, "钱大哥")

    hosts = [services.pick_meeting_host(work_team, date(2026, month, 1)).host_member for month in range(1, 7)]

    assert hosts == [secretary, zhao, qian, secretary, zhao, qian]
    assert Meeting.objects.filter(host_person=zhao).count() == 2


def test_the_rotation_skips_a_member_who_left(work_team, secretary):
    zhao, qian = person(work_team, "赵大姐"), person(work_team, "钱大哥")
    services.pick_meeting_host(work_team, date(2026, 1, 1))  # the secretary
    services.membership_end(TeamMembership.objects.get(team=work_team, person=zhao), on=date(2026, 1, 20))

    hosts = [services.pick_meeting_host(work_team, date(2026, month, 1)).host_member for month in (2, 3, 4)]

    assert hosts == [qian, secretary, qian]


def test_a_kind_hosted_by_secretaries_only_never_rotates_to_other_members(work_team, work_kind, secretary):
    work_kind.host_people = False
    work_kind.save()

    hosts = {services.pick_meeting_host(work_team, date(2026, month, 1)).host_member for month in (1, 2, 3)}

    assert hosts == {secretary}


def test_the_pioneer_kind_keeps_its_secretaries_rotation(team, district):
    assert GroupKind.objects.default_for(district.pk).host_people is False


def test_an_other_member_host_is_notified_through_their_login(
    work_team, secretary_user, django_user_model, django_capture_on_commit_callbacks
):
    zhao = person(work_team, "赵大姐")
    zhao.user = django_user_model.objects.create_user("zhaodajie", password="x")
    zhao.save()
    services.pick_meeting_host(work_team, date(2026, 1, 1), notify_people=False)  # the secretary hosted January

    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.pick_meeting_host(work_team, date(2026, 2, 1))

    assert meeting.host_person == zhao
    assert zhao.user.notices.filter(kind="teams.host").exists()


def post_meeting(client, team, **extra):
    data = {"team": team.pk, "kind": "联席会议", "title": "2月联席会议", "date": "2026-02-15", **extra}
    return client.post(reverse("teams:meeting_create"), data)


def test_the_department_records_other_members_attendance_and_host(client_for, org_user, work_team, secretary):
    zhao, qian = person(work_team, "赵大姐"), person(work_team, "钱大哥")

    response = post_meeting(
        client_for(org_user),
        work_team,
        host_person=zhao.pk,
        attendees=[secretary.pk],
        attendee_people=[zhao.pk, qian.pk],
    )

    meeting = Meeting.objects.get(title="2月联席会议")
    assert response.status_code == 302
    assert meeting.host_person == zhao and meeting.host is None
    assert set(meeting.attendee_people.all()) == {zhao, qian}
    page = client_for(org_user).get(reverse("teams:meeting_detail", args=[meeting.pk])).content.decode()
    assert "赵大姐（村民）" in page and "钱大哥（村委委员）" in page


def test_a_non_member_or_a_second_host_is_refused_in_chinese_and_nothing_is_saved(
    client_for, org_user, work_team, district, secretary
):
    other = TeamFactory(district=district, kind=work_team.kind, name="西庄村工作队", village=work_team.village)
    stranger = services.person_add(other, name="孙大爷", title="村民").person
    zhao = person(work_team, "赵大姐")
    client = client_for(org_user)

    outsider = post_meeting(client, work_team, attendee_people=[stranger.pk])
    two_hosts = post_meeting(client, work_team, host=secretary.pk, host_person=zhao.pk)

    assert "孙大爷 不是六渡村产业促进工作队的成员" in outsider.content.decode()
    assert "轮值主办只能选一人" in two_hosts.content.decode()
    assert not Meeting.objects.exists()


def test_an_other_member_may_not_host_where_the_kind_says_secretaries_only(client_for, org_user, work_team):
    work_team.kind.host_people = False
    work_team.kind.save()

    response = post_meeting(client_for(org_user), work_team, host_person=person(work_team, "赵大姐").pk)

    assert "工作队只由第一书记轮值主办" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_decision_may_go_to_the_village_of_an_attending_other_member(
    work_team, secretary_b, secretary_b_user, village_b
):
    """The captain (a secretary of another township) converts a decision for the village of a
    villager who attended: that village is among the meeting's, as the secretaries' are."""
    services.membership_add(work_team, secretary_b, role=TeamMembership.Role.CAPTAIN)
    meeting = services.pick_meeting_host(work_team, date(2026, 1, 1), notify_people=False)
    stranger = services.person_add(work_team, name="李会计", title="村会计", village=village_b).person
    meeting.attendee_people.add(stranger)
    decision = MeetingDecision.objects.create(meeting=meeting, text="修缮村口道路")

    villages = set(access.decision_villages(secretary_b_user, meeting))

    assert village_b in villages
    project = services.decision_to_project(decision, village=village_b, user=secretary_b_user)
    assert project.villages.get() == village_b


def test_a_decision_of_a_meeting_hosted_by_a_villager_names_them_in_the_project(work_team, org_user, village_a):
    services.pick_meeting_host(work_team, date(2026, 1, 1), notify_people=False)  # the secretary
    meeting = services.pick_meeting_host(work_team, date(2026, 2, 1), notify_people=False)
    decision = MeetingDecision.objects.create(meeting=meeting, text="建设蚕桑合作社")

    project = services.decision_to_project(decision, village=village_a, user=org_user)

    assert project.lead_secretary is None
    assert project.outcomes.endswith("议定事项（主办：赵大姐（村民））")


def test_an_activity_names_its_other_members_in_the_page_and_the_export(client_for, org_user, work_team, secretary):
    activity = ActivityFactory(team=work_team, kind="政策宣讲", date=date(2026, 3, 3))
    activity.participants.add(secretary)
    activity.people.add(person(work_team, "赵大姐"))
    client = client_for(org_user)

    page = client.get(reverse("teams:activity_detail", args=[activity.pk])).content.decode()
    export = client.get(reverse("teams:activity_export"), {"month": "2026-03"})

    assert "赵大姐" in page
    rows = list(load_workbook(io.BytesIO(export.content))["活动明细"].iter_rows(values_only=True))
    assert rows[0][8] == "参与成员（非第一书记）"
    assert rows[1][7] == secretary.name and rows[1][8] == "赵大姐"
