"""The home page is a to-do list with buttons, for every role: each row says where the task
stands and offers the one button that does it (dashboard/todos.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from demands.models import DemandItem, Submission
from notices.models import Notice
from stations.models import DutyShift, SwapRequest
from tests.dashboard import factories as f

pytestmark = pytest.mark.django_db


def todo_row(html, key):
    """The HTML of the to-do row `key` (id="todo-<key>"), or '' when the page has none."""
    marker = f'id="todo-{key}"'
    if marker not in html:
        return ""
    return html.split(marker, 1)[1].split("</li>", 1)[0]


def home(client_for, user):
    response = client_for(user).get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_secretary_with_a_draft_past_the_deadline_gets_one_button_to_the_list(world, client_for, secretary):
    draft = Submission.objects.get(round=world.r_cur, village=secretary.village)
    Submission.objects.filter(pk=draft.pk).update(status="draft", submitted_at=None)
    html = home(client_for, secretary.user)
    row = todo_row(html, "list")
    assert "填报本轮清单" in row
    assert "草稿未报送" in row and "已过截止日期" in row  # the world's deadline was last month
    assert f'href="/demands/submissions/{draft.pk}/"' in row  # one tap, straight to the list
    assert row.startswith(' data-tone="urgent"')


def test_a_secretary_without_a_list_yet_is_sent_to_my_list_with_the_days_left(world, client_for, secretary):
    Submission.objects.filter(round=world.r_cur, village=secretary.village).delete()
    world.r_cur.deadline = timezone.localdate() + timedelta(days=3)
    world.r_cur.save()
    row = todo_row(home(client_for, secretary.user), "list")
    assert "尚未填报" in row and "还剩 3 天" in row
    assert 'href="/demands/my-list/"' in row


def test_a_secretary_whose_list_was_sent_sees_it_done_and_a_returned_one_sees_the_reason(world, client_for, secretary):
    row = todo_row(home(client_for, secretary.user), "list")
    assert "已报送" in row and "查看本轮清单" in row and "草稿未报送" not in row
    Submission.objects.filter(round=world.r_cur, village=secretary.village).update(
        status="returned", return_reason="请补充联系人电话。"
    )
    row = todo_row(home(client_for, secretary.user), "list")
    assert "已退回（请补充联系人电话）" in row and "修改后重新报送" in row
    assert "。）" not in row


def test_a_secretary_records_an_activity_from_home_and_sees_work_waiting(world, client_for, secretary):
    DemandItem.objects.filter(pk=world.items.d3.pk).update(assignee_secretary=secretary, assignee_kind="secretary")
    html = home(client_for, secretary.user)
    activity = todo_row(html, "activity")
    assert 'href="/teams/activities/new/"' in activity and "红色先锋最近一次活动" in activity
    work = todo_row(html, "mine")
    assert "待我办理" in work and "1 件，其中逾期 1 件" in work and 'href="/demands/queue/?tab=mine"' in work
    # The queue's tab has the same name and the same item.
    queue = client_for(secretary.user).get("/demands/queue/?tab=mine").content.decode()
    assert "待我办理" in queue and world.items.d3.title in queue


def test_a_secretary_not_in_a_team_is_told_why_there_is_no_activity_button(world, client_for, secretary_b):
    DutyShift.objects.filter(secretary=secretary_b).delete()
    world.team2.memberships.all().delete()
    row = todo_row(home(client_for, secretary_b.user), "activity")
    assert "尚未加入先锋队" in row and "href" not in row


def test_a_secretary_on_duty_today_checks_in_from_home_with_one_tap(world, client_for, secretary, station):
    DutyShift.objects.filter(secretary=secretary, date=world.today).delete()
    shift = f.shift(station, secretary, world.today, "scheduled")
    client = client_for(secretary.user)
    row = todo_row(client.get("/").content.decode(), "checkin")
    assert "今日值班签到" in row and "尚未签到" in row
    assert f'action="/stations/shifts/{shift.pk}/check-in/"' in row and 'method="post"' in row
    client.post(f"/stations/shifts/{shift.pk}/check-in/")
    shift.refresh_from_db()
    assert shift.check_in_at is not None
    row = todo_row(client.get("/").content.decode(), "checkin")
    assert "已签到" in row and f'action="/stations/shifts/{shift.pk}/check-out/"' in row
    # ... and the shift says 已签到, not the week's 已确认.
    page = client.get(f"/stations/shifts/{shift.pk}/").content.decode()
    assert "已签到" in page and "已确认" not in page


def test_a_secretary_without_a_shift_today_has_no_check_in_row(world, client_for, secretary):
    DutyShift.objects.filter(secretary=secretary, date=world.today).delete()
    assert todo_row(home(client_for, secretary.user), "checkin") == ""


def test_a_station_manager_sees_today_swaps_to_approve_and_station_work(
    world, client_for, station_manager_user, station, secretary, secretary_b
):
    today = timezone.localdate()
    DutyShift.objects.filter(date=today).delete()
    f.shift(station, secretary, today, "confirmed")
    later = f.shift(station, secretary, today + timedelta(days=14), "scheduled")
    SwapRequest.objects.create(shift=later, to_secretary=secretary_b, status=SwapRequest.Status.ACCEPTED)
    html = home(client_for, station_manager_user)
    duty = todo_row(html, "duty")
    assert "1 人值班，已签到 0 人，1 人尚未签到" in duty and f'href="/stations/{station.pk}/"' in duty
    swaps = todo_row(html, "swaps")
    assert "待审批的调班" in swaps and ">1<" in swaps and 'href="/stations/swaps/"' in swaps
    assert "服务站承办" in todo_row(html, "station")


def test_township_staff_see_lists_to_review_and_duty_today_for_their_township_only(
    world, client_for, township_a_user, township_b_user
):
    # Township A: 六渡村 sent (submitted), 西庄村 sent late (submitted), 东庄村 draft -> 2 to review.
    row = todo_row(home(client_for, township_a_user), "review")
    assert "2 个村的清单已报送" in row and f'href="/demands/rounds/{world.r_cur.pk}/"' in row
    # Township B: 黑龙关村 accepted, 北窖村 returned -> nothing to review.
    row_b = todo_row(home(client_for, township_b_user), "review")
    assert "没有待审核的清单" in row_b
    assert "待审批的调班" not in home(client_for, township_a_user)  # stations approve, not townships


def test_the_department_sees_overdue_from_its_dashboard_and_swaps_waiting(world, client_for, org_user):
    html = home(client_for, org_user)
    overdue = todo_row(html, "overdue")
    shown = html.split('id="supervision-count">', 1)[1].split("<", 1)[0]
    assert f"{shown} 件需求已过办理期限" in overdue  # the same figure as the dashboard's
    assert 'href="/demands/queue/?tab=to_accept"' in todo_row(html, "to_accept")
    assert "2 个村的清单已报送" in todo_row(html, "review")  # 六渡村 and 西庄村
    assert todo_row(html, "swaps")


def test_unread_notices_show_beside_the_phone_menu_toggler(world, client_for, secretary):
    Notice.objects.create(recipient=secretary.user, title="一条通知")
    html = home(client_for, secretary.user)
    before_toggler = html.split('class="navbar-toggler"', 1)[0]
    assert 'id="unread-count-phone"' in before_toggler and ">1<" in before_toggler


def test_a_checked_in_shift_reads_checked_in_on_every_roster_not_confirmed(
    world, client_for, org_user, station_manager_user, secretary, station
):
    DutyShift.objects.filter(secretary=secretary, date=world.today).delete()
    shift = f.shift(station, secretary, world.today, "confirmed")
    DutyShift.objects.filter(pk=shift.pk).update(check_in_at=timezone.now())
    for user in [org_user, station_manager_user]:
        roster = client_for(user).get("/").content.decode().split('id="roster"', 1)[1].split("</table>", 1)[0]
        assert "已签到" in roster and "已确认" not in roster, user
    week = client_for(station_manager_user).get(f"/stations/{station.pk}/").content.decode()
    assert "已签到" in week
