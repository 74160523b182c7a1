"""Phone and ID numbers on pages and in exports (the whole rule per role: test_visibility.py)."""

import pytest

from secretaries.validators import mask_id_number, mask_phone
from tests.xlsx import read_xlsx_response


@pytest.mark.django_db
def test_org_sees_full_numbers_on_pages_and_in_exports(client_for, org_user, secretary):
    client = client_for(org_user)
    assert secretary.phone in client.get(f"/secretaries/{secretary.pk}/").content.decode()
    rows = read_xlsx_response(client.get("/secretaries/export.xlsx"))
    assert rows[1][rows[0].index("手机号码")] == secretary.phone
    assert rows[1][rows[0].index("身份证号")] == secretary.id_number


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["township_a", "secretary_a", "station_manager"])
def test_only_the_org_department_sees_the_id_number(client_for, people, secretary, role):
    client = client_for(people[role])
    for url in (f"/secretaries/{secretary.pk}/", "/secretaries/", f"/secretaries/villages/{secretary.village_id}/"):
        assert secretary.id_number not in client.get(url).content.decode()
    assert mask_id_number(secretary.id_number) in client.get(f"/secretaries/{secretary.pk}/").content.decode()
    rows = read_xlsx_response(client.get("/secretaries/export.xlsx"))
    assert rows[1][rows[0].index("身份证号")] == mask_id_number(secretary.id_number)


@pytest.mark.django_db
def test_a_station_manager_sees_a_secretary_off_the_roster_masked(client_for, station_manager_user, secretary):
    client = client_for(station_manager_user)
    for url in (f"/secretaries/{secretary.pk}/", "/secretaries/", f"/secretaries/villages/{secretary.village_id}/"):
        body = client.get(url).content.decode()
        assert secretary.phone not in body
    assert mask_phone(secretary.phone) in client.get(f"/secretaries/{secretary.pk}/").content.decode()
    rows = read_xlsx_response(client.get("/secretaries/export.xlsx"))
    assert rows[1][rows[0].index("手机号码")] == mask_phone(secretary.phone)


@pytest.mark.django_db
def test_exports_contain_only_the_users_own_township(client_for, township_a_user, secretary, secretary_b):
    rows = read_xlsx_response(client_for(township_a_user).get("/secretaries/export.xlsx"))
    names = [row[0] for row in rows[1:]]
    assert names == [secretary.name]


@pytest.mark.django_db
def test_list_filters_search_and_scope(client_for, org_user, township_a_user, secretary, secretary_b, expertise_agri):
    org = client_for(org_user)
    assert [s.name for s in org.get("/secretaries/?q=王建").context["page"]] == [secretary.name]
    assert [s.name for s in org.get("/secretaries/", {"expertise": expertise_agri.pk}).context["page"]] == [
        secretary.name
    ]
    assert [
        s.name for s in org.get("/secretaries/", {"township": secretary_b.village.township_id}).context["page"]
    ] == [secretary_b.name]
    city_level = {s.name for s in org.get("/secretaries/", {"unit_level": "city"}).context["page"]}
    assert city_level == {secretary.name, secretary_b.name}
    assert list(org.get("/secretaries/", {"unit_level": "district"}).context["page"]) == []
    # A township user cannot widen the list by asking for another township.
    response = client_for(township_a_user).get("/secretaries/", {"township": secretary_b.village.township_id})
    assert secretary_b.name not in response.content.decode()


@pytest.mark.django_db
def test_the_secretary_page_lists_the_station_pools_and_team(client_for, org_user, secretary, station, secretary_b):
    body = client_for(org_user).get(f"/secretaries/{secretary.pk}/").content.decode()
    assert station.name in body  # default pool: secretaries on post in the covered townships
    other = client_for(org_user).get(f"/secretaries/{secretary_b.pk}/").content.decode()
    assert station.name not in other
    assert "不在任何服务站值班池" in other
