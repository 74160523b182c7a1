"""Watching beat and the workers (issue 15 point 4): what /healthz (for the department) and the
system status page show, and telling the department when beat has gone silent.

Signs of life are kept in PostgreSQL (core.models.Heartbeat), so a Redis restart loses none:
- beat runs `core.tasks.beat_tick` every minute, which stores the time (`beat`);
- every Celery worker runs a monitor thread in its main process (started by the worker's own
  `worker_ready` signal, not by beat) that stores `worker:<hostname>` every
  MONITOR_INTERVAL_SECONDS.

Who notices that beat died? Not beat, and not a job beat schedules. Two watchers that do not
depend on it make the same check (`check_beat_silence`): each worker's monitor thread, at every
interval, and the web, on /healthz requests (a load balancer asks every few seconds; at most once
per MONITOR_INTERVAL_SECONDS per process). So the department hears of a silent beat while any
worker or any web process is up; the notice's dedupe key (the silent beat's last tick and the day)
makes it one notice per incident and day, however many watchers see it. While the workers are
down too, the notice waits in the inbox and its e-mail in the outbox. A beat that never ticked is
watched from the first check (its row is created then)."""

import logging
import threading
import time
from datetime import timedelta
from pathlib import Path

import redis
from celery.signals import worker_ready, worker_shutdown
from django.conf import settings
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from core.models import Heartbeat, OutboxTask
from core.tasks import BEAT_HEARTBEAT, record_heartbeat
from notices.delivery import undelivered
from notices.services import notify
from secretaries.models import District
from stations.services.roster import org_users

logger = logging.getLogger(__name__)

WORKER_PREFIX = "worker:"
FORGET_WORKERS_AFTER = timedelta(days=1)  # a worker row this old is deleted (it was killed, renamed)
# kombu's Redis transport keeps a queue's messages in one list per priority step (0, 3, 6, 9).
REDIS_PRIORITY_SEPARATOR = "\x06\x16"
REDIS_PRIORITY_STEPS = (0, 3, 6, 9)


def worker_alive_within():
    """A worker whose heartbeat is older than this is counted as gone (three missed intervals)."""
    return timedelta(seconds=max(3 * settings.MONITOR_INTERVAL_SECONDS, 10))


def _age(moment, now):
    return None if moment is None else max(0, int((now - moment).total_seconds()))


def status(now=None):
    """The database's view of the background: beat's last tick, live workers, the oldest unsent
    notice and the outbox. Each value is JSON-ready; `ok` flags what needs a look."""
    now = now or timezone.now()
    tick = Heartbeat.objects.filter(name=BEAT_HEARTBEAT).values_list("at", flat=True).first()
    beat_age = _age(tick, now)
    workers = list(
        Heartbeat.objects.filter(name__startswith=WORKER_PREFIX, at__gte=now - worker_alive_within())
        .order_by("name")
        .values_list("name", flat=True)
    )
    oldest_notice = undelivered().order_by("created_at").values_list("created_at", flat=True).first()
    oldest_task = OutboxTask.objects.order_by("created_at").values_list("created_at", flat=True).first()
    return {
        "beat": {
            "ok": beat_age is not None and beat_age < settings.BEAT_SILENCE_MINUTES * 60,
            "last_tick": tick.isoformat() if tick else None,
            "age_seconds": beat_age,
        },
        "workers": {
            "ok": bool(workers),
            "alive": [name.removeprefix(WORKER_PREFIX) for name in workers],
            "count": len(workers),
        },
        "notices": {"unsent": undelivered().count(), "oldest_age_seconds": _age(oldest_notice, now)},
        "outbox": {"size": OutboxTask.objects.count(), "oldest_age_seconds": _age(oldest_task, now)},
    }


