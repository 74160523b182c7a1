"""Reserve cadres (后备力量): kept per village by its secretary, its township and the department;
the villages below RESERVE_CADRES_MIN counted on the department's and the township's dashboards."""

from datetime import date

import pytest

from secretaries.models import ReserveCadre, Village
from secretaries.selectors import reserve_shortfall
from tests.walk import walk


def cadre(village, name, left=None):
    return ReserveCadre.objects.create(
        village=village,
        name=name,
        birth_year=1990,
        education=ReserveCadre.Education.BACHELOR,
        source=ReserveCadre.Source.GRADUATE,
        added=date(2025, 3, 1),
        left=left,
    )


@pytest.fixture
def reserves(village_a, village_a2, village_b):
    """六渡村 2 current; 西庄村 1 current and 1 who left; 黑龙关村 none."""
    cadre(village_a, "张一")
    cadre(village_a, "张二")
    cadre(village_a2, "李一")
    cadre(village_a2, "李二", left=date(2026, 1, 5))
    return {"a": village_a, "a2": village_a2, "b": village_b}


def test_shortfall_counts_current_cadres_only_against_the_setting(reserves, settings):
    rows = reserve_shortfall(Village.objects.all())
    assert [(r["village"], r["count"]) for r in rows] == [("黑龙关村", 0), ("西庄村", 1)]
    settings.RESERVE_CADRES_MIN = 1
    assert [r["village"] for r in reserve_shortfall(Village.objects.all())] == ["黑龙关村"]
    settings.RESERVE_CADRES_MIN = 3
    assert len(reserve_shortfall(Village.objects.all())) == 3


def test_the_department_and_township_dashboards_show_the_villages_below_the_minimum(
    reserves, client_for, org_user, township_a_user, township_b_user
):
    org = client_for(org_user).get("/").content.decode()
    assert "后备力量不足 2 名的村：" in org
    section = org.split('id="reserve"')[1].split("</section>")[0]
    assert '<strong class="text-danger">2</strong>' in section and "黑龙关村" in section and "西庄村" in section
    township = client_for(township_a_user).get("/").content.decode()
    section = township.split('id="reserve"')[1].split("</section>")[0]
    assert '<strong class="text-danger">1</strong>' in section and "西庄村" in section and "黑龙关村" not in section
    other = client_for(township_b_user).get("/").content.decode().split('id="reserve"')[1].split("</section>")[0]
    assert "黑龙关村" in other and "西庄村" not in other


def test_the_villages_secretary_adds_a_reserve_cadre(reserves, client_for, secretary_user, secretary):
    client = client_for(secretary_user)
    url = f"/secretaries/villages/{reserves['a2'].pk}/reserve/new/"
    assert client.get(url).status_code == 404  # not their village
    url = f"/secretaries/villages/{reserves['a'].pk}/reserve/new/"
    response = client.post(
        url,
        {
            "name": " 王  小明 ",
            "birth_year": "1995",
            "education": "college",
            "current_post": "村委会委员",
            "source": "veteran",
            "mentor": secretary.pk,
            "added": "2026-02-01",
        },
    )
    assert response.status_code == 302
    added = ReserveCadre.objects.get(name="王 小明")
    assert (added.village, added.mentor, added.source) == (reserves["a"], secretary, "veteran")
    assert "王 小明" in client.get(f"/secretaries/villages/{reserves['a'].pk}/reserve/").content.decode()


def test_bad_input_is_refused_next_to_the_field_and_kept(reserves, client_for, township_a_user):
    client = client_for(township_a_user)
    data = {
        "name": "赵六",
        "birth_year": "1890",
        "education": "senior",
        "source": "entrepreneur",
        "added": "2026-02-01",
        "left": "2026-01-01",
    }
    response = client.post(f"/secretaries/villages/{reserves['a2'].pk}/reserve/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "出生年份应在 1940 至 2010 年之间" in page and "退出日期不能早于纳入日期" in page
    assert 'value="赵六"' in page
    assert not ReserveCadre.objects.filter(name="赵六").exists()


def test_township_staff_edit_their_villages_cadres_and_mark_one_as_left(reserves, client_for, township_a_user):
    one = ReserveCadre.objects.get(name="张一")
    client = client_for(township_a_user)
    response = client.post(
        f"/secretaries/reserve/{one.pk}/edit/",
        {
            "name": "张一",
            "birth_year": "1990",
            "education": "bachelor",
            "source": "graduate",
            "added": "2025-03-01",
            "left": "2026-06-30",
            "notes": "已任村党支部副书记",
        },
    )
    assert response.status_code == 302
    one.refresh_from_db()
    assert one.left == date(2026, 6, 30)
    assert [r["village"] for r in reserve_shortfall(Village.objects.all())] == ["黑龙关村", "六渡村", "西庄村"]


def test_reserve_pages_walk(reserves, client_for, people):
    a, b = reserves["a"].pk, reserves["b"].pk
    one = ReserveCadre.objects.get(name="张一").pk
    keepers_a = {"org": 200, "township_a": 200, "secretary_a": 200, "station_manager": 403}
    assert walk(client_for, people, f"/secretaries/villages/{a}/reserve/", keepers_a) == []
    assert walk(client_for, people, f"/secretaries/villages/{a}/reserve/new/", keepers_a) == []
    assert walk(client_for, people, f"/secretaries/reserve/{one}/edit/", keepers_a) == []
    keepers_b = {"org": 200, "township_b": 200, "secretary_b": 200, "station_manager": 403}
    assert walk(client_for, people, f"/secretaries/villages/{b}/reserve/", keepers_b) == []
    overview = {"org": 200, "township_a": 200, "township_b": 200, "secretary_a": 403, "secretary_b": 403}
    assert walk(client_for, people, "/secretaries/reserve/", {**overview, "station_manager": 403}) == []
    # A POST to another township's village changes nothing.
    refused = {"org": 302, "township_a": 302, "secretary_a": 302, "station_manager": 403}
    problems = walk(
        client_for,
        people,
        f"/secretaries/villages/{a}/reserve/new/",
        refused,
        method="post",
        data={"name": "新人", "birth_year": "1990", "education": "junior", "source": "other", "added": "2026-01-01"},
    )
    assert problems == []
    assert ReserveCadre.objects.filter(name="新人", village_id=a).count() == 3
