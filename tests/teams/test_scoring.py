"""The ranking on a fixture computed by hand, with the default points scheme (migration 0003):
红色党课 5, 法律咨询 4, 农产品促销 5 per activity; 0.1 per person reached, capped at 10 a month;
resolved demand +5; shift done +3; shift absent -5; list on time +2; list late -2."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from demands.models import CollectionRound, DemandCategory, DemandItem, Submission
from stations.models import DutyShift
from teams.models import RankingSnapshot, ScoringRule
from teams.scoring import evaluation, freeze_month, rankings
from teams.tasks import freeze_last_month_ranking
from tests.teams.factories import ActivityFactory

MARCH = date(2026, 3, 1)


def at(day, hour=10):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def march(district, team, other_team, secretary, secretary_b, station, village_b):
    a1 = ActivityFactory(team=team, kind="红色党课", date=date(2026, 3, 10), people_reached=50)
    a2 = ActivityFactory(team=team, kind="法律咨询", date=date(2026, 3, 20), people_reached=80)
    april = ActivityFactory(team=team, kind="红色党课", date=date(2026, 4, 2), people_reached=10)
    for activity in (a1, a2, april):
        activity.participants.add(secretary)
    b1 = ActivityFactory(team=other_team, kind="农产品促销", date=date(2026, 3, 5), people_reached=20)
    b1.participants.add(secretary_b)
    category = DemandCategory.objects.create(name="产业发展")
    DemandItem.objects.create(
        village=secretary.village,
        category=category,
        title="修路",
        status="resolved",
        assignee_secretary=secretary,
        resolved_at=at(date(2026, 3, 12)),
    )
    DemandItem.objects.create(  # still in progress: no points
        village=secretary.village, category=category, title="建棚", status="in_progress", assignee_secretary=secretary
    )
    for day, status in [(4, "done"), (11, "done"), (18, "absent"), (25, "scheduled")]:
        DutyShift.objects.create(station=station, date=date(2026, 3, day), secretary=secretary, status=status)
    round_ = CollectionRound.objects.create(
        district=district, title="3-4月", period_start=MARCH, period_end=date(2026, 4, 30), deadline=date(2026, 3, 15)
    )
    Submission.objects.create(
        round=round_, village=village_b, status="submitted", submitted_at=at(date(2026, 3, 15), 23)
    )
    Submission.objects.create(
        round=round_, village=secretary.village, status="submitted", submitted_at=at(date(2026, 4, 3))
    )
    return a1


def lines_of(row):
    return {line.label: (line.quantity, line.subtotal) for line in row["lines"]}


def test_march_ranking_matches_the_hand_computed_figures(district, march):
    result = rankings(district.pk, [MARCH])[MARCH]

    red, rich = result["teams"]
    assert (red["name"], red["rank"], red["total"]) == ("红色先锋", 1, Decimal("25.00"))
    assert lines_of(red) == {
        "开展红色党课活动（每场）": (1, Decimal("5.00")),
        "开展法律咨询活动（每场）": (1, Decimal("4.00")),
        "服务群众（每人次）": (130, Decimal("10")),
        "办结派单需求（每件）": (1, Decimal("5.00")),
        "完成服务站值班（每班）": (2, Decimal("6.00")),
        "值班缺勤（每次扣分）": (1, Decimal("-5.00")),
    }
    assert "封顶" in next(line.note for line in red["lines"] if line.label == "服务群众（每人次）")
    assert (rich["name"], rich["rank"], rich["total"]) == ("致富先锋", 2, Decimal("9.00"))
    assert lines_of(rich)["按时报送清单（每次）"] == (1, Decimal("2.00"))

    people = {row["name"]: row for row in result["secretaries"]}
    assert people["王建国"]["total"] == Decimal("25.00") and people["王建国"]["team"] == "红色先锋"
    assert people["李红梅"]["total"] == Decimal("9.00")


def test_the_late_list_of_april_is_deducted_in_april(district, march):
    april = date(2026, 4, 1)
    result = rankings(district.pk, [april])[april]
    red = result["teams"][0]
    assert lines_of(red)["逾期报送清单（每次扣分）"] == (1, Decimal("-2.00"))
    assert red["total"] == Decimal("5.00") + Decimal("1.00") - Decimal("2.00")


def test_editing_a_rule_changes_the_live_ranking(district, march):
    ScoringRule.objects.filter(key="activity:农产品促销").update(points=30)

    result = rankings(district.pk, [MARCH])[MARCH]

    assert [row["name"] for row in result["teams"]] == ["致富先锋", "红色先锋"]


def test_a_frozen_month_stays_frozen_after_later_edits(district, march):
    snapshot, created = freeze_month(district.pk, MARCH, today=date(2026, 4, 1))
    ScoringRule.objects.filter(key="activity:农产品促销").update(points=30)
    march.delete()

    result = rankings(district.pk, [MARCH])[MARCH]

    assert created and result["frozen_at"] == snapshot.frozen_at
    assert [(row["name"], row["total"]) for row in result["teams"]] == [
        ("红色先锋", Decimal("25.00")),
        ("致富先锋", Decimal("9.00")),
    ]
    assert freeze_month(district.pk, MARCH, today=date(2026, 5, 1)) == (snapshot, False)


def test_an_unfinished_month_cannot_be_frozen(district, march):
    with pytest.raises(ValidationError, match="尚未结束"):
        freeze_month(district.pk, MARCH, today=date(2026, 3, 31))


def test_the_freezing_job_runs_twice_without_a_second_snapshot(district, march):
    first = freeze_last_month_ranking(today="2026-04-01")
    second = freeze_last_month_ranking(today="2026-04-01")

    assert first == second and RankingSnapshot.objects.filter(month=MARCH).count() == 1


def test_the_year_adds_up_frozen_and_live_months(district, march):
    freeze_month(district.pk, MARCH, today=date(2026, 4, 1))

    result = evaluation(district.pk, [MARCH, date(2026, 4, 1)])

    red = result["teams"][0]
    assert red["monthly"] == [Decimal("25.00"), Decimal("4.00")]
    assert red["total"] == Decimal("29.00") and result["frozen_months"] == 1
    assert lines_of(red)["开展红色党课活动（每场）"] == (2, Decimal("10.00"))


def test_ranking_uses_a_fixed_number_of_queries(district, march, django_assert_max_num_queries):
    months = [date(2026, m, 1) for m in range(1, 13)]
    with django_assert_max_num_queries(12):
        evaluation(district.pk, months)


MAY = date(2026, 5, 1)


@pytest.fixture
def may_round(district, team, other_team, secretary):
    """The May round (deadline 15 May): 王建国's village sends on time, 李红梅's sends nothing."""
    round_ = CollectionRound.objects.create(
        district=district,
        title="5-6月",
        period_start=MAY,
        period_end=date(2026, 6, 30),
        deadline=date(2026, 5, 15),
        status="open",
    )
    Submission.objects.create(
        round=round_, village=secretary.village, status="submitted", submitted_at=at(date(2026, 5, 9))
    )
    return round_


def totals_of(result):
    return {row["name"]: (row["total"], lines_of(row)) for row in result["teams"]}


def test_a_list_never_sent_is_deducted_in_its_deadline_month_once_the_deadline_day_is_over(district, may_round):
    from teams.scoring import compute_months

    on_deadline_day = totals_of(compute_months(district.pk, [MAY], today=date(2026, 5, 15))[MAY])
    day_after = totals_of(compute_months(district.pk, [MAY], today=date(2026, 5, 16))[MAY])

    assert on_deadline_day["致富先锋"] == (Decimal("0"), {})
    assert day_after["致富先锋"] == (Decimal("-3.00"), {"逾期未报送清单（每次扣分）": (1, Decimal("-3.00"))})
    assert day_after["红色先锋"] == (Decimal("2.00"), {"按时报送清单（每次）": (1, Decimal("2.00"))})
    people = {
        row["name"]: row["total"]
        for row in compute_months(district.pk, [MAY], today=date(2026, 5, 16))[MAY]["secretaries"]
    }
    assert people == {"王建国": Decimal("2.00"), "李红梅": Decimal("-3.00")}


def test_a_list_sent_late_turns_the_missing_deduction_into_a_late_one_unless_the_month_was_frozen(
    district, may_round, village_b
):
    june = date(2026, 6, 1)
    Submission.objects.create(round=may_round, village=village_b, status="submitted", submitted_at=at(date(2026, 6, 2)))

    live = rankings(district.pk, [MAY, june])
    assert totals_of(live[MAY])["致富先锋"] == (Decimal("0"), {})
    assert totals_of(live[june])["致富先锋"][1] == {"逾期报送清单（每次扣分）": (1, Decimal("-2.00"))}

    Submission.objects.filter(village=village_b).delete()
    freeze_month(district.pk, MAY, today=june)
    Submission.objects.create(round=may_round, village=village_b, status="submitted", submitted_at=at(date(2026, 6, 2)))
    frozen = rankings(district.pk, [MAY, june])
    assert totals_of(frozen[MAY])["致富先锋"][0] == Decimal("-3.00")  # history is not rewritten
    assert totals_of(frozen[june])["致富先锋"][0] == Decimal("-2.00")


def test_draft_rounds_and_rounds_still_open_before_their_deadline_deduct_nothing(district, may_round):
    from teams.scoring import compute_months

    may_round.status = "draft"
    may_round.save()

    result = compute_months(district.pk, [MAY], today=date(2026, 11, 24))[MAY]

    assert totals_of(result)["致富先锋"] == (Decimal("0"), {})


def test_the_missing_list_rule_is_editable_data_and_can_be_switched_off(district, may_round):
    ScoringRule.objects.filter(key="list_missing").update(active=False)

    result = rankings(district.pk, [MAY])[MAY]

    assert totals_of(result)["致富先锋"] == (Decimal("0"), {})
    assert ScoringRule.objects.filter(key="list_missing", points=-3).exists()


# --- each district's own general rules --------------------------------------------------------


@pytest.fixture
def elsewhere(db):
    """A second district with a team that ran the same kind of activity in March, and its org."""
    from secretaries.models import StaffProfile
    from tests.factories import DistrictFactory, UserFactory
    from tests.teams.factories import TeamFactory

    district = DistrictFactory(name="门头沟区")
    team = TeamFactory(district=district, name="门头沟先锋", min_size=1, max_size=40)
    ActivityFactory(team=team, kind="红色党课", date=date(2026, 3, 10), people_reached=0)
    user = UserFactory(username="org_mentougou")
    StaffProfile.objects.create(user=user, role="org", district=district)
    return district, user


def rules_post(rules, **changed):
    """The scoring page's POST for `rules`, with `changed` = {key: points}."""
    data = {"form-TOTAL_FORMS": len(rules), "form-INITIAL_FORMS": len(rules)}
    for i, rule in enumerate(rules):
        data |= {f"form-{i}-id": rule.pk, f"form-{i}-label": rule.label, f"form-{i}-cap": rule.cap or ""}
        data |= {
            f"form-{i}-points": changed.get(rule.key, rule.points),
            f"form-{i}-active": "on" if rule.active else "",
        }
    return data


