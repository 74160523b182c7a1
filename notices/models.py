from django.conf import settings
from django.db import models
from django.db.models import Q


class NoticeQuerySet(models.QuerySet):
    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    """An in-app notification. `dedupe_key` makes a repeated send harmless.

    Email and SMS go out after the notice is saved (notices.delivery): `email_pending` and
    `sms_pending` say what is still to send, and each is cleared, with the time it went out, only
    after that message was accepted. `delivering_until` is the lease of the delivery that holds the
    notice (no other delivery sends it until then; after a failure, the time before a retry)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices", verbose_name="接收人"
    )
    kind = models.CharField("类型", max_length=40, blank=True)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    dedupe_key = models.CharField("去重键", max_length=200, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)
    email_pending = models.BooleanField("待发邮件", default=False)
    sms_pending = models.BooleanField("待发短信", default=False)
    sms_sent_at = models.DateTimeField("短信发送时间", null=True, blank=True)
    delivering_until = models.DateTimeField("发送占用至", null=True, blank=True)
    delivery_attempts = models.PositiveSmallIntegerField("发送失败次数", default=0)
    delivery_error = models.CharField("最近一次发送错误", max_length=300, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], condition=~Q(dedupe_key=""), name="notice_dedupe"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # The sweep's question: what is still to send?
            models.Index(
                fields=["created_at"],
                condition=Q(email_pending=True) | Q(sms_pending=True),
                name="notice_undelivered",
            ),
        ]

    def __str__(self):
        return self.title
