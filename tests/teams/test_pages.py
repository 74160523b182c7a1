"""Every URL of the teams app as every role (tests/walk.py), plus the district boundary."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from teams.models import ActivityPhoto, Award, MeetingDecision
from tests.factories import DistrictFactory
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
        ("teams:scoring_rules", [], ORG_ONLY),
    ]


def test_every_teams_url_answers_each_role_as_expected(client_for, people, records):
    problems = []
    for name, args, expected in cases(records):
        problems += walk(client_for, people, reverse(name, args=args), expected, default=403)
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
