from datetime import UTC, date

import pytest

from notices.models import Notice
from stations.models import Unavailability
from teams.models import Meeting
from teams.services import choose_host, pick_meeting_host
from teams.tasks import freeze_last_month_ranking, pick_next_meeting_host
from tests.factories import SecretaryFactory, UserFactory, VillageFactory
from tests.teams.factories import MembershipFactory, TeamFactory


def make_team(district, township, batch, size):
    team = TeamFactory(district=district, name="为民先锋")
    people = []
    for i in range(size):
        person = SecretaryFactory(
            village=VillageFactory(township=township, name=f"轮值村{i}"),
            batch=batch,
            user=UserFactory(username=f"host{i}"),
        )
        MembershipFactory(team=team, secretary=person, joined=date(2025, 1, 1 + i))
        people.append(person)
    team.captain = people[0]
    team.save()
    return team, people


def test_every_member_hosts_once_before_anyone_hosts_twice(district, township_a, batch):
    team, people = make_team(district, township_a, batch, 4)

    hosts = [pick_meeting_host(team, date(2026, month, 1)).host_id for month in range(1, 9)]

    assert hosts[:4] == [p.pk for p in people]
    assert hosts[4:] == [p.pk for p in people]


def test_a_member_on_leave_on_the_meeting_day_is_skipped_and_hosts_later(district, township_a, batch):
    team, people = make_team(district, township_a, batch, 3)
    Unavailability.objects.create(secretary=people[0], start=date(2026, 1, 10), end=date(2026, 1, 20), reason="病假")

    january = pick_meeting_host(team, date(2026, 1, 1))
    february = pick_meeting_host(team, date(2026, 2, 1))

    assert january.host_id == people[1].pk
    assert february.host_id == people[0].pk


def test_picking_twice_for_one_month_changes_nothing_and_notifies_once(
    district, township_a, batch, django_capture_on_commit_callbacks
):
    team, people = make_team(district, township_a, batch, 3)

    with django_capture_on_commit_callbacks(execute=True):
        first = pick_next_meeting_host(today="2026-02-20")
    with django_capture_on_commit_callbacks(execute=True):
        second = pick_next_meeting_host(today="2026-02-21")

    assert len(first) == 1 and second == []
    meeting = Meeting.objects.get(team=team, month=date(2026, 3, 1))
    assert meeting.host == people[0] and meeting.date == date(2026, 3, 15)
    assert Notice.objects.filter(kind="teams.host").count() == 1  # host is the captain: one notice


def test_the_host_and_the_captain_are_both_notified(district, township_a, batch, django_capture_on_commit_callbacks):
    team, people = make_team(district, township_a, batch, 3)
    pick_meeting_host(team, date(2026, 1, 1), notify_people=False)

    with django_capture_on_commit_callbacks(execute=True):
        pick_next_meeting_host(today="2026-01-20")

    recipients = set(Notice.objects.filter(kind="teams.host").values_list("recipient_id", flat=True))
    assert recipients == {people[1].user_id, people[0].user_id}


def test_the_task_rejects_a_bad_date_with_a_clear_message():
    with pytest.raises(ValueError, match="日期参数"):
        pick_next_meeting_host(today="2026-13-01")


def test_choose_host_prefers_least_hosted_then_longest_ago():
    assert choose_host([1, 2, 3], {1: 2, 2: 1, 3: 1}, {2: date(2026, 5, 1), 3: date(2026, 2, 1)}, set()) == 3
    assert choose_host([1, 2], {}, {}, {1, 2}) is None


@pytest.mark.parametrize("task", [pick_next_meeting_host, freeze_last_month_ranking])
@pytest.mark.parametrize(
    "argument, message",
    [
        ("2026-13-01", "无效"),
        ("", "无效"),
        ("next month", "无效"),
        ("20260220", "无效"),  # fromisoformat would take it; the tasks ask for YYYY-MM-DD
        ("2026-W08-5", "无效"),
        (20260220, "应为 YYYY-MM-DD 格式的字符串"),
        (["2026-02-20"], "应为 YYYY-MM-DD 格式的字符串"),
        ("9999-12-31", "超出范围"),
        ("0001-01-01", "超出范围"),
    ],
)
def test_the_tasks_refuse_bad_dates_with_a_clear_message_and_change_nothing(team, task, argument, message):
    from teams.models import RankingSnapshot

    with pytest.raises(ValueError, match=message):
        task.delay(today=argument)  # through Celery (eager in tests), as beat would call it

    assert not Meeting.objects.exists() and not RankingSnapshot.objects.exists()


def test_without_a_date_the_tasks_use_todays_date_in_the_server_time_zone(team, monkeypatch):
    """Beat fires at 00:30 on the 1st in Asia/Shanghai, still the last day of the month in UTC."""
    from datetime import datetime

    from teams.models import RankingSnapshot

    shanghai_half_past_midnight = datetime(2026, 4, 30, 16, 30, tzinfo=UTC)  # 2026-05-01 00:30 +08:00
    monkeypatch.setattr("django.utils.timezone.now", lambda: shanghai_half_past_midnight)

    freeze_last_month_ranking()
    pick_next_meeting_host()

    assert list(RankingSnapshot.objects.values_list("month", flat=True)) == [date(2026, 4, 1)]
    assert list(Meeting.objects.values_list("month", flat=True)) == [date(2026, 6, 1)]


def test_a_datetime_argument_counts_in_the_server_time_zone(team):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from teams.models import RankingSnapshot

    freeze_last_month_ranking(today=datetime(2026, 4, 30, 16, 30, tzinfo=ZoneInfo("UTC")))

    assert list(RankingSnapshot.objects.values_list("month", flat=True)) == [date(2026, 4, 1)]
