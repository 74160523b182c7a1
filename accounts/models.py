"""A login's life cycle beside Django's User: must it change its password, when did it last, why
was it disabled, and the hashes of its previous passwords."""

from django.conf import settings
from django.db import models


class Account(models.Model):
    """One per login, made on first need (`Account.of(user)`); a login without one has nothing to do."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account", verbose_name="账号"
    )
    must_change_password = models.BooleanField("须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    enabled_at = models.DateTimeField("最近启用时间", null=True, blank=True)
    disabled_at = models.DateTimeField("停用时间", null=True, blank=True)
    disabled_reason = models.CharField("停用原因", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "账号状态"

    def __str__(self):
        return str(self.user)

    @classmethod
    def of(cls, user):
        account, _ = cls.objects.get_or_create(user=user)
        return account


class PasswordHistory(models.Model):
    """The hash of a password a login has had (the newest ones are checked against reuse)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history", verbose_name="账号"
    )
    password = models.CharField("密码哈希", max_length=128)
    created_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "历史密码"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"])]
