"""The demo city (演示市) with a small district for each of the other three practices: loaded beside
Fangshan without touching it, idempotent, with the city login reading exactly those districts."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model

from core.scoping import scope_for
from secretaries import demo as fangshan_demo
from secretaries.models import District, ReserveCadre, Secretary, Township, Village
from secretaries.selectors import reserve_shortfall
from stations.models import ServiceStation
from teams import demo_practices
from teams.models import GroupMember, PioneerTeam, TeamMembership

pytestmark = pytest.mark.django_db


def fangshan():
    district = District.objects.get(name="房山区")
    return (
        district.city_id,
        Township.objects.filter(district=district).count(),
        Village.objects.filter(township__district=district).count(),
        Secretary.objects.filter(village__township__district=district).count(),
        Township.objects.filter(district=district, runs_loop=True).count(),
    )


def practices():
    return (
        District.objects.filter(city__name="演示市").count(),
        Township.objects.filter(district__city__name="演示市").count(),
        Village.objects.filter(township__district__city__name="演示市").count(),
        Secretary.objects.filter(village__township__district__city__name="演示市").count(),
        ReserveCadre.objects.count(),
        ServiceStation.objects.filter(township__district__city__name="演示市").count(),
    )


def test_the_three_practices_load_beside_fangshan_without_touching_it_and_twice_is_once():
    fangshan_demo.seed(StringIO())
    before = fangshan()
    out = StringIO()
    demo_practices.seed(out)
    first = practices()
    assert first[0] == 3 and first[5] == 3
    assert set(District.objects.filter(city__name="演示市").values_list("name", flat=True)) == {
        "石泉县",
        "梁山县",
        "刚察县",
    }
    assert Secretary.objects.filter(village__township__name="池河镇").count() == 8  # the seed's 8 first secretaries
    assert Township.objects.get(name="池河镇").runs_loop and not Township.objects.get(name="城关镇").runs_loop
    assert fangshan() == before
    demo_practices.seed(StringIO())
    assert practices() == first


def test_the_city_login_reads_the_three_demo_districts_and_liangshan_shows_a_reserve_shortfall():
    demo_practices.seed(StringIO())
    user = get_user_model().objects.get(username="shiwei")
    scope = scope_for(user)
    assert scope.is_city
    assert set(District.objects.filter(pk__in=scope.district_ids).values_list("name", flat=True)) == {
        "石泉县",
        "梁山县",
        "刚察县",
    }
    short = reserve_shortfall(Village.objects.filter(township__district__name="梁山县"))
    assert {(row["village"], row["count"]) for row in short} == {
        ("前集村", 0),
        ("刘集村", 0),
        ("后集村", 1),
        ("马庄村", 1),
    }


def test_the_practices_groups_have_members_and_a_non_secretary_can_log_in_to_its_own(client):
    demo_practices.seed(StringIO())
    corps = PioneerTeam.objects.get(name="池河镇服务团")
    current = TeamMembership.objects.current().filter(team=corps)
    assert current.exclude(secretary=None).count() == 8  # the seed's 8 first secretaries
    assert (
        current.filter(person__title="村党支部书记").count() == Village.objects.filter(township__name="池河镇").count()
    )
    work_teams = PioneerTeam.objects.filter(district__name="刚察县", kind__code="work_team")
    for team in work_teams:
        allowances = list(TeamMembership.objects.current().filter(team=team).values_list("allowance", flat=True))
        assert len(allowances) == 3 and all(allowance == 2000 for allowance in allowances)
    speakers = PioneerTeam.objects.get(district__name="梁山县", kind__code="speakers")
    assert (
        TeamMembership.objects.current().filter(team=speakers).count()
        == Secretary.objects.filter(village__township__district__name="梁山县").count()
    )

    technician = GroupMember.objects.get(user__username=demo_practices.MEMBER_LOGIN)
    assert technician.title == "技术员" and technician.organisation == "安康及食雨食品有限公司"
    client.force_login(technician.user)
    html = client.get("/teams/", follow=True).content.decode()
    assert "池河镇预制菜产业服务组" in html and "池河镇蚕桑产业服务组" not in html
    own, other = (PioneerTeam.objects.get(name=f"池河镇{theme}服务组") for theme in ("预制菜产业", "蚕桑产业"))
    assert client.get(f"/teams/{own.pk}/").status_code == 200
    assert client.get(f"/teams/{other.pk}/").status_code == 404

    demo_practices.seed(StringIO())  # a second run adds nobody
    assert TeamMembership.objects.filter(team=corps).count() == current.count()