def queue_length():
    """Messages waiting in the default queue: Redis LLEN (bounded by REDIS_TIMEOUT_MS), or the
    filesystem broker's message files. None for another broker."""
    url = settings.CELERY_BROKER_URL
    queue = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")
    if url.startswith(("redis://", "rediss://")):
        client = redis.Redis.from_url(
            url, socket_connect_timeout=settings.REDIS_TIMEOUT, socket_timeout=settings.REDIS_TIMEOUT
        )
        try:
            pipe = client.pipeline(transaction=False)
            for step in REDIS_PRIORITY_STEPS:
                pipe.llen(queue if step == 0 else f"{queue}{REDIS_PRIORITY_SEPARATOR}{step}")
            return sum(pipe.execute())
        finally:
            client.close()
    if url.startswith("filesystem://"):
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
        return sum(1 for _ in folder.glob(f"*.{queue}.msg"))
    return None


def check_beat_silence(now=None):
    """Tell the department (org logins) when beat's last tick is older than BEAT_SILENCE_MINUTES:
    one notice per silent spell and day. Returns the notices created now."""
    now = now or timezone.now()
    beat, created = Heartbeat.objects.get_or_create(name=BEAT_HEARTBEAT, defaults={"at": now})
    silent = now - beat.at
    if created or silent < timedelta(minutes=settings.BEAT_SILENCE_MINUTES):
        return []
    workers = status(now)["workers"]["count"]
    last_tick = timezone.localtime(beat.at)
    return notify(
        org_users(District.objects.values_list("pk", flat=True)),
        f"定时任务服务（beat）已 {int(silent.total_seconds() // 60)} 分钟没有运行",
        body=(
            f"最近一次心跳：{last_tick:%Y-%m-%d %H:%M}。定时任务（开启征集轮次、提醒、未发通知补发、待发送任务等）"
            f"在恢复前不会运行；恢复后会自动补做。当前在线的任务进程：{workers} 个。"
            "请系统管理员检查 fsp-beat 服务（systemctl status fsp-beat）。"
        ),
        url=reverse("system_status"),
        kind="beat_silent",
        dedupe_key=f"beat-silent:{beat.at:%Y%m%d%H%M%S}:{timezone.localdate(now):%Y%m%d}",
    )


_last_web_check = 0.0


def check_beat_silence_from_web():
    """check_beat_silence from a web request, at most once per MONITOR_INTERVAL_SECONDS in this
    process; a failure is logged, never the request's."""
    global _last_web_check
    if time.monotonic() - _last_web_check < settings.MONITOR_INTERVAL_SECONDS:
        return
    _last_web_check = time.monotonic()
    try:
        check_beat_silence()
    except Exception:  # the database may be the thing that is down; /healthz says so already
        logger.warning("检查定时任务心跳失败", exc_info=True)


class WorkerMonitor(threading.Thread):
    """In a worker's main process: its heartbeat, and the beat-silence check, every interval."""

    def __init__(self, hostname):
        super().__init__(name="fsp-worker-monitor", daemon=True)
        self.heartbeat_name = f"{WORKER_PREFIX}{hostname}"
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            self.once()
            self.stopped.wait(settings.MONITOR_INTERVAL_SECONDS)

    def once(self):
        try:
            record_heartbeat(self.heartbeat_name)
            check_beat_silence()
            Heartbeat.objects.filter(
                name__startswith=WORKER_PREFIX, at__lt=timezone.now() - FORGET_WORKERS_AFTER
            ).delete()
        except Exception:  # a database outage: the next interval tries again
            logger.warning("任务进程心跳写入失败", exc_info=True)
        finally:
            connections.close_all()  # this thread's connections: a fresh one next time

    def stop(self):
        self.stopped.set()
        self.join(timeout=5)
        try:
            Heartbeat.objects.filter(name=self.heartbeat_name).delete()  # a clean stop is not a loss
        except Exception:
            logger.warning("删除任务进程心跳失败", exc_info=True)
        finally:
            connections.close_all()


_monitor = None


def _start_monitor(sender=None, **kwargs):
    global _monitor
    _monitor = WorkerMonitor(getattr(sender, "hostname", None) or "worker")
    _monitor.start()


def _stop_monitor(**kwargs):
    if _monitor is not None:
        _monitor.stop()


def connect_signals():
    worker_ready.connect(_start_monitor, dispatch_uid="dashboard.monitoring.start")
    worker_shutdown.connect(_stop_monitor, dispatch_uid="dashboard.monitoring.stop")
