"""The append-only audit log: every change and every reveal of personal data (SPEC §12)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yizhan.core.chain import AppendOnlyError, ChainedModel


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    TRANSITION = "transition", _("流转")
    REVEAL = "reveal", _("查看完整个人信息")
    EXPORT = "export", _("导出")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    GRANT = "grant", _("授权")


class AuditLog(ChainedModel):
    """One audited act. Rows are chained by hash (``core.chain``) and refused UPDATE and DELETE by
    database triggers (migration 0003)."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT
    )
    actor_label = models.CharField(_("操作人说明"), max_length=64, blank=True)
    action = models.CharField(_("动作"), max_length=16, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=128, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    request_id = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        permissions = [("view_audit_log", _("查阅审计日志"))]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    CHAIN_FIELDS = (
        "at",
        "actor",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "changes",
        "ip",
        "request_id",
    )

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


__all__ = ["AppendOnlyError", "AuditAction", "AuditLog"]
