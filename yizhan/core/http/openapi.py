"""The API's OpenAPI document, made valid OpenAPI 3.1 where django-ninja's output is not.

Two repairs. An app that writes ``"200"`` in ``openapi_extra`` next to django-ninja's ``200`` gives a
document with a duplicated key, which Swagger UI cannot read: the answers are merged under one key.
And pydantic writes a field's ``examples`` (a JSON-Schema list) onto a query or path *parameter* as well,
where OpenAPI wants a map of named Example objects; openapi-spec-validator rejects such a document and
client generators refuse it. ``normalise`` rewrites those lists as ``{"example1": {"value": …}}``.
"""

from __future__ import annotations

from typing import Any


def _merge(into: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value
    return into


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Error",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "description": "机器可读的错误代码，如 invalid、not_found"},
                "message": {"type": "string", "description": "中文说明"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": "出错的字段及其说明",
                },
            },
        }
    },
}

ERROR_DESCRIPTIONS = {
    "401": "未登录或令牌无效",
    "403": "没有权限",
    "404": "资源不存在或不在管辖范围内",
    "409": "状态冲突（如事项当前状态不允许该操作、幂等键被用于另一请求）",
    "413": "请求内容过大",
    "415": "请求体不是 JSON",
    "422": "请求数据有误（fields 标出各字段）",
    "429": "请求过于频繁",
}


def error_statuses(operation: dict[str, Any], method: str) -> list[str]:
    """The 4xx an operation can answer, by audience: anyone can send invalid data or too many
    requests; an authenticated operation can also refuse the caller, miss the object, or conflict."""
    statuses = ["422", "429"]
    if "requestBody" in operation:
        statuses += ["413", "415"]
    if operation.get("security"):
        statuses += ["401", "403", "404"]
        if method in ("post", "put", "patch", "delete"):
            statuses.append("409")
    elif any(p.get("in") == "path" for p in operation.get("parameters", [])):
        statuses.append("404")
    return sorted(statuses)


def _add_errors(document: dict[str, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            for status in error_statuses(operation, method):
                answer = responses.setdefault(status, {"description": ERROR_DESCRIPTIONS[status]})
                content = answer.setdefault("content", {}).setdefault("application/json", {})
                content.setdefault("schema", ref)


def normalise(document: dict[str, Any]) -> dict[str, Any]:
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            responses = operation.get("responses")
            if responses:
                merged: dict[str, Any] = {}
                for status, answer in responses.items():
                    key = str(status)
                    merged[key] = _merge(merged[key], answer) if key in merged else answer
                operation["responses"] = merged
            for parameter in operation.get("parameters", []):
                examples = parameter.get("examples")
                if isinstance(examples, list):
                    parameter["examples"] = {
                        f"example{index}": {"value": value} for index, value in enumerate(examples, start=1)
                    }
    _add_errors(document)
    return document
