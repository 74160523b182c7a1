"""A township's liaison office runs the loop (Shiquan's 池河镇 联络办): one township switched on
(Township.runs_loop) takes the dispatchers' steps for its own villages, with the same steps, events
and supervision, while the other township stays with the department, which still may do everything."""

from datetime import timedelta

import pytest
from django.utils import timezone

from demands.models import DemandEvent, DemandItem, SupervisionFlag
from demands.services import loop, supervision
from notices.models import Notice
from tests.demands.factories import DemandCategoryFactory, DemandItemFactory

S = DemandItem.Status


@pytest.fixture
def items(township_a, village_a, village_b):
    township_a.runs_loop = True
    township_a.save()
    category = DemandCategoryFactory(name="产业发展")
    return {
        "a": DemandItemFactory(village=village_a, category=category, title="蚕桑技术指导"),
        "b": DemandItemFactory(village=village_b, category=category, title="道路硬化"),
    }


def test_the_township_that_runs_the_loop_accepts_and_dispatches_its_villages_items(
    items, client_for, township_a_user, secretary
):
    client = client_for(township_a_user)
    item = items["a"]
    assert client.post(f"/demands/items/{item.pk}/accept/", {"accept-note": "联络办已接单"}).status_code == 302
    response = client.post(f"/demands/items/{item.pk}/dispatch/", {"kind": "secretary", "assignee_id": secretary.pk})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.assignee_secretary) == (S.DISPATCHED, secretary)
    events = list(DemandEvent.objects.filter(item=item).order_by("pk").values_list("action", "actor", "to_status"))
    assert events[-2:] == [("accept", township_a_user.pk, S.ACCEPTED), ("dispatch", township_a_user.pk, S.DISPATCHED)]
    # Its queue offers the dispatchers' tabs.
    page = client.get("/demands/queue/").content.decode()
    assert "待接单" in page and "待派单" in page


def test_the_other_township_stays_with_the_department(items, client_for, township_b_user, org_user):
    item = items["b"]
    assert not loop.step_allowed("accept", item, township_b_user)
    with pytest.raises(loop.TransitionError, match="您无权对该需求进行“接单”操作"):
        loop.accept(item, township_b_user)
    client = client_for(township_b_user)
    response = client.post(f"/demands/items/{item.pk}/accept/", {"accept-note": ""})
    item.refresh_from_db()
    assert item.status == S.SUBMITTED and response.status_code in (200, 403)
    assert "待接单" not in client.get("/demands/queue/").content.decode()
    # The department accepts it, as before.
    assert loop.accept(item, org_user).status == S.ACCEPTED


def test_a_township_running_the_loop_cannot_touch_another_townships_items(items, township_a_user):
    with pytest.raises(loop.TransitionError):
        loop.accept(items["b"], township_a_user)
    assert items["b"].status == S.SUBMITTED


def test_the_department_still_may_take_every_step_in_the_township_run_township(items, org_user, secretary):
    item = loop.accept(items["a"], org_user)
    item = loop.dispatch(item, org_user, kind="secretary", assignee_id=secretary.pk)
    assert item.status == S.DISPATCHED
    assert "accept" in loop.allowed_steps(items["b"], org_user)


def test_reopen_requests_reach_the_township_that_runs_the_loop_and_not_the_other(
    items, township_a_user, township_b_user, org_user, secretary_user, secretary_b, secretary_b_user, settings
):
    settings.SUPERVISION_POOR_RATING = 2
    item = loop.accept(items["a"], township_a_user)
    loop.dispatch(item, township_a_user, kind="secretary", assignee_id=secretary_b.pk)
    loop.resolve(item, secretary_b_user, resolution="已培训")
    loop.rate(item, secretary_user, rating=1, request_reopen=True)

    def heard(user):
        return Notice.objects.filter(recipient=user, title__startswith="申请重新办理").count()

    assert (heard(township_a_user), heard(org_user), heard(township_b_user)) == (1, 1, 0)
    item = loop.reopen(item, township_a_user, "返工")
    assert item.status == S.DISPATCHED


def test_supervision_flags_a_township_dispatched_item_like_any_other(items, township_a_user, secretary):
    item = loop.accept(items["a"], township_a_user)
    loop.dispatch(item, township_a_user, kind="secretary", assignee_id=secretary.pk)
    DemandItem.objects.filter(pk=item.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    supervision.flag_items(timezone.localdate())
    assert SupervisionFlag.objects.filter(item=item, reason=SupervisionFlag.Reason.OVERDUE).exists()
