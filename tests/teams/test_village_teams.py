"""Gangcha's village work teams (issue 16 point 3): villagers with allowances, their activities
and figures, the monthly ranking across teams, villages and townships, and the year-end awards,
on a fixture computed by hand with the preset's work-team rules (teams/presets.py):
政策宣讲 3, 走访入户 2, 帮办代办 3 per activity; 0.1 per person reached (cap 10 a month);
0.5 per person helped (cap 20 a month). A village or township scores the mean of its teams."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from teams import scoring, services
from teams.models import Award, GroupKind, PioneerTeam
from teams.presets import apply_preset
from tests.teams.factories import ActivityFactory

MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)
FORMED = date(2026, 1, 5)


@pytest.fixture
def gangcha(district, village_a, village_a2, village_b, secretary):
    """十渡镇: 六渡村 and 西庄村 (10 teams); 佛子庄乡: 黑龙关村 (5 teams).

    March: 六渡村生态文明 two 政策宣讲 of 40 people (6 + 8 = 14); 六渡村产业促进 one 帮办代办 helping
    30 (3 + 15 = 18); 黑龙关村社会保障 three 走访入户 of 10 people (6 + 3) and one 帮办代办 helping
    20 (3 + 10): 22. April: 六渡村生态文明 one 政策宣讲 (3)."""
    apply_preset(district, "gangcha")
    team = {t.name: t for t in PioneerTeam.objects.filter(district=district)}
    eco, industry, welfare = team["六渡村生态文明工作队"], team["六渡村产业促进工作队"], team["黑龙关村社会保障工作队"]
    zhao = services.person_add(
        eco, name="赵大姐", title="村民", village=village_a, allowance=Decimal("300"), on=FORMED
    ).person
    qian = services.person_add(
        welfare, name="钱大哥", title="村民", village=village_b, allowance=Decimal("300"), on=FORMED
    ).person
    sun = services.person_add(industry, name="孙大爷", title="村民", village=village_a, on=FORMED).person
    services.membership_add(industry, secretary, on=FORMED)
    for day in (3, 17):
        ActivityFactory(team=eco, kind="政策宣讲", date=date(2026, 3, day), people_reached=40).people.add(zhao)
    ActivityFactory(team=industry, kind="帮办代办", date=date(2026, 3, 9), people_helped=30).participants.add(secretary)
    for day in (4, 11, 18):
        ActivityFactory(team=welfare, kind="走访入户", date=date(2026, 3, day), people_reached=10)
    ActivityFactory(team=welfare, kind="帮办代办", date=date(2026, 3, 20), people_helped=20).people.add(qian)
    ActivityFactory(team=eco, kind="政策宣讲", date=date(2026, 4, 8)).people.add(zhao)
    return {"kind": GroupKind.objects.get(district=district, code="work_team"), "sun": sun, **team}


def table(rows):
    return [(row["rank"], row["name"], row["total"]) for row in rows if row["total"]]


def test_march_ranks_teams_villages_townships_and_members_as_computed_by_hand(district, gangcha):
    march = scoring.rankings(district.pk, [MARCH])[MARCH]  # the work teams are the district's scored kind

    assert table(march["teams"]) == [
        (1, "黑龙关村社会保障工作队", Decimal("22.00")),
        (2, "六渡村产业促进工作队", Decimal("18.00")),
        (3, "六渡村生态文明工作队", Decimal("14.00")),
    ]
    assert len(march["teams"]) == 15 and march["teams"][-1]["rank"] == 4
    assert table(march["villages"]) == [(1, "六渡村", Decimal("6.40")), (2, "黑龙关村", Decimal("4.40"))]
    assert [(r["rank"], r["name"], r["total"]) for r in march["townships"]] == [
        (1, "佛子庄乡", Decimal("4.40")),  # 22 / 5 teams
        (2, "十渡镇", Decimal("3.20")),  # 32 / 10 teams
    ]
    assert table(march["people"]) == [(1, "赵大姐", Decimal("14.00")), (2, "钱大哥", Decimal("13.00"))]
    assert table(march["secretaries"]) == [(1, "王建国", Decimal("18.00"))]
    welfare = next(r for r in march["teams"] if r["name"] == "黑龙关村社会保障工作队")
    helped = next(line for line in welfare["lines"] if line.label == "帮助群众办事（每人次）")
    assert (helped.quantity, helped.subtotal) == (20, Decimal("10.00"))


def test_the_person_helped_cap_holds_a_month(district, gangcha):
    ActivityFactory(team=gangcha["六渡村产业促进工作队"], kind="帮办代办", date=date(2026, 3, 25), people_helped=100)

    industry = next(
        r for r in scoring.rankings(district.pk, [MARCH])[MARCH]["teams"] if r["name"] == "六渡村产业促进工作队"
    )

    helped = next(line for line in industry["lines"] if line.label == "帮助群众办事（每人次）")
    assert helped.subtotal == Decimal("20") and "封顶" in helped.note


def test_a_frozen_month_keeps_villages_townships_and_members(district, gangcha):
    snapshot, created = scoring.freeze_month(district.pk, MARCH, today=APRIL)

    assert created and snapshot.group_kind == gangcha["kind"]
    assert [row["name"] for row in snapshot.data["townships"]] == ["佛子庄乡", "十渡镇"]
    frozen = scoring.rankings(district.pk, [MARCH])[MARCH]
    assert frozen["frozen_at"] is not None and table(frozen["people"])[0] == (1, "赵大姐", Decimal("14.00"))


def test_the_year_adds_up_and_names_the_best_once(district, gangcha, org_user):
    scoring.freeze_month(district.pk, MARCH, today=APRIL)
    year = scoring.evaluation(district.pk, [MARCH, APRIL])

    assert table(year["townships"]) == [(1, "佛子庄乡", Decimal("4.40")), (2, "十渡镇", Decimal("3.50"))]
    assert table(year["villages"])[0] == (1, "六渡村", Decimal("7.00"))
    assert table(year["teams"])[:3] == [
        (1, "黑龙关村社会保障工作队", Decimal("22.00")),
        (2, "六渡村产业促进工作队", Decimal("18.00")),
        (3, "六渡村生态文明工作队", Decimal("17.00")),
    ]

    created = scoring.award_the_best(
        district.pk, [MARCH, APRIL], kind=gangcha["kind"], townships=1, teams=2, members=2, user=org_user
    )
    again = scoring.award_the_best(
        district.pk, [MARCH, APRIL], kind=gangcha["kind"], townships=1, teams=2, members=2, user=org_user
    )

    assert (created, again) == (5, 0)
    named = sorted((a.label, str(a.subject)) for a in Award.objects.select_related("group_kind"))
    assert named == sorted(
        [
            ("优秀乡镇", "佛子庄乡"),
            ("优秀工作队", "黑龙关村社会保障工作队"),
            ("优秀工作队", "六渡村产业促进工作队"),
            ("优秀队员", "王建国"),  # 18: the secretary and the villagers ranked together
            ("优秀队员", "赵大姐（村民）"),  # 17
        ]
    )


def test_the_org_names_the_best_from_the_evaluation_page(client_for, org_user, secretary_user, district, gangcha):
    client = client_for(org_user)
    query = f"?kind={gangcha['kind'].pk}&from=2026-03&to=2026-04"

    response = client.post(
        reverse("teams:best_awards") + query, {"townships": 2, "teams": 10, "members": 10}, follow=True
    )

    page = response.content.decode()
    assert (
        "已按2026年03月至2026年04月的考评结果记录表彰 8 项" in page
    )  # 2 townships, 3 teams and 3 members scored above 0
    assert "优秀乡镇" in page and "优秀工作队" in page and "赵大姐" in page
    assert client_for(secretary_user).post(reverse("teams:best_awards") + query, {}).status_code == 403


def test_the_ranking_page_shows_the_places_and_the_villagers(client_for, secretary_user, gangcha):
    page = client_for(secretary_user).get(reverse("teams:ranking"), {"month": "2026-03"}).content.decode()

    assert "乡镇排名" in page and "佛子庄乡" in page and "4.40" in page
    assert "成员排名" in page and "赵大姐" in page and "黑龙关村社会保障工作队" in page


def test_a_team_page_shows_its_villagers_allowances_and_people_helped(client_for, org_user, gangcha):
    page = client_for(org_user).get(reverse("teams:team_detail", args=[gangcha["黑龙关村社会保障工作队"].pk]))

    text = page.content.decode()
    assert (
        "钱大哥" in text and "300.00" in text and "帮助群众办事（人次）" in text and 'data-total="helped">20<' in text
    )
