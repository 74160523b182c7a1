"""Deleting a resource: a matched one is kept as inactive (the demand still shows what was matched),
an unmatched one is gone. The rule lives in demands.services.lists.resource_delete."""

import pytest

from demands.models import ResourceItem
from demands.services.lists import resource_delete
from tests.demands.factories import DemandItemFactory, ResourceCategoryFactory, ResourceItemFactory


@pytest.fixture
def resource(secretary):
    return ResourceItemFactory(secretary=secretary, category=ResourceCategoryFactory(name="技术指导"), title="果树修剪")


def test_an_unmatched_resource_is_deleted(resource):
    assert resource_delete(resource) is True
    assert not ResourceItem.objects.filter(pk=resource.pk).exists()


def test_a_matched_resource_is_only_made_inactive_and_the_demand_keeps_it(resource, village_a):
    demand = DemandItemFactory(village=village_a, matched_resource=resource)

    assert resource_delete(resource) is False

    resource.refresh_from_db()
    demand.refresh_from_db()
    assert resource.active is False and demand.matched_resource_id == resource.pk


def test_the_secretary_deleting_through_the_page_is_told_which_happened(resource, secretary, village_a, client_for):
    client = client_for(secretary.user)
    matched = ResourceItemFactory(secretary=secretary, category=resource.category, title="农机")
    DemandItemFactory(village=village_a, matched_resource=matched)

    kept = client.post(f"/demands/resources/{matched.pk}/delete/", follow=True).content.decode()
    gone = client.post(f"/demands/resources/{resource.pk}/delete/", follow=True).content.decode()

    assert "该资源已对接需求，已改为“无效”而不是删除。" in kept
    assert "资源已删除。" in gone
    assert list(ResourceItem.objects.values_list("pk", "active")) == [(matched.pk, False)]
