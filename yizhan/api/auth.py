"""Authentication of API calls: integration tokens or the staff browser session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from yizhan.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        record = ApiToken.authenticate(token)
        if record is None:
            return None
        request.user = record.user
        return record.user


class StaffSessionAuth(SessionAuth):
    """The logged-in staff member; unsafe methods need the CSRF token (header X-CSRFToken)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and getattr(user, "is_integration", False):
            return None
        return user


STAFF_AUTH = [TokenAuth(), StaffSessionAuth()]
