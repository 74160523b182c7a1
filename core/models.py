"""The outbox of queued tasks (core.tasks.enqueue_on_commit) and the background import jobs."""

from django.conf import settings
from django.db import models

from core.scoping import ScopedQuerySet, scope_for


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


class ImportJobQuerySet(ScopedQuerySet):
    district_path = "district_id"

    def for_user(self, user):
        """The department sees its district's jobs; anyone else the jobs they started themselves."""
        scope = scope_for(user)
        if scope.is_org or scope.is_superuser:
            return super().for_user(user)
        if not scope.has_access:
            return self.none()
        return self.filter(user=user, district_id=scope.district_id)

    def active(self):
        return self.filter(status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING])


class ImportJob(models.Model):
    """A large Excel import (its preview or its confirm) run by a Celery worker; the page polls it.
    Its state is here, not in the broker: a worker restart leaves it visible, and one that stops
    moving is reported as failed (core.jobs.fail_stale_jobs)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    class Action(models.TextChoices):
        PREVIEW = "preview", "预览"
        CONFIRM = "confirm", "确认导入"

    kind = models.CharField("导入内容", max_length=30)
    action = models.CharField("步骤", max_length=10, choices=Action.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, verbose_name="发起人")
    district_id = models.PositiveIntegerField("区", null=True, db_index=True)  # the starter's district: the job's scope
    token = models.CharField("待导入文件", max_length=32)
    options = models.JSONField("导入参数", default=dict, blank=True)  # e.g. a round upload's round, township, mapping
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    total = models.PositiveIntegerField("行数", default=0)
    result = models.JSONField("结果", null=True, blank=True)
    errors = models.JSONField("行错误", default=list, blank=True)
    message = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("最近更新", auto_now=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "导入任务"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.get_action_display()}（{self.get_status_display()}）"

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)


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
