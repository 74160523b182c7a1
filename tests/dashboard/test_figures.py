"""Every figure on the dashboards against the hand-counted fixture in conftest.py."""

from decimal import Decimal

import pytest

from dashboard import selectors, summary
from dashboard.filters import Filters
from dashboard.panels import _ranking, dashboard_panels
from dashboard.periods import Period
from dashboard.selectors import Scoped
from teams import scoring
from teams.models import RankingSnapshot

pytestmark = pytest.mark.django_db


def values(figure):
    return (figure["value"], figure["previous"], figure["delta"])


def test_org_headline_counts_every_figure_and_its_change(world, org_user):
    h = selectors.headline(Scoped(org_user), Period.of("month", world.M))
    assert values(h["secretaries_on_post"]) == (4, 3, 1)
    assert values(h["villages_covered"]) == (4, 3, 1)
    assert values(h["teams"]) == (2, 1, 1)
    assert values(h["activities"]) == (3, 1, 2)
    assert values(h["people_reached"]) == (100, 10, 90)
    assert values(h["funds_secured"]) == (Decimal(15000), Decimal(2000), Decimal(13000))
    assert values(h["projects_built"]) == (1, 0, 1)
    assert values(h["produce_kg"]) == (Decimal(300), Decimal(0), Decimal(300))
    assert values(h["produce_yuan"]) == (Decimal(1500), Decimal(0), Decimal(1500))
    assert (h["projects_planned"], h["projects_ongoing"], h["projects_done"]) == (1, 1, 2)
    assert values(h["projects_done_in_period"]) == (1, 1, 0)
    assert values(h["shifts_done"]) == (2, 2, 0)
    assert values(h["shifts_absent"]) == (1, 0, 1)
    assert values(h["absence_rate"]) == (33.3, 0.0, 33.3)


def test_township_headline_counts_only_its_own_township(world, township_a_user, township_b_user):
    period = Period.of("month", world.M)
    a = selectors.headline(Scoped(township_a_user), period)
    assert values(a["secretaries_on_post"]) == (2, 2, 0)
    assert values(a["villages_covered"]) == (2, 2, 0)
    assert values(a["teams"]) == (1, 1, 0)
    assert values(a["activities"]) == (1, 1, 0)
    assert values(a["people_reached"]) == (30, 10, 20)
    assert values(a["funds_secured"]) == (Decimal(10000), Decimal(2000), Decimal(8000))
    assert (a["projects_planned"], a["projects_ongoing"], a["projects_done"]) == (1, 0, 1)
    assert values(a["shifts_done"]) == (2, 2, 0)
    assert values(a["shifts_absent"]) == (1, 0, 1)

    b = selectors.headline(Scoped(township_b_user), period)
    assert values(b["secretaries_on_post"]) == (2, 1, 1)
    assert values(b["activities"]) == (2, 0, 2)
    assert values(b["people_reached"]) == (70, 0, 70)
    # Only secretary_b's own shifts: absent in M, done in P.
    assert values(b["shifts_done"]) == (0, 1, -1)
    assert values(b["shifts_absent"]) == (1, 0, 1)


def test_org_narrowed_to_a_township_matches_that_townships_own_view(world, org_user, township_a_user, township_a):
    period = Period.of("month", world.M)
    assert selectors.headline(Scoped(org_user, township_a.pk), period) == selectors.headline(
        Scoped(township_a_user), period
    )


def _round(world, user):
    rounds = selectors.rounds_for(user)
    return rounds, selectors.current_round(rounds)


def test_current_round_is_the_open_one_and_completeness_is_counted_per_township(world, org_user):
    rounds, current = _round(world, org_user)
    assert [r["pk"] for r in rounds] == [world.r_cur.pk, world.r_prev.pk]
    assert current["pk"] == world.r_cur.pk
    comp = selectors.completeness(Scoped(org_user), current)
    by_name = {r["township"]: r for r in comp["rows"]}
    a, b = by_name["十渡镇"], by_name["佛子庄乡"]
    assert (a["expected"], a["submitted"], a["on_time"], a["late"], a["missing"], a["nil"]) == (3, 2, 1, 1, 1, 1)
    assert (a["rate"], a["on_time_rate"]) == (66.7, 33.3)
    assert (b["expected"], b["submitted"], b["on_time"], b["late"], b["missing"], b["nil"]) == (2, 1, 1, 0, 1, 0)
    t = comp["total"]
    assert (t["expected"], t["submitted"], t["on_time"], t["late"], t["missing"], t["nil"]) == (5, 3, 2, 1, 2, 1)
    assert t["rate"] == 60.0
    # Lowest rate first; the missing villages are the draft one and the returned one.
    assert [r["township"] for r in comp["rows"]] == ["佛子庄乡", "十渡镇"]
    assert {(m["township"], m["village"]) for m in comp["missing_villages"]} == {
        ("十渡镇", "东庄村"),
        ("佛子庄乡", "北窖村"),
    }


