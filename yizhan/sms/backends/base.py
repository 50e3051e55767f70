"""What every SMS backend receives, returns and raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class OutgoingSms:
    """One message to one phone, as every provider needs it.

    ``params`` are ordered as the placeholders first appear in the text (Tencent takes them as a list
    in that order); ``text`` is the full message with its signature, for gateways that take content.
    """

    phone: str  # mainland mobile number, 11 digits, no country code
    sign_name: str  # 短信签名, without 【】
    template_code: str  # ours, e.g. matter_registered
    provider_template_id: str  # 短信模板ID/CODE approved by the provider
    params: dict[str, str] = field(default_factory=dict)
    text: str = ""
    reference: str = ""  # our message id, for the provider's logs and idempotency


class SmsError(Exception):
    """A failed send: ``code`` is the provider's error code, ``message`` its explanation."""

    retryable = False

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message


class PermanentSmsError(SmsError):
    """The message cannot be sent as it is (bad number, template or signature not approved): no retry."""


class RetryableSmsError(SmsError):
    """A passing failure (timeout, the provider's throttling, 5xx): try again later."""

    retryable = True


class SmsBackend(Protocol):
    name: str

    def send(self, sms: OutgoingSms) -> str:
        """Send ``sms``; return the provider's message id. Raise a ``SmsError`` subclass on failure."""
        ...


def classify(
    code: str,
    message: str,
    *,
    permanent: frozenset[str] = frozenset(),
    retryable: frozenset[str] = frozenset(),
    retryable_prefixes: tuple[str, ...] = (),
    default_retryable: bool = False,
) -> SmsError:
    """The error for a provider code: exact lists first, then prefixes, then the default."""
    if code in permanent:
        return PermanentSmsError(code, message)
    if code in retryable or code.startswith(retryable_prefixes):
        return RetryableSmsError(code, message)
    return RetryableSmsError(code, message) if default_retryable else PermanentSmsError(code, message)
