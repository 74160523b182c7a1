"""The teams' beat jobs end-to-end through a real Celery worker on Redis (PostgreSQL + Redis pass)."""

from datetime import date
from decimal import Decimal

import pytest

from notices.models import Notice
from teams.models import Meeting, RankingSnapshot
from teams.tasks import freeze_last_month_ranking, pick_next_meeting_host
from tests.celery_worker import wait_for
from tests.teams.factories import ActivityFactory


@pytest.mark.services
def test_a_real_worker_freezes_last_month_once_and_picks_next_months_host_once(
    transactional_db, celery_worker_process, district, team, secretary
):
    march = ActivityFactory(team=team, kind="红色党课", date=date(2026, 3, 10), people_reached=50)
    march.participants.add(secretary)

    freeze_last_month_ranking.apply_async(kwargs={"today": "2026-04-01"})

    snapshot = wait_for(lambda: RankingSnapshot.objects.filter(district=district, month=date(2026, 3, 1)).first(), 60)
    red = snapshot.data["teams"][0]
    # 红色党课 5 + 0.1 × 50 people reached = 10 points, explained line by line.
    assert (red["name"], Decimal(red["total"])) == ("红色先锋", Decimal("10.00"))
    assert [line["label"] for line in red["lines"]] == ["开展红色党课活动（每场）", "服务群众（每人次）"]
    assert snapshot.data["secretaries"][0]["name"] == "王建国"

    # Later edits and a second run (a retry, a second beat) do not rewrite the frozen month.
    march.people_reached = 500
    march.save()
    freeze_last_month_ranking.apply_async(kwargs={"today": "2026-04-02"})
    # The solo worker takes tasks in queue order: once the host pick queued after it has left its
    # mark, the second freeze has run too.
    pick_next_meeting_host.apply_async(kwargs={"today": "2026-04-20"})
    meeting = wait_for(lambda: Meeting.objects.filter(team=team, month=date(2026, 5, 1)).first(), 60)

    assert RankingSnapshot.objects.filter(month=date(2026, 3, 1)).count() == 1
    assert RankingSnapshot.objects.get(month=date(2026, 3, 1)).data == snapshot.data
    assert meeting.host == secretary and meeting.date == date(2026, 5, 15) and meeting.kind == "联席会议"
    assert wait_for(lambda: Notice.objects.filter(kind="teams.host", recipient=secretary.user).exists(), 60)

    pick_next_meeting_host.apply_async(kwargs={"today": "2026-04-21"})
    freeze_last_month_ranking.apply_async(kwargs={"today": "2026-05-01"})
    assert wait_for(lambda: RankingSnapshot.objects.filter(month=date(2026, 4, 1)).exists(), 60)
    assert Meeting.objects.filter(team=team, month=date(2026, 5, 1)).count() == 1
    assert Notice.objects.filter(kind="teams.host").count() == 1