def test_missing_villages_show_the_phone_in_full_to_their_own_township_staff(world, org_user, township_b_user):
    _, current = _round(world, org_user)
    org_view = selectors.missing_villages(Scoped(org_user), current)
    staff_view = selectors.missing_villages(Scoped(township_b_user), current)
    b2_org = next(m for m in org_view if m["village"] == "北窖村")
    assert b2_org["secretary"] == "钱进" and "*" not in b2_org["phone"] and b2_org["phone_full"]
    assert [m["village"] for m in staff_view] == ["北窖村"]
    assert staff_view[0]["phone"] == b2_org["phone"] and staff_view[0]["phone_full"]


def test_funnel_counts_items_that_reached_each_stage(world, org_user, township_a_user):
    f = selectors.funnel(Scoped(org_user), world.r_cur.pk)
    assert [(s["key"], s["count"]) for s in f["stages"]] == [
        ("submitted", 7),
        ("accepted", 4),
        ("dispatched", 3),
        ("resolved", 2),
        ("rated", 1),
    ]
    assert (f["returned"], f["merged"], f["resolution_rate"]) == (1, 1, 50.0)
    a = selectors.funnel(Scoped(township_a_user), world.r_cur.pk)
    assert [s["count"] for s in a["stages"]] == [4, 3, 3, 2, 1]
    assert a["resolution_rate"] == 66.7


def test_resolution_rate_and_median_days_by_township_and_category(world, org_user):
    base = Scoped(org_user)
    towns = {r["name"]: r for r in selectors.resolution_by(base, world.r_cur.pk, "township")}
    assert (towns["十渡镇"]["submitted"], towns["十渡镇"]["taken_on"], towns["十渡镇"]["resolved"]) == (4, 3, 2)
    assert (towns["十渡镇"]["rate"], towns["十渡镇"]["median_days"]) == (66.7, 6.0)
    assert (towns["佛子庄乡"]["submitted"], towns["佛子庄乡"]["rate"], towns["佛子庄乡"]["median_days"]) == (
        3,
        0.0,
        None,
    )
    cats = {r["name"]: r for r in selectors.resolution_by(base, world.r_cur.pk, "category")}
    assert (cats["产业发展"]["submitted"], cats["产业发展"]["rate"], cats["产业发展"]["median_days"]) == (3, 100.0, 6.0)
    assert (cats["医疗卫生"]["submitted"], cats["医疗卫生"]["taken_on"], cats["医疗卫生"]["rate"]) == (2, 2, 0.0)
    assert (cats["教育"]["submitted"], cats["教育"]["taken_on"], cats["教育"]["rate"]) == (2, 0, None)


def test_supervision_list_holds_overdue_unfinished_items_oldest_first(world, org_user, township_a_user):
    s = selectors.supervision(Scoped(org_user))
    assert s["count"] == 3
    assert [row["pk"] for row in s["oldest"]] == [world.items.d4.pk, world.items.d10.pk, world.items.d3.pk]
    assert s["oldest"][0]["days_overdue"] == 10
    assert selectors.supervision(Scoped(township_a_user))["count"] == 1


def test_needs_over_the_last_rounds_by_category_and_township(world, org_user):
    rounds, current = _round(world, org_user)
    six = selectors.last_rounds(rounds, current)
    assert [r["pk"] for r in six] == [world.r_prev.pk, world.r_cur.pk]
    base = Scoped(org_user)

    def needs(group):  # as the dashboard's panels compose them
        totals = selectors.stage_totals(selectors.status_counts(base, group, [r["pk"] for r in six]))
        return {r["name"]: r["counts"] for r in selectors.needs_from(totals, six, selectors.names_for(base, group))}

    assert needs("category") == {"产业发展": [1, 3], "医疗卫生": [0, 2], "教育": [1, 2]}
    assert needs("township") == {"十渡镇": [1, 4], "佛子庄乡": [1, 3]}


