"""Authentication of API calls: integration tokens or the staff browser session (with CSRF).

The token store belongs to the accounts app, a layer above this one, so the token is checked by the
function named in ``settings.API_TOKEN_AUTHENTICATOR`` (as Django names its authentication backends):
it takes the raw token and returns the user it stands for, or ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string
from ninja.security import HttpBearer, SessionAuth


@cache
def _token_authenticator(path: str) -> Callable[[str], Any]:
    return import_string(path)  # type: ignore[no-any-return]


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = _token_authenticator(settings.API_TOKEN_AUTHENTICATOR)(token)
        if user is None:
            return None
        request.user = user
        return user


class StaffSessionAuth(SessionAuth):
    """The logged-in staff member; unsafe methods need the CSRF token (header X-CSRFToken)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and getattr(user, "is_integration", False):
            return None
        return user


STAFF_AUTH = [TokenAuth(), StaffSessionAuth()]
# integration clients (a PBX, a provincial exchange) call with a token; no browser session
PARTNER_AUTH = [TokenAuth()]
