"""The org aggregates are cached briefly, and any write to what they count shows at once."""

import pytest
from django.core.cache import cache

from dashboard import caching
from demands.models import DemandItem
from tests.dashboard import factories as f

pytestmark = pytest.mark.django_db


def supervision_count(client):
    html = client.get("/").content.decode()
    return int(html.split('id="supervision-count">', 1)[1].split("<", 1)[0])


def test_a_second_request_is_served_from_the_cache(world, client_for, org_user, django_assert_max_num_queries):
    client = client_for(org_user)
    client.get("/")
    with django_assert_max_num_queries(8):
        client.get("/")


def test_saving_or_deleting_an_item_invalidates_the_cached_figures(world, client_for, org_user, village_a):
    client = client_for(org_user)
    assert supervision_count(client) == 3
    item = f.make_item(world.r_cur, village_a, world.cats.health, "accepted", submitted_on=world.M, due=world.M)
    assert supervision_count(client) == 4
    item.status = DemandItem.Status.RESOLVED
    item.save()
    assert supervision_count(client) == 3
    world.items.d4.delete()
    assert supervision_count(client) == 2


def test_each_scope_and_filter_has_its_own_entry(world, client_for, org_user, township_a_user):
    assert supervision_count(client_for(org_user)) == 3
    assert supervision_count(client_for(township_a_user)) == 1
    assert supervision_count(client_for(org_user)) == 3


def test_a_lost_version_key_starts_a_fresh_version(world):
    cache.delete(caching.VERSION_KEY)
    caching.bump_version()
    first = caching.current_version()
    caching.bump_version()
    assert caching.current_version() == first + 1
