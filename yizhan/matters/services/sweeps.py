"""The periodic deadline sweep (限时办结督办): flag overdue matters and escalate each once.

Run by the worker's scheduler (``matters.tasks``); it acts as the system (系统), never as a person.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.core.models import Notification
from yizhan.matters import selectors
from yizhan.matters.models import EventCode, Matter
from yizhan.matters.services.common import _now, append_event
from yizhan.matters.states import OPEN_STATES


@dataclass
class SweepResult:
    """What one sweep did (the task returns it as a dict for the worker's log)."""

    newly_overdue: int = 0
    notifications: int = 0
    matter_numbers: list[str] = field(default_factory=list)


def do_sweep_deadlines(today: datetime.date | None = None) -> SweepResult:
    """Flag open matters past their due date and escalate each once to its supervisors (督办)."""
    today = today or timezone.localdate()
    result = SweepResult()
    candidates = Matter.objects.filter(state__in=OPEN_STATES, due_date__lt=today, overdue=False).values_list(
        "pk", flat=True
    )
    for pk in list(candidates.iterator()):
        with transaction.atomic():
            matter = Matter.objects.select_for_update().select_related("current_org").get(pk=pk)
            if (
                matter.overdue
                or matter.state not in OPEN_STATES
                or not matter.due_date
                or matter.due_date >= today
            ):
                continue
            now = _now()
            matter.overdue = True
            matter.escalated_at = now
            matter.save(update_fields=["overdue", "escalated_at", "updated_at"])
            supervisors = selectors.supervisors_of(matter.current_org)
            recipients = {user.pk: user for user in supervisors}
            recipients.setdefault(matter.first_responsible_id, matter.first_responsible)
            append_event(
                matter,
                EventCode.OVERDUE,
                actor=None,
                actor_label=_("系统"),
                at=now,
                data={
                    "due_date": str(matter.due_date),
                    "escalated_to": [u.display_name for u in supervisors],
                },
            )
            Notification.objects.bulk_create(
                [
                    Notification(
                        recipient=user,
                        kind="overdue",
                        message=_("事项 %(number)s 已超过办结期限（%(due)s），当前承办：%(org)s")
                        % {"number": matter.number, "due": matter.due_date, "org": matter.current_org.name},
                        link=reverse("matters:detail", args=[matter.number]),
                    )
                    for user in recipients.values()
                ]
            )
            result.newly_overdue += 1
            result.notifications += len(recipients)
            result.matter_numbers.append(matter.number)
    return result
