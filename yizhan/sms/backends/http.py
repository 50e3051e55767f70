"""A generic HTTP gateway, e.g. a provincial government SMS platform (政务短信平台).

``POST YIZHAN_SMS_HTTP_URL`` with ``Authorization: Bearer YIZHAN_SMS_HTTP_TOKEN`` and a JSON body::

    {"phone": "13800000000", "sign_name": "一站", "template_code": "matter_registered",
     "template_id": "<provider template id>", "params": {"code": "K7QX2M9P"},
     "content": "【一站】您的事项已登记……", "reference": "42"}

The platform answers JSON ``{"code": "0", "message_id": "…"}`` on success (``code`` ``0`` or ``OK``),
otherwise ``{"code": "…", "message": "…", "retryable": true|false}``. The error contract:

- no answer (timeout, connection refused), HTTP 408, 425, 429 or 5xx → retryable;
- any other HTTP 4xx (bad token, bad request) → permanent;
- HTTP 2xx with an error code → retryable when ``retryable`` is true or the code is one of
  ``THROTTLED``, ``RATE_LIMITED``, ``BUSY``, ``TIMEOUT``, ``SYSTEM_ERROR``; permanent otherwise.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import asdict
from typing import Any

from django.conf import settings

from yizhan.sms.backends.base import OutgoingSms, PermanentSmsError, RetryableSmsError

SUCCESS_CODES = frozenset({"0", "OK", "ok", "success", "SUCCESS"})
RETRYABLE_CODES = frozenset({"THROTTLED", "RATE_LIMITED", "BUSY", "TIMEOUT", "SYSTEM_ERROR"})
RETRYABLE_STATUS = frozenset({408, 425, 429})


def _json(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


class HttpBackend:
    name = "http"

    def __init__(self) -> None:
        self.url = settings.SMS_HTTP_URL
        self.token = settings.SMS_HTTP_TOKEN
        self.timeout = settings.SMS_TIMEOUT_SECONDS

    def body(self, sms: OutgoingSms) -> dict[str, Any]:
        fields = asdict(sms)
        fields["template_id"] = fields.pop("provider_template_id")
        fields["content"] = fields.pop("text")
        return fields

    def send(self, sms: OutgoingSms) -> str:
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
        }
        if sms.reference:  # a retry of the same message carries the same key
            headers["Idempotency-Key"] = f"yizhan-sms-{sms.reference}"
        request = urllib.request.Request(  # noqa: S310 (the URL is checked to be http(s) in settings)
            self.url,
            data=json.dumps(self.body(sms), ensure_ascii=False).encode("utf-8"),
            method="POST",
            headers=headers,
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            data = _json(exc.read() or b"")
            code = str(data.get("code") or f"HTTP {exc.code}")
            message = str(data.get("message") or exc.reason or "")[:200]
            if exc.code >= 500 or exc.code in RETRYABLE_STATUS:
                raise RetryableSmsError(code, message) from exc
            raise PermanentSmsError(code, message) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RetryableSmsError(type(reason).__name__, str(reason)[:200]) from exc
        data = _json(raw)
        if not data:
            raise RetryableSmsError(f"HTTP {status}", "短信平台的应答不是JSON")
        code = str(data.get("code", ""))
        if code in SUCCESS_CODES:
            return str(data.get("message_id") or data.get("id") or "")
        message = str(data.get("message") or "")[:200]
        if data.get("retryable") is True or code in RETRYABLE_CODES:
            raise RetryableSmsError(code, message)
        raise PermanentSmsError(code or "unknown", message)
