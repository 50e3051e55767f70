"""Reading a JSON request body safely, for django-ninja (``StrictJsonParser``) and for the views that
read a raw body themselves (``parse_json_body``).

Refused, each with a clear Chinese message and never a 500: a body under a Content-Type other than
JSON (415), a body that is not JSON, a body nested deeper than ``MAX_DEPTH`` (Python's parser would
otherwise exhaust the stack on 100,000 ``[``), and NUL characters anywhere in it (no database stores
them faithfully; PostgreSQL refuses them).
"""

from __future__ import annotations

import json
from typing import Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.parser import Parser

from yizhan.core.errors import InvalidInput, UnsupportedMediaType

MAX_DEPTH = 32


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def _check(value: Any, path: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise InvalidInput(
            _("请求体嵌套过深。"), fields={path or "body": _("嵌套层数不能超过%(n)d层。") % {"n": MAX_DEPTH}}
        )
    if isinstance(value, str):
        if "\x00" in value:
            raise InvalidInput(
                _("请求数据含有空字符。"), fields={path or "body": _("不能含有空字符（\\u0000）。")}
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                raise InvalidInput(_("请求数据含有空字符。"), fields={"body": _("字段名不能含有空字符。")})
            _check(item, f"{path}.{key}" if path else key, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]", depth + 1)


def parse_json_body(request: HttpRequest, *, empty: Any = None) -> Any:
    """The request body as JSON, checked as the module says; ``empty`` for an empty body."""
    if not request.body:
        return empty
    if not _is_json(request.content_type or request.headers.get("Content-Type", "")):
        raise UnsupportedMediaType(
            _("请求体应为 JSON。"), fields={"Content-Type": _("请使用 application/json。")}
        )
    try:
        data = json.loads(request.body)
    except RecursionError as exc:
        raise InvalidInput(_("请求体嵌套过深。"), fields={"body": _("嵌套层数过多。")}) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            _("请求体不是有效的 JSON。"), fields={"body": _("请求体不是有效的 JSON。")}
        ) from exc
    _check(data, "", 0)
    return data


class StrictJsonParser(Parser):
    """django-ninja's parser with the checks of ``parse_json_body`` (ninja wraps what a parser raises
    in a 400 ``HttpError``; the API's error handler answers with the domain error it was caused by)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = parse_json_body(request, empty={})
        if not isinstance(data, dict):
            raise InvalidInput(_("请求体应为 JSON 对象。"), fields={"body": _("应为对象。")})
        return cast(dict[str, Any], data)
