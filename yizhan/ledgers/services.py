"""Exporting a ledger: check, build the file, and record the export (LedgerExport + audit row).

``do_export_ledger`` is what the pages and the API call. A ledger of at most
``settings.LEDGER_EXPORT_INLINE_MAX_ROWS`` rows is built at once and returned (``ExportFile``); a longer
one becomes a background job and the queued ``LedgerExport`` is returned instead. The job
(``tasks.build_ledger_export_task`` → ``do_build_ledger_export``) reads the very same rows through
``selectors.ledger_rows`` and builds them with the very same ``exports`` code, as the requester and with
the filters validated at request time; the file goes to the default storage under a random name and
only the requester may download it (``do_download_ledger_export``, audited). The worker deletes
background exports after ``settings.LEDGER_EXPORT_RETENTION_DAYS`` (``do_prune_ledger_exports``).
"""

from __future__ import annotations

import datetime
import logging
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.accounts import roles
from yizhan.accounts.models import User
from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction
from yizhan.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from yizhan.core.models import Notification
from yizhan.ledgers import exports
from yizhan.ledgers.catalogue import get_ledger
from yizhan.ledgers.models import PENDING, ExportStatus, LedgerExport
from yizhan.ledgers.selectors import LedgerResult, access_export, ledger_rows

logger = logging.getLogger("yizhan.ledgers")

FORMATS: dict[str, str] = {"xlsx": exports.XLSX_CONTENT_TYPE, "pdf": exports.PDF_CONTENT_TYPE}
#: where background exports are kept in the default storage (``exports/<random>.xlsx``)
EXPORT_DIR = "exports"
#: a job still queued or running this long after it was asked for is given up (a worker died)
STALE_AFTER = datetime.timedelta(hours=1)
SYSTEM = "系统"


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    content_type: str
    rows: int


@dataclass(frozen=True)
class StoredExport:
    """A finished background export, opened for download (the caller closes ``file``)."""

    file: IO[bytes]
    filename: str
    content_type: str
    size: int | None


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


def export_filename(key: str, file_format: str, filters: Mapping[str, str], at: datetime.datetime) -> str:
    """「<台帐名称>_<开始>_<结束>.xlsx」, or the date of the export when no period was chosen."""
    title = str(get_ledger(key).title)
    period = "_".join(filters[name] for name in ("date_from", "date_to") if name in filters)
    return f"{title}_{period or timezone.localtime(at).strftime('%Y%m%d')}.{file_format}"


def _build(result: LedgerResult, file_format: str, *, user: User, at: datetime.datetime) -> bytes:
    """The file of a ledger, the same whether built in the request or by the background job."""
    build = exports.to_xlsx if file_format == "xlsx" else exports.to_pdf
    return build(
        result,
        title=str(result.ledger.title),
        unit_name=unit_name(user),
        filters_text=result.filters.describe(result.ledger),
        exported_by=user.display_name,
        generated_at=timezone.localtime(at),
    )


def _check_request(key: str, file_format: str, actor: User) -> None:
    if file_format not in FORMATS:
        raise NotFound(_("不支持的导出格式：%(format)s") % {"format": file_format[:16]})
    if not actor.has_perm(roles.EXPORT_LEDGERS):
        raise Forbidden(_("您的账号没有导出台帐的权限。"))


def do_export_ledger(
    key: str, params: Mapping[str, Any] | None, file_format: str, *, actor: User
) -> ExportFile | LedgerExport:
    """Export ledger ``key`` as .xlsx or PDF for ``actor`` with the filters in ``params``.

    At most ``settings.LEDGER_EXPORT_INLINE_MAX_ROWS`` rows: the file is built now and returned as an
    ``ExportFile``. More: a background job is queued (on commit) and its ``LedgerExport`` (status
    ``queued``) is returned; the file appears in 「我的导出」 when the job is done.

    Raises ``Forbidden`` without ``ledgers.export_ledgers``, ``InvalidInput`` for bad filters or a
    ledger longer than ``settings.EXPORT_MAX_ROWS`` (code ``too_many_rows``), ``NotFound`` for an
    unknown ledger or format, and ``yizhan.core.pdf.PdfFontUnavailable`` when no Chinese font is installed.
    Every export writes a ``LedgerExport`` row and an audit row.
    """
    _check_request(key, file_format, actor)
    result = ledger_rows(actor, key, params)
    check_size(result, file_format)
    if result.total > settings.LEDGER_EXPORT_INLINE_MAX_ROWS:
        return _queue_export(result, file_format, actor=actor)
    now = timezone.now()
    content = _build(result, file_format, user=actor, at=now)
    filters = result.filters.as_params()
    with transaction.atomic(durable=True):
        record = LedgerExport.objects.create(
            ledger=key,
            file_format=file_format,
            filters=filters,
            rows=result.total,
            exported_by=actor,
            unit=actor.unit,
            finished_at=now,
        )
        _audit_request(record, actor)
    return ExportFile(
        content=content,
        filename=export_filename(key, file_format, filters, now),
        content_type=FORMATS[file_format],
        rows=result.total,
    )


