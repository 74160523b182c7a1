"""Issue 14 point 4: the loop's history is safe in the admin. The org department's login (which
holds the org group's model permissions) can read events and items there, but cannot delete an
event or an item, nor edit an event, nor move an item's status outside the loop's services."""

import pytest

from demands.models import DemandEvent, DemandItem
from secretaries.services import org_login_grant
from tests.demands.factories import DemandItemFactory


@pytest.fixture
def admin_client(client_for, org_user):
    org_login_grant(org_user)
    return client_for(org_user)


@pytest.fixture
def item(village_a):
    item = DemandItemFactory(village=village_a, status=DemandItem.Status.SUBMITTED)
    DemandEvent.objects.create(item=item, action="submit", to_status=DemandItem.Status.SUBMITTED)
    return item


def test_the_org_group_holds_the_delete_permissions_the_admin_overrides(org_user, admin_client):
    # Without this, the refusals below could come from the group, not from the admin classes.
    assert org_user.has_perm("demands.delete_demandevent")
    assert org_user.has_perm("demands.delete_demanditem")


@pytest.mark.django_db
def test_a_demand_event_cannot_be_deleted_in_the_admin(admin_client, item):
    event = item.events.get()
    assert admin_client.get(f"/admin/demands/demandevent/{event.pk}/delete/").status_code == 403
    assert admin_client.post(f"/admin/demands/demandevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    changelist = admin_client.get("/admin/demands/demandevent/")
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.content.decode()
    admin_client.post(
        "/admin/demands/demandevent/", {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert DemandEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_a_demand_event_cannot_be_changed_or_added_in_the_admin(admin_client, item):
    event = item.events.get()
    admin_client.post(f"/admin/demands/demandevent/{event.pk}/change/", {"action": "rate", "note": "改过"})
    event.refresh_from_db()
    assert (event.action, event.note) == ("submit", "")
    assert admin_client.get("/admin/demands/demandevent/add/").status_code == 403


@pytest.mark.django_db
def test_a_demand_item_cannot_be_deleted_in_the_admin(admin_client, item):
    assert admin_client.post(f"/admin/demands/demanditem/{item.pk}/delete/", {"post": "yes"}).status_code == 403
    changelist = admin_client.get("/admin/demands/demanditem/")
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.content.decode()
    admin_client.post(
        "/admin/demands/demanditem/", {"action": "delete_selected", "_selected_action": [item.pk], "post": "yes"}
    )
    assert DemandItem.objects.filter(pk=item.pk).exists()
    assert item.events.count() == 1


def change_form_data(item, **changes):
    data = {
        "village": item.village_id,
        "category": item.category_id,
        "title": item.title,
        "detail": item.detail,
        "urgency": item.urgency,
        "channel": item.channel,
        "events-TOTAL_FORMS": "1",
        "events-INITIAL_FORMS": "1",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
        "events-0-id": item.events.get().pk,
        "events-0-item": item.pk,
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_posting_a_status_to_the_item_change_form_leaves_the_status_unchanged(admin_client, item):
    response = admin_client.post(
        f"/admin/demands/demanditem/{item.pk}/change/",
        change_form_data(item, title="改过的名称", status=DemandItem.Status.RATED, rating="5", cycle="3"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    item.refresh_from_db()
    assert item.title == "改过的名称"  # the form was saved ...
    assert item.status == DemandItem.Status.SUBMITTED  # ... but not the loop's fields
    assert item.rating is None
    assert item.cycle == 0
    assert item.events.count() == 1


@pytest.mark.django_db
def test_an_item_cannot_be_added_or_moved_to_another_village_in_the_admin(admin_client, item, village_b):
    assert admin_client.get("/admin/demands/demanditem/add/").status_code == 403
    response = admin_client.post(
        f"/admin/demands/demanditem/{item.pk}/change/", change_form_data(item, village=village_b.pk)
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.village_id != village_b.pk  # who sees and works an item is not changed behind the loop