def test_every_district_starts_with_its_own_copy_of_the_general_rules(district, elsewhere):
    mine = dict(ScoringRule.objects.general(district.pk).values_list("key", "points"))
    theirs = dict(ScoringRule.objects.general(elsewhere[0].pk).values_list("key", "points"))

    assert mine == theirs and len(mine) == 19 and mine["activity:红色党课"] == 5 and mine["list_missing"] == -3
    assert not set(ScoringRule.objects.general(district.pk)) & set(ScoringRule.objects.general(elsewhere[0].pk))


def test_a_district_changing_a_general_rule_leaves_the_other_districts_points_alone(
    district, march, elsewhere, client_for, org_user
):
    other, other_org = elsewhere
    before = rankings(district.pk, [MARCH])[MARCH]
    rules = list(ScoringRule.objects.general(other.pk))

    response = client_for(other_org).post("/teams/scoring/", rules_post(rules, **{"activity:红色党课": "50"}))

    assert response.status_code == 302
    assert rankings(other.pk, [MARCH])[MARCH]["teams"][0]["total"] == Decimal("50.00")
    after = rankings(district.pk, [MARCH])[MARCH]
    assert [(row["name"], row["total"]) for row in after["teams"]] == [
        (row["name"], row["total"]) for row in before["teams"]
    ]
    assert ScoringRule.objects.general(district.pk).get(key="activity:红色党课").points == 5
    # This district's page lists its own rules only, as they were.
    listed = [form.instance for form in client_for(org_user).get("/teams/scoring/").context["formset"].forms]
    assert set(listed) == set(ScoringRule.objects.general(district.pk))
    assert all(rule.points != 50 for rule in listed)


