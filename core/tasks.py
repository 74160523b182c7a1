"""Queue Celery work without letting the broker decide whether a user's write succeeds.

`enqueue_on_commit(task, ...)` records the task in the outbox (core.models.OutboxTask) inside the
caller's transaction, and publishes it once that transaction commits. When the broker is down or
frozen, publishing fails after its short timeouts (settings: the broker's connect and socket
timeouts, the publish retry policy): the write has committed, the failure is logged, and the
task waits in the outbox, in the database, until `send_outbox` (beat, every minute) finds the
broker back and sends it, once. A rolled-back write leaves no task behind.

`enqueue(task, ...)` publishes at once and only logs a broker error: for work that is found again
from the data anyway (a dashboard refresh, the notices sweep's redeliveries)."""

import logging
from datetime import timedelta

from celery import shared_task, signature
from django.db import InterfaceError, transaction
from django.db import OperationalError as DatabaseDown
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisDown
from redis.exceptions import TimeoutError as RedisTimeout

from core.models import Heartbeat, OutboxTask

logger = logging.getLogger(__name__)

# Errors that pass: the database, the broker or Redis unreachable for a while (a restart, a
# failover, a network blip). Every task retries on them with a growing delay, for about an hour
# in all (30 s, 1, 2, 4, 8 and 10 minute waits, with jitter), so a job that met an outage still
# runs once the service is back; bad arguments and bugs are not retried.
TRANSIENT_ERRORS = (DatabaseDown, InterfaceError, BrokerError, RedisDown, RedisTimeout, ConnectionError, TimeoutError)
RETRY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 10,
}


def enqueue(task, *args, **kwargs):
    """`task.delay(*args, **kwargs)`; a broker error is logged and None returned. `task` is a
    Celery task or a signature."""
    try:
        return task.delay(*args, **kwargs)
    except BrokerError:
        logger.exception("无法把任务 %s 放入队列（消息代理不可用），已跳过", getattr(task, "name", task))
        return None


def _named(task, args, kwargs):
    """(name, args, kwargs) of a task called with arguments, or of a signature (which has its own)."""
    if hasattr(task, "task") and hasattr(task, "args"):  # a signature
        return task.task, [*task.args, *args], {**task.kwargs, **kwargs}
    return task.name, list(args), kwargs


def enqueue_on_commit(task, *args, **kwargs):
    """Record the task in the outbox within the current transaction (at once outside one), and
    publish it when the transaction commits."""
    name, args, kwargs = _named(task, args, kwargs)
    row = OutboxTask.objects.create(name=name, args=args, kwargs=kwargs)
    transaction.on_commit(lambda: _publish(row.pk))


def _publish(pk):
    """Send one outbox row and delete it; a broker error leaves it for send_outbox. The row is
    claimed under a lock, so the commit hook and the sweep never both send it."""
    with transaction.atomic():
        row = OutboxTask.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
        if row is None:
            return False  # sent already, or being sent by the sweep
        try:
            signature(row.name, args=row.args, kwargs=row.kwargs).apply_async()
        except BrokerError as exc:
            OutboxTask.objects.filter(pk=pk).update(attempts=row.attempts + 1, last_error=str(exc)[:500])
            logger.warning("任务 %s 暂存于待发送任务表（消息代理不可用），恢复后自动发送", row.name)
            return False
        row.delete()
    return True


OUTBOX_GRACE_SECONDS = 30  # a row younger than this is still its commit hook's to send
OUTBOX_BATCH = 500


@shared_task(name="core.tasks.send_outbox", **RETRY)
def send_outbox():
    """Beat, every minute: send what the broker could not take when it was written. Stops at the
    first broker error (it is still down; the next run tries again). Returns how many were sent."""
    cutoff = timezone.now() - timedelta(seconds=OUTBOX_GRACE_SECONDS)
    sent = 0
    for pk in OutboxTask.objects.filter(created_at__lte=cutoff).values_list("pk", flat=True)[:OUTBOX_BATCH]:
        if not _publish(pk):
            if OutboxTask.objects.filter(pk=pk).exists():
                break  # the broker refused: it is still down
            continue
        sent += 1
    return sent


BEAT_HEARTBEAT = "beat"


def record_heartbeat(name):
    """Store that `name` is alive now (one row per process, core.models.Heartbeat)."""
    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})


@shared_task(name="core.tasks.beat_tick", ignore_result=True)
def beat_tick():
    """Beat, every minute: the beat's heartbeat, stored in the database (dashboard.monitoring reads
    its age). Not retried: the next minute's tick says the same. It expires after a minute in the
    queue (CELERY_BEAT_SCHEDULE), so ticks waiting for a dead worker do not pile up."""
    record_heartbeat(BEAT_HEARTBEAT)
