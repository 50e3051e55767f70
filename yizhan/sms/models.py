"""SMS to citizens: the templates approved by the provider, the signature, opt-outs and the send log.

Phones are never stored in clear: the send log keeps the number encrypted (``lib.pii.encrypt``) with a
mask for lists; opt-outs keep only the keyed blind index (``lib.pii.blind_index("phone", …)``), the same
index the matters use, so a number can be recognised without being readable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

# The placeholders a template may use (短信模板变量), with their meaning for the editing page. The
# callers pass what they know; a message keeps only the values its template uses.
PLACEHOLDERS: dict[str, StrOrPromise] = {
    "code": _("查询码"),
    "org": _("承办单位名称"),
    "url": _("查询网址"),
    "date": _("日期"),
    "hotline": _("服务热线"),
}
TEXT_MAX_LENGTH = 500


class SmsSettings(models.Model):
    """One row: the signature (短信签名) the provider approved, shown as 【签名】 before every message."""

    sign_name = models.CharField(_("短信签名"), max_length=12, default="一站")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("短信设置")
        verbose_name_plural = _("短信设置")

    def __str__(self) -> str:
        return f"【{self.sign_name}】"

    @classmethod
    def load(cls) -> SmsSettings:
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row


class SmsTemplate(models.Model):
    """A message the system sends at a milestone, with the id under which the provider approved it."""

    code = models.SlugField(_("模板代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    text = models.TextField(_("短信内容"), max_length=TEXT_MAX_LENGTH)
    provider_template_id = models.CharField(_("短信模板ID"), max_length=64, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    approved_at = models.DateTimeField(_("审核通过登记时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核通过登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("短信模板")
        verbose_name_plural = _("短信模板")
        ordering = ["pk"]
        permissions = [("manage_sms", _("管理短信模板、签名、退订与发送记录"))]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class OptOutSource(models.TextChoices):
    REPLY = "reply", _("群众回复TD退订")
    CITIZEN_REQUEST = "citizen_request", _("群众当面或来电要求")
    STAFF = "staff", _("工作人员登记")


class SmsOptOut(models.Model):
    """A phone that receives no more messages (退订). Only the blind index identifies it."""

    phone_index = models.CharField(max_length=32, unique=True, editable=False)
    phone_mask = models.CharField(_("手机号"), max_length=24, editable=False)
    source = models.CharField(_("方式"), max_length=16, choices=OptOutSource.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("退订时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("短信退订")
        verbose_name_plural = _("短信退订")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.phone_mask


class SmsStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    SKIPPED_OPTED_OUT = "skipped_opted_out", _("已退订未发送")
    THROTTLED = "throttled", _("超过频次未发送")


class SmsMessage(models.Model):
    """The send log: one row per message the system meant to send, with every attempt and its outcome."""

    template = models.ForeignKey(SmsTemplate, verbose_name=_("模板"), on_delete=models.PROTECT)
    phone_encrypted = models.TextField(editable=False)
    phone_index = models.CharField(max_length=32, editable=False)
    phone_mask = models.CharField(_("手机号"), max_length=24, editable=False)
    params = models.JSONField(_("模板参数"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=SmsStatus.choices, default=SmsStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次发送时间"), null=True, blank=True)
    backend = models.CharField(_("通道"), max_length=32, blank=True)
    provider_message_id = models.CharField(_("服务商回执编号"), max_length=128, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    history = models.JSONField(_("发送记录"), default=list, blank=True)
    related = models.CharField(_("关联事项"), max_length=64, blank=True, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("触发人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信发送记录")
        verbose_name_plural = _("短信发送记录")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["phone_index", "created_at"], name="sms_phone_recent"),
            models.Index(fields=["status", "next_attempt_at"], name="sms_due"),
        ]

    def __str__(self) -> str:
        return f"{self.template.code} → {self.phone_mask}（{self.get_status_display()}）"
