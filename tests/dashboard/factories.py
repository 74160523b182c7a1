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
from stations.models import DutyShift, ServiceStation
from teams.models import PioneerTeam, TeamActivity, TeamMembership

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


def make_station(township, name, per_week=1):
    station = ServiceStation.objects.create(name=name, township=township, secretaries_per_week=per_week)
    station.covered_townships.add(township)
    return station


def shift(station, secretary, day, status):
    return DutyShift.objects.create(station=station, secretary=secretary, date=day, status=status)