def _audit_request(record: LedgerExport, actor: User) -> None:
    changes: dict[str, Any] = {
        "ledger": record.ledger,
        "format": record.file_format,
        "rows": record.rows,
        "filters": record.filters,
    }
    if record.background:
        changes["background"] = True
    audit.record(
        AuditAction.EXPORT,
        record,
        actor=actor,
        object_repr=f"{get_ledger(record.ledger).title}.{record.file_format}",
        changes=changes,
    )


def _queue_export(result: LedgerResult, file_format: str, *, actor: User) -> LedgerExport:
    """Record the export as a job with the requester and the validated filters; enqueue it on commit.
    The same export asked for again while it is still queued or running is that job (a second click
    makes no second file)."""
    filters = result.filters.as_params()
    with transaction.atomic(durable=True):
        pending = (
            LedgerExport.objects.select_for_update()
            .filter(
                exported_by=actor,
                background=True,
                status__in=PENDING,
                ledger=result.ledger.key,
                file_format=file_format,
            )
            .order_by("-pk")
        )
        for earlier in pending:
            if earlier.filters == filters:
                return earlier
        record = LedgerExport.objects.create(
            ledger=result.ledger.key,
            file_format=file_format,
            filters=filters,
            rows=result.total,
            exported_by=actor,
            unit=actor.unit,
            background=True,
            status=ExportStatus.QUEUED,
        )
        _audit_request(record, actor)
        transaction.on_commit(partial(_enqueue, record.pk))
    return record


def _enqueue(export_id: int) -> None:
    """Hand the job to the task backend; if the backend refuses it, the export fails at once with a
    message rather than staying queued."""
    from yizhan.ledgers.tasks import build_ledger_export_task

    try:
        build_ledger_export_task.enqueue(export_id)
    except Exception:
        logger.exception("ledger export #%s could not be enqueued", export_id)
        record = LedgerExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).first()
        if record is not None:
            _fail(record, _("后台任务暂时无法提交，请稍后重新导出。"))


# --- the background job --------------------------------------------------------------------------------


def do_build_ledger_export(export_id: int) -> str:
    """Build the file of a queued background export (the task); returns the export's status afterwards,
    or ``skipped`` when it is not queued (already taken by another worker, finished or deleted).

    Runs as the system on behalf of the requester: the rows are those ``ledger_rows`` gives the
    requester for the filters recorded at request time, and the job refuses to run if the requester
    can no longer export or has moved to another unit since. The file goes to the default storage as
    ``exports/<random hex>.<format>``; the requester gets a notification either way.
    """
    claimed = LedgerExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    record = LedgerExport.objects.select_related("exported_by__unit").get(pk=export_id)
    user = record.exported_by
    name = ""
    try:
        if not user.is_active or not user.has_perm(roles.EXPORT_LEDGERS) or user.unit_id != record.unit_id:
            raise Forbidden(
                _("导出人的账号、权限或所在单位在导出后有变更，文件未生成。如仍需要，请重新导出。")
            )
        result = ledger_rows(user, record.ledger, record.filters)
        check_size(result, record.file_format)
        content = _build(result, record.file_format, user=user, at=timezone.now())
        rows = result.total
        name = default_storage.save(
            f"{EXPORT_DIR}/{uuid.uuid4().hex}.{record.file_format}", ContentFile(content)
        )
        _restrict(name)
    except DomainError as exc:  # a filter or a limit that no longer holds, no PDF font, …
        _delete_files([name])
        return _fail(record, exc.message)
    except Exception:
        logger.exception("ledger export #%s failed", export_id)
        _delete_files([name])
        return _fail(record, _("生成文件时出错，请稍后重新导出；如仍失败，请联系系统管理员。"))
    now = timezone.now()
    with transaction.atomic(durable=True):
        done = LedgerExport.objects.filter(pk=record.pk, status=ExportStatus.RUNNING).update(
            status=ExportStatus.DONE, file=name, rows=rows, finished_at=now, error=""
        )
        if done:
            audit.record(
                AuditAction.UPDATE,
                record,
                actor_label=SYSTEM,
                changes={"status": [ExportStatus.RUNNING, ExportStatus.DONE], "rows": rows},
            )
            _notify(
                record,
                _("台帐导出已完成：%(title)s（%(n)d 条），请在「我的导出」下载。")
                % {"title": get_ledger(record.ledger).title, "n": rows},
            )
    if not done:  # given up as stale or deleted meanwhile: keep no orphan file
        _delete_files([name])
        return "skipped"
    return ExportStatus.DONE


def _restrict(name: str) -> None:
    """On a local disk, make the file readable by the application's user only (the exports hold
    personal data); other storages keep their own access rules (no public URL is ever handed out)."""
    try:
        path = default_storage.path(name)
    except NotImplementedError:
        return
    if os.path.isfile(path):  # an in-memory storage answers a path it never writes to
        os.chmod(path, 0o600)


