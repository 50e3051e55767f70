"""What every write in this package shares: the clock, the row lock and the matter's timeline.

``append_event`` is offered to other apps too (legal aid puts its steps on the matter's timeline). It
writes one event row inside the caller's transaction and is a building block, not an action of its
own, hence no ``do_`` (docs/decisions/0009-matters-services-package.md).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Max
from django.utils import timezone

from yizhan.accounts.models import User
from yizhan.matters.models import Matter, MatterEvent


def _now() -> datetime.datetime:
    """The time a write records (the one place the services read the clock)."""
    return timezone.now()


def _locked(matter: Matter) -> Matter:
    """The matter's row, locked until the transaction ends, with the units it names."""
    return (
        Matter.objects.select_for_update()
        .select_related("current_org", "receiving_org", "region")
        .get(pk=matter.pk)
    )


def append_event(
    matter: Matter,
    code: str,
    *,
    actor: User | None,
    at: datetime.datetime,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    actor_label: str = "",
    seq: int | None = None,
) -> MatterEvent:
    """Put one event on the matter's timeline (the next ``seq`` unless given), in the caller's
    transaction; the actor's unit is recorded with it."""
    if seq is None:
        seq = (MatterEvent.objects.filter(matter=matter).aggregate(m=Max("seq"))["m"] or 0) + 1
    return MatterEvent.objects.create(
        matter=matter,
        seq=seq,
        code=code,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        actor_label=actor_label or (actor.display_name if actor else ""),
        org=actor.unit if actor is not None else None,
        at=at,
        note=note,
        data=data or {},
    )
