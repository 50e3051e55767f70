"""The API's OpenAPI document, made valid OpenAPI 3.1 where django-ninja's output is not.

pydantic writes a field's ``examples`` (a JSON-Schema list) onto a query or path *parameter* as well,
where OpenAPI wants a map of named Example objects; openapi-spec-validator rejects such a document and
client generators refuse it. ``normalise`` rewrites those lists as ``{"example1": {"value": …}}``.
"""

from __future__ import annotations

from typing import Any


def normalise(document: dict[str, Any]) -> dict[str, Any]:
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                examples = parameter.get("examples")
                if isinstance(examples, list):
                    parameter["examples"] = {
                        f"example{index}": {"value": value} for index, value in enumerate(examples, start=1)
                    }
    return document
