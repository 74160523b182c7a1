"""The city department (市委组织部): reads every district of its city side by side, one district's
dashboard and reports, writes nothing; another city's district answers 404; no other page of the
product admits it, and every POST anywhere is refused."""

import re
from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from demands.models import CollectionRound, DemandItem
from secretaries.models import City, District, ReserveCadre, StaffProfile, Village
from tests.demands.factories import DemandCategoryFactory, DemandItemFactory
from tests.factories import DistrictFactory, TownshipFactory, UserFactory, VillageFactory

pytestmark = pytest.mark.django_db


def make_round(district, title):
    return CollectionRound.objects.create(
        district=district,
        title=title,
        period_start=date(2026, 9, 1),
        period_end=date(2026, 10, 31),
        deadline=date(2026, 9, 15),
        status=CollectionRound.Status.OPEN,
    )


@pytest.fixture
def cities(district, village_a, village_b):
    beijing = City.objects.create(name="北京市")
    jining = City.objects.create(name="济宁市")
    district.city = beijing
    district.save()
    mentougou = DistrictFactory(name="门头沟区", city=beijing)
    VillageFactory(township=TownshipFactory(district=mentougou, name="斋堂镇"), name="爨底下村")
    liangshan = DistrictFactory(name="梁山县", city=jining)
    foreign_village = VillageFactory(township=TownshipFactory(district=liangshan, name="大路口乡"), name="贾堌堆村")
    own_round = make_round(district, "2026年9-10月需求征集")
    foreign_round = make_round(liangshan, "梁山县2026年第五轮")
    DemandItemFactory(village=village_a, round=own_round, category=DemandCategoryFactory(name="产业发展"))
    user = UserFactory(username="shiwei", first_name="市委组织部")
    StaffProfile.objects.create(user=user, role="city", city=beijing)
    return {
        "user": user,
        "own": [district, mentougou],
        "foreign": liangshan,
        "own_round": own_round,
        "foreign_round": foreign_round,
        "foreign_village": foreign_village,
    }


def test_the_city_home_compares_its_districts_only(cities, client_for):
    client = client_for(cities["user"])
    assert client.get("/").url == "/city/"
    response = client.get("/city/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "房山区" in page and "门头沟区" in page and "梁山县" not in page
    table = page.split('id="city-comparison"')[1]
    fangshan = table.split(f'data-district="{cities["own"][0].pk}"')[1].split("</tr>")[0]
    assert "2026年9-10月需求征集" in fangshan


def test_the_city_reads_its_districts_dashboards_and_reports_and_another_citys_answer_404(cities, client_for):
    client = client_for(cities["user"])
    fangshan, mentougou = cities["own"]
    for district in (fangshan, mentougou):
        assert client.get(f"/city/districts/{district.pk}/").status_code == 200
        assert client.get(f"/city/districts/{district.pk}/reports/monthly/").status_code == 200
        assert client.get(f"/city/districts/{district.pk}/reports/monthly/report.xlsx").status_code == 200
    page = client.get(f"/city/districts/{fangshan.pk}/").content.decode()
    assert "房山区工作台" in page and "只读" in page
    own_round = cities["own_round"].pk
    assert client.get(f"/city/districts/{fangshan.pk}/reports/round/{own_round}/").status_code == 200
    assert client.get(f"/city/districts/{fangshan.pk}/reports/round/{own_round}/report.xlsx").status_code == 200
    # Another city's district, or its round through one's own district: 404.
    foreign, foreign_round = cities["foreign"].pk, cities["foreign_round"].pk
    for url in (
        f"/city/districts/{foreign}/",
        f"/city/districts/{foreign}/reports/monthly/",
        f"/city/districts/{foreign}/reports/round/{foreign_round}/",
        f"/city/districts/{fangshan.pk}/reports/round/{foreign_round}/",
        f"/city/districts/{mentougou.pk}/reports/round/{own_round}/",
        "/city/districts/999999/",
    ):
        assert client.get(url).status_code == 404, url
    # A township of another district given as a filter: 404 too.
    foreign_township = cities["foreign_village"].township_id
    assert client.get(f"/city/districts/{fangshan.pk}/?township={foreign_township}").status_code == 404


def test_the_citys_scope_filters_by_its_districts(cities):
    from core.scoping import scope_for

    scope = scope_for(cities["user"])
    assert scope.is_city and not scope.has_access and not scope.is_org
    assert set(District.objects.for_user(cities["user"])) == set(cities["own"])
    assert not Village.objects.for_user(cities["user"]).filter(pk=cities["foreign_village"].pk).exists()
    assert Village.objects.for_user(cities["user"]).count() == 3
    assert set(CollectionRound.objects.for_user(cities["user"])) == {cities["own_round"]}


def test_the_city_pages_refuse_every_other_role(cities, client_for, people):
    fangshan = cities["own"][0].pk
    for role, user in people.items():
        for url in ("/city/", f"/city/districts/{fangshan}/", f"/city/districts/{fangshan}/reports/monthly/"):
            want = 302 if role == "anonymous" else 403
            assert client_for(user).get(url).status_code == want, (role, url)


def test_the_city_opens_no_page_of_the_districts_own(cities, client_for, village_a):
    client = client_for(cities["user"])
    for url in (
        "/secretaries/",
        f"/secretaries/villages/{village_a.pk}/",
        f"/secretaries/villages/{village_a.pk}/reserve/",
        "/demands/queue/",
        "/demands/rounds/",
        "/teams/",
        "/stations/",
        "/dashboard/demands/",
        "/dashboard/reports/monthly/",
    ):
        response = client.get(url)
        assert response.status_code == 403, url


# Paths of the project's own account and inbox: the city login keeps its own password and notices.
OWN = re.compile(r"^/(accounts/|notices/|admin/|healthz|sw\.js|offline/|media/)")


def _paths(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _paths(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _concrete(route, ids):
    path = route.lstrip("^").rstrip("$")
    path = re.sub(r"<int:[^>]+>", lambda m: str(ids[0]), path)
    path = re.sub(r"<slug:[^>]+>", "secretaries", path)
    path = re.sub(r"<(str:)?[^>]+>", "x", path)
    return "/" + path


def test_every_post_anywhere_is_refused_and_changes_nothing(cities, client_for, village_a):
    client = client_for(cities["user"])
    before = (DemandItem.objects.count(), ReserveCadre.objects.count(), Village.objects.count())
    routes = sorted(set(_paths(get_resolver().url_patterns)))
    checked = 0
    for route in routes:
        for ids in ([village_a.pk], [cities["own_round"].pk]):
            url = _concrete(route, ids)
            if OWN.match(url):
                continue
            response = client.post(url, {"name": "x", "title": "x", "note": "x"})
            if url == "/":  # the home page sends the city login to its comparison, whatever the method
                assert response.url == "/city/"
                continue
            assert response.status_code in (403, 404, 405), f"POST {url} -> {response.status_code}"
            checked += 1
    assert checked > 100
    assert (DemandItem.objects.count(), ReserveCadre.objects.count(), Village.objects.count()) == before
