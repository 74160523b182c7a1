"""A small district whose every dashboard figure is counted by hand in the comments below.

Dates are relative to today: M is last month (the period under test), P the month before it
(the previous period). Township A (十渡镇) has villages 六渡村 (a), 西庄村 (a2), 东庄村 (a3);
township B (佛子庄乡) has 黑龙关村 (b), 北窖村 (b2). Another district (燕山区) holds rows that
must never show up."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from dashboard.periods import add_months, week_of
from stations.models import RosterGap
from tests.dashboard import factories as f
from tests.factories import DistrictFactory, SecretaryFactory, TownshipFactory, VillageFactory


@pytest.fixture
def world(
    district,
    township_a,
    township_b,
    village_a,
    village_a2,
    village_b,
    batch,
    unit,
    secretary,
    secretary_b,
    station,
):
    today = timezone.localdate()
    M = add_months(today, -1)
    P = add_months(today, -2)
    d = timedelta
    village_a3 = VillageFactory(township=township_a, name="东庄村")
    village_b2 = VillageFactory(township=township_b, name="北窖村")

    # Secretaries. On post at the end of M: secretary (a), secretary_b (b), sec_a2 (a2, from M+5),
    # sec_b2 (b2, from M+1) = 4, villages 4. At the end of P: secretary, secretary_b, sec_old (a3,
    # expired M+2) = 3, villages 3. The recalled one never counts.
    old_term = date(2024, 6, 1)
    sec_a2 = SecretaryFactory(name="赵新", village=village_a2, batch=batch, dispatch_unit=unit, term_start=M + d(5))
    SecretaryFactory(name="钱进", village=village_b2, batch=batch, dispatch_unit=unit, term_start=M + d(1))
    sec_old = SecretaryFactory(
        name="孙旧", village=village_a3, batch=batch, dispatch_unit=unit, status="expired", term_start=old_term
    )
    sec_old.term_end = M + d(2)
    sec_old.save()
    SecretaryFactory(name="周召回", village=village_b, batch=batch, dispatch_unit=unit, status="recalled")

    # Teams: team1 has secretary since long ago; team2 gets secretary_b in M. Now 2, before 1.
    team1 = f.make_team(district, "红色先锋")
    team2 = f.make_team(district, "致富先锋")
    f.join(team1, secretary, P - d(30))
    f.join(team2, secretary_b, M + d(3))

    # Activities. In M: 3 (people 100, funds 15000, projects 1, kg 300, yuan 1500); in P: 1
    # (people 10, funds 2000). Township A holds act1 (M) and act4 (P); B holds act2 and act3.
    f.make_activity(team1, M + d(1), village_a, people=30, funds=10000, projects=1, kg=100, yuan=500)
    f.make_activity(team1, M + d(10), village_b, people=20, funds=5000, kind="法律咨询")
    f.make_activity(team2, M + d(12), village_b, people=50, kg=200, yuan=1000, kind="农产品促销")
    f.make_activity(team1, P + d(3), village_a, people=10, funds=2000)

    # Projects: planned (a), ongoing (b), done in M (a), done in P (b).
    f.make_project(village_a, "planned")
    f.make_project(village_b, "ongoing")
    f.make_project(village_a, "done", end_date=M + d(5))
    f.make_project(village_b, "done", end_date=P + d(5))

    # Stations: the conftest station sits in A (1 each Wednesday); station_b in B needs 2 each
    # Wednesday and has none: the roster recorded this week's Wednesday as a gap of 2.
    # M: done 2, absent 1 (33.3%); P: done 2, absent 0 (0.0%). All these shifts are at the A station.
    station_b = f.make_station(township_b, name="佛子庄乡乡村振兴服务站", per_day=2)
    f.shift(station, secretary, M + d(2), "done")
    f.shift(station, secretary_b, M + d(3), "absent")
    f.shift(station, sec_a2, M + d(4), "done")
    f.shift(station, secretary, P + d(2), "done")
    f.shift(station, secretary_b, P + d(9), "done")
    monday, _ = week_of(today)
    this_week = f.shift(station, secretary, monday, "scheduled")
    RosterGap.objects.create(
        station=station_b, date=monday + d(2), missing=2, reason="值班池2人：请假0人，当天已有班次2人"
    )

    # Rounds: the open one starts in M with a deadline of M+14; an older closed one.
    r_prev = f.make_round(district, add_months(M, -2), status="closed", title="上一轮需求清单征集")
    r_cur = f.make_round(district, M, status="open", title="本轮需求清单征集")
    deadline = r_cur.deadline
    # Completeness. A: 3 expected, a on time, a2 late (nil), a3 draft -> submitted 2, on time 1,
    # late 1, missing 1, nil 1. B: 2 expected, b on time (23:00 on the deadline), b2 returned ->
    # submitted 1, missing 1. Total 5 / 3 / 2 / 1 / 2 / 1.
    f.make_submission(r_cur, village_a, submitted_on=M + d(10))
    f.make_submission(r_cur, village_a2, submitted_on=deadline + d(6), is_nil=True)
    f.make_submission(r_cur, village_a3, status="draft")
    f.make_submission(r_cur, village_b, status="accepted", submitted_on=deadline, hour=23)
    f.make_submission(r_cur, village_b2, status="returned", submitted_on=M + d(3))

    industry = f.resource_category("产业帮扶")
    medical = f.resource_category("医疗义诊")
    f.resource_category("教育支教")
    cat_industry = f.category("产业发展", industry)
    cat_health = f.category("医疗卫生", medical)
    cat_edu = f.category("教育")  # no resource category mapped

    # Items of the current round (drafts never count):
    items = SimpleNamespace()
    items.d1 = f.make_item(r_cur, village_a, cat_industry, "rated", submitted_on=M + d(10), resolved_on=M + d(15),
                           rating=5, funds_secured=20000, resolution="引进合作社", title="村集体产业项目")  # fmt: skip
    items.d2 = f.make_item(r_cur, village_a, cat_industry, "resolved", submitted_on=M + d(10), resolved_on=M + d(17))
    items.d3 = f.make_item(r_cur, village_a, cat_health, "dispatched", submitted_on=M + d(10), due=today - d(3))
    items.d4 = f.make_item(r_cur, village_b, cat_health, "accepted", submitted_on=M + d(11), due=today - d(10),
                           title="卫生室设备更新")  # fmt: skip
    items.d5 = f.make_item(r_cur, village_b, cat_industry, "returned", submitted_on=M + d(11))
    items.d6 = f.make_item(r_cur, village_b, cat_edu, "submitted", submitted_on=M + d(12))
    items.d7 = f.make_item(r_cur, village_a, cat_edu, "merged", submitted_on=M + d(12), due=today - d(20))
    items.d8 = f.make_item(r_cur, village_a, cat_edu, "draft")
    # ...and of the previous round.
    items.d9 = f.make_item(r_prev, village_a, cat_industry, "resolved", submitted_on=M - d(40), resolved_on=M - d(30))
    items.d10 = f.make_item(r_prev, village_b, cat_edu, "in_progress", submitted_on=M - d(40), due=today - d(5),
                            title="校舍维修")  # fmt: skip

    # Resources: one active 产业帮扶; the 医疗义诊 one is inactive; a unit's 产业帮扶 offer expired.
    f.make_resource(industry, secretary=secretary)
    f.make_resource(medical, secretary=secretary_b, active=False)
    f.make_resource(industry, unit=unit, valid_until=today - d(1))

    # Another district: must never show up.
    other = DistrictFactory(name="燕山区")
    other_township = TownshipFactory(district=other, name="星城街道")
    other_village = VillageFactory(township=other_township, name="星城社区")
    other_secretary = SecretaryFactory(name="吴外区", village=other_village, batch=batch, dispatch_unit=unit)
    other_team = f.make_team(other, "外区先锋")
    f.join(other_team, other_secretary, P)
    f.make_activity(other_team, M + d(2), other_village, people=999, funds=99999)
    other_round = f.make_round(other, M, title="外区轮次")
    f.make_submission(other_round, other_village, submitted_on=M + d(1))
    f.make_item(other_round, other_village, cat_health, "accepted", submitted_on=M + d(1), due=today - d(30))

    return SimpleNamespace(
        today=today,
        M=M,
        P=P,
        r_cur=r_cur,
        r_prev=r_prev,
        items=items,
        team1=team1,
        team2=team2,
        station_b=station_b,
        this_week_shift=this_week,
        village_a3=village_a3,
        village_b2=village_b2,
        cats=SimpleNamespace(industry=cat_industry, health=cat_health, edu=cat_edu),
        other_round=other_round,
    )
