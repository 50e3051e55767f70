"""What reaches the citizen: an SMS to the matter's primary requester at each milestone of the closed
loop — registered (with the query code), transferred (to whom), concluded, and the invitation to rate
once the result was fed back. Sent through the SMS gateway (``yizhan.sms``), which honours opt-outs,
throttles and logs every send; nothing is sent for a requester without a mobile number.

The event rows are the outbox: each milestone is a ``MatterEvent``, and the message is queued in the
same transaction as the event (the gateway sends it after commit). Bulk-created events (the demo
generator) send nothing.
"""

from __future__ import annotations

from typing import Any

from yizhan.lib import pii
from yizhan.matters.models import EventCode, MatterEvent, Requester
from yizhan.sms.services import do_queue_sms

#: event → SMS template (yizhan/sms/defaults.py)
TEMPLATES = {
    EventCode.REGISTER: "matter_registered",
    EventCode.TRANSFER: "matter_transferred",
    EventCode.CONCLUDE: "matter_concluded",
    EventCode.FEED_BACK: "rating_invitation",
}


def notify_requester(event: MatterEvent) -> None:
    template = TEMPLATES.get(EventCode(event.code)) if event.code in EventCode.values else None
    if template is None:
        return
    matter = event.matter
    if template == "rating_invitation" and matter.satisfaction:  # already rated
        return
    requester = (
        Requester.objects.filter(matter=matter, phone_encrypted__isnull=False)
        .order_by("-is_primary", "id")
        .first()
    )
    if requester is None or not requester.phone_encrypted:
        return
    do_queue_sms(
        pii.decrypt(requester.phone_encrypted),
        template,
        {"code": matter.query_code, "org": matter.current_org.name},
        actor=event.actor,
        related=matter.number,
    )


def on_event_saved(
    sender: Any, instance: MatterEvent, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw:
        notify_requester(instance)
