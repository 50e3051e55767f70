"""REST API v1 (django-ninja): one NinjaAPI, audience routers over the same services.

- public (anonymous, rate-limited): tracking and rating by query code, and the public tools of the
  knowledge and legal-aid modules;
- staff / partner (session with CSRF, or ``Authorization: Bearer <token>`` for integration clients):
  matters, transitions, history, organisations, ledgers.

Every error answers ``{"error": {"code", "message", "fields"}}`` with a 4xx status.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django_ratelimit.exceptions import Ratelimited
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from yizhan.api.errors import error_response, validation_fields
from yizhan.core.errors import DomainError

api = NinjaAPI(
    title="Yizhan 一站 API",
    version="1",
    description=(
        "公共法律服务平台接口。集成客户端使用 `Authorization: Bearer <令牌>`；"
        "工作人员浏览器会话需带 CSRF 令牌。"
        "所有创建请求支持 `Idempotency-Key` 请求头：同一键的重试返回同一结果，不会重复创建。"
        '错误统一为 `{"error": {"code", "message", "fields"}}`。'
    ),
    urls_namespace="api-1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = validation_fields(exc.errors)
    return error_response(422, "invalid", _("请求数据有误，请检查标出的字段。"), fields)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(401, "unauthenticated", _("请先登录或提供有效的接口令牌。"))


@api.exception_handler(AuthorizationError)
def _unauthorised(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return error_response(403, "forbidden", _("没有权限。"))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(404, "not_found", _("资源不存在。"))


@api.exception_handler(Ratelimited)
def _rate_limited(request: HttpRequest, exc: Ratelimited) -> HttpResponse:
    response = error_response(429, "rate_limited", _("请求过于频繁，请稍后再试。"))
    response["Retry-After"] = "1"
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(exc.status_code, "error", str(exc))


def _register_routers() -> None:
    from yizhan.api.public import router as public_router
    from yizhan.matters.api import router as matters_router
    from yizhan.orgs.api import router as orgs_router

    api.add_router("/", public_router)
    api.add_router("/", matters_router)
    api.add_router("/", orgs_router)
    from yizhan.ledgers.api import router as ledgers_router

    api.add_router("/", ledgers_router)
    for module in ("yizhan.legalaid.api", "yizhan.knowledge.api"):
        try:
            router = __import__(module, fromlist=["router"]).router
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        api.add_router("/", router)


_register_routers()
