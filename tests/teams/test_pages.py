"""Every URL of the teams app as every role (tests/walk.py), plus the district boundary."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from core.scoping import ROLE_MEMBER
from secretaries.models import StaffProfile
from teams.models import ActivityPhoto, Award, MeetingDecision
from teams.services import person_add
from tests.factories import DistrictFactory, UserFactory
from tests.teams.factories import ActivityFactory, MeetingFactory, TeamFactory
from tests.teams.test_activities import png_bytes
from tests.walk import walk

READERS = {r: 200 for r in ["org", "township_a", "township_b", "secretary_a", "secretary_b", "station_manager"]}
READERS["outsider"] = 403
ORG_ONLY = {"org": 200}
ORG_POST_ONLY = {"org": 405}
ROLE_POST_ONLY = {r: 405 for r in READERS if r != "outsider"}


@pytest.fixture
def records(team, other_team, secretary, secretary_user, org_user):
    activity = ActivityFactory(team=team, created_by=secretary_user, date=date(2026, 3, 10))
    activity.participants.add(secretary)
    photo = ActivityPhoto(activity=activity, width=10, height=10)
    photo.image.save("a.png", ContentFile(png_bytes(10, 10)), save=False)
    photo.save()
    meeting = MeetingFactory(team=team, host=secretary, month=date(2026, 3, 1))
    decision = MeetingDecision.objects.create(meeting=meeting, text="修建冷库")
    award = Award.objects.create(district=team.district, year=2026, kind="team", team=team)
    return {
        "team": team,
        "activity": activity,
        "photo": photo,
        "meeting": meeting,
        "decision": decision,
        "award": award,
    }


def cases(r):
    team, activity, meeting = r["team"].pk, r["activity"].pk, r["meeting"].pk
    writer_a = {"org": 200, "secretary_a": 200}
    return [
        ("teams:team_list", [], READERS),
        ("teams:team_detail", [team], READERS),
        ("teams:team_create", [], ORG_ONLY),
        ("teams:team_edit", [team], ORG_ONLY),
        ("teams:team_split", [], ORG_ONLY),
        ("teams:member_add", [team], ORG_POST_ONLY),
        ("teams:member_edit", [r["team"].memberships.first().pk], ORG_POST_ONLY),
        ("teams:person_add", [team], ORG_POST_ONLY),
        ("teams:partner_add", [team], ORG_POST_ONLY),
        ("teams:presets", [], ORG_ONLY),
        ("teams:activity_list", [], READERS),
        ("teams:activity_export", [], READERS),
        ("teams:activity_stats", [], READERS),
        ("teams:activity_detail", [activity], READERS),
        ("teams:activity_create", [], {"org": 200, "secretary_a": 200, "secretary_b": 200}),
        ("teams:activity_edit", [activity], writer_a),
        ("teams:activity_delete", [activity], ROLE_POST_ONLY),
        ("teams:photo", [r["photo"].pk], READERS),
        ("teams:photo_delete", [r["photo"].pk], ROLE_POST_ONLY),
        ("teams:meeting_list", [], READERS),
        ("teams:meeting_detail", [meeting], READERS),
        ("teams:meeting_create", [], {"org": 200, "secretary_b": 200}),
        ("teams:meeting_edit", [meeting], writer_a),
        ("teams:decision_add", [meeting], ROLE_POST_ONLY),
        ("teams:decision_convert", [r["decision"].pk], writer_a),
        ("teams:ranking", [], READERS),
        ("teams:evaluation", [], READERS),
        ("teams:evaluation_export", [], READERS),
        ("teams:award_add", [], ORG_POST_ONLY),
        ("teams:award_delete", [r["award"].pk], ORG_POST_ONLY),
        ("teams:best_awards", [], ORG_POST_ONLY),
        ("teams:scoring_rules", [], ORG_ONLY),
    ]


def test_every_teams_url_answers_each_role_as_expected(client_for, people, records):
    problems = []
    for name, args, expected in cases(records):
        problems += walk(client_for, people, reverse(name, args=args), expected, default=403)
    assert problems == []


# A group's member who is not a secretary (role 队伍成员), in the records' team: their group's pages
# and logging an activity; the activity, meeting and decisions of others and every other page refused.
MEMBER = {
    "teams:team_list": 200,
    "teams:team_detail": 200,
    "teams:activity_list": 200,
    "teams:activity_detail": 200,
    "teams:activity_create": 200,
    "teams:activity_delete": 405,
    "teams:photo": 200,
    "teams:photo_delete": 405,
    "teams:meeting_list": 200,
    "teams:meeting_detail": 200,
}


def test_every_teams_url_answers_a_member_login_as_expected(client_for, records, village_a):
    person = person_add(records["team"], name="周技术员", title="技术员", village=village_a).person
    person.user = UserFactory(username="zhoujishuyuan")
    person.save()
    StaffProfile.objects.create(user=person.user, role=ROLE_MEMBER, district=person.district)
    client = client_for(person.user)
    problems = []
    for name, args, _expected in cases(records):
        url = reverse(name, args=args)
        want = MEMBER.get(name, 403)
        if (got := client.get(url).status_code) != want:
            problems.append(f"member: GET {url} -> {got}, expected {want}")
    assert problems == []


def test_another_districts_records_are_not_found(client_for, org_user, secretary_user):
    elsewhere = TeamFactory(district=DistrictFactory(name="门头沟区"), name="红色先锋")
    activity = ActivityFactory(team=elsewhere)
    meeting = MeetingFactory(team=elsewhere)
    for user in (org_user, secretary_user):
        client = client_for(user)
        for url in (
            reverse("teams:team_detail", args=[elsewhere.pk]),
            reverse("teams:activity_detail", args=[activity.pk]),
            reverse("teams:activity_edit", args=[activity.pk]),
            reverse("teams:meeting_detail", args=[meeting.pk]),
        ):
            assert client.get(url).status_code == 404, url
    listing = client_for(org_user).get(reverse("teams:activity_list"))
    assert activity.title not in listing.content.decode()


def test_bad_month_parameters_get_a_message_not_an_error(client_for, org_user, team):
    client = client_for(org_user)
    for url in ("teams:ranking", "teams:evaluation", "teams:activity_list"):
        response = client.get(reverse(url), {"month": "2026-99", "from": "x", "to": "2026-13"})
        assert response.status_code == 200
        assert "无效" in response.content.decode()


@pytest.mark.parametrize("raw", ["0001-01", "9999-12", "2026-W01", "2026-1", "2026-11-01", "１９９９-01", "x" * 500])
def test_month_parameters_outside_the_window_or_malformed_fall_back_with_a_message(client_for, org_user, team, raw):
    client = client_for(org_user)
    for name, params in [
        ("teams:ranking", {"month": raw}),
        ("teams:evaluation", {"from": raw, "to": raw}),
        ("teams:evaluation_export", {"from": raw, "to": raw}),
        ("teams:activity_list", {"month": raw}),
        ("teams:activity_export", {"month": raw}),
    ]:
        response = client.get(reverse(name), params)
        assert response.status_code == 200, (name, raw)
    page = client.get(reverse("teams:ranking"), {"month": raw}).content.decode()
    assert "无效" in page and "x" * 30 not in page  # the message quotes at most 20 characters


@pytest.mark.parametrize(
    "path",
    [
        "/teams/abc/",
        "/teams/-1/edit/",
        "/teams/activities/1.5/",
        "/teams/activities/99999999999999999999999/",
        "/teams/meetings/%00/",
        "/teams/photos/abc/",
    ],
)
def test_non_integer_or_huge_ids_answer_404(client_for, org_user, path):
    assert client_for(org_user).get(path).status_code == 404


def test_bad_list_filters_are_ignored_not_errors(client_for, org_user, records):
    client = client_for(org_user)
    for params in [{"team": "abc"}, {"team": "-1"}, {"kind": "不存在"}, {"page": "abc"}, {"page": "-5"}, {"mine": "x"}]:
        assert client.get(reverse("teams:activity_list"), params).status_code == 200, params
        assert client.get(reverse("teams:meeting_list"), params).status_code == 200, params


def state():
    """Everything a refused write could have changed."""
    from teams.models import Meeting, PioneerTeam, ScoringRule, TeamActivity, TeamMembership

    return (
        list(TeamActivity.objects.order_by("pk").values_list("pk", "title", "team_id")),
        list(ActivityPhoto.objects.order_by("pk").values_list("pk", flat=True)),
        list(Meeting.objects.order_by("pk").values_list("pk", "title", "host_id")),
        list(MeetingDecision.objects.order_by("pk").values_list("pk", "project_id", "demand_id")),
        list(TeamMembership.objects.order_by("pk").values_list("pk", "team_id", "role", "left")),
        list(PioneerTeam.objects.order_by("pk").values_list("pk", "name", "captain_id")),
        list(Award.objects.order_by("pk").values_list("pk", flat=True)),
        list(ScoringRule.objects.order_by("pk").values_list("pk", "points")),
    )


def write_cases(r, village):
    team, activity, meeting = r["team"], r["activity"], r["meeting"]
    activity_data = {
        "team": team.pk,
        "kind": "义诊服务",
        "date": "2026-03-10",
        "title": "越权修改",
        "people_reached": "1",
        "funds_secured": "0",
        "projects_built": "0",
        "produce_kg": "0",
        "produce_yuan": "0",
    }
    meeting_data = {"team": team.pk, "kind": "联席会议", "title": "越权修改", "date": "2026-03-15"}
    return [
        ("teams:activity_edit", [activity.pk], activity_data),
        ("teams:activity_delete", [activity.pk], {}),
        ("teams:photo_delete", [r["photo"].pk], {}),
        ("teams:meeting_edit", [meeting.pk], meeting_data),
        ("teams:decision_add", [meeting.pk], {"text": "越权添加"}),
        ("teams:decision_convert", [r["decision"].pk], {"target": "project", "village": village.pk}),
        ("teams:team_edit", [team.pk], {"name": "改名", "min_size": 1, "max_size": 40}),
        ("teams:member_add", [team.pk], {"secretary": r["team"].memberships.first().secretary_id, "role": "captain"}),
        ("teams:member_edit", [team.memberships.first().pk], {"action": "remove"}),
        ("teams:award_delete", [r["award"].pk], {}),
        ("teams:award_add", [], {"year": 2026, "kind": "team", "team": team.pk}),
        ("teams:team_split", [], {"n": 1, "min_size": 1, "max_size": 5}),
    ]


SECRETARY_A_MAY = {
    "teams:activity_edit",
    "teams:activity_delete",
    "teams:photo_delete",
    "teams:meeting_edit",
    "teams:decision_add",
    "teams:decision_convert",
}


def test_writes_by_roles_without_the_right_are_refused_and_change_nothing(client_for, people, records, village_a):
    """secretary_a logged the activity and hosts the meeting (a plain member of 红色先锋);
    secretary_b is the captain of another team. Nobody but them and the org department may write."""
    before = state()
    problems = []
    for name, args, data in write_cases(records, village_a):
        for role in ["township_a", "township_b", "secretary_b", "station_manager", "outsider"]:
            status = client_for(people[role]).post(reverse(name, args=args), data).status_code
            if status != 403:
                problems.append(f"{role}: POST {name} -> {status}")
        if name not in SECRETARY_A_MAY:
            status = client_for(people["secretary_a"]).post(reverse(name, args=args), data).status_code
            if status != 403:
                problems.append(f"secretary_a: POST {name} -> {status}")
    assert problems == []
    assert state() == before


def test_another_districts_records_answer_404_to_every_write_even_for_the_org(
    client_for, people, records, district, village_a
):
    from secretaries.models import Township, Village

    elsewhere_district = DistrictFactory(name="门头沟区")
    elsewhere = TeamFactory(district=elsewhere_district, name="红色先锋")
    village = Village.objects.create(
        township=Township.objects.create(district=elsewhere_district, name="斋堂镇"), name="爨底下村"
    )
    from teams.models import MeetingDecision as Decision
    from tests.factories import SecretaryFactory
    from tests.teams.factories import MembershipFactory

    member = SecretaryFactory(village=village, batch=records["team"].memberships.first().secretary.batch)
    MembershipFactory(team=elsewhere, secretary=member)
    activity = ActivityFactory(team=elsewhere, title="门头沟的活动")
    photo = ActivityPhoto(activity=activity, width=10, height=10)
    photo.image.save("b.png", ContentFile(png_bytes(10, 10)), save=False)
    photo.save()
    meeting = MeetingFactory(team=elsewhere, title="门头沟的会议")
    foreign = {
        "team": elsewhere,
        "activity": activity,
        "photo": photo,
        "meeting": meeting,
        "decision": Decision.objects.create(meeting=meeting, text="门头沟的事项"),
        "award": Award.objects.create(district=elsewhere_district, year=2026, kind="team", team=elsewhere),
    }
    before = state()
    problems = []
    for name, args, data in write_cases(foreign, village):
        if not args:
            continue
        for role in ["org", "secretary_a", "secretary_b"]:
            status = client_for(people[role]).post(reverse(name, args=args), data).status_code
            # The org gets 404 (not found in its district); secretaries are stopped earlier (403)
            # on org-only pages, and by the scope (404) on the others.
            if status != 404 and not (role != "org" and status == 403 and name not in SECRETARY_A_MAY):
                problems.append(f"{role}: POST {name} -> {status}")
    for name, args in [("teams:photo", [photo.pk]), ("teams:decision_convert", [foreign["decision"].pk])]:
        status = client_for(people["org"]).get(reverse(name, args=args)).status_code
        if status != 404:
            problems.append(f"org: GET {name} -> {status}")
    assert problems == []
    assert state() == before

    export = client_for(people["org"]).get(reverse("teams:activity_export"), {"team": elsewhere.pk})
    assert export.status_code == 404  # another district's team: not found, nothing exported
    listing = client_for(people["org"]).get(reverse("teams:meeting_list")).content.decode()
    assert "门头沟的会议" not in listing
    evaluation = client_for(people["org"]).get(reverse("teams:evaluation"), {"to": "2026-12"}).content.decode()
    assert "门头沟" not in evaluation
