"""The ledgers are views over matters (no data entry of their own); this table records exports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LedgerExport(models.Model):
    ledger = models.CharField(_("台帐"), max_length=32)
    file_format = models.CharField(_("格式"), max_length=8)
    filters = models.JSONField(_("筛选条件"), default=dict)
    rows = models.PositiveIntegerField(_("行数"))
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.PROTECT
    )
    exported_at = models.DateTimeField(_("导出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("台帐导出记录")
        verbose_name_plural = _("台帐导出记录")
        ordering = ["-exported_at"]
        permissions = [("view_ledgers", _("查看台帐")), ("export_ledgers", _("导出台帐"))]

    def __str__(self) -> str:
        return f"{self.ledger}.{self.file_format}"
