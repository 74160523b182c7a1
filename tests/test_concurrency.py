"""Optimistic concurrency (core/concurrency.py): two people open the same record's form; the first
saves; the second's save is refused with 该记录已被他人修改，请刷新后再改, nothing of it is saved
and the page shows the second person's input to copy. And a township user saving a project that
spans two townships keeps the other township's villages and demands."""

from html.parser import HTMLParser

import pytest

from core.concurrency import CONFLICT_MESSAGE
from demands.models import ProjectItem, ResourceItem
from secretaries.models import DispatchUnit, Secretary, Village
from tests.demands.factories import DemandItemFactory, ProjectItemFactory, ResourceItemFactory

pytestmark = pytest.mark.django_db


class FormValues(HTMLParser):
    """What a browser would post for the page's main form (the one with a record_version)."""

    def __init__(self):
        super().__init__()
        self.forms, self._select, self._textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append([])
        elif not self.forms or not attrs.get("name"):
            if tag == "option" and self._select and "selected" in attrs:
                self.forms[-1].append((self._select, attrs.get("value", "")))
            return
        elif tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file"):
                self.forms[-1].append((attrs["name"], attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.forms[-1].append((self._textarea, ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            name, text = self.forms[-1][-1]
            self.forms[-1][-1] = (name, text + data)


def opened(client, url):
    """The edit form as the browser got it: {name: [values]}."""
    parser = FormValues()
    parser.feed(client.get(url).content.decode())
    (form,) = [f for f in parser.forms if any(name == "record_version" for name, _ in f)]
    values = {}
    for name, value in form:
        values.setdefault(name, []).append(value)
    return values


def both_edit(url, first_client, second_client, field, first_value, second_value):
    """Both open the form, the first saves, then the second. The second's answer."""
    first, second = opened(first_client, url), opened(second_client, url)
    assert first["record_version"] == second["record_version"]
    response = first_client.post(url, {**first, field: first_value})
    assert response.status_code == 302, response.content.decode()[:2000]
    return second_client.post(url, {**second, field: second_value})


def assert_refused_with_input_kept(response, second_value):
    assert response.status_code == 200
    html = response.content.decode()
    assert CONFLICT_MESSAGE in html
    assert second_value in html  # the second person's input, there to copy


@pytest.fixture
def org_clients(org_user, client_for):
    return client_for(org_user), client_for(org_user)


def test_a_secretary_saved_meanwhile_refuses_the_stale_save_and_keeps_its_input(secretary, org_clients):
    response = both_edit(f"/secretaries/{secretary.pk}/edit/", *org_clients, "phone", "13911112222", "13933334444")
    assert_refused_with_input_kept(response, "13933334444")
    assert Secretary.objects.get(pk=secretary.pk).phone == "13911112222"


def test_a_village_saved_meanwhile_refuses_the_stale_save(village_a, org_clients):
    response = both_edit(
        f"/secretaries/villages/{village_a.pk}/edit/", *org_clients, "notes", "第一人的备注", "第二人的备注"
    )
    assert_refused_with_input_kept(response, "第二人的备注")
    assert Village.objects.get(pk=village_a.pk).notes == "第一人的备注"


def test_a_unit_saved_meanwhile_refuses_the_stale_save(unit, org_clients):
    response = both_edit(f"/secretaries/units/{unit.pk}/edit/", *org_clients, "name", "北京市农业局", "北京市农村局")
    assert_refused_with_input_kept(response, "北京市农村局")
    assert DispatchUnit.objects.get(pk=unit.pk).name == "北京市农业局"


def test_a_resource_saved_meanwhile_refuses_the_stale_save(secretary, client_for):
    resource = ResourceItemFactory(secretary=secretary, title="果树修剪")
    clients = client_for(secretary.user), client_for(secretary.user)
    response = both_edit(
        f"/demands/resources/{resource.pk}/edit/", *clients, "title", "果树修剪（春季）", "果树修剪（秋季）"
    )
    assert_refused_with_input_kept(response, "果树修剪（秋季）")
    assert ResourceItem.objects.get(pk=resource.pk).title == "果树修剪（春季）"


def test_a_project_saved_meanwhile_refuses_the_stale_save(village_a, township_a_user, org_user, client_for):
    project = ProjectItemFactory(title="民宿提升", villages=[village_a], progress=10)
    clients = client_for(org_user), client_for(township_a_user)
    response = both_edit(f"/demands/projects/{project.pk}/edit/", *clients, "title", "民宿提升一期", "民宿提升二期")
    assert_refused_with_input_kept(response, "民宿提升二期")
    assert ProjectItem.objects.get(pk=project.pk).title == "民宿提升一期"


def test_a_save_after_reopening_the_form_goes_through(secretary, org_user, client_for):
    url = f"/secretaries/{secretary.pk}/edit/"
    first, second = client_for(org_user), client_for(org_user)
    stale = opened(second, url)
    assert first.post(url, {**opened(first, url), "phone": "13911112222"}).status_code == 302
    assert CONFLICT_MESSAGE in second.post(url, {**stale, "phone": "13933334444"}).content.decode()
    # Refreshed: the form carries the new version, and the save goes through.
    assert second.post(url, {**opened(second, url), "phone": "13933334444"}).status_code == 302
    assert Secretary.objects.get(pk=secretary.pk).phone == "13933334444"


def test_a_township_user_saving_a_two_township_project_keeps_the_other_townships_villages_and_demands(
    village_a, village_b, township_a_user, client_for
):
    demand_a = DemandItemFactory(village=village_a, title="甲村需求")
    demand_b = DemandItemFactory(village=village_b, title="乙村需求")
    project = ProjectItemFactory(title="跨镇项目", villages=[village_a, village_b], progress=0)
    project.demands.set([demand_a, demand_b])
    client = client_for(township_a_user)
    url = f"/demands/projects/{project.pk}/edit/"
    form = opened(client, url)
    assert form["villages"] == [str(village_a.pk)]  # the other township's village is not offered
    assert client.post(url, {**form, "title": "跨镇项目（更名）"}).status_code == 302
    project.refresh_from_db()
    assert project.title == "跨镇项目（更名）"
    assert set(project.villages.all()) == {village_a, village_b}
    assert set(project.demands.all()) == {demand_a, demand_b}
