"""Issue 14 point 14: nothing answered to a logged-in user (pages, JSON, files) is kept by a
browser cache or a proxy; anonymous answers keep their own caching."""

import pytest

from tests.demands.factories import DemandItemFactory


def no_store(response):
    parts = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= parts and "public" not in parts


@pytest.mark.django_db
def test_pages_json_and_files_for_a_login_are_not_stored(client_for, org_user, secretary, village_a):
    item = DemandItemFactory(village=village_a)
    client = client_for(org_user)
    for url in (
        f"/secretaries/{secretary.pk}/",  # a page with a phone number
        f"/demands/items/{item.pk}/candidates.json",  # JSON
        "/demands/cobuild/export.xlsx",  # a file
        "/notices/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert no_store(response), (url, response.get("Cache-Control"))


@pytest.mark.django_db
def test_an_anonymous_answer_is_not_marked(client):
    response = client.get("/secretaries/")  # the redirect to the login page
    assert response.status_code == 302
    assert "no-store" not in response.get("Cache-Control", "")
