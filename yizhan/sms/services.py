"""Writes of the SMS app: queueing a message, sending it through the gateway, retries, opt-outs, the
templates and the signature.

The one service the other apps call is ``do_queue_sms``: it renders nothing and sends nothing itself.
It checks the template, the opt-out list and the per-phone limits, writes the send log row and, on
commit, enqueues the task that sends it. The task (``send_message``) calls the configured backend;
``RetryableSmsError`` puts the message back in the queue with a growing delay until
``SMS_MAX_ATTEMPTS``; ``PermanentSmsError`` marks it failed. Every step is appended to the row's history.
"""

from __future__ import annotations

import datetime
import logging
import re
import string
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction
from yizhan.core.errors import Forbidden, InvalidInput
from yizhan.lib.pii import blind_index, decrypt, encrypt, mask_phone, normalise_phone
from yizhan.sms.backends import OutgoingSms, PermanentSmsError, RetryableSmsError, get_backend
from yizhan.sms.models import (
    PLACEHOLDERS,
    TEXT_MAX_LENGTH,
    OptOutSource,
    SmsMessage,
    SmsOptOut,
    SmsSettings,
    SmsStatus,
    SmsTemplate,
)

logger = logging.getLogger("yizhan.sms")

MANAGE_SMS = "sms.manage_sms"
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
SIGN_NAME_RE = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9]{2,12}$")
# a send in progress keeps its message for this long; a worker that died mid-send frees it then
SEND_LEASE = datetime.timedelta(minutes=10)
MAX_RETRY_DELAY = datetime.timedelta(hours=6)
SYSTEM = "系统"


# --- templates: placeholders and rendering ---------------------------------------------------------


def placeholders_of(text: str) -> list[str]:
    """The placeholders of ``text`` in the order they first appear; ``InvalidInput`` on unknown names
    or broken braces (``{{`` and ``}}`` stand for literal braces)."""
    names: list[str] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise InvalidInput(
            _("短信内容中的花括号不成对。"), fields={"text": _("占位符应写成 {code} 这样，花括号须成对。")}
        ) from exc
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            allowed = "、".join(f"{{{key}}}" for key in PLACEHOLDERS)
            raise InvalidInput(
                _("短信内容中有无法识别的占位符。"),
                fields={
                    "text": _("无法识别的占位符 {%(name)s}，只能使用：%(allowed)s。")
                    % {"name": name, "allowed": allowed}
                },
            )
        if name not in names:
            names.append(name)
    return names


def validate_template_text(text: str) -> list[str]:
    text = text.strip()
    if not text:
        raise InvalidInput(_("请填写短信内容。"), fields={"text": _("请填写短信内容。")})
    if len(text) > TEXT_MAX_LENGTH:
        message = _("短信内容不能超过%(max)d个字（现有%(n)d个）。") % {"max": TEXT_MAX_LENGTH, "n": len(text)}
        raise InvalidInput(message, fields={"text": message})
    if "【" in text or "】" in text:
        message = _("短信内容不要包含【签名】，签名在“短信签名”中统一设置。")
        raise InvalidInput(message, fields={"text": message})
    return placeholders_of(text)


def render(text: str, params: dict[str, str], sign_name: str = "") -> str:
    """The message as the citizen reads it: 【签名】 and the text with its placeholders filled."""
    body = text.format_map({name: params.get(name, "") for name in placeholders_of(text)})
    return f"【{sign_name}】{body}" if sign_name else body


