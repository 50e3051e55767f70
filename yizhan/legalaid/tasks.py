"""Background jobs of the legal-aid module (Django Tasks API)."""

from __future__ import annotations

from django_tasks import task

from yizhan.core.periodic import periodic
from yizhan.legalaid.services import do_sweep_materials


@periodic
@task()
def sweep_materials_task() -> dict:
    """Applications whose one-time materials period has passed are deemed withdrawn (第四十三条第二款)."""
    return {"deemed_withdrawn": do_sweep_materials()}
