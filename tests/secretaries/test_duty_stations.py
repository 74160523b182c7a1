"""The secretary page names the stations whose duty pool holds the secretary (the stations app adds
it through a template tag, so the people app does not import it)."""

from stations.models import PoolMember


def test_secretary_page_names_the_stations_whose_pool_holds_the_secretary(client_for, org_user, secretary, station):
    response = client_for(org_user).get(f"/secretaries/{secretary.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert station.name in page
    assert "不在任何服务站值班池" not in page


def test_secretary_page_says_when_the_secretary_is_in_no_duty_pool(client_for, org_user, secretary_b, station):
    response = client_for(org_user).get(f"/secretaries/{secretary_b.pk}/")
    page = response.content.decode()
    assert station.name not in page
    assert "不在任何服务站值班池" in page


def test_a_secretary_added_by_hand_to_a_pool_sees_that_station_on_the_page(client_for, org_user, secretary_b, station):
    PoolMember.objects.create(station=station, secretary=secretary_b, active=True, added_manually=True)
    page = client_for(org_user).get(f"/secretaries/{secretary_b.pk}/").content.decode()
    assert station.name in page
