"""``Idempotency-Key`` for create requests: a retry with the same key returns the first answer.

The key is reserved in the same transaction as the create, so two concurrent requests with the same
key cannot both create: the second waits on the unique index and then returns the stored answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from yizhan.core.errors import Conflict, InvalidInput
from yizhan.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"


def _fingerprint(body: Any) -> str:
    return hashlib.sha256(
        json.dumps(body, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()


def run_idempotent(
    request: HttpRequest, scope: str, body: Any, create: Callable[[], tuple[int, Any]]
) -> tuple[int, Any, bool]:
    """Run ``create`` at most once per (user, scope, key). Returns (status, response, replayed)."""
    key = (request.headers.get(HEADER) or "").strip()
    if not key:
        status, response = create()
        return status, response, False
    if len(key) > 128:
        raise InvalidInput(_("Idempotency-Key 过长。"), fields={HEADER: _("不能超过128个字符。")})
    user = request.user
    fingerprint = _fingerprint(body)

    def replay(record: IdempotencyRecord) -> tuple[int, Any, bool]:
        if record.fingerprint != fingerprint:
            raise Conflict(
                _("该 Idempotency-Key 已用于另一个不同的请求。"),
                fields={HEADER: _("请为新的请求使用新的键。")},
            )
        return record.status_code, record.response, True

    existing = IdempotencyRecord.objects.filter(owner=user, scope=scope, key=key).first()
    if existing is not None:
        return replay(existing)
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                owner=user, scope=scope, key=key, fingerprint=fingerprint, status_code=0, response={}
            )
            status, response = create()
            record.status_code = status
            record.response = json.loads(json.dumps(response, default=str, ensure_ascii=False))
            record.save(update_fields=["status_code", "response"])
    except IntegrityError:
        # the same key was being used concurrently; its transaction has committed by now
        stored = IdempotencyRecord.objects.filter(owner=user, scope=scope, key=key).first()
        if stored is None:
            raise
        return replay(stored)
    return status, response, False
