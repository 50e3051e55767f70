"""The stable error shape of the API: ``{"error": {"code", "message", "fields"}}``."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _


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
