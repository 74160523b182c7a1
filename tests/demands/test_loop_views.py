"""Pages of the loop: a URL walk of every URL as every role, scope by URL guessing (pages,
exports, JSON), the step forms, and the .xlsx exports' content."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from demands.models import DemandItem
from demands.services import loop
from demands.tasks import flag_supervision
from tests.demands.factories import DemandCategoryFactory, DemandItemFactory
from tests.walk import walk

EVERY_ROLE = {r: 200 for r in ["org", "township_a", "township_b", "secretary_a", "secretary_b", "station_manager"]}
OVERSEERS = {"org": 200, "township_a": 200, "township_b": 200, "station_manager": 200}
NO_ROLE = {"outsider": 403, "secretary_a": 403, "secretary_b": 403}


@pytest.fixture
def world(people, village_a, village_b, secretary, secretary_b, station):
    category = DemandCategoryFactory(name="产业发展")
    item_a = DemandItemFactory(village=village_a, category=category, title="六渡村民宿改造")
    item_b = DemandItemFactory(village=village_b, category=category, title="黑龙关村道路")
    return {"a": item_a, "b": item_b, "township_a": village_a.township, "township_b": village_b.township}


def cases(world):
    a, township_a = world["a"].pk, world["township_a"].pk
    item_viewers = {"org": 200, "township_a": 200, "secretary_a": 200, "station_manager": 200, "outsider": 403}
    dispatchers = {"org": 200, "township_a": 403, "secretary_a": 403, "station_manager": 403, "outsider": 403}
    return [
        ("/demands/queue/", {**EVERY_ROLE, "outsider": 403}),
        ("/demands/queue/?tab=nonsense", {**EVERY_ROLE, "outsider": 403}),
        (f"/demands/items/{a}/", item_viewers),
        (f"/demands/items/{a}/candidates/", dispatchers),
        (f"/demands/items/{a}/candidates.json", dispatchers),
        ("/demands/cobuild/", {**OVERSEERS, **NO_ROLE}),
        ("/demands/cobuild/export.xlsx", {**OVERSEERS, **NO_ROLE}),
        (f"/demands/cobuild/?township={township_a}", {**OVERSEERS, "township_b": 404, **NO_ROLE}),
        (f"/demands/cobuild/export.xlsx?township={township_a}", {**OVERSEERS, "township_b": 404, **NO_ROLE}),
        ("/demands/cobuild/?round=999999", {**OVERSEERS, **NO_ROLE}),  # names nothing: a form error
        ("/demands/supervision/", {**OVERSEERS, **NO_ROLE}),
        ("/demands/supervision/export.xlsx", {**OVERSEERS, **NO_ROLE}),
        (f"/demands/supervision/?township={township_a}", {**OVERSEERS, "township_b": 404, **NO_ROLE}),
        (f"/demands/supervision/export.xlsx?township={township_a}", {**OVERSEERS, "township_b": 404, **NO_ROLE}),
        ("/demands/supervision/?min_days_overdue=abc", {**OVERSEERS, **NO_ROLE}),
        ("/demands/items/999999/", {"outsider": 403}),
    ]


CASE_COUNT = 16


@pytest.mark.parametrize("index", range(CASE_COUNT))
def test_every_loop_url_answers_each_role_as_expected(index, world, client_for, people):
    all_cases = cases(world)
    assert len(all_cases) == CASE_COUNT
    url, expected = all_cases[index]
    assert walk(client_for, people, url, expected) == []


def test_posting_a_step_answers_each_role_as_expected(world, client_for, people):
    url = f"/demands/items/{world['a'].pk}/accept/"
    expected = {
        "org": 302,
        "township_a": 403,
        "secretary_a": 403,
        "station_manager": 403,
        "outsider": 403,
    }
    assert walk(client_for, people, url, expected, method="post") == []
    world["a"].refresh_from_db()
    assert world["a"].status == DemandItem.Status.ACCEPTED


def test_an_unknown_step_is_not_found(world, client_for, org_user):
    assert client_for(org_user).post(f"/demands/items/{world['a'].pk}/explode/").status_code == 404


def test_township_b_cannot_guess_its_way_to_township_a_items(world, client_for, township_b_user, org_user):
    client = client_for(township_b_user)
    a = world["a"].pk
    for url in [f"/demands/items/{a}/", f"/demands/items/{a}/candidates.json", f"/demands/items/{a}/candidates/"]:
        assert client.get(url).status_code == 404, url
    for step in ["accept", "return", "rate", "progress", "resolve", "merge", "reopen", "dispatch"]:
        assert client.post(f"/demands/items/{a}/{step}/", {"return-reason": "x"}).status_code == 404, step
    world["a"].refresh_from_db()
    assert world["a"].status == DemandItem.Status.SUBMITTED


def test_a_return_without_reason_shows_the_error_and_keeps_the_item(world, client_for, org_user):
    response = client_for(org_user).post(f"/demands/items/{world['a'].pk}/return/", {"return-reason": ""})
    assert response.status_code == 200
    assert "退回必须填写原因" in response.content.decode()
    world["a"].refresh_from_db()
    assert world["a"].status == DemandItem.Status.SUBMITTED


def test_an_illegal_step_shows_a_clear_message(world, client_for, org_user, secretary_user):
    loop.accept(world["a"], org_user)
    response = client_for(org_user).post(f"/demands/items/{world['a'].pk}/accept/", {"accept-note": ""})
    assert response.status_code == 200
    assert "当前状态为“已接单”，不能接单" in response.content.decode()


def test_one_click_dispatch_from_the_candidate_list(world, client_for, org_user, secretary):
    loop.accept(world["a"], org_user)
    client = client_for(org_user)
    page = client.get(f"/demands/items/{world['a'].pk}/candidates/").content.decode()
    assert "王建国" in page and "派单" in page
    response = client.post(
        f"/demands/items/{world['a'].pk}/dispatch/", {"kind": "secretary", "assignee_id": secretary.pk}
    )
    assert response.status_code == 302
    world["a"].refresh_from_db()
    assert world["a"].assignee_secretary == secretary and world["a"].due_date is not None


def test_a_bad_dispatch_target_returns_to_the_candidates_with_a_message(world, client_for, org_user):
    loop.accept(world["a"], org_user)
    response = client_for(org_user).post(
        f"/demands/items/{world['a'].pk}/dispatch/", {"kind": "secretary", "assignee_id": 999999}, follow=True
    )
    assert "所选承办方不存在或不在本区" in response.content.decode()
    world["a"].refresh_from_db()
    assert world["a"].status == DemandItem.Status.ACCEPTED


def test_candidates_json_lists_reasons(world, client_for, org_user, secretary):
    loop.accept(world["a"], org_user)
    data = client_for(org_user).get(f"/demands/items/{world['a'].pk}/candidates.json").json()
    first = next(c for c in data["candidates"] if c["name"] == "王建国")
    assert "同村" in first["reasons"]


def test_the_phone_forms_for_progress_and_resolution_work(world, client_for, org_user, secretary_b, secretary_b_user):
    item = loop.accept(world["a"], org_user)
    loop.dispatch(item, org_user, kind="secretary", assignee_id=secretary_b.pk)
    client = client_for(secretary_b_user)
    page = client.get(f"/demands/items/{item.pk}/").content.decode()
    assert 'id="form-progress"' in page and 'id="form-resolve"' in page
    client.post(f"/demands/items/{item.pk}/progress/", {"progress-note": "已对接设计院"})
    client.post(
        f"/demands/items/{item.pk}/resolve/",
        {"resolve-resolution": "完成改造 5 间", "resolve-funds_secured": "120000", "resolve-resolved_on": ""},
    )
    item.refresh_from_db()
    assert (item.status, item.funds_secured) == (DemandItem.Status.RESOLVED, 120000)
    timeline = client.get(f"/demands/items/{item.pk}/").content.decode()
    assert "已对接设计院" in timeline and "完成改造 5 间" in timeline


def _dispatched(item, org_user, secretary):
    loop.accept(item, org_user)
    return loop.dispatch(item, org_user, kind="secretary", assignee_id=secretary.pk)


def _sheet_rows(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_cobuild_export_holds_only_the_viewers_township(world, client_for, org_user, township_a_user, secretary):
    _dispatched(world["a"], org_user, secretary)
    _dispatched(world["b"], org_user, secretary)
    rows = _sheet_rows(client_for(township_a_user).get("/demands/cobuild/export.xlsx"))
    assert rows[0][:3] == ["序号", "乡镇", "村"]
    assert [row[5] for row in rows[1:]] == ["六渡村民宿改造"]
    org_rows = _sheet_rows(client_for(org_user).get(f"/demands/cobuild/export.xlsx?township={world['township_b'].pk}"))
    assert [row[5] for row in org_rows[1:]] == ["黑龙关村道路"]
    assert org_rows[1][8] == "王建国"


def test_supervision_list_filters_and_exports(world, client_for, org_user, township_b_user, secretary):
    _dispatched(world["a"], org_user, secretary)
    _dispatched(world["b"], org_user, secretary)
    DemandItem.objects.filter(pk=world["a"].pk).update(due_date=timezone.localdate() - timedelta(days=10))
    DemandItem.objects.filter(pk=world["b"].pk).update(due_date=timezone.localdate() - timedelta(days=2))
    flag_supervision()
    client = client_for(org_user)
    rows = _sheet_rows(client.get("/demands/supervision/export.xlsx?reason=overdue&min_days_overdue=5"))
    assert [(row[6], row[10]) for row in rows[1:]] == [("六渡村民宿改造", 10)]
    page = client.get("/demands/supervision/?assignee=王建").content.decode()
    assert "六渡村民宿改造" in page and "黑龙关村道路" in page
    mine = _sheet_rows(client_for(township_b_user).get("/demands/supervision/export.xlsx"))
    assert [row[6] for row in mine[1:]] == ["黑龙关村道路"]


def test_queue_shows_each_role_its_work(world, client_for, org_user, secretary_b, secretary_b_user, secretary_user):
    client = client_for(org_user)
    assert "六渡村民宿改造" in client.get("/demands/queue/?tab=to_accept").content.decode()
    item = _dispatched(world["a"], org_user, secretary_b)
    assert "六渡村民宿改造" in client_for(secretary_b_user).get("/demands/queue/?tab=mine").content.decode()
    assert "六渡村民宿改造" in client_for(secretary_user).get("/demands/queue/?tab=village").content.decode()
    assert item.status == DemandItem.Status.DISPATCHED


def test_the_item_page_names_each_step_as_the_lifecycle_table_does(world, client_for, org_user):
    from demands.lifecycle import STEPS

    html = client_for(org_user).get(f"/demands/items/{world['a'].pk}/").content.decode()
    for name in ["accept", "return", "merge"]:  # what the department may do with a submitted item
        step = STEPS[name]
        assert f'id="form-{name}"' in html
        assert f'<h3 class="h6">{step.heading}</h3>' in html
        colour = "btn-outline-danger" if step.sends_back else "btn-primary"
        assert f'class="btn {colour} w-100 w-sm-auto">{step.button}</button>' in html


def test_an_open_item_past_its_due_date_is_red_in_the_queue(world, client_for, org_user, secretary_b):
    item = _dispatched(world["a"], org_user, secretary_b)
    DemandItem.objects.filter(pk=item.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    late = 'class="text-danger fw-bold"'
    assert late in client_for(org_user).get("/demands/queue/?tab=open").content.decode()
    DemandItem.objects.filter(pk=item.pk).update(status=DemandItem.Status.RESOLVED)
    assert late not in client_for(org_user).get("/demands/queue/?tab=resolved").content.decode()
