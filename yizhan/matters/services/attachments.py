"""Attachments of a matter: checked (size, type), hashed, stored, and put on the timeline."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from yizhan.accounts import roles
from yizhan.accounts.models import User
from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction
from yizhan.core.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from yizhan.matters import selectors
from yizhan.matters.models import Attachment, EventCode, Matter
from yizhan.matters.services.common import _locked, _now, append_event
from yizhan.matters.states import MatterState

ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "text/plain": ".txt",
}


def do_add_attachment(matter: Matter, upload: UploadedFile, *, actor: User) -> Attachment:
    """Attach a file to a matter that is not archived (registrars and handlers who can see it)."""
    if not selectors.can_see(actor, matter):
        raise NotFound(_("事项不存在。"))
    if not (actor.has_perm(roles.REGISTER) or actor.has_perm(roles.HANDLE)):
        raise Forbidden(_("您的账号没有「%(action)s」的权限。") % {"action": _("上传附件")})
    if upload.size is None or upload.size == 0:
        raise InvalidInput(_("文件为空。"), fields={"file": _("文件为空。")})
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise InvalidInput(
            _("文件太大。"),
            fields={
                "file": _("文件不能超过%(mb)dMB。") % {"mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
            },
        )
    content_type = (upload.content_type or "").split(";")[0].strip()
    if content_type not in ALLOWED_ATTACHMENT_TYPES:
        raise InvalidInput(
            _("不支持的文件类型。"), fields={"file": _("只能上传PDF、图片、Word、Excel或文本文件。")}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic(durable=True):
        locked = _locked(matter)
        if locked.state == MatterState.ARCHIVED:
            raise IllegalTransition(_("已归档的事项不能再上传附件。"))
        attachment = Attachment(
            matter=locked,
            name=(upload.name or "file")[:128],
            content_type=content_type,
            size=upload.size,
            sha256=digest.hexdigest(),
            uploaded_by=actor,
        )
        attachment.file.save(attachment.name, upload, save=False)
        attachment.save()
        append_event(locked, EventCode.ATTACH, actor=actor, at=_now(), data={"name": attachment.name})
        audit.record(
            AuditAction.CREATE,
            attachment,
            actor=actor,
            changes={"matter": locked.number, "size": upload.size},
        )
    return attachment
