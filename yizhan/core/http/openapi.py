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
    return document
