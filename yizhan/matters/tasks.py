"""Background jobs of the matters app (Django Tasks API; database backend by default)."""

from __future__ import annotations

from dataclasses import asdict

from django_tasks import task

from yizhan.core.periodic import periodic
from yizhan.matters.services import do_sweep_deadlines


@periodic
@task()
def sweep_deadlines_task() -> dict:
    """Flag overdue matters and escalate them to their supervisors (idempotent)."""
    return asdict(do_sweep_deadlines())
