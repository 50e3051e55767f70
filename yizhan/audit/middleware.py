"""Keeps the current request's client address and id at hand for audit rows written by services."""

from __future__ import annotations

import contextvars
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

from yizhan.core.clientip import client_ip


@dataclass(frozen=True)
class RequestContext:
    ip: str | None
    request_id: str


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "yizhan_request", default=None
)


def current_request_context() -> RequestContext | None:
    return _current.get()


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(RequestContext(ip=client_ip(request), request_id=secrets.token_hex(8)))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
