from datetime import date

import factory

from teams.models import Meeting, PioneerTeam, TeamActivity, TeamMembership
from tests.factories import DistrictFactory


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PioneerTeam
        django_get_or_create = ("district", "name")

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"测试先锋{n}")
    focus = "党建"
    min_size = 2
    max_size = 10


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMembership

    team = factory.SubFactory(TeamFactory)
    joined = date(2025, 1, 1)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamActivity

    team = factory.SubFactory(TeamFactory)
    kind = "红色党课"
    title = factory.Sequence(lambda n: f"活动{n}")
    date = date(2026, 3, 10)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    district = factory.SelfAttribute("team.district")
    team = factory.SubFactory(TeamFactory)
    kind = "联席会议"
    title = factory.Sequence(lambda n: f"会议{n}")
    date = date(2026, 3, 15)
