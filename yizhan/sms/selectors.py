"""Reads of the SMS app. The staff pages are the system administrator's (``sms.manage_sms``); the send
log of one matter (``messages_for``) is for the matter pages, which check access to the matter first."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from yizhan.core.errors import Forbidden
from yizhan.lib.pii import blind_index, normalise_phone
from yizhan.sms.models import SmsMessage, SmsOptOut, SmsSettings, SmsStatus, SmsTemplate
from yizhan.sms.services import MANAGE_SMS


def _require_manager(user: Any) -> None:
    if not getattr(user, "has_perm", None) or not user.has_perm(MANAGE_SMS):
        raise Forbidden(_("只有系统管理员可以管理短信。"))


def can_manage_sms(user: Any) -> bool:
    return bool(getattr(user, "has_perm", None) and user.has_perm(MANAGE_SMS))


def sms_templates(user: Any) -> QuerySet[SmsTemplate]:
    _require_manager(user)
    return SmsTemplate.objects.select_related("approved_by", "updated_by").order_by("pk")


def sms_template(user: Any, code: str) -> SmsTemplate | None:
    return sms_templates(user).filter(code=code).first()


def sms_settings() -> SmsSettings:
    return SmsSettings.load()


def sms_log(user: Any, *, status: str = "", related: str = "") -> QuerySet[SmsMessage]:
    """The send log, newest first, optionally by status and by the related record (e.g. a matter
    number). Rows show the masked phone only."""
    _require_manager(user)
    messages = SmsMessage.objects.select_related("template").order_by("-created_at", "-pk")
    if status:
        messages = messages.filter(status=status)
    if related:
        messages = messages.filter(related=related.strip())
    return messages


def status_counts(user: Any) -> dict[str, int]:
    """How many messages the log holds in each status (every status present, zero included)."""
    _require_manager(user)
    counts = dict(
        SmsMessage.objects.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in SmsStatus.values}


def messages_for(related: str) -> QuerySet[SmsMessage]:
    """The messages sent about one record (a matter number), oldest first."""
    return SmsMessage.objects.select_related("template").filter(related=related).order_by("created_at", "pk")


def sms_opt_outs(user: Any) -> QuerySet[SmsOptOut]:
    _require_manager(user)
    return SmsOptOut.objects.select_related("recorded_by").order_by("-created_at", "-pk")


def is_opted_out(phone: str) -> bool:
    return SmsOptOut.objects.filter(phone_index=blind_index("phone", normalise_phone(phone or ""))).exists()
