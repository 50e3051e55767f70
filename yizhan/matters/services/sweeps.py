"""The periodic deadline sweep (限时办结督办): flag overdue matters and escalate each once per deadline.

Run by the worker's scheduler (``matters.tasks``); it acts as the system (系统), never as a person.

Two facts are kept apart: ``overdue`` says the matter is past its due date (a flag other writers set
and clear too: a transfer that keeps a late due date, the demo generator), ``escalated_at`` says when
the supervisors were told. The sweep escalates every open, late matter not yet escalated — not only
those it flags itself. A transfer starts a new deadline at a new unit and clears ``escalated_at``, so
each holder's deadline is escalated once (docs/decisions/0014-closed-loop-citizen-side.md).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.audit import services as audit
from yizhan.audit.models import AuditAction
from yizhan.core.models import Notification
from yizhan.matters import selectors
from yizhan.matters.models import EventCode, Matter
from yizhan.matters.services.common import _now, append_event
from yizhan.matters.states import OPEN_STATES


@dataclass
class SweepResult:
    """What one sweep did (the task returns it as a dict for the worker's log)."""

    newly_overdue: int = 0  # matters escalated by this sweep
    flagged: int = 0  # late matters whose ``overdue`` flag this sweep set
    notifications: int = 0
    matter_numbers: list[str] = field(default_factory=list)


def do_sweep_deadlines(today: datetime.date | None = None) -> SweepResult:
    """Flag open matters past their due date and escalate each, once per deadline, to its supervisors."""
    today = today or timezone.localdate()
    result = SweepResult()
    candidates = selectors.matters_to_sweep(today).values_list("pk", flat=True)
    for pk in list(candidates.iterator()):
        with transaction.atomic():
            matter = Matter.objects.select_for_update().select_related("current_org").get(pk=pk)
            if matter.state not in OPEN_STATES or not matter.due_date or matter.due_date >= today:
                continue
            if not matter.overdue:
                matter.overdue = True
                result.flagged += 1
            if matter.escalated_at is not None:
                matter.save(update_fields=["overdue", "updated_at"])
                continue
            sent = _escalate(matter)
            result.newly_overdue += 1
            result.notifications += sent
            result.matter_numbers.append(matter.number)
    return result


def _escalate(matter: Matter) -> int:
    """督办: tell the supervisors of the unit holding ``matter`` and its first-responsible person; write
    the event and the audit row as the system. Returns the number of notifications."""
    now = _now()
    matter.escalated_at = now
    matter.save(update_fields=["overdue", "escalated_at", "updated_at"])
    supervisors = selectors.supervisors_of(matter.current_org)
    recipients = {user.pk: user for user in supervisors}
    recipients.setdefault(matter.first_responsible_id, matter.first_responsible)
    escalated_to = [u.display_name for u in supervisors]
    append_event(
        matter,
        EventCode.OVERDUE,
        actor=None,
        actor_label=_("系统"),
        at=now,
        data={"due_date": str(matter.due_date), "escalated_to": escalated_to},
    )
    audit.record(
        AuditAction.UPDATE,
        matter,
        actor_label=_("系统"),
        changes={"overdue": True, "due_date": str(matter.due_date), "escalated_to": escalated_to},
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
    return len(recipients)
