"""The outbox of queued tasks (core.tasks.enqueue_on_commit)."""

from django.db import models


class OutboxTask(models.Model):
    """A Celery task a write asked for, recorded in the write's own transaction. It is deleted once
    the broker has taken it; one the broker could not take (down, frozen) waits here and is sent
    by core.tasks.send_outbox when the broker is back."""

    name = models.CharField("任务", max_length=200)
    args = models.JSONField("位置参数", default=list)
    kwargs = models.JSONField("关键字参数", default=dict)
    created_at = models.DateTimeField("记录时间", auto_now_add=True, db_index=True)
    attempts = models.PositiveIntegerField("发送尝试次数", default=0)
    last_error = models.TextField("最近错误", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "待发送任务"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.name}（{self.created_at:%Y-%m-%d %H:%M}）"


class Heartbeat(models.Model):
    """The last sign of life of a background process, kept in the database so it survives a Redis
    restart: `beat` (written by the beat's minute job core.tasks.beat_tick) and one row per Celery
    worker, `worker:<hostname>` (written by the worker's own monitor thread, dashboard.monitoring)."""

    name = models.CharField("进程", max_length=200, unique=True)
    at = models.DateTimeField("最近心跳")

    class Meta:
        verbose_name = verbose_name_plural = "后台进程心跳"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}（{self.at:%Y-%m-%d %H:%M:%S}）"
