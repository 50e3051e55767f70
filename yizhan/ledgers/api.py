"""Ledgers API: the six ledgers as JSON rows (offset cursors) and as .xlsx / PDF files.

A small export answers 200 with the file; a longer one (more rows than
``LEDGER_EXPORT_INLINE_MAX_ROWS``) answers 202 with ``{"export": {"id", "status", "url"}}``: the client
polls ``url`` (``GET /ledgers/exports/{id}``) until ``status`` is ``done`` and then fetches its
``download_url``. Only the requester sees or downloads an export (404 for anybody else).
"""

import base64
import datetime
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from yizhan.accounts.models import User
from yizhan.core.errors import Forbidden, InvalidInput
from yizhan.core.http.pagination import MAX_LIMIT, paginate
from yizhan.ledgers import selectors
from yizhan.ledgers.catalogue import FILTER_NAMES, LEDGERS
from yizhan.ledgers.models import ExportStatus, LedgerExport
from yizhan.ledgers.selectors import ledger_rows
from yizhan.ledgers.services import ExportFile, do_download_ledger_export, do_export_ledger

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


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, str]


class ErrorOut(Schema):
    error: ErrorDetail


class ExportAccepted(Schema):
    id: int
    status: ExportStatus
    url: str


class ExportAcceptedOut(Schema):
    export: ExportAccepted


class ExportInfo(Schema):
    id: int
    ledger: str
    format: str
    filters: dict[str, str]
    status: ExportStatus
    rows: int
    requested_at: datetime.datetime
    finished_at: datetime.datetime | None
    error: str
    url: str
    download_url: str | None


class ExportOut(Schema):
    export: ExportInfo


class ExportPage(Schema):
    items: list[ExportInfo]
    next_cursor: str | None


ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
FILE_CONTENT = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}
    },
    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
}


def _status_url(export: LedgerExport) -> str:
    return reverse("api-1:ledger_export_status", kwargs={"export_id": export.pk})


def _export_info(export: LedgerExport) -> dict[str, Any]:
    done = export.status == ExportStatus.DONE and bool(export.file)
    return {
        "id": export.pk,
        "ledger": export.ledger,
        "format": export.file_format,
        "filters": export.filters,
        "status": export.status,
        "rows": export.rows,
        "requested_at": export.exported_at,
        "finished_at": export.finished_at,
        "error": export.error,
        "url": _status_url(export),
        "download_url": (
            reverse("api-1:ledger_export_file", kwargs={"export_id": export.pk}) if done else None
        ),
    }


def _user(request: HttpRequest) -> User:
    """The authenticated caller (the staff router requires a session or a token)."""
    user = request.user
    if not isinstance(user, User):
        raise Forbidden(_("请先登录。"))
    return user


def _filters(request: HttpRequest) -> dict[str, str]:
    return {key: request.GET[key] for key in FILTER_NAMES if key in request.GET}


MAX_OFFSET = 10_000_000  # far beyond any ledger; a larger cursor is forged


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _sep, value = text.partition(":")
        if prefix != "off":
            raise ValueError(text)
        offset = int(value)
        if not 0 <= offset <= MAX_OFFSET:
            raise ValueError(text)
        return offset
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
    "/ledgers/exports",
    response={200: ExportPage, **ERRORS},
    summary="我的导出（后台生成的台帐文件，游标分页）",
)
def list_exports(
    request: HttpRequest, cursor: str | None = None, limit: int = Query(50, ge=1, le=MAX_LIMIT)
) -> dict[str, Any]:
    items, next_cursor = paginate(selectors.my_exports(_user(request)), cursor, limit)
    return {"items": [_export_info(export) for export in items], "next_cursor": next_cursor}


@staff_router.get(
    "/ledgers/exports/{export_id}",
    response={200: ExportOut, **ERRORS},
    url_name="ledger_export_status",
    summary="导出状态（queued、running、done、failed）与下载地址",
    description="只有导出人本人可以查询，其他人一律 404。`status` 为 `done` 时 `download_url` 为文件地址；"
    "为 `failed` 时 `error` 说明原因。文件保存 `YIZHAN_LEDGER_EXPORT_RETENTION_DAYS`（默认 7）天。",
)
def export_status(request: HttpRequest, export_id: int) -> dict[str, Any]:
    return {"export": _export_info(selectors.access_export(_user(request), export_id))}


@staff_router.get(
    "/ledgers/exports/{export_id}/file",
    response={**ERRORS},
    url_name="ledger_export_file",
    summary="下载后台生成的台帐文件（记入审计日志）",
    description="只有导出人本人可以下载，其他人一律 404；未完成或已过期的导出也是 404。",
    openapi_extra={"responses": {200: {"description": "台帐文件（.xlsx 或 PDF）", "content": FILE_CONTENT}}},
)
def export_file(request: HttpRequest, export_id: int) -> FileResponse:
    stored = do_download_ledger_export(export_id, actor=_user(request))
    response = FileResponse(
        stored.file, as_attachment=True, filename=stored.filename, content_type=stored.content_type
    )
    response["Cache-Control"] = "no-store"
    return response


@staff_router.get(
    "/ledgers/{key}",
    response=LedgerPage,
    summary="台帐记录",
    description="筛选参数：date_from、date_to（YYYY-MM-DD）、org、channel、domain、service_type、state、status。"
    "游标分页：cursor、limit（1–500）。",
)
def ledger_page(
    request: HttpRequest, key: str, cursor: str | None = None, limit: int = Query(100, ge=1, le=500)
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


@staff_router.get(
    "/ledgers/{key}/export",
    response={202: ExportAcceptedOut, 503: ErrorOut, **ERRORS},
    summary="导出台帐（xlsx 或 pdf；记入审计日志）",
    description="筛选参数同“台帐记录”。不超过 `YIZHAN_LEDGER_EXPORT_INLINE_MAX_ROWS`（默认 2000）条时"
    "直接返回文件（200）；超过时在后台生成，返回 202 和导出记录，"
    "`url` 为查询导出状态的地址（响应头 `Location` 同）。"
    "超过单次导出上限（`too_many_rows`）或筛选条件有误时返回 422。",
    openapi_extra={
        "responses": {
            200: {"description": "台帐文件（.xlsx 或 PDF）", "content": FILE_CONTENT},
            202: {
                "description": "已在后台生成（记录较多）",
                "headers": {"Location": {"description": "导出状态的地址", "schema": {"type": "string"}}},
            },
            503: {"description": "服务器没有可用的中文字体，暂时无法生成 PDF"},
        }
    },
)
def ledger_export(
    request: HttpRequest, response: HttpResponse, key: str, format: str = "xlsx"
) -> HttpResponse | Status[dict[str, Any]]:
    outcome = do_export_ledger(key, _filters(request), format, actor=_user(request))
    if not isinstance(outcome, ExportFile):
        url = _status_url(outcome)
        response["Location"] = url
        return Status(202, {"export": {"id": outcome.pk, "status": outcome.status, "url": url}})
    file = HttpResponse(outcome.content, content_type=outcome.content_type)
    file["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(outcome.filename)}"
    file["Cache-Control"] = "no-store"
    return file