def _fail(record: LedgerExport, message: str) -> str:
    with transaction.atomic(durable=True):
        failed = LedgerExport.objects.filter(pk=record.pk, status__in=PENDING).update(
            status=ExportStatus.FAILED, error=message[:500], finished_at=timezone.now()
        )
        if failed:
            audit.record(
                AuditAction.UPDATE,
                record,
                actor_label=SYSTEM,
                changes={"status": [record.status, ExportStatus.FAILED], "error": message[:500]},
            )
            _notify(
                record,
                _("台帐导出未能完成：%(title)s。%(reason)s")
                % {"title": get_ledger(record.ledger).title, "reason": message},
            )
    return ExportStatus.FAILED if failed else "skipped"


def _notify(record: LedgerExport, message: str) -> None:
    Notification.objects.create(
        recipient_id=record.exported_by_id,
        kind="ledger_export",
        message=message[:255],
        link=reverse("ledgers:exports"),
    )


def _delete_files(names: list[str]) -> None:
    for name in names:
        if not name:
            continue
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not delete the export file %s", name, exc_info=True)


# --- download --------------------------------------------------------------------------------------------


def do_download_ledger_export(export_id: int, *, actor: User) -> StoredExport:
    """Open the file of one of ``actor``'s finished background exports; every download is audited.

    Raises ``NotFound`` for anybody else's export (exactly as for a missing one), for one not finished
    and for one whose file is gone; ``Forbidden`` without ``ledgers.export_ledgers``.
    """
    record = access_export(actor, export_id)
    if record.status != ExportStatus.DONE or not record.file:
        raise NotFound(_("该导出尚未完成或未能生成，没有可下载的文件。"))
    try:
        handle = default_storage.open(record.file.name, "rb")
        size: int | None = default_storage.size(record.file.name)
    except (FileNotFoundError, OSError) as exc:
        raise NotFound(_("文件已过期或已被清理，请重新导出。")) from exc
    with transaction.atomic(durable=True):
        audit.record(
            AuditAction.EXPORT,
            record,
            actor=actor,
            object_repr=f"{get_ledger(record.ledger).title}.{record.file_format}",
            changes={"download": True, "ledger": record.ledger, "rows": record.rows},
        )
    return StoredExport(
        file=handle,
        filename=export_filename(record.ledger, record.file_format, record.filters, record.exported_at),
        content_type=FORMATS.get(record.file_format, "application/octet-stream"),
        size=size,
    )


# --- housekeeping (periodic) ---------------------------------------------------------------------------


def do_prune_ledger_exports() -> dict[str, int]:
    """Delete background exports older than ``LEDGER_EXPORT_RETENTION_DAYS`` with their files, and any
    file under ``exports/`` that no export refers to any more; give up jobs stuck queued or running for
    longer than ``STALE_AFTER`` (their worker died). Idempotent; audited as the system."""
    now = timezone.now()
    stale = 0
    for record in LedgerExport.objects.filter(
        background=True, status__in=PENDING, exported_at__lt=now - STALE_AFTER
    ):
        if _fail(record, _("导出超时未完成，请重新导出。")) == ExportStatus.FAILED:
            stale += 1
    before = now - datetime.timedelta(days=settings.LEDGER_EXPORT_RETENTION_DAYS)
    old = LedgerExport.objects.filter(background=True, exported_at__lt=before)
    ids: list[int] = []
    names: list[str] = []
    for pk, name in old.values_list("pk", "file").iterator():
        ids.append(pk)
        names.append(name)
    _delete_files(names)  # the files first: they hold the personal data
    deleted = 0
    if ids:
        with transaction.atomic(durable=True):
            deleted, _by_model = LedgerExport.objects.filter(pk__in=ids).delete()
            audit.record(
                AuditAction.DELETE,
                actor_label=SYSTEM,
                object_type="ledgers.ledgerexport",
                object_repr=_("台帐导出文件（超过保存期限）"),
                changes={"deleted": deleted, "exported_before": before.isoformat(timespec="seconds")},
            )
    orphans = _prune_orphan_files(before)
    return {"deleted": deleted, "stale": stale, "orphan_files": orphans}


def _prune_orphan_files(before: datetime.datetime) -> int:
    """Files of ``exports/`` older than ``before`` that no row refers to (a job that died between
    writing its file and recording it)."""
    try:
        _dirs, files = default_storage.listdir(EXPORT_DIR)
    except (FileNotFoundError, NotImplementedError, OSError):
        return 0
    names = {f"{EXPORT_DIR}/{name}" for name in files}
    known = set(LedgerExport.objects.filter(file__in=names).values_list("file", flat=True))
    orphans = []
    for name in sorted(names - known):
        try:
            modified = default_storage.get_modified_time(name)
        except (NotImplementedError, OSError):
            continue
        if modified < before:
            orphans.append(name)
    _delete_files(orphans)
    return len(orphans)
