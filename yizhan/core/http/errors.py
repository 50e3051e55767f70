"""The stable error shape of the API: ``{"error": {"code", "message", "fields"}}``."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django_ratelimit.exceptions import Ratelimited
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from yizhan.core.errors import DomainError


def error_response(
    status: int, code: str, message: str, fields: dict[str, str] | None = None
) -> HttpResponse:
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type="application/json; charset=utf-8"
    )


_MESSAGES = {
    "missing": "必填。",
    "string_type": "应为文本。",
    "int_type": "应为整数。",
    "int_parsing": "应为整数。",
    "bool_type": "应为 true 或 false。",
    "bool_parsing": "应为 true 或 false。",
    "float_parsing": "应为数字。",
    "date_parsing": "日期格式应为 YYYY-MM-DD。",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD。",
    "datetime_parsing": "时间格式应为 ISO 8601（如 2026-11-24T09:30:00+08:00）。",
    "datetime_from_date_parsing": "时间格式应为 ISO 8601（如 2026-11-24T09:30:00+08:00）。",
    "list_type": "应为列表。",
    "too_short": "内容过短或为空。",
    "too_long": "内容过长。",
    "string_too_short": "不能为空。",
    "string_too_long": "内容过长。",
    "greater_than_equal": "数值过小。",
    "less_than_equal": "数值过大。",
    "enum": "取值无效。",
    "literal_error": "取值无效。",
    "json_invalid": "请求体不是有效的 JSON。",
    "model_attributes_type": "格式有误。",
    "dict_type": "应为对象。",
    "extra_forbidden": "未知的字段。",
}


def validation_fields(errors: list[dict[str, Any]]) -> dict[str, str]:
    """Turn pydantic/ninja errors into ``{"requesters[0].phone": "…"}`` (the request part is dropped)."""
    fields: dict[str, str] = {}
    for error in errors:
        loc = [
            part
            for part in error.get("loc", [])
            if part not in ("body", "query", "path", "header", "payload")
        ]
        name = ""
        for part in loc:
            if isinstance(part, int):
                name += f"[{part}]"
            else:
                name += ("." if name else "") + str(part)
        message = _MESSAGES.get(error.get("type", ""), "")
        fields[name or "body"] = _(message) if message else str(error.get("msg", _("取值无效。")))
    return fields


def install_error_handlers(api: NinjaAPI) -> None:
    """Every failure of an API call answers in the error shape above, with a 4xx status."""

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
        cause = exc.__cause__
        if isinstance(cause, DomainError):  # raised by our parser, wrapped by django-ninja
            return error_response(cause.status, cause.code, cause.message, cause.fields)
        return http_error_response(exc.status_code, str(exc))


def _ninja_messages() -> dict[str, tuple[str, str, dict[str, str]]]:
    """The errors django-ninja raises itself, in the error shape and in Chinese."""
    return {
        "Cannot parse request body": (
            "invalid_json",
            _("请求体不是有效的 JSON。"),
            {"body": _("请求体不是有效的 JSON。")},
        ),
        "CSRF check Failed": ("csrf_failed", _("CSRF 校验失败，请刷新页面后重试。"), {}),
    }


_STATUS_MESSAGES = {
    400: ("bad_request", "请求有误。"),
    401: ("unauthenticated", "请先登录或提供有效的接口令牌。"),
    403: ("forbidden", "没有权限。"),
    404: ("not_found", "资源不存在。"),
    405: ("method_not_allowed", "该地址不支持这种请求方法。"),
    413: ("too_large", "请求内容过大。"),
    415: ("unsupported_media_type", "不支持的内容类型。"),
    429: ("rate_limited", "请求过于频繁，请稍后再试。"),
}


def http_error_response(status: int, detail: str = "") -> HttpResponse:
    """An HTTP error raised by the framework (not by our services), in the error shape and in Chinese."""
    known = _ninja_messages().get(detail)
    if known is not None:
        code, message, fields = known
        return error_response(status, code, message, fields)
    code, message = _STATUS_MESSAGES.get(status, ("error", "请求未能完成。"))
    return error_response(status, code, _(message))
