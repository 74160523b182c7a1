"""Issue 15 with a real Celery worker (PostgreSQL + Redis pass): notices arrive exactly once at a
local SMTP sink when the worker, or only its pool child, is SIGKILLed half-way through a delivery
and comes back; and the worker's own heartbeat and beat watch.

Every process stopped here is one this test started, by its pid. The kill falls between two
messages (the sink holds its answer to the next MAIL command until the kill): a kill in the
instant between the server's '250' and the notice's UPDATE would send that one message twice, as
notices/delivery.py says; bench/faults.py kills at random moments and counts."""

import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from core.models import Heartbeat
from core.tasks import BEAT_HEARTBEAT, beat_tick
from dashboard.monitoring import WORKER_PREFIX
from notices import delivery
from notices.models import Notice
from notices.services import notify
from notices.tasks import sweep_unsent_notices
from tests.celery_worker import start_worker, stop_worker, wait_for, worker_env
from tests.factories import UserFactory
from tests.smtp_sink import SmtpSink

NOTICES = 30
KILLED_AFTER = 7  # messages that arrive before the kill


@pytest.fixture
def sink():
    server = SmtpSink()
    yield server
    server.stop()


@pytest.fixture
def villagers(celery_app_live):
    return [UserFactory(username=f"cunmin{i:02}", email=f"cunmin{i:02}@example.cn") for i in range(NOTICES)]


def mail_env(sink, **extra):
    return worker_env(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=sink.port,
        EMAIL_TIMEOUT=5,
        **extra,
    )


def open_round(villagers):
    """A round's opening in one transaction: 30 notices, one delivery task queued on commit."""
    with transaction.atomic():
        return [n.pk for n in notify(villagers, "2027年第1期需求清单征集已开启", kind="round_open")]


def pool_child(worker):
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def leases_and_sweep_delay_pass(ids):
    """What waiting does: the dead delivery's lease (CELERY_TASK_TIME_LIMIT + 60 s) and the sweep's
    SWEEP_AFTER run out. Only the clock is moved; the sweep below is the real job."""
    past = timezone.now() - delivery.SWEEP_AFTER - timedelta(seconds=1)
    Notice.objects.filter(pk__in=ids, delivering_until__isnull=False).update(delivering_until=past)
    Notice.objects.filter(pk__in=ids).update(created_at=past)


def assert_each_arrived_once(sink, villagers, ids):
    assert sink.per_recipient() == {u.email: 1 for u in villagers}
    assert not Notice.objects.filter(pk__in=ids, email_pending=True).exists()
    assert Notice.objects.filter(pk__in=ids, emailed_at__isnull=False).count() == NOTICES


@pytest.mark.services
def test_a_worker_killed_mid_delivery_sends_each_notice_once_after_its_restart(sink, villagers):
    env = mail_env(sink)
    sink.hold_after(KILLED_AFTER)
    worker = start_worker(env)
    try:
        ids = open_round(villagers)
        assert sink.holding.wait(60), "the delivery did not start"
        os.kill(worker.pid, signal.SIGKILL)  # the whole worker: a crash, a lost machine
        worker.wait(10)
    finally:
        stop_worker(worker)
    sink.release()
    assert sink.count() == KILLED_AFTER
    assert Notice.objects.filter(pk__in=ids, email_pending=True).count() == NOTICES - KILLED_AFTER

    leases_and_sweep_delay_pass(ids)
    worker = start_worker(env)  # the restarted worker: the task it held is not redelivered (visibility timeout)
    try:
        sweep_unsent_notices.delay()  # beat's 5-minute sweep
        wait_for(lambda: sink.count() >= NOTICES, timeout=60)
        sweep_unsent_notices.delay()  # a second sweep finds nothing left
        time.sleep(2)
    finally:
        stop_worker(worker)
    assert_each_arrived_once(sink, villagers, ids)


@pytest.mark.services
def test_a_pool_child_killed_mid_delivery_sends_each_notice_once(sink, villagers):
    """The out-of-memory killer's case: the child dies, the main process lives on, gives the task
    back to the queue (reject on worker lost) and a new child runs it again."""
    env = mail_env(sink)
    sink.hold_after(KILLED_AFTER)
    worker = start_worker(env, pool="prefork")
    try:
        ids = open_round(villagers)
        assert sink.holding.wait(60), "the delivery did not start"
        os.kill(pool_child(worker), signal.SIGKILL)
        sink.release()
        # The redelivered task sends the batch nobody held; the killed child's batch is leased.
        wait_for(lambda: sink.count() >= NOTICES - delivery.BATCH_SIZE + KILLED_AFTER, timeout=60)
        time.sleep(1)
        assert sink.count() == NOTICES - delivery.BATCH_SIZE + KILLED_AFTER
        leases_and_sweep_delay_pass(ids)
        sweep_unsent_notices.delay()
        wait_for(lambda: sink.count() >= NOTICES, timeout=60)
        sweep_unsent_notices.delay()
        time.sleep(2)
    finally:
        stop_worker(worker)
    assert_each_arrived_once(sink, villagers, ids)


@pytest.mark.services
def test_beat_ticks_and_worker_heartbeats_reach_healthz(celery_app_live, org_user, client_for):
    worker = start_worker(worker_env(MONITOR_INTERVAL_SECONDS=1), name="monitored@test")
    try:
        beat_tick.delay()  # what beat sends every minute
        wait_for(lambda: Heartbeat.objects.filter(name=BEAT_HEARTBEAT).exists())
        wait_for(lambda: Heartbeat.objects.filter(name=f"{WORKER_PREFIX}monitored@test").exists())
        body = client_for(org_user).get("/healthz").json()
        assert body["beat"]["ok"] is True and body["beat"]["age_seconds"] < 30
        assert "monitored@test" in body["workers"]["alive"]
        assert body["queue"] == {"ok": True, "length": 0}
    finally:
        stop_worker(worker)
    assert not Heartbeat.objects.filter(name=f"{WORKER_PREFIX}monitored@test").exists()  # a clean stop


@pytest.mark.services
def test_a_worker_tells_the_department_once_when_beat_is_silent(celery_app_live, org_user):
    """Beat is dead, so no beat-scheduled job can notice: the worker's own monitor thread does."""
    Heartbeat.objects.create(name=BEAT_HEARTBEAT, at=timezone.now() - timedelta(minutes=20))
    worker = start_worker(worker_env(MONITOR_INTERVAL_SECONDS=1))
    try:
        notice = wait_for(lambda: Notice.objects.filter(recipient=org_user, kind="beat_silent").first())
        time.sleep(3)  # three more checks
    finally:
        stop_worker(worker)
    assert "20 分钟没有运行" in notice.title
    assert Notice.objects.filter(kind="beat_silent").count() == 1
