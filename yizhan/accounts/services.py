"""Account services that other layers call by name (``settings.API_TOKEN_AUTHENTICATOR``)."""

from __future__ import annotations

from yizhan.accounts.models import ApiToken, User


def user_for_api_token(raw: str) -> User | None:
    """The user an active API token stands for, or ``None`` (unknown, revoked, expired, inactive)."""
    token = ApiToken.authenticate(raw)
    return token.user if token is not None else None
