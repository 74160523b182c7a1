"""Issue 15 point 4: beat and the workers are watched. Beat's minute job stores its time in the
database; /healthz (for the department) and the status page show beat's age, live workers, the
queue, the oldest unsent notice and the outbox; the department is told once per silent spell and
day when beat has been quiet for BEAT_SILENCE_MINUTES. The real worker's part (its heartbeat
thread, its own check) is in tests/test_worker_faults.py."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import Heartbeat, OutboxTask
from core.tasks import BEAT_HEARTBEAT, beat_tick, record_heartbeat
from dashboard import monitoring
from dashboard.templatetags.monitoring_tags import duration
from notices.models import Notice
from tests.walk import walk


@pytest.fixture(autouse=True)
def web_check_due(monkeypatch):
    monkeypatch.setattr(monitoring, "_last_web_check", 0.0)  # each test's first request checks


def beat_silent_for(minutes):
    Heartbeat.objects.update_or_create(
        name=BEAT_HEARTBEAT, defaults={"at": timezone.now() - timedelta(minutes=minutes)}
    )


def silence_notices():
    return Notice.objects.filter(kind="beat_silent")


def test_the_beat_tick_stores_its_time_in_the_database(db):
    beat_tick.delay()
    tick = Heartbeat.objects.get(name=BEAT_HEARTBEAT)
    assert timezone.now() - tick.at < timedelta(seconds=5)


def test_the_department_is_told_once_when_beat_is_silent(org_user, township_a_user):
    beat_silent_for(16)
    (notice,) = monitoring.check_beat_silence()
    assert notice.recipient == org_user  # the department only
    assert notice.title == "定时任务服务（beat）已 16 分钟没有运行"
    assert notice.url == "/system/status/" and notice.email_pending
    assert monitoring.check_beat_silence() == []  # the worker's and the web's checks agree: one
    assert silence_notices().count() == 1


def test_a_silence_that_lasts_into_the_next_day_is_told_again(org_user):
    beat_silent_for(60 * 20)
    monitoring.check_beat_silence()
    monitoring.check_beat_silence(now=timezone.now() + timedelta(days=1))
    assert silence_notices().count() == 2


def test_a_ticking_beat_tells_nobody(org_user):
    beat_silent_for(14)
    assert monitoring.check_beat_silence() == []
    record_heartbeat(BEAT_HEARTBEAT)
    assert monitoring.check_beat_silence(now=timezone.now() + timedelta(minutes=14)) == []
    assert not silence_notices().exists()


def test_a_beat_never_seen_is_watched_from_the_first_check(org_user):
    assert monitoring.check_beat_silence() == []
    assert Heartbeat.objects.filter(name=BEAT_HEARTBEAT).exists()
    assert len(monitoring.check_beat_silence(now=timezone.now() + timedelta(minutes=16))) == 1


def test_healthz_calls_make_the_check_when_beat_is_dead(client, org_user):
    """Beat cannot report its own death: the load balancer's /healthz calls check, at most once a
    MONITOR_INTERVAL_SECONDS per process."""
    beat_silent_for(30)
    assert client.get("/healthz").json() == {"status": "ok"}  # anonymous: ok or fail only
    assert silence_notices().get().recipient == org_user
    client.get("/healthz")
    assert silence_notices().count() == 1


def test_healthz_shows_the_department_the_background(client_for, org_user, township_a_user):
    record_heartbeat(BEAT_HEARTBEAT)
    record_heartbeat(f"{monitoring.WORKER_PREFIX}w1@web1")
    Heartbeat.objects.create(name=f"{monitoring.WORKER_PREFIX}gone@web2", at=timezone.now() - timedelta(hours=1))
    old = Notice.objects.create(recipient=township_a_user, title="旧通知", email_pending=True)
    Notice.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=42))
    Notice.objects.create(recipient=township_a_user, title="新通知", sms_pending=True)
    Notice.objects.create(recipient=township_a_user, title="已发", emailed_at=timezone.now())
    OutboxTask.objects.create(name="notices.tasks.deliver_notices", args=[[old.pk]])

    body = client_for(org_user).get("/healthz").json()
    assert body["beat"]["ok"] is True and body["beat"]["age_seconds"] < 5
    assert body["workers"] == {"ok": True, "alive": ["w1@web1"], "count": 1}
    assert body["notices"]["unsent"] == 2 and 42 * 60 <= body["notices"]["oldest_age_seconds"] < 43 * 60
    assert body["outbox"]["size"] == 1
    assert body["queue"]["ok"] is True and isinstance(body["queue"]["length"], int)
    assert client_for(township_a_user).get("/healthz").json() == {"status": "ok"}


def test_healthz_flags_a_silent_beat_and_no_workers_without_failing(client_for, org_user):
    """A dead beat is the department's to know, not a reason for the load balancer to drop the web."""
    beat_silent_for(20)
    response = client_for(org_user).get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["beat"]["ok"] is False and body["beat"]["age_seconds"] >= 20 * 60
    assert body["workers"] == {"ok": False, "alive": [], "count": 0}


def test_the_status_page_shows_the_department_the_background(client_for, org_user):
    beat_silent_for(20)
    page = client_for(org_user).get("/system/status/").content.decode()
    assert "系统运行状态" in page
    assert "20 分 0 秒前" in page or "20 分 1 秒前" in page
    assert "在线的任务进程（worker）</th>\n      <td>0 个" in page


def test_only_the_department_opens_the_status_page(client_for, people):
    assert walk(client_for, people, "/system/status/", {"org": 200}, default=403) == []


@pytest.mark.parametrize(
    "seconds,text", [(0, "0 秒"), (59, "59 秒"), (200, "3 分 20 秒"), (7500, "2 小时 5 分"), (273600, "3 天 4 小时")]
)
def test_ages_read_as_people_say_them(seconds, text):
    assert duration(seconds) == text
