"""Plain builders for the dashboard's fixtures: every row made explicitly, so the expected figures
can be counted by hand from the fixture's text."""

from datetime import datetime, time, timedelta
from itertools import count

from django.utils import timezone

from demands.models import (
    CollectionRound,
    DemandCategory,
    DemandItem,
    ProjectItem,
    ResourceCategory,
    ResourceItem,
    Submission,
)
from stations.models import DutyShift
from teams.models import PioneerTeam, TeamActivity, TeamMembership
from tests.stations.factories import make_station

_serial = count(1)


def at(day, hour=10, minute=0):
    """An aware datetime on `day` at local time hour:minute."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def make_round(district, period_start, *, status="open", deadline_after_days=14, title=None):
    return CollectionRound.objects.create(
        district=district,
        title=title or f"{period_start:%Y年%m月}需求清单征集",
        period_start=period_start,
        period_end=period_start + timedelta(days=59),
        deadline=period_start + timedelta(days=deadline_after_days),
        status=status,
        opened_at=at(period_start),
    )


def make_submission(round_, village, *, status="submitted", submitted_on=None, hour=10, is_nil=False):
    return Submission.objects.create(
        round=round_,
        village=village,
        status=status,
        is_nil=is_nil,
        submitted_at=at(submitted_on, hour) if submitted_on else None,
    )


def category(name, *resource_categories):
    cat, _ = DemandCategory.objects.get_or_create(name=name)
    if resource_categories:
        cat.resource_categories.add(*resource_categories)
    return cat


def resource_category(name):
    return ResourceCategory.objects.get_or_create(name=name)[0]


def make_item(round_, village, cat, status, *, submitted_on=None, resolved_on=None, due=None, **extra):
    n = next(_serial)
    return DemandItem.objects.create(
        round=round_,
        village=village,
        category=cat,
        title=extra.pop("title", f"需求{n}"),
        status=status,
        submitted_at=at(submitted_on) if submitted_on else None,
        resolved_at=at(resolved_on) if resolved_on else None,
        due_date=due,
        **extra,
    )


def make_resource(cat, *, secretary=None, unit=None, active=True, valid_until=None):
    n = next(_serial)
    return ResourceItem.objects.create(
        source="personal" if secretary else "unit",
        secretary=secretary,
        dispatch_unit=unit,
        category=cat,
        title=f"资源{n}",
        active=active,
        valid_until=valid_until,
    )


def make_team(district, name):
    return PioneerTeam.objects.get_or_create(district=district, name=name, defaults={"min_size": 1})[0]


def join(team, secretary, joined, left=None):
    return TeamMembership.objects.create(team=team, secretary=secretary, joined=joined, left=left)


def make_activity(team, day, village=None, *, people=0, funds=0, projects=0, kg=0, yuan=0, kind="红色党课"):
    n = next(_serial)
    return TeamActivity.objects.create(
        team=team,
        kind=kind,
        title=f"活动{n}",
        date=day,
        village=village,
        people_reached=people,
        funds_secured=funds,
        projects_built=projects,
        produce_kg=kg,
        produce_yuan=yuan,
    )


def make_project(village, status, *, end_date=None, funds=0):
    n = next(_serial)
    project = ProjectItem.objects.create(title=f"项目{n}", status=status, end_date=end_date, funds_secured=funds)
    project.villages.add(village)
    return project


def shift(station, secretary, day, status):
    return DutyShift.objects.create(station=station, secretary=secretary, date=day, status=status)


def populate(district, batch, unit, rounds, teams, categories, *, townships, start=0, into=None):
    """`townships` more townships, each with 3 villages and secretaries, submissions, items in every
    status, activities, projects, a station with shifts and resources: a fixture that grows by a
    factor without changing its shape. `into`: put the villages in that township instead."""
    from secretaries.models import Secretary, Township, Village

    today = timezone.localdate()
    statuses = ["submitted", "accepted", "dispatched", "in_progress", "resolved", "rated", "returned", "merged"]
    for n in range(start, start + townships):
        township = into or Township.objects.create(district=district, name=f"规模{n}镇")
        station = make_station(township, name=f"规模{n}服务站", per_day=2)
        for v in range(3):
            village = Village.objects.create(township=township, name=f"规模{n}-{v}村")
            secretary = Secretary.objects.create(
                name=f"规模书记{n}-{v}",
                gender="M",
                birth_date=today.replace(year=today.year - 40),
                phone=f"139{n:05d}{v:03d}",
                dispatch_unit=unit,
                batch=batch,
                village=village,
                term_start=today - timedelta(days=400),
                term_end=today + timedelta(days=400),
            )
            join(teams[v % len(teams)], secretary, today - timedelta(days=300))
            make_activity(teams[v % len(teams)], today - timedelta(days=3 + v), village, people=5, funds=100)
            shift(station, secretary, today - timedelta(days=7 + v), "done" if v else "absent")
            make_project(village, ["planned", "ongoing", "done"][v], end_date=today - timedelta(days=v))
            make_resource(resource_category(f"资源类{v}"), secretary=secretary)
            for r, round_ in enumerate(rounds):
                if v < 2:
                    make_submission(round_, village, submitted_on=round_.deadline - timedelta(days=v - 1))
                for i, status in enumerate(statuses):
                    make_item(
                        round_,
                        village,
                        categories[(i + r) % len(categories)],
                        status,
                        submitted_on=round_.period_start + timedelta(days=2),
                        resolved_on=round_.period_start + timedelta(days=5 + i)
                        if status in ("resolved", "rated")
                        else None,
                        due=today - timedelta(days=i) if i % 2 else None,
                    )
