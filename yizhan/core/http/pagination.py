"""Cursor pagination: stable under inserts, opaque to clients (base64 of the last id)."""

from __future__ import annotations

import base64
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from yizhan.core.errors import InvalidInput

M = TypeVar("M", bound=Model)
MAX_LIMIT = 200


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode()).decode()
        prefix, _sep, value = text.partition(":")
        if prefix != "id":
            raise ValueError(text)
        last_id = int(value)
        if not 0 < last_id <= 2**63 - 1:
            raise ValueError(text)
        return last_id
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            _("分页游标无效。"), fields={"cursor": _("分页游标无效，请从第一页重新开始。")}
        ) from exc


def paginate(qs: QuerySet[M], cursor: str | None, limit: int) -> tuple[list[M], str | None]:
    """Newest first by primary key; ``limit`` is clamped to 1..200."""
    if limit < 1 or limit > MAX_LIMIT:
        raise InvalidInput(_("每页数量有误。"), fields={"limit": _("每页数量应在1到200之间。")})
    qs = qs.order_by("-pk")
    if cursor:
        qs = qs.filter(pk__lt=decode_cursor(cursor))
    items = list(qs[: limit + 1])
    next_cursor = encode_cursor(items[limit - 1].pk) if len(items) > limit else None
    return items[:limit], next_cursor


def page(items: list[Any], next_cursor: str | None) -> dict[str, Any]:
    return {"items": items, "next_cursor": next_cursor}
