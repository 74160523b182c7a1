"""The outbox (core.tasks.enqueue_on_commit, issue 15 point 2): a task a write asks for is recorded
in the write's transaction, published after the commit, and, when the broker cannot take it,
sent by the sweep once the broker is back. The fault test runs against the project's own
redis-server on a free port (tests/test_faults.py), never the machine's."""

import time

import pytest
import redis
from django.db import transaction

from core.models import OutboxTask
from core.tasks import OUTBOX_GRACE_SECONDS, enqueue_on_commit, send_outbox
from notices.services import notify


def refill_signature(station_ids):
    from celery import current_app

    return current_app.signature(
        "stations.tasks.extend_roster", kwargs={"station_ids": station_ids, "start": "2026-12-07", "end": "2026-12-13"}
    )


def test_a_rolled_back_write_leaves_no_task_behind(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(refill_signature([1]))
        raise RuntimeError("the write failed")
    assert not OutboxTask.objects.exists()


def test_a_committed_write_publishes_its_task_and_empties_the_outbox(
    township_a_user, django_capture_on_commit_callbacks, mailoutbox
):
    """Eager in the tests: published means run, here the e-mail of a notice."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        (notice,) = notify([township_a_user], "请审核十渡镇的需求清单", email=True)
        assert OutboxTask.objects.get().name == "notices.tasks.deliver_notices"
    assert not OutboxTask.objects.exists()
    notice.refresh_from_db()
    assert notice.emailed_at is not None and not notice.email_pending
    assert [m.subject for m in mailoutbox] == ["[第一书记组团服务平台] 请审核十渡镇的需求清单"]


@pytest.fixture
def app_on(own_redis):
    """The project's Celery app publishing to our own Redis (not eager), restored afterwards."""
    from config.celery import app

    saved = app.conf.broker_write_url, app.conf.task_always_eager
    # broker_write_url: a CELERY_BROKER_URL in the environment wins over broker_url
    app.conf.broker_write_url, app.conf.task_always_eager = own_redis.url, False
    app._pool, app.amqp._producer_pool = None, None
    try:
        yield app
    finally:
        app.conf.broker_write_url, app.conf.task_always_eager = saved
        app._pool, app.amqp._producer_pool = None, None


@pytest.mark.services
def test_a_task_written_while_the_broker_is_down_is_sent_once_when_it_is_back(
    app_on, own_redis, station, django_capture_on_commit_callbacks, caplog
):
    queue = redis.Redis.from_url(own_redis.url)
    own_redis.stop()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue_on_commit(refill_signature([station.pk]))
    row = OutboxTask.objects.get()  # the write stands, its task waits in the database
    assert row.attempts == 1 and row.last_error
    assert "暂存于待发送任务表" in caplog.text

    assert send_outbox() == 0  # too young: still its commit hook's (and the broker is down)
    OutboxTask.objects.update(created_at=row.created_at.replace(year=2000))
    assert send_outbox() == 0  # the broker is still down: kept
    assert OutboxTask.objects.get().attempts == 2

    own_redis.restart()
    assert send_outbox() == 1
    assert not OutboxTask.objects.exists()
    assert send_outbox() == 0  # once
    deadline = time.monotonic() + 5
    while queue.llen("celery") == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert queue.llen("celery") == 1  # exactly one message reached the broker


def test_the_sweep_leaves_young_rows_to_their_commit_hook(db):
    OutboxTask.objects.create(name="stations.tasks.extend_roster", args=[], kwargs={})
    assert OUTBOX_GRACE_SECONDS > 0
    assert send_outbox() == 0
    assert OutboxTask.objects.count() == 1
