"""A group's member who is not a secretary (the Shiquan service group's company technician, a
Gangcha work team's captain) gets a login through the accounts app's bulk creation (slips, forced
first change) with the member role: they see their own groups and log activities and attendance
for them; every other group's record answers 404 and every other page refuses them."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Account
from accounts.services import login_enable, logins_disable_due
from core.scoping import scope_for
from secretaries.models import StaffProfile
from teams import services
from teams.models import GroupKind, Meeting, TeamActivity, TeamMembership
from tests.factories import UserFactory
from tests.teams.factories import ActivityFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups(district, village_a, village_b, secretary):
    """池河镇's 预制菜产业 service group: the secretary and 周技术员 (a company technician); the 蚕桑产业
    group, which 周技术员 is not in."""
    kind = GroupKind.objects.create(
        district=district, code="service_group", name="服务组", level=GroupKind.Level.TOWNSHIP, min_size=1
    )
    food = TeamFactory(district=district, kind=kind, name="预制菜产业服务组", township=village_a.township)
    silk = TeamFactory(district=district, kind=kind, name="蚕桑产业服务组", township=village_a.township)
    services.membership_add(food, secretary, on=date(2026, 1, 5))
    zhou = services.person_add(
        food, name="周技术员", title="技术员", organisation="池河食品公司", phone="13912345678", village=village_a
    ).person
    services.person_add(silk, name="吴蚕农", title="村民", village=village_b)
    return {"food": food, "silk": silk, "zhou": zhou}


def member_login(person):
    user = UserFactory(username=f"member{person.pk}", first_name=person.name)
    StaffProfile.objects.create(user=user, role="member", district=person.district)
    person.user = user
    person.save()
    return user


def test_the_department_opens_member_logins_with_slips_and_a_forced_first_change(client_for, org_user, groups):
    zhou = groups["zhou"]
    client = client_for(org_user)
    form = client.get(reverse("accounts:bulk_create"), {"kind": "member"}).content.decode()
    assert "周技术员（技术员，池河食品公司）" in form and "吴蚕农" in form

    slips = client.post(
        reverse("accounts:bulk_create") + "?kind=member", {"members": [zhou.pk], "delivery": "slip"}
    ).content.decode()

    zhou.refresh_from_db()
    assert zhou.user is not None and zhou.user.username in slips
    assert "队伍成员（非第一书记）" in slips
    assert StaffProfile.objects.get(user=zhou.user).role == "member"
    assert Account.objects.get(user=zhou.user).must_change_password
    assert scope_for(zhou.user).group_ids == {groups["food"].pk}
    again = client.get(reverse("accounts:bulk_create"), {"kind": "member"}).content.decode()
    assert "周技术员" not in again


def test_a_member_sees_their_own_groups_only(client_for, groups):
    client = client_for(member_login(groups["zhou"]))

    home = client.get("/")
    listing = client.get(reverse("teams:team_list")).content.decode()

    assert home.status_code == 302 and home["Location"] == reverse("teams:team_list")
    assert "预制菜产业服务组" in listing and "蚕桑产业服务组" not in listing
    assert client.get(reverse("teams:team_detail", args=[groups["food"].pk])).status_code == 200
    assert client.get(reverse("teams:team_detail", args=[groups["silk"].pk])).status_code == 404


def test_a_member_logs_an_activity_for_their_group_and_is_named_in_it(client_for, groups, village_a):
    client = client_for(member_login(groups["zhou"]))
    assert client.get(reverse("teams:activity_create")).status_code == 200

    response = client.post(
        reverse("teams:activity_create"),
        {"team": groups["food"].pk, "kind": "技能培训", "date": "2026-03-02", "village": village_a.pk},
    )

    activity = TeamActivity.objects.get()
    assert response.status_code == 302
    assert list(activity.people.all()) == [groups["zhou"]] and not activity.participants.exists()
    assert client.get(reverse("teams:activity_edit", args=[activity.pk])).status_code == 200


def test_a_member_cannot_log_for_another_group_nor_read_its_records(client_for, groups, village_a):
    client = client_for(member_login(groups["zhou"]))
    foreign = ActivityFactory(team=groups["silk"], kind="走访入户", date=date(2026, 3, 1))
    meeting = Meeting.objects.create(
        district=groups["silk"].district, team=groups["silk"], kind="联席会议", title="蚕桑会", date=date(2026, 3, 1)
    )

    refused = client.post(
        reverse("teams:activity_create"), {"team": groups["silk"].pk, "kind": "技能培训", "date": "2026-03-02"}
    )

    assert refused.status_code == 200 and TeamActivity.objects.count() == 1  # the form's invalid choice
    for name, pk in (("activity_detail", foreign.pk), ("activity_edit", foreign.pk), ("meeting_detail", meeting.pk)):
        assert client.get(reverse(f"teams:{name}", args=[pk])).status_code == 404, name
    assert client.post(reverse("teams:activity_delete", args=[foreign.pk])).status_code == 404
    listing = client.get(reverse("teams:activity_list")).content.decode()
    assert foreign.title not in listing


@pytest.mark.parametrize(
    "url",
    [
        "/secretaries/",
        "/demands/queue/",
        "/stations/",
        "/dashboard/demands/",
        "/teams/activities/export.xlsx",
        "/teams/activities/stats/",
        "/teams/ranking/",
        "/teams/evaluation/",
        "/teams/presets/",
        "/city/",
        "/accounts/manage/",
    ],
)
def test_every_other_page_refuses_a_member(client_for, groups, url):
    response = client_for(member_login(groups["zhou"])).get(url)
    assert response.status_code == 403


def test_the_leader_records_attendance_and_a_plain_member_may_not(client_for, groups, secretary):
    food, zhou = groups["food"], groups["zhou"]
    meeting = services.pick_meeting_host(food, date(2026, 4, 1), notify_people=False)  # the secretary hosts
    client = client_for(member_login(zhou))
    assert client.get(reverse("teams:meeting_edit", args=[meeting.pk])).status_code == 403

    services.captain_set(food, person=zhou)
    response = client.post(
        reverse("teams:meeting_edit", args=[meeting.pk]),
        {
            "team": food.pk,
            "kind": "联席会议",
            "title": meeting.title,
            "date": "2026-04-15",
            "host": secretary.pk,
            "attendees": [secretary.pk],
            "attendee_people": [zhou.pk],
        },
    )

    assert response.status_code == 302
    assert list(meeting.attendee_people.all()) == [zhou]
    assert "添加议定事项" not in client.get(reverse("teams:meeting_detail", args=[meeting.pk])).content.decode()


def test_a_member_who_left_their_group_sees_it_no_more(client_for, groups):
    user = member_login(groups["zhou"])
    services.membership_end(TeamMembership.objects.get(person=groups["zhou"]))

    response = client_for(user).get(reverse("teams:team_detail", args=[groups["food"].pk]))

    assert response.status_code == 404


def test_the_daily_job_disables_the_login_of_a_member_who_left_every_group(groups, rf, org_user):
    user = member_login(groups["zhou"])
    assert logins_disable_due() == 0
    services.membership_end(TeamMembership.objects.get(person=groups["zhou"]))

    assert logins_disable_due() == 1
    assert logins_disable_due() == 0  # a second run disables nothing
    user.refresh_from_db()
    assert not user.is_active
    request = rf.post("/")
    request.user = org_user
    with pytest.raises(ValidationError, match="已退出所有队伍"):
        login_enable(user, request=request)
