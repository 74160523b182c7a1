"""Issue 14 point 14: the demand item page shows the contact's phone through the one visibility
rule the secretary's page uses (secretaries/templatetags/personal.py): masked for a station
manager, in full for the org department."""

from tests.demands.factories import DemandItemFactory


def test_a_station_manager_sees_the_contact_phone_masked_as_on_the_secretarys_page(
    client_for, station_manager_user, org_user, secretary, village_a, station
):
    secretary.phone = "13800001234"
    secretary.save()
    item = DemandItemFactory(village=village_a, contact_name=secretary.name, contact_phone=secretary.phone)
    manager = client_for(station_manager_user)

    item_page = manager.get(f"/demands/items/{item.pk}/").content.decode()
    secretary_page = manager.get(f"/secretaries/{secretary.pk}/")

    assert "13800001234" not in item_page and "138****1234" in item_page
    if secretary_page.status_code == 200:  # where the manager may open it, masked there too
        assert "13800001234" not in secretary_page.content.decode()
    org_page = client_for(org_user).get(f"/demands/items/{item.pk}/").content.decode()
    assert "13800001234" in org_page
