"""Exporting a ledger: check, build the file, and record the export (LedgerExport + audit row)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.accounts import roles
from yizhan.accounts.models import User
from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction
from yizhan.core.errors import Forbidden, InvalidInput, NotFound
from yizhan.ledgers import exports
from yizhan.ledgers.models import LedgerExport
from yizhan.ledgers.selectors import LedgerResult, ledger_rows

FORMATS: dict[str, str] = {"xlsx": exports.XLSX_CONTENT_TYPE, "pdf": exports.PDF_CONTENT_TYPE}


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    content_type: str
    rows: int


def unit_name(user: User) -> str:
    """The unit that keeps the ledger (填报单位): the exporting user's own unit."""
    return user.unit.name if user.unit is not None else ""


def check_size(result: LedgerResult, file_format: str = "xlsx") -> None:
    limit = settings.EXPORT_MAX_ROWS
    if result.total > limit:
        message = _(
            "符合条件的记录有 %(n)d 条，超过单次导出上限 %(limit)d 条。请缩短日期范围或增加筛选条件后再导出。"
        ) % {"n": result.total, "limit": limit}
        raise InvalidInput(message, fields={"rows": message}, code="too_many_rows")
    # a PDF is for printing and takes far longer to build than a spreadsheet: a lower cap keeps an
    # export well inside the server's request timeout
    pdf_limit = settings.PDF_EXPORT_MAX_ROWS
    if file_format == "pdf" and result.total > pdf_limit:
        message = _(
            "符合条件的记录有 %(n)d 条，PDF 单次最多 %(limit)d 条（便于打印）。请缩短日期范围，或导出 Excel。"
        ) % {"n": result.total, "limit": pdf_limit}
        raise InvalidInput(message, fields={"rows": message}, code="too_many_rows")


def do_export_ledger(
    key: str, params: Mapping[str, Any] | None, file_format: str, *, actor: User
) -> ExportFile:
    """Build ledger ``key`` as .xlsx or PDF for ``actor`` with the filters in ``params``.

    Raises ``Forbidden`` without ``ledgers.export_ledgers``, ``InvalidInput`` for bad filters or a
    ledger longer than ``settings.EXPORT_MAX_ROWS`` (code ``too_many_rows``), ``NotFound`` for an
    unknown ledger or format, and ``yizhan.core.pdf.PdfFontUnavailable`` when no Chinese font is installed.
    Every export writes a ``LedgerExport`` row and an audit row.
    """

    if file_format not in FORMATS:
        raise NotFound(_("不支持的导出格式：%(format)s") % {"format": file_format[:16]})
    if not actor.has_perm(roles.EXPORT_LEDGERS):
        raise Forbidden(_("您的账号没有导出台帐的权限。"))
    result = ledger_rows(actor, key, params)
    check_size(result, file_format)
    title = str(result.ledger.title)
    now = timezone.localtime()
    build = exports.to_xlsx if file_format == "xlsx" else exports.to_pdf
    content = build(
        result,
        title=title,
        unit_name=unit_name(actor),
        filters_text=result.filters.describe(result.ledger),
        exported_by=actor.display_name,
        generated_at=now,
    )
    filters = result.filters.as_params()
    with transaction.atomic(durable=True):
        record = LedgerExport.objects.create(
            ledger=key, file_format=file_format, filters=filters, rows=result.total, exported_by=actor
        )
        audit.record(
            AuditAction.EXPORT,
            record,
            actor=actor,
            object_repr=f"{title}.{file_format}",
            changes={"ledger": key, "format": file_format, "rows": result.total, "filters": filters},
        )
    period = "_".join(filters[name] for name in ("date_from", "date_to") if name in filters)
    filename = f"{title}_{period or now.strftime('%Y%m%d')}.{file_format}"
    return ExportFile(
        content=content, filename=filename, content_type=FORMATS[file_format], rows=result.total
    )