def test_resources_and_unmet_needs_show_where_to_recruit(world, org_user):
    base = Scoped(org_user)
    resources = selectors.resources_by_category(base)
    assert [(r["name"], r["count"]) for r in resources] == [("产业帮扶", 1)]
    by_category = selectors.status_counts(base, "category")
    unmet = selectors.unmet_from(
        by_category, selectors.names_for(base, "category"), resources, selectors.unmet_villages(base)
    )
    rows = {r["name"]: r for r in unmet["rows"]}
    assert (rows["医疗卫生"]["count"], rows["医疗卫生"]["mapped"]) == (2, True)
    assert (rows["教育"]["count"], rows["教育"]["mapped"]) == (2, False)
    # Villages with unmet needs: 医疗卫生 d3 (a) and d4 (b); 教育 d6 and d10, both in b.
    assert (rows["医疗卫生"]["villages"], rows["教育"]["villages"]) == (2, 1)
    assert "产业发展" not in rows
    assert {r["name"] for r in unmet["to_recruit"]} == {"医疗卫生", "教育"}


def test_team_ranking_of_the_month_and_activity_by_month(world, org_user, township_b_user):
    ranking = selectors.team_ranking(Scoped(org_user), world.M)
    assert [(r["rank"], r["name"], r["activities"], r["people"]) for r in ranking] == [
        (1, "红色先锋", 2, 50),
        (2, "致富先锋", 1, 50),
    ]
    assert ranking[0]["funds"] == Decimal(15000)
    b = selectors.team_ranking(Scoped(township_b_user), world.M)
    # Equal activity counts: more people reached ranks first (50 against 20).
    assert [(r["name"], r["activities"]) for r in b] == [("致富先锋", 1), ("红色先锋", 1)]
    months = selectors.activity_by_month(Scoped(org_user), world.M)
    assert len(months) == 12
    assert (months[-1]["month"], months[-1]["count"], months[-1]["people"]) == (world.M, 3, 100)
    assert (months[-2]["month"], months[-2]["count"]) == (world.P, 1)
    assert sum(m["count"] for m in months) == 4


def test_station_week_lists_the_roster_and_the_gaps(world, org_user, township_a_user):
    week = selectors.station_week(Scoped(org_user))
    assert [(r["station"], r["secretary"]) for r in week["roster"]] == [("十渡镇乡村振兴服务站", "王建国")]
    assert [(g["station"], g["needed"], g["filled"], g["missing"]) for g in week["gaps"]] == [
        ("佛子庄乡乡村振兴服务站", 2, 0, 2)
    ]
    assert selectors.station_week(Scoped(township_a_user))["gaps"] == []


def test_the_ranking_of_the_month_is_the_teams_apps_points_ranking(world, district, org_user, township_b_user):
    official = scoring.rankings(district.pk, [world.M])[world.M]["teams"]
    rows, frozen_at = _ranking(Scoped(org_user), world.M, summary.Figures(Scoped(org_user)))
    assert frozen_at is None
    assert [(r["rank"], r["name"], r["points"]) for r in rows] == [(t["rank"], t["name"], t["total"]) for t in official]
    # The activity figures beside it are those of the month (红色先锋 2 activities, 致富先锋 1).
    assert {r["name"]: r["activities"] for r in rows} == {"红色先锋": 2, "致富先锋": 1}
    # A township sees the same district-wide order, with the activities held in the township.
    b_rows, _ = _ranking(Scoped(township_b_user), world.M, summary.Figures(Scoped(township_b_user)))
    assert [r["name"] for r in b_rows] == [r["name"] for r in rows]
    assert {r["name"]: r["activities"] for r in b_rows} == {"红色先锋": 1, "致富先锋": 1}
    panel = dashboard_panels(org_user, Filters(period=Period.of("month", world.M)))["teams"]
    assert "考评积分" in panel["title"] and "实时计算" in panel["note"]


def test_a_frozen_month_shows_its_snapshot_not_a_live_recount(world, district, org_user):
    snapshot, _ = scoring.freeze_month(district.pk, world.M, today=world.today)
    data = snapshot.data
    data["teams"][0]["total"] = "999.00"
    RankingSnapshot.objects.filter(pk=snapshot.pk).update(data=data)
    rows, frozen_at = _ranking(Scoped(org_user), world.M, summary.Figures(Scoped(org_user)))
    assert frozen_at is not None
    assert rows[0]["points"] == 999
