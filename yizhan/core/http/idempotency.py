"""``Idempotency-Key`` for create requests: a retry with the same key returns the first answer.

The record is written in the same transaction as the create, so two concurrent requests with the same
key cannot both create: the second one's record hits the unique index, its create rolls back, and it
returns the first one's stored answer.
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
    if not request.user.is_authenticated:  # keys are per user: an anonymous call is never replayed
        status, response = create()
        return status, response, False
    user: Any = request.user  # the project's user model (settings.AUTH_USER_MODEL)
    fingerprint = _fingerprint(body)

    def replay(record: IdempotencyRecord) -> tuple[int, Any, bool]:
        if record.fingerprint != fingerprint:
            raise Conflict(
                _("该 Idempotency-Key 已用于另一个不同的请求。"),
                fields={HEADER: _("请为新的请求使用新的键。")},
            )
        return record.status_code, record.response, True

    # no look-up first: a retry runs into the unique index, rolls back and replays (one query saved on
    # every first attempt, which is nearly every request)
    try:
        with transaction.atomic():
            status, response = create()
            # stored in the same transaction: if another request committed this key meanwhile, the
            # unique index refuses this row and the whole create rolls back
            IdempotencyRecord.objects.create(
                owner=user,
                scope=scope,
                key=key,
                fingerprint=fingerprint,
                status_code=status,
                response=json.loads(json.dumps(response, default=str, ensure_ascii=False)),
            )
    except IntegrityError:
        stored = IdempotencyRecord.objects.filter(owner=user, scope=scope, key=key).first()
        if stored is None:
            raise
        return replay(stored)
    return status, response, False
