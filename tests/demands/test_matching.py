"""Ranking candidates on a hand-built fixture where the right answer is known, and a query count
that does not grow with the number of candidates."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demands.models import DemandItem
from demands.services import loop
from demands.services.matching import candidates_for
from tests.demands.factories import (
    DemandCategoryFactory,
    DemandItemFactory,
    ResourceCategoryFactory,
    ResourceItemFactory,
)
from tests.factories import ExpertiseFactory, SecretaryFactory, VillageFactory


@pytest.fixture
def industry(expertise_agri):
    category = DemandCategoryFactory(name="产业发展")
    category.expertise.add(expertise_agri)
    resource_category = ResourceCategoryFactory(name="产业帮扶")
    category.resource_categories.add(resource_category)
    return category


@pytest.fixture
def ranking_world(industry, secretary, secretary_b, village_a2, village_b, township_b, batch, expertise_agri, station):
    """Item in 西庄村 (township A) about industry. Known candidates:
    - 王建国 (secretary): agriculture expertise, same township -> should rank first;
    - 赵农技: agriculture expertise, but in township B -> second;
    - 钱法律: lives in the very village, but law expertise -> below both;
    - 李红梅 (secretary_b): township B, no matching expertise -> low."""
    far = SecretaryFactory(name="赵农技", village=VillageFactory(township=township_b, name="石板台村"), batch=batch)
    far.expertise.add(expertise_agri)
    near = SecretaryFactory(name="钱法律", village=village_a2, batch=batch)
    near.expertise.add(ExpertiseFactory(name="法律"))
    item = DemandItemFactory(village=village_a2, category=industry, status=DemandItem.Status.ACCEPTED)
    return {"item": item, "far": far, "near": near}


def names(candidates, kind="secretary"):
    return [c.name for c in candidates if c.kind == kind]


def test_the_secretary_with_matching_expertise_in_the_same_township_ranks_first(ranking_world, secretary):
    candidates = candidates_for(ranking_world["item"])
    assert names(candidates) == ["王建国", "赵农技", "钱法律", "李红梅"]
    best = candidates[0]
    assert (best.kind, best.name) == ("secretary", "王建国")
    assert "特长对口：农业技术" in best.reasons and "同乡镇" in best.reasons
    assert any("同村" in reason for reason in next(c for c in candidates if c.name == "钱法律").reasons)


def test_a_loaded_candidate_drops(ranking_world, secretary, village_a, industry, org_user):
    for n in range(5):
        busy = DemandItemFactory(village=village_a, category=industry, title=f"在办{n}")
        loop.accept(busy, org_user)
        loop.dispatch(busy, org_user, kind="secretary", assignee_id=secretary.pk)
    candidates = candidates_for(ranking_world["item"])
    assert names(candidates)[:2] == ["赵农技", "王建国"]
    loaded = next(c for c in candidates if c.name == "王建国")
    assert loaded.open_items == 5 and "在办 5 件" in loaded.reasons


def test_a_good_record_lifts_a_candidate(ranking_world, village_a, industry, org_user, township_a_user):
    far = ranking_world["far"]
    for n in range(5):
        done = DemandItemFactory(village=village_a, category=industry, title=f"已办{n}")
        loop.accept(done, org_user)
        done = loop.dispatch(done, org_user, kind="secretary", assignee_id=far.pk)
        done.status, done.rating = DemandItem.Status.RATED, 5
        done.save()
    candidate = next(c for c in candidates_for(ranking_world["item"]) if c.name == "赵农技")
    assert (candidate.resolved, candidate.mean_rating) == (5, 5.0)
    assert "已办结 5 件，平均评分 5.0" in candidate.reasons


def test_a_personal_resource_in_a_mapped_category_fits_and_is_offered_for_dispatch(
    ranking_world, secretary_b, org_user, industry
):
    resource = ResourceItemFactory(
        secretary=secretary_b, category=industry.resource_categories.get(), title="蔬菜大棚技术指导"
    )
    candidate = next(c for c in candidates_for(ranking_world["item"]) if c.name == "李红梅")
    assert candidate.fit == 0.9 and candidate.resource_id == resource.pk
    assert "蔬菜大棚技术指导" in candidate.resource_title
    loop.dispatch(
        ranking_world["item"], org_user, kind="secretary", assignee_id=secretary_b.pk, resource_id=resource.pk
    )
    ranking_world["item"].refresh_from_db()
    assert ranking_world["item"].matched_resource == resource


def test_an_expired_resource_does_not_count(ranking_world, secretary_b, industry):
    ResourceItemFactory(
        secretary=secretary_b, category=industry.resource_categories.get(), valid_until=date(2020, 1, 1)
    )
    candidate = next(c for c in candidates_for(ranking_world["item"]) if c.name == "李红梅")
    assert candidate.fit == 0 and candidate.resource_id is None


def test_unit_resources_make_the_unit_a_candidate_through_its_secretaries(ranking_world, unit, industry):
    ResourceItemFactory(
        dispatch_unit=unit, source="unit", category=industry.resource_categories.get(), title="农技培训"
    )
    unit_candidate = next(c for c in candidates_for(ranking_world["item"]) if c.kind == "unit")
    assert unit_candidate.name == unit.name and unit_candidate.fit == 0.9
    assert "单位资源对口 1 项" in unit_candidate.reasons and "派驻书记同乡镇" in unit_candidate.reasons


def test_stations_are_nearest_in_their_own_township_then_where_they_cover(ranking_world, station, township_b):
    from stations.models import ServiceStation

    covering = ServiceStation.objects.create(name="佛子庄乡服务站", township=township_b, duty_weekdays=[3])
    covering.covered_townships.add(township_b, station.township)
    elsewhere = ServiceStation.objects.create(name="远处服务站", township=township_b, duty_weekdays=[4])
    stations = {c.name: c for c in candidates_for(ranking_world["item"]) if c.kind == "station"}
    assert (stations[station.name].nearness, stations["佛子庄乡服务站"].nearness) == (0.75, 0.5)
    assert stations[elsewhere.name].nearness == 0.25
    assert "本乡镇服务站" in stations[station.name].reasons
    assert "服务站覆盖该乡镇" in stations["佛子庄乡服务站"].reasons and "同区" in stations[elsewhere.name].reasons
    assert [name for name in names(candidates_for(ranking_world["item"]), "station")][:2] == [
        station.name,
        "佛子庄乡服务站",
    ]


def test_weights_come_from_settings(ranking_world, settings):
    settings.MATCH_WEIGHTS = {"fit": 0, "nearness": 100, "load": 0, "record": 0}
    assert candidates_for(ranking_world["item"])[0].name == "钱法律"


def _add_candidates(start, count, township, batch, industry, expertise_agri, village_a, org_user):
    resource_category = industry.resource_categories.get()
    for n in range(start, start + count):
        person = SecretaryFactory(village=VillageFactory(township=township, name=f"加村{n}"), batch=batch)
        person.expertise.add(expertise_agri)
        ResourceItemFactory(secretary=person, category=resource_category)
        busy = DemandItemFactory(village=village_a, category=industry, status=DemandItem.Status.DISPATCHED)
        busy.assignee_kind, busy.assignee_secretary = "secretary", person
        busy.save()


def test_query_count_does_not_grow_with_candidates(
    ranking_world, township_a, batch, industry, expertise_agri, village_a, org_user, django_assert_num_queries
):
    _add_candidates(0, 5, township_a, batch, industry, expertise_agri, village_a, org_user)
    with CaptureQueriesContext(connection) as few:
        assert len(candidates_for(ranking_world["item"], limit=100)) >= 5
    _add_candidates(5, 45, township_a, batch, industry, expertise_agri, village_a, org_user)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(candidates_for(ranking_world["item"], limit=100)) >= 50
    assert len(few.captured_queries) == 17


def test_candidate_page_query_count_is_pinned(
    ranking_world,
    township_a,
    batch,
    industry,
    expertise_agri,
    village_a,
    org_user,
    client_for,
    django_assert_num_queries,
):
    client = client_for(org_user)
    url = f"/demands/items/{ranking_world['item'].pk}/candidates/"
    _add_candidates(0, 5, township_a, batch, industry, expertise_agri, village_a, org_user)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _add_candidates(5, 45, township_a, batch, industry, expertise_agri, village_a, org_user)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200 and response.content.decode().count('name="assignee_id"') == 20


def test_a_team_fits_by_its_members_expertise_and_nearness(ranking_world, district, secretary, secretary_b):
    from teams.models import PioneerTeam, TeamMembership

    team = PioneerTeam.objects.create(district=district, name="致富先锋", focus="产业增收")
    TeamMembership.objects.create(team=team, secretary=secretary, joined=date(2025, 1, 1))
    TeamMembership.objects.create(team=team, secretary=ranking_world["far"], joined=date(2025, 1, 1))
    TeamMembership.objects.create(team=team, secretary=secretary_b, joined=date(2025, 1, 1), left=date(2025, 6, 1))
    idle = PioneerTeam.objects.create(district=district, name="维稳先锋")
    candidates = {c.name: c for c in candidates_for(ranking_world["item"]) if c.kind == "team"}
    assert candidates["致富先锋"].fit == 0.7 and candidates["致富先锋"].nearness == 0.75
    assert "2 名队员特长或资源对口" in candidates["致富先锋"].reasons
    assert "1 名队员在本乡镇" in candidates["致富先锋"].reasons
    assert candidates[idle.name].fit == 0 and "无对口特长或资源的队员" in candidates[idle.name].reasons


def test_a_team_fits_through_its_members_resources_and_is_as_near_as_its_nearest_member(
    ranking_world, district, secretary_b, industry, township_b, batch
):
    from teams.models import PioneerTeam, TeamMembership

    # 李红梅 (township B) has no matching expertise but offers a resource in a mapped category;
    # 钱法律 lives in the item's very village.
    ResourceItemFactory(secretary=secretary_b, category=industry.resource_categories.get(), title="大棚技术")
    team = PioneerTeam.objects.create(district=district, name="科技先锋")
    TeamMembership.objects.create(team=team, secretary=secretary_b, joined=date(2025, 1, 1))
    TeamMembership.objects.create(team=team, secretary=ranking_world["near"], joined=date(2025, 1, 1))
    far_team = PioneerTeam.objects.create(district=district, name="远方先锋")
    farther = SecretaryFactory(village=VillageFactory(township=township_b, name="大峪沟村"), batch=batch)
    ResourceItemFactory(secretary=farther, category=industry.resource_categories.get(), title="电商培训")
    TeamMembership.objects.create(team=far_team, secretary=farther, joined=date(2025, 1, 1))
    candidates = {c.name: c for c in candidates_for(ranking_world["item"]) if c.kind == "team"}
    assert (candidates["科技先锋"].fit, candidates["科技先锋"].nearness) == (0.6, 1.0)
    assert (
        "1 名队员特长或资源对口" in candidates["科技先锋"].reasons and "有队员驻本村" in candidates["科技先锋"].reasons
    )
    assert (candidates["远方先锋"].fit, candidates["远方先锋"].nearness) == (0.6, 0.25)
    assert "同区" in candidates["远方先锋"].reasons


def test_the_database_picks_the_same_winner_as_the_full_ranking(
    ranking_world, secretary, village_a, industry, org_user
):
    assert [c.name for c in candidates_for(ranking_world["item"], limit=1)] == ["王建国"]
    for n in range(5):
        busy = DemandItemFactory(village=village_a, category=industry, title=f"在办{n}")
        loop.accept(busy, org_user)
        loop.dispatch(busy, org_user, kind="secretary", assignee_id=secretary.pk)
    assert [c.name for c in candidates_for(ranking_world["item"], limit=1)] == ["赵农技"]


@pytest.fixture
def mixed_world(industry, district, township_a, township_b, village_a2, area_branch, station, expertise_agri, batch):
    """A seeded random district: secretaries near and far, with and without fitting expertise, own
    resources (valid, expired) and unit resources, loaded with open items and a record of rated ones."""
    import random

    from secretaries.models import Expertise
    from stations.models import ServiceStation
    from tests.factories import BatchFactory, DispatchUnitFactory, TownshipFactory

    rng = random.Random(20260315)
    township_c = TownshipFactory(district=district, name="大安山乡", kind="乡")
    other_station = ServiceStation.objects.create(name="大安山乡服务站", township=township_c, duty_weekdays=[3])
    other_station.covered_townships.add(township_c, village_a2.township)
    units = [DispatchUnitFactory(name=f"单位{n}") for n in range(4)]
    mapped = industry.resource_categories.get()
    unmapped = ResourceCategoryFactory(name="文化活动")
    ResourceItemFactory(dispatch_unit=units[0], source="unit", category=mapped, title="单位农技")
    ResourceItemFactory(dispatch_unit=units[1], source="unit", category=unmapped, title="单位文艺")
    law = Expertise.objects.create(name="法律")
    second_batch = BatchFactory(name="第八批", number=8)
    people = []
    for n in range(40):
        township = rng.choice([township_a, township_b, township_c])
        village = village_a2 if n < 2 else VillageFactory(township=township, name=f"随机{n}村")
        person = SecretaryFactory(
            name=f"随机{n}",
            village=village,
            batch=batch if n != 1 else second_batch,
            dispatch_unit=rng.choice(units),
            area_branch=area_branch if rng.random() < 0.3 else None,
        )
        if rng.random() < 0.4:
            person.expertise.add(rng.choice([expertise_agri, law]))
        if rng.random() < 0.4:
            ResourceItemFactory(
                secretary=person,
                category=rng.choice([mapped, unmapped]),
                valid_until=rng.choice([None, date(2020, 1, 1), date(2099, 1, 1)]),
            )
        people.append(person)
    statuses = [DemandItem.Status.DISPATCHED, DemandItem.Status.IN_PROGRESS]
    statuses += [DemandItem.Status.RESOLVED, DemandItem.Status.RATED]
    for person in rng.sample(people, 25):
        for _ in range(rng.randint(1, 8)):
            status = rng.choice(statuses)
            DemandItemFactory(
                village=village_a2,
                category=industry,
                status=status,
                assignee_kind="secretary",
                assignee_secretary=person,
                rating=rng.randint(1, 5) if status == DemandItem.Status.RATED else None,
            )
    return DemandItemFactory(village=village_a2, category=industry, status=DemandItem.Status.ACCEPTED)


@pytest.mark.parametrize(
    "weights",
    [
        None,  # the settings' weights
        {"fit": 10, "nearness": 10, "load": 70, "record": 10},
        {"fit": 0, "nearness": 0, "load": 0, "record": 100},
    ],
)
def test_the_sql_score_is_the_python_score_on_the_same_data(mixed_world, weights, settings):
    """Secretaries are ranked in SQL and the winners re-scored in Python: both from the same
    constants, they give every secretary the same score and the same order."""
    from django.utils import timezone

    from demands.services import matching

    if weights:
        settings.MATCH_WEIGHTS = weights
    ctx = matching._context(mixed_world, timezone.localdate())
    scorer = matching._Scorer(settings.MATCH_WEIGHTS)
    units = matching._unit_resources(ctx)
    ranked = matching._best_secretaries(ctx, scorer, units, limit=1000)
    ids = [sid for sid, _ in ranked]
    details = matching._secretary_details(ctx, ids)
    stats = matching._assignee_stats(ids)
    python = {}
    for sid in ids:
        row = details["rows"][sid]
        fit = matching._secretary_fit(sid, row["unit_id"], details, units)
        nearness = matching._nearness(ctx, row["village_id"], row["township_id"], row["branch_id"])[0]
        python[sid] = scorer.score(fit, nearness, stats.get(("secretary", sid), (0, 0, None)))
    assert len(ranked) == 40
    assert {sid: pytest.approx(score, abs=1e-9) for sid, score in ranked} == python
    # The database's order is the Python ranking's: best first.
    assert all(python[a] >= python[b] - 1e-9 for a, b in zip(ids, ids[1:], strict=False))
    # The world has every tier the SQL generates.
    fits = {matching._secretary_fit(sid, details["rows"][sid]["unit_id"], details, units) for sid in ids}
    assert fits == {matching.FIT_EXPERTISE, matching.FIT_OWN_RESOURCE, matching.FIT_UNIT_RESOURCE, matching.FIT_NONE}
    nears = {
        matching._nearness(ctx, r["village_id"], r["township_id"], r["branch_id"])[0] for r in details["rows"].values()
    }
    assert nears == {matching.NEAR_VILLAGE, matching.NEAR_TOWNSHIP, matching.NEAR_AREA, matching.NEAR_DISTRICT}
