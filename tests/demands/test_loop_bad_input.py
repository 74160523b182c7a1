"""Bad input and URL guessing on every page, JSON endpoint, export and step of the loop:
malformed or huge ids, bad filter values, tampered posts naming another district's items,
assignees or resources, bad task arguments. Always a clear answer, never a 500, nothing changed."""

import pytest

from demands.models import DemandItem
from demands.services import loop
from demands.tasks import flag_supervision, send_supervision_digest
from secretaries.models import StaffProfile
from stations.models import ServiceStation
from teams.models import PioneerTeam
from tests.demands.factories import DemandCategoryFactory, DemandItemFactory, ResourceItemFactory
from tests.factories import DistrictFactory, SecretaryFactory, TownshipFactory, UserFactory, VillageFactory

HUGE = "99999999999999999999999"  # beyond any integer column


@pytest.fixture
def world(people, village_a, village_b, secretary, secretary_b, station, org_user, batch):
    category = DemandCategoryFactory(name="产业发展")
    item = DemandItemFactory(village=village_a, category=category, title="六渡村民宿改造")
    loop.accept(item, org_user)
    other_district = DistrictFactory(name="门头沟区")
    other_township = TownshipFactory(district=other_district, name="斋堂镇")
    other_village = VillageFactory(township=other_township, name="爨底下村")
    foreign_item = DemandItemFactory(village=other_village, category=category, title="古村落保护")
    foreign_secretary = SecretaryFactory(village=other_village, batch=batch, name="外区书记")
    foreign_org = UserFactory(username="mtg_org")
    StaffProfile.objects.create(user=foreign_org, role="org", district=other_district)
    return {
        "item": item,
        "foreign_item": foreign_item,
        "foreign_township": other_township,
        "foreign_secretary": foreign_secretary,
        "foreign_team": PioneerTeam.objects.create(district=other_district, name="外区先锋队"),
        "foreign_station": ServiceStation.objects.create(name="斋堂服务站", township=other_township),
        "foreign_org": foreign_org,
    }


@pytest.mark.parametrize(
    "url",
    [
        "/demands/items/{huge}/",
        "/demands/items/{huge}/candidates/",
        "/demands/items/{huge}/candidates.json",
        "/demands/items/0/",
        "/demands/items/abc/",
        "/demands/items/-1/candidates.json",
    ],
)
def test_malformed_or_huge_item_ids_are_not_found(url, world, client_for, org_user):
    assert client_for(org_user).get(url.format(huge=HUGE)).status_code == 404


