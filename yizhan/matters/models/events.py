"""The append-only event log of a matter, its transfers (分流/移交) and attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yizhan.core.chain import ChainedModel
from yizhan.matters.models.matter import Matter, Outcome
from yizhan.matters.states import MatterState


class EventCode(models.TextChoices):
    REGISTER = "register", _("登记")
    ANSWER = "answer", _("当场答复")
    TRANSFER = "transfer", _("分流")
    REFER_OUT = "refer_out", _("引导至其他部门")
    ACCEPT = "accept", _("接收")
    RETURN = "return", _("退回")
    START = "start", _("开始办理")
    CONCLUDE = "conclude", _("办结")
    FEED_BACK = "feed_back", _("结果反馈")
    FOLLOW_UP = "follow_up", _("回访")
    RATE = "rate", _("群众评价")
    ARCHIVE = "archive", _("归档")
    WITHDRAW = "withdraw", _("撤回")
    HAND_OVER = "hand_over", _("首问责任交接")
    ASSIGN = "assign", _("指定承办人")
    UPDATE = "update", _("修改登记信息")
    ATTACH = "attach", _("上传附件")
    NOTE = "note", _("备注")
    OVERDUE = "overdue", _("超期督办")
    REOPEN = "reopen", _("重新办理")
    LEGAL_AID = "legal_aid", _("法律援助")


class MatterEvent(ChainedModel):
    """One step on a matter's timeline: append-only (database triggers) and hash-chained
    (``core.chain``), so an event removed or changed out of band is found by ``yizhan audit verify``."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField(_("序号"))
    code = models.CharField(_("事件"), max_length=16, choices=EventCode.choices)
    from_state = models.CharField(_("原状态"), max_length=16, choices=MatterState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=16, choices=MatterState.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人"), max_length=64, blank=True)
    org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("操作单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), db_index=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    #: hashed into the chain (frozen: a field added later stays out, or old rows would not verify)
    CHAIN_FIELDS = (
        "matter",
        "seq",
        "code",
        "from_state",
        "to_state",
        "actor",
        "actor_label",
        "org",
        "at",
        "note",
        "data",
    )

    class Meta:
        verbose_name = _("事项日志")
        verbose_name_plural = _("事项日志")
        ordering = ["matter", "seq"]
        constraints = [models.UniqueConstraint(fields=["matter", "seq"], name="matter_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.matter_id}#{self.seq} {self.code}"


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    RETURNED = "returned", _("已退回")
    CONCLUDED = "concluded", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")
    SUPERSEDED = "superseded", _("已转办")


class Transfer(models.Model):
    """分流/移交: one hand-off of a matter to an institution, a judicial office, another service point
    or an external department. The transfer ledgers (矛盾纠纷、法律援助、业务移交台帐) are views over it."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="transfers")
    from_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("移交单位"),
        on_delete=models.PROTECT,
        related_name="transfers_out",
    )
    to_org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("接收单位"), on_delete=models.PROTECT, related_name="transfers_in"
    )
    to_person = models.ForeignKey(
        "orgs.Person",
        verbose_name=_("指定承办人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    service_type = models.ForeignKey(
        "matters.ServiceType", verbose_name=_("移交事项类型"), on_delete=models.PROTECT
    )
    instructions = models.TextField(_("需携带的材料"), blank=True)
    where_to_go = models.TextField(_("办理地点及联系方式"), blank=True)
    note = models.TextField(_("移交说明"), blank=True)
    due_date = models.DateField(_("办结期限"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("移交人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("移交时间"), db_index=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    outcome = models.CharField(_("办理结果类别"), max_length=24, choices=Outcome.choices, blank=True)
    result = models.TextField(_("办理结果"), blank=True)

    class Meta:
        verbose_name = _("移交记录")
        verbose_name_plural = _("移交记录")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["to_org", "status"]),
            models.Index(fields=["service_type", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.matter_id} → {self.to_org_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    import uuid

    return f"attachments/{instance.matter_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=128)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.name
