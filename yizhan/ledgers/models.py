"""The ledgers are views over matters (no data entry of their own); this table records exports.

A small export is built inside the request and only recorded here (``background`` false, status
``done``, no file). A larger one (more rows than ``LEDGER_EXPORT_INLINE_MAX_ROWS``) becomes a job: the
row is created ``queued`` with the requester and the validated filters, a task builds the file as that
requester, stores it under a random name and marks the row ``done`` (or ``failed`` with the reason).
Background rows and their files are deleted after ``LEDGER_EXPORT_RETENTION_DAYS``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


#: the states of a job that is not finished yet (the "我的导出" page polls these rows)
PENDING = (ExportStatus.QUEUED, ExportStatus.RUNNING)


class LedgerExport(models.Model):
    ledger = models.CharField(_("台帐"), max_length=32)
    file_format = models.CharField(_("格式"), max_length=8)
    filters = models.JSONField(_("筛选条件"), default=dict)
    rows = models.PositiveIntegerField(_("行数"))
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.PROTECT
    )
    exported_at = models.DateTimeField(_("导出时间"), auto_now_add=True)
    background = models.BooleanField(_("后台生成"), default=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.DONE, db_index=True
    )
    # the requester's unit when the export was asked for: the job refuses to run if it has changed
    unit = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("导出时所在单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(_("文件"), max_length=255, blank=True)
    error = models.CharField(_("失败原因"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("开始生成时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("台帐导出记录")
        verbose_name_plural = _("台帐导出记录")
        ordering = ["-exported_at"]
        permissions = [("view_ledgers", _("查看台帐")), ("export_ledgers", _("导出台帐"))]
        indexes = [models.Index(fields=["exported_by", "background", "-exported_at"])]

    def __str__(self) -> str:
        return f"{self.ledger}.{self.file_format}"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING
