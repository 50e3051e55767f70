"""Rate limits on anonymous public endpoints (SPEC §11: by default 20 requests a second per client).

django-ratelimit counts in the cache; with several processes set ``YIZHAN_REDIS_URL`` so they share
one count. A client over the limit gets 429 with a Chinese message (pages) or the API error shape.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit
from django_ratelimit.exceptions import Ratelimited


def _rate(group: str, request: HttpRequest) -> str:
    return f"{settings.PUBLIC_RATE_PER_SECOND}/s"


_limit = ratelimit(key="ip", rate=_rate, block=True, group="public")


def public_limit(view: Callable[..., Any]) -> Callable[..., Any]:
    """Limit an anonymous view. The wrapper carries the view's signature with its annotations already
    evaluated, so django-ninja (which would evaluate string annotations in the wrapper's module) sees
    the view's own schemas even under ``from __future__ import annotations``."""
    wrapped = _limit(view)
    wrapped.__signature__ = inspect.signature(view, eval_str=True)  # type: ignore[attr-defined]
    return wrapped


MESSAGE = "请求过于频繁，请稍后再试。"


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Ratelimited):
            return too_many(request)
        return None


def too_many(request: HttpRequest, *args: Any) -> HttpResponse:
    response = HttpResponse(_(MESSAGE), status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = "1"
    return response
