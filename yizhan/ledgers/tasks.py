"""Background jobs of the ledgers app: building a large export, and deleting old ones."""

from __future__ import annotations

from django_tasks import task

from yizhan.core.periodic import periodic
from yizhan.ledgers import services


@task()
def build_ledger_export_task(export_id: int) -> str:
    """Build the file of one queued background export (``services.do_build_ledger_export``)."""
    return services.do_build_ledger_export(export_id)


@periodic
@task()
def prune_ledger_exports_task() -> dict[str, int]:
    """Delete background exports older than ``YIZHAN_LEDGER_EXPORT_RETENTION_DAYS`` and their files;
    give up jobs a dead worker left behind."""
    return services.do_prune_ledger_exports()
