"""What a citizen sees by query code: the stage and the dates, never personal data or staff names."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from yizhan.lib import querycode
from yizhan.matters.models import EventCode, Matter
from yizhan.matters.signals import public_status_ready
from yizhan.matters.states import RATEABLE_STATES, MatterState


@dataclass
class Step:
    label: str
    at: datetime.datetime | None
    detail: str = ""
    done: bool = True
    code: str = ""  # the event code the step comes from ("" for the step still to come)


@dataclass
class PublicStatus:
    query_code: str
    service_type: str
    state: str
    state_label: str
    registered_at: datetime.datetime
    receiving_org: str
    current_org: str
    due_date: datetime.date | None
    steps: list[Step] = field(default_factory=list)
    can_rate: bool = False
    rated: bool = False
    satisfaction: str = ""
    guidance: str = ""

    def as_dict(self) -> dict:
        return {
            "query_code": self.query_code,
            "service_type": self.service_type,
            "state": self.state,
            "state_label": self.state_label,
            "registered_at": self.registered_at.isoformat(),
            "receiving_org": self.receiving_org,
            "current_org": self.current_org,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "steps": [
                {
                    "label": s.label,
                    "at": s.at.isoformat() if s.at else None,
                    "detail": s.detail,
                    "done": s.done,
                }
                for s in self.steps
            ],
            "can_rate": self.can_rate,
            "rated": self.rated,
        }


_STEP_LABELS: dict[str, str] = {
    EventCode.REGISTER: "已受理登记",
    EventCode.ANSWER: "已当场答复",
    EventCode.TRANSFER: "已转交承办单位",
    EventCode.REFER_OUT: "已告知办理途径",
    EventCode.ACCEPT: "承办单位已接收",
    EventCode.RETURN: "承办单位已退回，正在重新安排",
    EventCode.START: "正在办理",
    EventCode.CONCLUDE: "已办结",
    EventCode.FEED_BACK: "已反馈办理结果",
    EventCode.FOLLOW_UP: "已回访",
    EventCode.RATE: "已评价",
    EventCode.ARCHIVE: "已归档",
    EventCode.WITHDRAW: "已撤回",
}


def public_status(matter: Matter) -> PublicStatus:
    steps = []
    for event in matter.events.order_by("seq").only("code", "at", "data"):
        if event.code == EventCode.LEGAL_AID and event.data.get("label"):
            # a module's own step (e.g. legal aid: 决定给予法律援助) with the article it rests on; the
            # label was stored with the event, the note (which may name people) is never shown
            steps.append(
                Step(str(event.data["label"]), event.at, str(event.data.get("article", "")), code=event.code)
            )
            continue
        label = _STEP_LABELS.get(event.code)
        if label is None:
            continue
        detail = ""
        if event.code == EventCode.TRANSFER:
            detail = str(event.data.get("to_org", ""))  # the unit's public name, not a person
        steps.append(Step(_(label), event.at, detail, code=event.code))
    if matter.state in (
        MatterState.TRANSFERRED,
        MatterState.ACCEPTED,
        MatterState.IN_PROGRESS,
        MatterState.REGISTERED,
    ):
        steps.append(Step(_("办结后将通知您"), None, done=False))
    guidance = ""
    transfer = matter.transfers.order_by("-created_at").only("instructions", "where_to_go").first()
    if transfer is not None and matter.state in (MatterState.TRANSFERRED, MatterState.ACCEPTED):
        guidance = "；".join(part for part in (transfer.instructions, transfer.where_to_go) if part)
    status = PublicStatus(
        query_code=querycode.display(matter.query_code),
        service_type=matter.service_type.name,
        state=matter.state,
        state_label=matter.get_state_display(),
        registered_at=matter.registered_at,
        receiving_org=matter.receiving_org.name,
        current_org=matter.current_org.name,
        due_date=matter.due_date,
        steps=steps,
        can_rate=matter.state in RATEABLE_STATES,
        rated=matter.followed_up_at is not None,
        satisfaction=matter.get_satisfaction_display() if matter.satisfaction else "",
        guidance=guidance,
    )
    public_status_ready.send(sender=Matter, matter=matter, status=status)
    return status