def test_another_districts_rule_id_answers_404_and_changes_nothing(district, elsewhere, client_for, org_user):
    other, other_org = elsewhere
    mine = list(ScoringRule.objects.general(district.pk))
    theirs = ScoringRule.objects.general(other.pk).get(key="activity:红色党课")
    data = rules_post(mine)
    data["form-0-id"] = theirs.pk
    data["form-0-points"] = "99"

    assert client_for(org_user).post("/teams/scoring/", data).status_code == 404

    theirs.refresh_from_db()
    assert theirs.points == 5 and not ScoringRule.objects.filter(points=99).exists()


def test_a_posted_extra_row_adds_no_rule(district, client_for, org_user):
    rules = list(ScoringRule.objects.general(district.pk))
    data = rules_post(rules)
    data["form-TOTAL_FORMS"] = len(rules) + 1
    data |= {f"form-{len(rules)}-label": "外加规则", f"form-{len(rules)}-points": "100"}

    assert client_for(org_user).post("/teams/scoring/", data).status_code == 302
    assert ScoringRule.objects.count() == 19 and not ScoringRule.objects.filter(label="外加规则").exists()


def test_the_admin_lists_only_the_districts_own_rules_and_changes_none(district, elsewhere, client_for, org_user):
    from secretaries.services import org_login_grant

    other, _other_org = elsewhere
    org_login_grant(org_user)
    client = client_for(org_user)
    theirs = ScoringRule.objects.general(other.pk).first()
    mine = ScoringRule.objects.general(district.pk).first()

    assert set(ScoringRule.objects.for_user(org_user)) == set(ScoringRule.objects.general(district.pk))
    assert client.get(f"/admin/teams/scoringrule/{theirs.pk}/change/").status_code in (302, 404)
    assert client.get(f"/admin/teams/scoringrule/{theirs.pk}/history/").status_code == 404
    assert client.post(f"/admin/teams/scoringrule/{mine.pk}/change/", {"points": "9"}).status_code == 403
