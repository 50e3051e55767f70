"""Rate limits on anonymous public endpoints (SPEC §11: by default 20 requests a second per client),
and a stricter one on look-ups by query code (``settings.QUERY_CODE_RATE``, 30 a minute): a query code
is a secret of 12 digits, and guessing them must stay slow.

django-ratelimit counts in the cache named by ``RATELIMIT_USE_CACHE`` — the database cache by default,
Redis with ``YIZHAN_REDIS_URL`` — so every process (gunicorn workers, servers) shares one count. The
client is ``core.clientip.client_ip`` (``RATELIMIT_IP_META_KEY``). A client over the limit gets 429
with a Chinese message (pages) or the API error shape.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit
from django_ratelimit.exceptions import Ratelimited

#: every look-up by query code: the portal's status and rating pages, the QR short link, the API
QUERY_CODE_PATH = re.compile(r"^/(?:api/v1/)?(?:track|t)/[^/]+")


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
        if QUERY_CODE_PATH.match(request.path) and is_ratelimited(
            request, group="query-code", key="ip", rate=settings.QUERY_CODE_RATE, increment=True
        ):
            return too_many(request, retry_after=60)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Ratelimited):
            return too_many(request)
        return None


def too_many(request: HttpRequest, *args: Any, retry_after: int = 1) -> HttpResponse:
    if request.path.startswith("/api/"):
        from yizhan.core.http.errors import error_response

        response = error_response(429, "rate_limited", _(MESSAGE))
    else:
        response = HttpResponse(_(MESSAGE), status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response
