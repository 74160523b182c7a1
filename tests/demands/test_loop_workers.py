"""Who works an item (demands/lifecycle.py): one rule, read two ways. `workers_of` (the loop's
permission checks and the notices' recipients) and `items_worked_by` (a login's scope and work
queue) must name the same people for every kind of assignee."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.scoping import ROLE_STATION, Scope
from demands.lifecycle import items_worked_by, workers_of
from demands.models import DemandItem
from demands.services import loop
from secretaries.models import Secretary, StaffProfile
from secretaries.roles import secretary_scope
from stations.models import DutyShift
from teams.models import PioneerTeam, TeamMembership
from tests.demands.factories import DemandCategoryFactory, DemandItemFactory
from tests.factories import (
    DispatchUnitFactory,
    DistrictFactory,
    SecretaryFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
)


def _person(name, township, batch, **fields):
    """A secretary with a login, in a village of their own (one secretary per village and batch)."""
    user = UserFactory(username=name)
    StaffProfile.objects.create(user=user, role="secretary")
    village = VillageFactory(township=township, name=f"{name}村")
    return SecretaryFactory(name=name, village=village, batch=batch, user=user, **fields)


@pytest.fixture
def world(district, township_a, township_b, village_a, batch, org_user, station, station_manager_user):
    today = timezone.localdate()
    unit = DispatchUnitFactory(name="区水务局")
    p = {
        name: _person(name, township_b, batch)
        for name in ["assignee", "member", "former", "on_duty", "absent", "tomorrow"]
    }
    p["captain"] = _person("captain", township_a, batch)
    p["unit_here"] = _person("unit_here", township_b, batch, dispatch_unit=unit)
    p["unit_expired"] = _person("unit_expired", township_b, batch, dispatch_unit=unit, status=Secretary.Status.EXPIRED)
    elsewhere = TownshipFactory(district=DistrictFactory(name="门头沟区"))
    p["unit_elsewhere"] = _person("unit_elsewhere", elsewhere, batch, dispatch_unit=unit)
    # A captain set directly, without a membership: the rule still counts them.
    team = PioneerTeam.objects.create(district=district, name="致富先锋", captain=p["captain"])
    TeamMembership.objects.create(team=team, secretary=p["member"], joined=date(2025, 1, 1))
    TeamMembership.objects.create(team=team, secretary=p["former"], joined=date(2025, 1, 1), left=date(2025, 6, 1))
    DutyShift.objects.create(station=station, date=today, secretary=p["on_duty"])
    DutyShift.objects.create(station=station, date=today, secretary=p["absent"], status=DutyShift.Status.ABSENT)
    DutyShift.objects.create(station=station, date=today + timedelta(days=1), secretary=p["tomorrow"])
    category = DemandCategoryFactory(name="基础设施建设")
    items = {}
    for kind, assignee in [
        ("secretary", p["assignee"]),
        ("team", team),
        ("station", station),
        ("unit", unit),
    ]:
        item = loop.accept(DemandItemFactory(village=village_a, category=category, title=kind), org_user)
        items[kind] = loop.dispatch(item, org_user, kind=kind, assignee_id=assignee.pk)
    return {"people": p, "items": items, "station": station, "manager": station_manager_user}


def _scope(secretary):
    return secretary_scope(secretary)


def test_each_kind_of_assignee_is_worked_by_its_people_only(world):
    p = world["people"]
    items = DemandItem.objects.select_related("village__township", "assignee_secretary")
    workers = workers_of(list(items))
    named = {item.title: {name for name, s in p.items() if s.pk in workers[item.pk].secretaries} for item in items}
    assert named == {
        "secretary": {"assignee"},
        "team": {"member", "captain"},
        "station": {"on_duty"},
        "unit": {"unit_here"},
    }
    assert {item.title for item in items if workers[item.pk].station_id == world["station"].pk} == {"station"}


@pytest.mark.parametrize(
    "name",
    [
        "assignee",
        "member",
        "former",
        "captain",
        "on_duty",
        "absent",
        "tomorrow",
        "unit_here",
        "unit_expired",
        "unit_elsewhere",
    ],
)
def test_a_secretary_works_the_same_items_read_either_way(world, name):
    scope = _scope(world["people"][name])
    items = list(DemandItem.objects.select_related("village__township", "assignee_secretary"))
    workers = workers_of(items)
    by_item = {item.pk for item in items if workers[item.pk].include(scope)}
    by_login = set(DemandItem.objects.filter(items_worked_by(scope)).values_list("pk", flat=True))
    assert by_item == by_login


def test_the_station_manager_works_the_station_item_read_either_way(world):
    scope = Scope(role=ROLE_STATION, station_id=world["station"].pk)
    items = list(DemandItem.objects.select_related("village__township", "assignee_secretary"))
    workers = workers_of(items)
    by_item = {item.pk for item in items if workers[item.pk].include(scope)}
    by_login = set(DemandItem.objects.filter(items_worked_by(scope)).values_list("pk", flat=True))
    assert by_item == by_login == {world["items"]["station"].pk}


def test_the_loop_tells_and_lets_act_the_same_people(world):
    p, items = world["people"], world["items"]
    told = {kind: {user.username for user in loop.assignee_users(item)} for kind, item in items.items()}
    assert told == {
        "secretary": {"assignee"},
        "team": {"member", "captain"},
        "station": {"station_mgr", "on_duty"},
        "unit": {"unit_here"},
    }
    for kind, item in items.items():
        for person in p.values():
            assert loop.is_assignee(person.user, item) == (person.user.username in told[kind]), (kind, person)
        assert loop.is_assignee(world["manager"], item) == (kind == "station")
