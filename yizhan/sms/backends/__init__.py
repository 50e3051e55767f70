"""SMS gateways, one module per transport (STYLE §12), selected by ``YIZHAN_SMS_BACKEND``.

Every backend takes an ``OutgoingSms`` and returns the provider's message id, or raises
``PermanentSmsError`` (the message can never be sent as it is: bad number, template or signature not
approved → no retry) or ``RetryableSmsError`` (timeouts, the provider's throttling, 5xx → retried with
backoff). The cloud SDKs are imported inside their backend, so the app runs without them.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from yizhan.sms.backends.base import (
    OutgoingSms,
    PermanentSmsError,
    RetryableSmsError,
    SmsBackend,
    SmsError,
)

BACKENDS = {
    "logging": "yizhan.sms.backends.logging.LoggingBackend",
    "aliyun": "yizhan.sms.backends.aliyun.AliyunBackend",
    "tencent": "yizhan.sms.backends.tencent.TencentBackend",
    "http": "yizhan.sms.backends.http.HttpBackend",
}


def get_backend(name: str | None = None) -> SmsBackend:
    """The configured backend (``settings.SMS_BACKEND``: a name above, or a dotted path in tests)."""
    name = name or settings.SMS_BACKEND
    backend_class = import_string(BACKENDS.get(name, name))
    backend: SmsBackend = backend_class()
    return backend


__all__ = [
    "BACKENDS",
    "OutgoingSms",
    "PermanentSmsError",
    "RetryableSmsError",
    "SmsBackend",
    "SmsError",
    "get_backend",
]