def billed_parts(message: str) -> int:
    """How many messages the carriers bill: 70 characters fit one; longer ones go in parts of 67."""
    return 1 if len(message) <= 70 else -(-len(message) // 67)


# --- queueing ----------------------------------------------------------------------------------------


def _entry(event: str, now: datetime.datetime, **extra: Any) -> dict[str, Any]:
    return {"at": now.isoformat(timespec="seconds"), "event": event, **extra}


def _throttled(phone_index: str, now: datetime.datetime) -> str:
    """Why the phone may receive nothing more now, or ""."""
    counted = SmsMessage.objects.filter(
        phone_index=phone_index, status__in=(SmsStatus.QUEUED, SmsStatus.SENT)
    )
    if counted.filter(created_at__gte=now - datetime.timedelta(hours=1)).count() >= settings.SMS_MAX_PER_HOUR:
        return _("该号码一小时内已有%(n)d条短信。") % {"n": settings.SMS_MAX_PER_HOUR}
    if counted.filter(created_at__gte=now - datetime.timedelta(days=1)).count() >= settings.SMS_MAX_PER_DAY:
        return _("该号码24小时内已有%(n)d条短信。") % {"n": settings.SMS_MAX_PER_DAY}
    return ""


def do_queue_sms(
    phone: str,
    template_code: str,
    params: dict[str, str],
    *,
    actor: Any = None,
    related: str = "",
) -> SmsMessage | None:
    """Queue the message ``template_code`` to ``phone``; it is sent by a task after commit.

    ``params`` may hold every value the caller knows (``code``, ``org``, ``url``…): only those the
    template uses are kept. Joins the caller's transaction, so the message is queued only if the
    caller's change commits. Returns the queued message, or None when nothing will be sent: no active
    template or not a mobile number (logged), opted out, over the per-phone limits or a parameter
    missing (each written to the send log with its status).
    """
    template = SmsTemplate.objects.filter(code=template_code, active=True).first()
    if template is None:
        logger.info("SMS %s for %s not queued: no active template", template_code, related or "-")
        return None
    number = normalise_phone(phone or "")
    if not MOBILE_RE.match(number):
        logger.info(
            "SMS %s for %s not queued: %s is not a mobile number",
            template_code,
            related or "-",
            mask_phone(number),
        )
        return None
    try:
        names = placeholders_of(template.text)
    except InvalidInput:  # never fail the caller's milestone over a template
        logger.error(
            "SMS %s for %s not queued: the template's text is invalid", template_code, related or "-"
        )
        return None
    now = timezone.now()
    index = blind_index("phone", number)
    kept = {name: str(params[name]).strip() for name in names if str(params.get(name) or "").strip()}
    missing = [name for name in names if name not in kept]
    with transaction.atomic():
        if SmsOptOut.objects.filter(phone_index=index).exists():
            status, error = SmsStatus.SKIPPED_OPTED_OUT, _("该号码已退订短信。")
        elif missing:
            status, error = SmsStatus.FAILED, _("缺少模板参数：%(names)s。") % {"names": "、".join(missing)}
        else:
            error = _throttled(index, now)
            status = SmsStatus.THROTTLED if error else SmsStatus.QUEUED
        queued = status == SmsStatus.QUEUED
        message = SmsMessage.objects.create(
            template=template,
            phone_encrypted=encrypt(number),
            phone_index=index,
            phone_mask=mask_phone(number),
            params=kept,
            status=status,
            last_error=error,
            next_attempt_at=now if queued else None,
            related=related[:64],
            requested_by=actor if getattr(actor, "is_authenticated", False) else None,
            history=[_entry(status, now, **({"detail": error} if error else {}))],
        )
        if queued:
            transaction.on_commit(partial(_enqueue, message.pk), robust=True)
    logger.info(
        "SMS %s #%s to %s for %s: %s", template_code, message.pk, message.phone_mask, related or "-", status
    )
    return message if queued else None


def _enqueue(message_id: int, run_after: datetime.datetime | None = None) -> None:
    """Hand the message to the task backend; a deferred retry needs a backend that can defer, else the
    periodic ``retry_due_messages`` picks it up when it is due."""
    from yizhan.sms.tasks import send_sms_task

    task = send_sms_task
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return
        task = task.using(run_after=run_after)
    task.enqueue(message_id)


# --- sending (the task) --------------------------------------------------------------------------------


def retry_delay(attempts: int) -> datetime.timedelta:
    """``SMS_RETRY_MINUTES`` after the first failed attempt, doubled after each further one (≤ 6 h)."""
    delay = datetime.timedelta(minutes=settings.SMS_RETRY_MINUTES * 2 ** max(attempts - 1, 0))
    return min(delay, MAX_RETRY_DELAY)


def send_message(message_id: int) -> str:
    """Send a queued message once through the configured backend; returns its status afterwards
    (or ``not_due`` when it is not queued, not due, or another worker holds it)."""
    now = timezone.now()
    claimed = SmsMessage.objects.filter(
        pk=message_id, status=SmsStatus.QUEUED, next_attempt_at__lte=now
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + SEND_LEASE)
    if not claimed:
        return "not_due"
    message = SmsMessage.objects.select_related("template").get(pk=message_id)
    if SmsOptOut.objects.filter(phone_index=message.phone_index).exists():  # opted out since queued
        return _finish(message, SmsStatus.SKIPPED_OPTED_OUT, now, error=_("该号码已退订短信。"))
    template = message.template
    try:
        names = placeholders_of(template.text)
    except InvalidInput as error:
        return _finish(message, SmsStatus.FAILED, now, error=error.message)
    missing = [name for name in names if not message.params.get(name)]
    if missing:  # the template was edited after the message was queued
        return _finish(
            message,
            SmsStatus.FAILED,
            now,
            error=_("缺少模板参数：%(names)s。") % {"names": "、".join(missing)},
        )
    params = {name: str(message.params[name]) for name in names}
    try:
        sign_name = SmsSettings.load().sign_name
        sms = OutgoingSms(
            phone=decrypt(message.phone_encrypted),
            sign_name=sign_name,
            template_code=template.code,
            provider_template_id=template.provider_template_id,
            params=params,
            text=render(template.text, params, sign_name),
            reference=str(message.pk),
        )
    except Exception as exc:  # e.g. a wrong YIZHAN_PII_KEYS: retried, never left claimed forever
        logger.exception("SMS #%s could not be prepared", message.pk)
        return _retry_or_fail(message, now, "", f"{type(exc).__name__}: {exc}")
    backend_name = str(settings.SMS_BACKEND)
    try:
        backend = get_backend()
        backend_name = backend.name
        provider_id = backend.send(sms)
    except PermanentSmsError as exc:
        return _finish(message, SmsStatus.FAILED, now, backend=backend_name, error=str(exc))
    except RetryableSmsError as exc:
        return _retry_or_fail(message, now, backend_name, str(exc))
    except Exception as exc:  # a backend bug or a missing SDK: retried, and the trace is logged
        logger.exception("SMS #%s: the %s backend failed unexpectedly", message.pk, backend_name)
        return _retry_or_fail(message, now, backend_name, f"{type(exc).__name__}: {exc}")
    return _finish(message, SmsStatus.SENT, now, backend=backend_name, provider_id=provider_id)


def _retry_or_fail(message: SmsMessage, now: datetime.datetime, backend: str, error: str) -> str:
    if message.attempts >= settings.SMS_MAX_ATTEMPTS:
        detail = _("已尝试%(n)d次，不再重试：%(error)s") % {"n": message.attempts, "error": error}
        return _finish(message, SmsStatus.FAILED, now, backend=backend, error=detail)
    due = now + retry_delay(message.attempts)
    _finish(message, SmsStatus.QUEUED, now, backend=backend, error=error, next_attempt_at=due)
    transaction.on_commit(partial(_enqueue, message.pk, due), robust=True)
    return SmsStatus.QUEUED


def _finish(
    message: SmsMessage,
    status: str,
    now: datetime.datetime,
    *,
    backend: str = "",
    error: str = "",
    provider_id: str = "",
    next_attempt_at: datetime.datetime | None = None,
) -> str:
    event = "retry" if status == SmsStatus.QUEUED else str(status)
    entry = _entry(event, now, attempt=message.attempts)
    if backend:
        entry["backend"] = backend
    if error:
        entry["detail"] = error[:500]
    if provider_id:
        entry["provider_message_id"] = provider_id[:128]
    if next_attempt_at:
        entry["next_attempt_at"] = next_attempt_at.isoformat(timespec="seconds")
    message.status = status
    message.next_attempt_at = next_attempt_at
    message.backend = backend or message.backend
    message.last_error = error[:500]
    if provider_id:
        message.provider_message_id = provider_id[:128]
    if status == SmsStatus.SENT:
        message.sent_at = now
    message.history = [*message.history, entry]
    message.save(
        update_fields=[
            "status",
            "next_attempt_at",
            "backend",
            "last_error",
            "provider_message_id",
            "sent_at",
            "history",
        ]
    )
    log = logger.warning if status == SmsStatus.FAILED else logger.info
    log(
        "SMS #%s %s (attempt %s, %s)%s",
        message.pk,
        event,
        message.attempts,
        backend or "-",
        f": {error}" if error else "",
    )
    return status


def retry_due_messages(limit: int = 500) -> int:
    """Enqueue the queued messages that are due (retries, and any whose first enqueue was lost)."""
    due = (
        SmsMessage.objects.filter(status=SmsStatus.QUEUED, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    ids = list(due)
    for message_id in ids:
        _enqueue(message_id)
    return len(ids)


def prune_messages() -> int:
    """Delete send-log rows older than ``SMS_RETENTION_DAYS`` (they hold encrypted phones and query
    codes); the deletion is audited as the system. Opt-outs are kept: they are the citizen's wish."""
    before = timezone.now() - datetime.timedelta(days=settings.SMS_RETENTION_DAYS)
    with transaction.atomic():
        deleted, _by_model = SmsMessage.objects.filter(created_at__lt=before).delete()
        if deleted:
            audit.record(
                AuditAction.DELETE,
                actor_label=SYSTEM,
                object_type="sms.smsmessage",
                object_repr=_("短信发送记录（超过保存期限）"),
                changes={"deleted": deleted, "created_before": before.isoformat(timespec="seconds")},
            )
    return deleted


# --- administration: templates, signature, opt-outs -----------------------------------------------------


def _require_manager(actor: Any) -> None:
    if not getattr(actor, "has_perm", None) or not actor.has_perm(MANAGE_SMS):
        raise Forbidden(_("只有系统管理员可以管理短信。"))


def _template_state(template: SmsTemplate) -> dict[str, Any]:
    return {
        "name": template.name,
        "text": template.text,
        "provider_template_id": template.provider_template_id,
        "active": template.active,
        "approved": template.approved_at is not None,
    }


def do_update_template(
    template: SmsTemplate,
    *,
    name: str,
    text: str,
    provider_template_id: str,
    active: bool,
    approved: bool,
    actor: Any,
) -> SmsTemplate:
    """Change a template. ``approved`` records that the provider approved this text under this id (who
    and when); changing the text or the id withdraws an earlier record unless it is confirmed again."""
    _require_manager(actor)
    errors: dict[str, str] = {}
    name, text, provider_template_id = name.strip(), text.strip(), provider_template_id.strip()
    if not name:
        errors["name"] = _("请填写名称。")
    try:
        validate_template_text(text)
    except InvalidInput as error:
        errors.update(error.fields)
    if approved and not provider_template_id:
        errors["provider_template_id"] = _("登记审核通过前，请填写服务商给出的短信模板ID。")
    if errors:
        raise InvalidInput(_("短信模板有误，请检查标出的项目。"), fields=errors)
    with transaction.atomic():
        locked = SmsTemplate.objects.select_for_update().get(pk=template.pk)
        before = _template_state(locked)
        changed_content = (text, provider_template_id) != (locked.text, locked.provider_template_id)
        locked.name, locked.text, locked.active = name, text, active
        locked.provider_template_id = provider_template_id
        if approved and (changed_content or locked.approved_at is None):
            locked.approved_at, locked.approved_by = timezone.now(), actor
        elif not approved or changed_content:
            locked.approved_at, locked.approved_by = None, None
        locked.updated_by = actor
        locked.save()
        changes = audit.diff(before, _template_state(locked))
        if changes:
            audit.record(AuditAction.UPDATE, locked, actor=actor, changes=changes)
    return locked


def do_update_signature(sign_name: str, *, actor: Any) -> SmsSettings:
    """Set the signature (短信签名) the provider approved: 2–12 Chinese characters, letters or digits."""
    _require_manager(actor)
    sign_name = sign_name.strip().strip("【】").strip()
    if not SIGN_NAME_RE.match(sign_name):
        message = _("短信签名应为2至12个汉字、字母或数字，不含【】和标点。")
        raise InvalidInput(message, fields={"sign_name": message})
    with transaction.atomic():
        row = SmsSettings.load()
        row = SmsSettings.objects.select_for_update().get(pk=row.pk)
        before = row.sign_name
        row.sign_name, row.updated_by = sign_name, actor
        row.save()
        if before != sign_name:
            audit.record(AuditAction.UPDATE, row, actor=actor, changes={"sign_name": [before, sign_name]})
    return row


def do_record_opt_out(phone: str, *, source: str, actor: Any = None, note: str = "") -> SmsOptOut:
    """Stop all messages to ``phone``: the citizen replied TD (``actor`` None: recorded as the system)
    or asked a member of staff. Recording it again keeps the first record."""
    if actor is not None:
        _require_manager(actor)
    number = normalise_phone(phone or "")
    if not MOBILE_RE.match(number):
        message = _("请填写11位手机号码。")
        raise InvalidInput(message, fields={"phone": message})
    if source not in OptOutSource.values:
        raise InvalidInput(_("退订方式无效。"), fields={"source": _("退订方式无效。")})
    with transaction.atomic():
        opt_out, created = SmsOptOut.objects.get_or_create(
            phone_index=blind_index("phone", number),
            defaults={
                "phone_mask": mask_phone(number),
                "source": source,
                "note": note.strip()[:200],
                "recorded_by": actor,
            },
        )
        if created:
            audit.record(
                AuditAction.CREATE,
                opt_out,
                actor=actor,
                actor_label="" if actor else SYSTEM,
                changes={"source": source, "note": opt_out.note},
            )
    return opt_out


def do_remove_opt_out(opt_out: SmsOptOut, *, actor: Any) -> None:
    """The citizen asked to receive messages again."""
    _require_manager(actor)
    with transaction.atomic():
        audit.record(
            AuditAction.DELETE,
            opt_out,
            actor=actor,
            changes={
                "source": opt_out.source,
                "created_at": opt_out.created_at.isoformat(timespec="seconds"),
            },
        )
        opt_out.delete()
