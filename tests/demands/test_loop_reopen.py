"""Reopening after a poor rating: the village asks from the rating form (or later, once per
rating), the dispatchers are told and decide; the service refuses a request on a good rating."""

import pytest

from demands.models import DemandEvent, DemandItem
from demands.services import loop
from notices.models import Notice
from tests.demands.factories import DemandCategoryFactory, DemandItemFactory

S = DemandItem.Status


@pytest.fixture
def resolved(village_a, org_user, secretary_b, secretary_b_user, settings):
    settings.SUPERVISION_POOR_RATING = 2
    item = DemandItemFactory(village=village_a, category=DemandCategoryFactory(name="基础设施建设"), title="修桥")
    loop.accept(item, org_user)
    loop.dispatch(item, org_user, kind="secretary", assignee_id=secretary_b.pk)
    return loop.resolve(item, secretary_b_user, resolution="桥已修好")


def reopen_notices(user):
    return Notice.objects.filter(recipient=user, title__startswith="申请重新办理").count()


def test_the_rater_asks_for_reopening_from_the_rating_form_and_the_org_department_hears_once(
    resolved, client_for, secretary_user, org_user, township_a_user, secretary_b_user
):
    client = client_for(secretary_user)
    page = client.get(f"/demands/items/{resolved.pk}/").content.decode()
    assert "不满意，申请重新办理" in page
    response = client.post(
        f"/demands/items/{resolved.pk}/rate/",
        {"rate-rating": "1", "rate-comment": "桥面仍有裂缝", "rate-request_reopen": "on"},
    )
    assert response.status_code == 302
    resolved.refresh_from_db()
    assert (resolved.status, resolved.rating) == (S.RATED, 1)
    assert loop.reopen_requested(resolved)
    assert reopen_notices(org_user) == 1
    assert reopen_notices(township_a_user) == 0  # townships may not dispatch by default
    assert reopen_notices(secretary_b_user) == 0
    event = DemandEvent.objects.filter(item=resolved).latest("pk")
    assert (event.action, event.actor, event.note) == ("request_reopen", secretary_user, "桥面仍有裂缝")
    # Asking again changes nothing and says why.
    again = client.post(f"/demands/items/{resolved.pk}/request_reopen/", {"request_reopen-note": "再次申请"})
    assert again.status_code == 200 and "已申请重新办理，请等待区委组织部处理" in again.content.decode()
    with pytest.raises(loop.TransitionError, match="已申请重新办理"):
        loop.request_reopen(resolved, secretary_user, "再次申请")
    assert reopen_notices(org_user) == 1


def test_the_org_queue_lists_the_request_and_the_item_page_offers_reopening(
    resolved, client_for, org_user, secretary_user
):
    loop.rate(resolved, secretary_user, rating=2, comment="还漏水", request_reopen=True)
    client = client_for(org_user)
    assert "修桥" in client.get("/demands/queue/?tab=to_reopen").content.decode()
    page = client.get(f"/demands/items/{resolved.pk}/").content.decode()
    assert 'id="reopen-requested"' in page and 'id="form-reopen"' in page
    assert client.post(f"/demands/items/{resolved.pk}/reopen/", {"reopen-note": "安排返工"}).status_code == 302
    resolved.refresh_from_db()
    assert (resolved.status, resolved.cycle) == (S.DISPATCHED, 1)
    client.get(f"/demands/items/{resolved.pk}/")  # shows the flash message
    assert "修桥" not in client.get("/demands/queue/?tab=to_reopen").content.decode()


def test_a_request_on_a_good_rating_is_refused_and_nothing_changes(resolved, client_for, township_a_user, org_user):
    response = client_for(township_a_user).post(
        f"/demands/items/{resolved.pk}/rate/", {"rate-rating": "4", "rate-request_reopen": "on"}
    )
    assert response.status_code == 200
    assert "只有评分 2 分及以下时才能申请重新办理" in response.content.decode()
    resolved.refresh_from_db()
    assert resolved.status == S.RESOLVED and resolved.rating is None
    with pytest.raises(loop.TransitionError, match="2 分及以下"):
        loop.rate(resolved, township_a_user, rating=3, request_reopen=True)
    resolved.refresh_from_db()
    assert resolved.status == S.RESOLVED and reopen_notices(org_user) == 0


def test_a_poor_rating_can_ask_for_reopening_later_once(resolved, secretary_user, township_a_user, org_user):
    resolved = loop.rate(resolved, secretary_user, rating=2)
    assert not loop.reopen_requested(resolved)
    assert "request_reopen" in loop.allowed_steps(resolved, township_a_user)
    assert "request_reopen" not in loop.allowed_steps(resolved, org_user)
    loop.request_reopen(resolved, township_a_user, "村民反映仍不能通行")
    resolved.refresh_from_db()
    assert loop.reopen_requested(resolved) and "request_reopen" not in loop.allowed_steps(resolved, secretary_user)
    assert reopen_notices(org_user) == 1


def test_townships_that_may_dispatch_hear_of_the_request(resolved, secretary_user, township_a_user, settings):
    settings.TOWNSHIP_MAY_DISPATCH = True
    loop.rate(resolved, secretary_user, rating=1, request_reopen=True)
    assert reopen_notices(township_a_user) == 1


def test_after_reopening_and_a_second_poor_rating_the_village_may_ask_again(
    resolved, secretary_user, org_user, secretary_b_user
):
    loop.rate(resolved, secretary_user, rating=1, request_reopen=True)
    loop.reopen(resolved, org_user, "返工")
    loop.resolve(resolved, secretary_b_user, resolution="返工完成")
    loop.rate(resolved, secretary_user, rating=2, request_reopen=True)
    assert reopen_notices(org_user) == 2
