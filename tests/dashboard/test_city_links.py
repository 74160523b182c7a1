"""The city department's pages (市委组织部) as a user follows them: every link on /city/ and on the
pages it leads to opens (the district's figures lead to the city's own drill-down lists, never to
a department page that would answer 403), and the city's figures are cached like the district
dashboards (a second view reads the cache, a write shows after one refresh, and no cache at all
still works)."""

import logging
import re
from collections import deque
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.utils import timezone

from dashboard import caching, city
from dashboard.filters import Filters
from dashboard.periods import Period
from secretaries.models import City, District, StaffProfile
from tests.dashboard import factories as f
from tests.factories import DistrictFactory, TownshipFactory, UserFactory, VillageFactory

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"]+)"')
# Links that are the login's own (its password, its two-step login, its notices) or files.
OWN = re.compile(r"^/(accounts/|notices/|static/|password_change|logout)")


@pytest.fixture
def city_login(world, district):
    """北京市: the world's district and 燕山区 (the world's 'other' district, with its own round,
    team and overdue item); 济宁市's 梁山县 is another city's."""
    beijing = City.objects.create(name="北京市")
    District.objects.filter(pk=district.pk).update(city=beijing)
    District.objects.filter(name="燕山区").update(city=beijing)
    liangshan = DistrictFactory(name="梁山县", city=City.objects.create(name="济宁市"))
    VillageFactory(township=TownshipFactory(district=liangshan, name="大路口乡"), name="贾堌堆村")
    user = UserFactory(username="shiwei", first_name="市委组织部")
    StaffProfile.objects.create(user=user, role="city", city=beijing)
    return user


def links(url, html):
    for raw in HREF.findall(html):
        href = unescape(raw)
        if href.startswith(("#", "mailto:", "tel:")):
            continue
        yield urljoin(url, href)


def kind_of(url):
    """A page's path and the names of its query parameters: the walk opens every link, and reads
    the links of one page of each kind (the monthly report's 上月 links would lead on for years)."""
    parts = urlsplit(url)
    return parts.path, tuple(sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair}))


def test_every_link_on_the_city_pages_opens_for_the_city_login(city_login, client_for, district):
    client = client_for(city_login)
    seen, read, queue, refused, walked = set(), set(), deque(["/city/"]), [], 0
    while queue:
        url = queue.popleft()
        if url in seen or OWN.match(urlsplit(url).path):
            continue
        seen.add(url)
        response = client.get(url, follow=True)
        if response.status_code != 200:
            refused.append((url, response.status_code))
            continue
        city_page = urlsplit(url).path.startswith("/city/") and "html" in response["Content-Type"]
        if city_page and kind_of(url) not in read:
            read.add(kind_of(url))
            walked += 1
            queue.extend(link for link in links(url, response.content.decode()) if link not in seen)
    assert refused == []
    paths = {urlsplit(url).path for url in seen}
    # The walk reached the district's dashboard and the city's drill-down lists behind its figures.
    for name in ("demands", "missing", "activities", "shifts", "resources"):
        assert f"/city/districts/{district.pk}/{name}/" in paths, name
    assert not any(path.startswith("/dashboard/") for path in paths)
    assert walked > 10


def test_the_city_drill_downs_list_their_districts_rows_only_and_another_citys_answer_404(
    city_login, client_for, district
):
    client = client_for(city_login)
    liangshan = District.objects.get(name="梁山县")
    own = client.get(f"/city/districts/{district.pk}/demands/", {"overdue": "1"}).content.decode()

    assert "逾期" in own and "外区" not in own
    for name in ("demands", "missing", "activities", "shifts", "resources"):
        assert client.get(f"/city/districts/{liangshan.pk}/{name}/").status_code == 404
    assert client.post(f"/city/districts/{district.pk}/demands/").status_code == 405


def comparison_filters():
    return Filters(period=Period.of("year", timezone.localdate()))


def test_the_comparison_and_the_drill_down_are_served_from_the_cache(
    city_login, client_for, district, django_assert_max_num_queries
):
    client = client_for(city_login)
    client.get("/city/")
    client.get(f"/city/districts/{district.pk}/")
    assert cache.get(caching.entry_key(city_login, comparison_filters())) is not None
    reader = city.district_reader(city_login, district.pk)
    month = Filters(period=Period.of("month", timezone.localdate()))
    assert cache.get(caching.entry_key(reader, month))["data"]["supervision"]["count"] == 3

    with django_assert_max_num_queries(8):  # the session, the login's scope, the cached entry
        client.get("/city/")
    with django_assert_max_num_queries(10):
        client.get(f"/city/districts/{district.pk}/")


def test_a_write_shows_on_the_city_pages_after_one_refresh(city_login, client_for, district, world, village_a):
    client = client_for(city_login)
    url = f"/city/districts/{district.pk}/"
    assert 'id="supervision-count">3<' in client.get(url).content.decode()
    f.make_item(world.r_cur, village_a, world.cats.health, "accepted", submitted_on=world.M, due=world.M)

    stale = client.get(url).content.decode()  # the last result, while the (eager) refresh runs
    fresh = client.get(url).content.decode()

    assert 'id="supervision-count">3<' in stale and "正在重新统计" in stale
    assert 'id="supervision-count">4<' in fresh


def test_the_two_cities_and_the_department_keep_separate_entries(city_login, org_user, district):
    reader = city.district_reader(city_login, district.pk)
    filters = comparison_filters()
    keys = {caching.entry_key(user, filters) for user in (city_login, reader, org_user)}
    jining = UserFactory(username="jiningshi")
    StaffProfile.objects.create(user=jining, role="city", city=City.objects.get(name="济宁市"))
    keys.add(caching.entry_key(jining, filters))
    assert len(keys) == 4


@pytest.mark.services
def test_with_the_cache_down_the_city_pages_are_counted_in_the_request(
    own_redis, city_login, client_for, district, caplog
):
    client = client_for(city_login)
    assert client.get("/city/").status_code == 200  # computed and cached on our Redis
    own_redis.stop()
    with caplog.at_level(logging.WARNING):
        home = client.get("/city/")
        drill = client.get(f"/city/districts/{district.pk}/")
    assert home.status_code == drill.status_code == 200
    assert "房山区" in home.content.decode()
    assert 'id="supervision-count">3<' in drill.content.decode()
    assert "缓存不可用" in caplog.text


def test_a_write_shows_in_the_comparison_after_one_refresh(city_login, client_for, district, world, village_a):
    client = client_for(city_login)
    key = caching.entry_key(city_login, comparison_filters())

    def activities():
        rows = cache.get(key)["data"]["rows"]
        return next(row["activities"] for row in rows if row["district"].pk == district.pk)

    client.get("/city/")
    before = activities()
    f.make_activity(world.team1, timezone.localdate(), village_a, people=5)

    stale = client.get("/city/").content.decode()  # the last result, while the (eager) refresh runs

    assert "正在重新统计" in stale
    assert activities() == before + 1
    assert "正在重新统计" not in client.get("/city/").content.decode()