@pytest.mark.parametrize("step", ["accept", "return", "dispatch", "merge", "progress", "resolve", "rate", "reopen"])
def test_steps_on_huge_or_foreign_ids_are_not_found_and_change_nothing(step, world, client_for, org_user):
    client = client_for(org_user)
    assert client.post(f"/demands/items/{HUGE}/{step}/", {}).status_code == 404
    foreign = world["foreign_item"]
    assert client.post(f"/demands/items/{foreign.pk}/{step}/", {"return-reason": "x"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == DemandItem.Status.SUBMITTED


def test_another_districts_org_department_finds_nothing_of_ours(world, client_for):
    client = client_for(world["foreign_org"])
    item = world["item"].pk
    for url in [
        f"/demands/items/{item}/",
        f"/demands/items/{item}/candidates/",
        f"/demands/items/{item}/candidates.json",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/demands/items/{item}/dispatch/", {"kind": "secretary", "assignee_id": 1}).status_code == 404
    for url in ["/demands/supervision/export.xlsx", "/demands/cobuild/export.xlsx"]:
        response = client.get(url)
        assert response.status_code == 200 and "六渡村" not in response.content.decode("latin-1")
    assert "六渡村民宿改造" not in client.get("/demands/queue/?tab=to_dispatch").content.decode()


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"kind": "secretary", "assignee_id": "abc"}, "承办方"),
        ({"kind": "secretary", "assignee_id": HUGE}, "承办方"),
        ({"kind": "robot", "assignee_id": "1"}, "承办方类型"),
        ({"kind": "secretary"}, "承办方"),
        ({"kind": "secretary", "assignee_id": "{secretary}", "due_date": "2020-01-01"}, "办理期限不能早于今天"),
        ({"kind": "secretary", "assignee_id": "{secretary}", "due_date": "明天"}, "办理期限"),
        ({"kind": "secretary", "assignee_id": "{secretary}", "resource_id": "{foreign_resource}"}, "不属于该承办方"),
        ({"kind": "secretary", "assignee_id": "{foreign_secretary}"}, "所选承办方不存在或不在本区"),
        ({"kind": "team", "assignee_id": "{foreign_team}"}, "所选承办方不存在或不在本区"),
        ({"kind": "station", "assignee_id": "{foreign_station}"}, "所选承办方不存在或不在本区"),
    ],
)
def test_tampered_dispatch_posts_are_refused_with_a_message(post, message, world, client_for, org_user, secretary):
    foreign_resource = ResourceItemFactory(secretary=world["foreign_secretary"])
    ids = {
        "secretary": secretary.pk,
        "foreign_secretary": world["foreign_secretary"].pk,
        "foreign_team": world["foreign_team"].pk,
        "foreign_station": world["foreign_station"].pk,
        "foreign_resource": foreign_resource.pk,
    }
    data = {key: str(value).format(**ids) for key, value in post.items()}
    item = world["item"]
    response = client_for(org_user).post(f"/demands/items/{item.pk}/dispatch/", data, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    item.refresh_from_db()
    assert (item.status, item.assignee_kind) == (DemandItem.Status.ACCEPTED, "")


@pytest.mark.parametrize("into", ["abc", HUGE, "0", "{foreign}", "{self}"])
def test_merging_into_a_bad_or_foreign_item_is_refused(into, world, client_for, org_user):
    item = world["item"]
    value = into.format(foreign=world["foreign_item"].pk, self=item.pk)
    response = client_for(org_user).post(f"/demands/items/{item.pk}/merge/", {"merge-into": value})
    assert response.status_code == 200
    assert 'id="form-merge"' in response.content.decode()
    item.refresh_from_db()
    assert item.status == DemandItem.Status.ACCEPTED and item.merged_into is None


def test_bad_rating_and_resolution_posts_show_the_form_again(
    world, client_for, org_user, secretary_b, secretary_b_user
):
    item = loop.dispatch(world["item"], org_user, kind="secretary", assignee_id=secretary_b.pk)
    client = client_for(secretary_b_user)
    for data, message in [
        ({"resolve-resolution": "", "resolve-funds_secured": "1"}, "请填写办理结果"),
        ({"resolve-resolution": "好", "resolve-funds_secured": "一万"}, "请填写金额"),
        ({"resolve-resolution": "好", "resolve-funds_secured": "-5"}, "resolve-funds_secured"),
        ({"resolve-resolution": "好", "resolve-resolved_on": "2999-01-01"}, "办结日期不能晚于今天"),
    ]:
        response = client.post(f"/demands/items/{item.pk}/resolve/", data)
        assert response.status_code == 200 and message in response.content.decode(), data
    item.refresh_from_db()
    assert item.status == DemandItem.Status.DISPATCHED


@pytest.mark.parametrize("rating", ["0", "6", "abc", ""])
def test_a_rating_outside_one_to_five_is_refused(
    rating, world, client_for, org_user, secretary_b, secretary_b_user, secretary_user
):
    item = loop.dispatch(world["item"], org_user, kind="secretary", assignee_id=secretary_b.pk)
    loop.resolve(item, secretary_b_user, resolution="已完成")
    response = client_for(secretary_user).post(f"/demands/items/{item.pk}/rate/", {"rate-rating": rating})
    assert response.status_code == 200 and "评" in response.content.decode()
    item.refresh_from_db()
    assert item.status == DemandItem.Status.RESOLVED and item.rating is None


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("min_days_overdue=abc", "逾期天数请填整数"),
        ("min_days_overdue=-3", "逾期天数不能为负数"),
        (f"min_days_overdue={HUGE}", "逾期天数不能超过 3650"),
        ("days=abc", None),  # an unknown parameter is ignored
        ("category=abc", "所选类别不存在"),
        ("reason=nope", "督导原因无效"),
        ("township=abc", "所选乡镇不存在"),
        (f"township={HUGE}", "所选乡镇不存在"),
        ("page=abc", None),
        ("page=99999", None),
    ],
)
def test_bad_supervision_filters_get_a_clear_message(query, message, world, client_for, org_user):
    client = client_for(org_user)
    response = client.get(f"/demands/supervision/?{query}")
    assert response.status_code == 200
    if message:
        assert message in response.content.decode()
    export = client.get(f"/demands/supervision/export.xlsx?{query}", follow=True)
    assert export.status_code == 200
    if message:
        assert "筛选条件有误" in export.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [("round=abc", "所选轮次不存在"), (f"round={HUGE}", "所选轮次不存在"), ("township=x", "所选乡镇不存在")],
)
def test_bad_cobuild_filters_get_a_clear_message(query, message, world, client_for, org_user):
    client = client_for(org_user)
    response = client.get(f"/demands/cobuild/?{query}")
    assert response.status_code == 200 and message in response.content.decode()
    export = client.get(f"/demands/cobuild/export.xlsx?{query}", follow=True)
    assert export.status_code == 200 and "筛选条件有误" in export.content.decode()


def test_a_foreign_township_or_round_in_a_filter_is_not_found(world, client_for, org_user):
    from datetime import date

    from demands.models import CollectionRound

    township = world["foreign_township"].pk
    foreign_round = CollectionRound.objects.create(
        district=world["foreign_township"].district,
        title="门头沟区 2026年11月",
        period_start=date(2026, 11, 1),
        period_end=date(2026, 12, 31),
        deadline=date(2026, 11, 15),
    )
    client = client_for(org_user)
    for url in [
        f"/demands/cobuild/?round={foreign_round.pk}",
        f"/demands/cobuild/export.xlsx?round={foreign_round.pk}",
        f"/demands/supervision/?township={township}",
        f"/demands/supervision/export.xlsx?township={township}",
        f"/demands/cobuild/?township={township}",
        f"/demands/cobuild/export.xlsx?township={township}",
    ]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("bad", ["2026-02-30", "tomorrow", "", 20261124, ["2026-11-24"], "2026-11-24T08:00"])
def test_bad_task_arguments_are_clear_errors(bad, db):
    for task in (flag_supervision, send_supervision_digest):
        with pytest.raises(ValueError, match="日期参数无效"):
            task(bad)
