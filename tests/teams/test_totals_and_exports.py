import io
from datetime import date
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from teams.models import TeamActivity
from teams.selectors import activity_totals, totals_by_kind, totals_by_month, totals_by_team
from tests.teams.factories import ActivityFactory


def make_activities(team, other_team):
    ActivityFactory(
        team=team,
        kind="农产品促销",
        date=date(2026, 3, 2),
        people_reached=10,
        funds_secured=1000,
        produce_kg=Decimal("120.5"),
        produce_yuan=900,
    )
    ActivityFactory(team=team, kind="红色党课", date=date(2026, 3, 20), people_reached=30, projects_built=1)
    ActivityFactory(
        team=other_team,
        kind="农产品促销",
        date=date(2026, 4, 1),
        people_reached=5,
        funds_secured=250000,
        projects_built=2,
        produce_kg=300,
    )


def test_totals_add_up_per_team_month_kind_and_district(team, other_team, django_assert_num_queries):
    make_activities(team, other_team)
    activities = TeamActivity.objects.all()

    with django_assert_num_queries(4):
        everything = activity_totals(activities)
        teams = {r["team__name"]: r for r in totals_by_team(activities)}
        months = {r["month"]: r for r in totals_by_month(activities)}
        kinds = {r["kind"]: r for r in totals_by_kind(activities)}

    assert everything["activities"] == 3 and everything["funds_secured"] == Decimal("251000")
    assert everything["projects_built"] == 3 and everything["produce_kg"] == Decimal("420.5")
    assert everything["people_reached"] == 45
    assert teams["红色先锋"]["activities"] == 2 and teams["致富先锋"]["funds_secured"] == Decimal("250000")
    assert months[date(2026, 3, 1)]["activities"] == 2 and months[date(2026, 4, 1)]["projects_built"] == 2
    assert kinds["农产品促销"]["produce_kg"] == Decimal("420.5") and kinds["红色党课"]["activities"] == 1


def test_empty_totals_are_zero_not_none(team):
    assert activity_totals(TeamActivity.objects.all()) == {
        "activities": 0,
        "people_reached": 0,
        "funds_secured": 0,
        "projects_built": 0,
        "produce_kg": 0,
        "produce_yuan": 0,
    }


def test_the_stats_page_needs_the_same_queries_for_many_activities(
    client_for, org_user, team, other_team, django_assert_num_queries
):
    make_activities(team, other_team)
    client = client_for(org_user)
    client.get(reverse("teams:activity_stats"))  # warm the session
    with django_assert_num_queries(12) as few:  # the menu reads the notices and the district's practice
        client.get(reverse("teams:activity_stats"))
    for _ in range(20):
        make_activities(team, other_team)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("teams:activity_stats"))
    assert response.status_code == 200


def test_the_activity_export_lists_rows_and_totals(client_for, township_b_user, team, other_team, secretary):
    make_activities(team, other_team)
    TeamActivity.objects.get(kind="红色党课").participants.add(secretary)

    response = client_for(township_b_user).get(reverse("teams:activity_export"), {"month": "2026-03"})

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["活动明细", "按先锋队", "按月份", "按活动类型", "全区合计"]
    rows = list(book["活动明细"].iter_rows(values_only=True))
    assert rows[0][:4] == ("日期", "先锋队", "活动类型", "活动名称")
    assert len(rows) == 3 and {r[7] for r in rows[1:]} == {"王建国", None}
    assert list(book["全区合计"].iter_rows(values_only=True))[1][:3] == (2, 40, 1000)


def test_the_evaluation_export_has_rankings_details_and_awards(client_for, org_user, team, other_team):
    make_activities(team, other_team)
    client = client_for(org_user)
    client.post(reverse("teams:award_add"), {"year": 2026, "kind": "team", "team": team.pk, "note": "全年第一"})

    response = client.get(reverse("teams:evaluation_export"), {"from": "2026-01", "to": "2026-12"})

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["先锋队排名", "队员排名", "得分明细", "表彰"]
    teams = list(book["先锋队排名"].iter_rows(values_only=True))
    assert teams[0][:3] == ("名次", "先锋队", "总分") and len(teams[0]) == 3 + 12
    # 红色先锋: 农产品促销 5 + 红色党课 5 + 0.1 × 40 people; 致富先锋: 农产品促销 5 + 0.1 × 5 people
    assert teams[1][:3] == (1, "红色先锋", 14) and teams[2][:3] == (2, "致富先锋", 5.5)
    assert list(book["表彰"].iter_rows(values_only=True))[1][:3] == (2026, "优秀先锋队", "红色先锋")
