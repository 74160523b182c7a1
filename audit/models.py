"""The audit trail: one append-only table.

Nobody changes or deletes an entry through the application: the model refuses a second save and
a delete, the admin is view-only, only the permission "view" exists, and on the database a trigger
(migration 0002) refuses UPDATE and DELETE. The one exception is the retention job
(audit.services.archive_old_entries): it may delete entries older than 180 days after writing
them to a compressed file, and the trigger itself checks that age.

The acting login and the district are kept as plain numbers (no foreign-key constraint, nothing
cascades): deleting a login must not have to UPDATE the trail (the trigger would refuse it), and
the entry keeps the username as it was."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.scoping import ScopedQuerySet


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit entry."""


class AuditEntryQuerySet(ScopedQuerySet):
    # The org department (and, with the accounts work, the audit administrator) reads its district's
    # entries; a superuser every district's. No other role reaches a row.
    district_path = "district"

    def update(self, **kwargs):
        raise AppendOnlyError("审计日志只能追加，不能修改")

    def delete(self):
        raise AppendOnlyError("审计日志只能追加，不能删除")

    def _delete_archived(self):
        """The retention job's delete (the database trigger lets it through only for old entries)."""
        return models.QuerySet.delete(self)


class AuditEntry(models.Model):
    class Result(models.TextChoices):
        SUCCESS = "success", "成功"
        FAILURE = "failure", "失败"

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="账号",
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    role = models.CharField("角色", max_length=20, blank=True)
    district = models.ForeignKey(
        "secretaries.District",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="区",
    )
    address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    action = models.CharField("操作", max_length=50, db_index=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_label = models.CharField("对象", max_length=200, blank=True)
    result = models.CharField("结果", max_length=10, choices=Result.choices, default=Result.SUCCESS)
    detail = models.CharField("说明", max_length=500, blank=True)
    extra = models.JSONField("附加信息", default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["district", "at"], name="audit_district_at_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '系统'} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计日志只能追加，不能删除")
