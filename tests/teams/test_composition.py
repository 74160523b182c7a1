from datetime import date

import pytest
from django.core.exceptions import ValidationError

from secretaries.models import Secretary, age_on
from teams.services import team_composition, team_split_propose
from tests.factories import DispatchUnitFactory, ExpertiseFactory, SecretaryFactory, VillageFactory
from tests.teams.factories import MembershipFactory, TeamFactory

TODAY = date(2026, 6, 1)


def make_people(township, batch, count, *, birth_years, units, skills):
    people = []
    for i in range(count):
        person = SecretaryFactory(
            village=VillageFactory(township=township, name=f"组队村{i}"),
            batch=batch,
            birth_date=date(birth_years[i % len(birth_years)], 5, 1),
            dispatch_unit=units[i % len(units)],
        )
        person.expertise.add(skills[i % len(skills)])
        people.append(person)
    return people


def test_a_team_within_bounds_and_well_mixed_has_no_warnings(district, township_a, batch):
    units = [DispatchUnitFactory() for _ in range(5)]
    skills = [ExpertiseFactory(name=n) for n in ["党建", "法律", "医疗"]]
    team = TeamFactory(district=district, min_size=4, max_size=10)
    for person in make_people(township_a, batch, 8, birth_years=[1995, 1985, 1975, 1968], units=units, skills=skills):
        MembershipFactory(team=team, secretary=person)

    composition = team_composition(team, today=TODAY)

    assert composition.size == 8
    assert composition.warnings == []
    assert dict(composition.age_bands) == {"35岁以下": 2, "35-44岁": 2, "45-54岁": 2, "55岁及以上": 2}
    assert {name for name, _n in composition.expertise_covered} == {"党建", "法律", "医疗"}


def test_a_team_below_its_bounds_leaning_on_one_age_band_and_one_unit_is_warned(district, township_a, batch):
    unit = DispatchUnitFactory(name="同一单位")
    team = TeamFactory(district=district, min_size=5, max_size=10)
    for person in make_people(township_a, batch, 3, birth_years=[1995], units=[unit], skills=[ExpertiseFactory()]):
        MembershipFactory(team=team, secretary=person)
    ExpertiseFactory(name="电商直播")

    composition = team_composition(team, today=TODAY)

    text = " ".join(composition.warnings)
    assert "少于下限 5 人" in text
    assert "35岁以下的队员占 3/3" in text
    assert "来自同一单位的队员占 3/3" in text
    assert "电商直播" in composition.expertise_missing


def test_a_team_above_its_upper_bound_is_warned(district, township_a, batch):
    team = TeamFactory(district=district, min_size=1, max_size=2)
    units = [DispatchUnitFactory() for _ in range(3)]
    for person in make_people(
        township_a, batch, 3, birth_years=[1970, 1980, 1990], units=units, skills=[ExpertiseFactory()]
    ):
        MembershipFactory(team=team, secretary=person)

    assert any("超过上限 2 人" in w for w in team_composition(team, today=TODAY).warnings)


def test_split_keeps_every_team_within_bounds_and_spreads_ages(township_a, batch):
    skills = [ExpertiseFactory(name=f"特长{i}") for i in range(12)]
    units = [DispatchUnitFactory() for _ in range(9)]
    years = list(range(1966, 2000))
    people = make_people(township_a, batch, 137, birth_years=years, units=units, skills=skills)

    groups = team_split_propose(
        Secretary.objects.filter(pk__in=[p.pk for p in people]).prefetch_related("expertise"),
        5,
        min_size=20,
        max_size=40,
        today=TODAY,
    )

    assert sorted(len(g) for g in groups) == [27, 27, 27, 28, 28]
    assert sorted(p.pk for g in groups for p in g) == sorted(p.pk for p in people)
    all_ages = sorted(age_on(p.birth_date, TODAY) for p in people)
    overall_mean = sum(all_ages) / len(all_ages)
    for group in groups:
        ages = [age_on(p.birth_date, TODAY) for p in group]
        assert abs(sum(ages) / len(ages) - overall_mean) < 1.5
        assert min(ages) <= all_ages[len(all_ages) // 10] and max(ages) >= all_ages[-len(all_ages) // 10]
        assert len({e.pk for p in group for e in p.expertise.all()}) == len(skills)


def test_split_refuses_numbers_that_cannot_fit_the_bounds(township_a, batch):
    people = make_people(
        township_a, batch, 30, birth_years=[1980], units=[DispatchUnitFactory()], skills=[ExpertiseFactory()]
    )

    with pytest.raises(ValidationError, match="无法分成 2 支"):
        team_split_propose(people, 2, min_size=20, max_size=40)
