"""A secretary's and a station manager's home: what to do today, and nothing of anyone else's."""

from datetime import timedelta

import pytest

from demands.models import DemandItem, Submission
from notices.models import Notice
from tests.dashboard import factories as f

pytestmark = pytest.mark.django_db


def test_secretary_home_shows_my_items_list_status_next_shift_team_and_notices(
    world, client_for, secretary, secretary_b, station
):
    items = world.items
    # 待我办理 is the work queue's tab: dispatched (or in progress) items the secretary works.
    DemandItem.objects.filter(pk__in=[items.d3.pk, items.d4.pk]).update(
        assignee_secretary=secretary, assignee_kind="secretary", status="dispatched"
    )
    DemandItem.objects.filter(pk=items.d10.pk).update(assignee_secretary=secretary_b)
    next_shift = f.shift(station, secretary, world.today + timedelta(days=8), "confirmed")
    Notice.objects.create(recipient=secretary.user, title="请按时报送需求清单")
    Notice.objects.create(recipient=secretary_b.user, title="别人的通知")

    html = client_for(secretary.user).get("/").content.decode()
    assert "我的工作台" in html
    assert "卫生室设备更新" in html and items.d3.title in html
    assert "校舍维修" not in html  # assigned to secretary_b
    assert "逾期 2" in html
    assert "本轮需求清单征集" in html and "已报送" in html
    upcoming = min(d for d in [world.this_week_shift.date, next_shift.date] if d >= world.today)
    shown = html.split('id="next-shift">', 1)[1].split("</p>", 1)[0]
    assert f"{upcoming.month}月{upcoming.day}日" in shown and "十渡镇乡村振兴服务站" in shown
    assert "红色先锋最新活动" in html and "法律咨询" in html
    assert "请按时报送需求清单" in html and "别人的通知" not in html


def test_secretary_home_says_when_the_village_has_not_submitted(world, client_for, secretary):
    Submission.objects.filter(round=world.r_cur, village=secretary.village).delete()
    html = client_for(secretary.user).get("/").content.decode()
    assert "尚未填报" in html


def test_station_manager_home_shows_the_week_gaps_and_items_received(world, client_for, station_manager_user, station):
    DemandItem.objects.filter(pk=world.items.d3.pk).update(station=station, channel="station")
    html = client_for(station_manager_user).get("/").content.decode()
    assert "十渡镇乡村振兴服务站" in html
    assert "王建国" in html  # this week's shift
    assert world.items.d3.title in html and "共 1 件" in html
    # One a week is needed; this week is filled, the next three are gaps.
    assert html.count("起的一周：应排 1 人，已排 0 人") == 3
    assert "佛子庄乡乡村振兴服务站" not in html


def test_a_login_without_a_role_gets_the_no_role_page(client_for, outsider_user):
    response = client_for(outsider_user).get("/")
    assert response.status_code == 403
    assert "尚未分配角色" in response.content.decode()


def test_a_township_home_with_an_open_round_and_no_items_yet_draws_empty_charts(
    district, village_a, township_a_user, client_for
):
    """Every chart without a single series (no category has an item yet) used to raise inside pygal."""
    from demands.services.rounds import ensure_submissions
    from tests.demands.factories import CollectionRoundFactory

    ensure_submissions(CollectionRoundFactory(district=district))
    response = client_for(township_a_user).get("/")
    assert response.status_code == 200
    assert "暂无数据" in response.content.decode()
