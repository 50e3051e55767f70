"""Reference data: the legal-domain taxonomy, service types and time limits (extendable by admins)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalDomain(models.Model):
    """法律领域 — the usual consultation taxonomy (SPEC §3); new entries can be added."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=32, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("法律领域")
        verbose_name_plural = _("法律领域")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class ServiceType(models.Model):
    """服务类型: 法律咨询, 法律援助, 人民调解, 公证 … with the ledger it belongs to."""

    class Ledger(models.TextChoices):
        MEDIATION = "mediation", _("矛盾纠纷案件移交台帐")
        LEGAL_AID = "legal_aid", _("法律援助案件移交台帐")
        BUSINESS = "business", _("公共法律服务业务移交台帐")
        COMPLAINT = "complaint", _("群众投诉登记本")

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=32, unique=True)
    transfer_ledger = models.CharField(
        _("移交台帐"), max_length=16, choices=Ledger.choices, default=Ledger.BUSINESS
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("服务类型")
        verbose_name_plural = _("服务类型")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class TimeLimitRule(models.Model):
    """限时办结: working days allowed for a service type; a region's rule overrides its parent's,
    the rule without a region is the default."""

    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("服务类型"), on_delete=models.CASCADE, related_name="time_limits"
    )
    region = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("适用区划"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("留空为全局默认；下级区划的规则优先。"),
    )
    working_days = models.PositiveSmallIntegerField(
        _("办结时限（工作日）"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    near_due_days = models.PositiveSmallIntegerField(
        _("临期提醒（剩余工作日）"), default=2, validators=[MaxValueValidator(60)]
    )
    basis = models.CharField(_("依据"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("办结时限")
        verbose_name_plural = _("办结时限")
        constraints = [
            models.UniqueConstraint(fields=["service_type", "region"], name="time_limit_unique_per_region"),
            models.UniqueConstraint(
                fields=["service_type"],
                condition=models.Q(region__isnull=True),
                name="time_limit_one_default",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_type}：{self.working_days}个工作日"
