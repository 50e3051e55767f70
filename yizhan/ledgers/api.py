"""Ledgers API: the six ledgers as JSON rows (offset cursors) and as .xlsx / PDF files."""

import base64
import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from ninja import Router, Schema

from yizhan.accounts.models import User
from yizhan.core.errors import Forbidden, InvalidInput
from yizhan.ledgers.catalogue import FILTER_NAMES, LEDGERS
from yizhan.ledgers.selectors import ledger_rows
from yizhan.ledgers.services import do_export_ledger

staff_router = Router(tags=["台帐"])


class LedgerInfo(Schema):
    key: str
    title: str
    columns: list[dict[str, str]]


class LedgerPage(Schema):
    key: str
    title: str
    total: int
    columns: list[str]
    rows: list[dict[str, Any]]
    next_cursor: str | None


def _user(request: HttpRequest) -> User:
    """The authenticated caller (the staff router requires a session or a token)."""
    user = request.user
    if not isinstance(user, User):
        raise Forbidden(_("请先登录。"))
    return user


def _filters(request: HttpRequest) -> dict[str, str]:
    return {key: request.GET[key] for key in FILTER_NAMES if key in request.GET}


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _sep, value = text.partition(":")
        if prefix != "off":
            raise ValueError(text)
        return max(0, int(value))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            _("分页游标无效。"), fields={"cursor": _("分页游标无效，请从第一页重新开始。")}
        ) from exc


def _cell(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


@staff_router.get("/ledgers", response=list[LedgerInfo], summary="台帐目录（五台帐一登记）")
def list_ledgers(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "key": key,
            "title": str(ledger.title),
            "columns": [{"key": c.key, "header": str(c.header)} for c in ledger.columns],
        }
        for key, ledger in LEDGERS.items()
    ]


@staff_router.get(
    "/ledgers/{key}",
    response=LedgerPage,
    summary="台帐记录",
    description="筛选参数：date_from、date_to（YYYY-MM-DD）、org、channel、domain、service_type、state、status。"
    "游标分页：cursor、limit（1–500）。",
)
def ledger_page(
    request: HttpRequest, key: str, cursor: str | None = None, limit: int = 100
) -> dict[str, Any]:
    if not 1 <= limit <= 500:
        raise InvalidInput(_("每页数量有误。"), fields={"limit": _("每页数量应在1到500之间。")})
    result = ledger_rows(_user(request), key, _filters(request))
    offset = _offset(cursor)
    rows = list(result.rows(offset, limit + 1))
    keys = [c.key for c in result.columns]
    more = len(rows) > limit
    next_cursor = (
        base64.urlsafe_b64encode(f"off:{offset + limit}".encode()).decode().rstrip("=") if more else None
    )
    return {
        "key": key,
        "title": str(result.ledger.title),
        "total": result.total,
        "columns": keys,
        "rows": [dict(zip(keys, map(_cell, row), strict=True)) for row in rows[:limit]],
        "next_cursor": next_cursor,
    }


@staff_router.get("/ledgers/{key}/export", summary="导出台帐（xlsx 或 pdf；记入审计日志）")
def ledger_export(request: HttpRequest, key: str, format: str = "xlsx") -> HttpResponse:
    file = do_export_ledger(key, _filters(request), format, actor=_user(request))
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(file.filename)}"
    return response
