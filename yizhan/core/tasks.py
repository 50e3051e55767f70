"""Background jobs of the core layer."""

from __future__ import annotations

from django_tasks import task

from yizhan.core.housekeeping import prune_core_tables
from yizhan.core.periodic import periodic


@periodic
@task()
def prune_core_tables_task() -> dict[str, int]:
    """Delete old idempotency records, read notifications, finished task rows and expired sessions."""
    return prune_core_tables()
