"""Domain errors raised by services; views and the API turn them into messages and status codes.

- ``InvalidInput``   → 422, with a message per field
- ``IllegalTransition`` → 409, the current state does not allow the action
- ``Forbidden``      → 403, the role does not allow the action
- ``NotFound``       → 404, also for records outside the user's jurisdiction (no existence leak)
- ``Conflict``       → 409, e.g. an idempotency key reused with another body
- ``UnsupportedMediaType`` → 415, a JSON body sent under another Content-Type
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "error"

    def __init__(
        self, message: str, *, fields: dict[str, str] | None = None, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class InvalidInput(DomainError):
    status = 422
    code = "invalid"


class IllegalTransition(DomainError):
    status = 409
    code = "illegal_transition"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"
