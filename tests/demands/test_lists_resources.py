"""The resource list and the project list: who sees what, who may change what, and the buttons
agree with the permissions."""

import pytest

from demands.models import ProjectItem, ResourceItem, Submission
from demands.services.rounds import ensure_submissions
from tests.demands.factories import (
    CollectionRoundFactory,
    ProjectItemFactory,
    ResourceCategoryFactory,
    ResourceItemFactory,
)
from tests.factories import DispatchUnitFactory, SecretaryFactory


@pytest.fixture
def category(db):
    return ResourceCategoryFactory(name="技术指导")


@pytest.fixture
def resources(secretary, secretary_b, village_a2, batch, category):
    """secretary (王建国) and secretary_b (李红梅) share a dispatch unit; 赵志刚 is from another unit."""
    other = SecretaryFactory(
        name="赵志刚", village=village_a2, batch=batch, dispatch_unit=DispatchUnitFactory(name="北京市水务局")
    )
    return {
        "own": ResourceItemFactory(secretary=secretary, category=category, title="王的果树修剪"),
        "colleague_unit": ResourceItemFactory(
            secretary=secretary_b,
            category=category,
            title="单位的农机",
            source="unit",
            dispatch_unit=secretary_b.dispatch_unit,
        ),
        "colleague_personal": ResourceItemFactory(secretary=secretary_b, category=category, title="李的法律咨询"),
        "other_unit": ResourceItemFactory(
            secretary=other,
            category=category,
            title="水务局的水质检测",
            source="unit",
            dispatch_unit=other.dispatch_unit,
        ),
    }


def edit_links(html, resources):
    return {key for key, item in resources.items() if f"/demands/resources/{item.pk}/edit/" in html}


def test_edit_buttons_match_what_the_secretary_may_change(resources, secretary, client_for):
    client = client_for(secretary.user)
    html = client.get("/demands/resources/?all=1").content.decode()
    assert edit_links(html, resources) == {"own", "colleague_unit"}
    for key, item in resources.items():
        status = client.get(f"/demands/resources/{item.pk}/edit/").status_code
        assert status == (200 if key in {"own", "colleague_unit"} else 403), key


def test_department_may_change_every_resource_and_township_staff_none(resources, org_user, township_a_user, client_for):
    assert edit_links(client_for(org_user).get("/demands/resources/").content.decode(), resources) == set(resources)
    township = client_for(township_a_user)
    assert edit_links(township.get("/demands/resources/").content.decode(), resources) == set()
    assert township.get(f"/demands/resources/{resources['own'].pk}/edit/").status_code == 403


def test_a_unit_resource_without_a_secretary_is_listed_once(secretary, secretary_b, category, client_for):
    """The unit has two secretaries in the district; the scope reaches its resource through both."""
    ResourceItemFactory(
        secretary=None, source="unit", dispatch_unit=secretary.dispatch_unit, category=category, title="单位培训"
    )
    html = client_for(secretary.user).get("/demands/resources/?all=1").content.decode()
    assert html.count("单位培训") == 1


def test_secretary_cannot_delete_a_colleagues_personal_resource(resources, secretary, client_for):
    item = resources["colleague_personal"]
    assert client_for(secretary.user).post(f"/demands/resources/{item.pk}/delete/").status_code == 403
    assert ResourceItem.objects.filter(pk=item.pk).exists()


def test_secretary_creates_a_resource_that_belongs_to_them(secretary, category, client_for):
    response = client_for(secretary.user).post(
        "/demands/resources/new/",
        {"source": "unit", "category": category.pk, "title": "农技培训", "active": "on", "valid_until": "2027-06-30"},
    )
    assert response.status_code == 302
    item = ResourceItem.objects.get(title="农技培训")
    assert (item.secretary, item.dispatch_unit) == (secretary, secretary.dispatch_unit) and item.confirmed_at


@pytest.mark.parametrize("value", ["明年", "2027-13-45"])
def test_resource_form_refuses_a_bad_date_in_chinese(secretary, category, client_for, value):
    response = client_for(secretary.user).post(
        "/demands/resources/new/", {"source": "personal", "category": category.pk, "title": "x", "valid_until": value}
    )
    assert response.status_code == 200 and "输入一个有效的日期" in response.content.decode()
    assert not ResourceItem.objects.exists()


def test_confirming_resources_marks_the_round_and_the_items(district, village_a, resources, secretary, client_for):
    collection_round = CollectionRoundFactory(district=district)
    ensure_submissions(collection_round)
    response = client_for(secretary.user).post("/demands/resources/confirm/")
    assert response.status_code == 302
    assert Submission.objects.get(round=collection_round, village=village_a).resources_confirmed_at
    confirmed = set(ResourceItem.objects.filter(confirmed_at__isnull=False).values_list("title", flat=True))
    assert confirmed == {"王的果树修剪", "单位的农机"}


def test_township_b_cannot_edit_township_a_project_by_url(village_a, secretary, township_b_user, client_for):
    project = ProjectItemFactory(title="六渡村民宿提升", villages=[village_a], lead_secretary=secretary)
    client = client_for(township_b_user)
    assert client.get(f"/demands/projects/{project.pk}/edit/").status_code == 404
    assert client.post(f"/demands/projects/{project.pk}/edit/", {"title": "改名", "status": "done"}).status_code == 404
    assert ProjectItem.objects.get(pk=project.pk).title == "六渡村民宿提升"
    assert "六渡村民宿提升" not in client.get("/demands/projects/").content.decode()


def test_project_form_refuses_a_village_outside_the_township(village_a, village_b, township_a_user, client_for):
    response = client_for(township_a_user).post(
        "/demands/projects/new/", {"title": "越界项目", "status": "planned", "villages": [village_b.pk], "progress": 0}
    )
    assert response.status_code == 200
    assert f"{village_b.pk} 不在可用的选项中" in response.content.decode()
    assert not ProjectItem.objects.exists()
