"""What a citizen sees by query code: the stage and the dates, and once the matter is done its outcome —
what was done and where to go next — never personal data or staff names.

The outcome is told in words the system owns (one text per ``Outcome``, with the article it rests
on) and the public directory entry of the unit to turn to; the staff's free-text notes (answer,
result, feedback) are never shown, as they name people (docs/decisions/0014-closed-loop-citizen-side.md).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from yizhan.lib import querycode
from yizhan.matters.models import EventCode, Matter, Outcome, TransferStatus
from yizhan.matters.signals import public_status_ready
from yizhan.matters.states import RATEABLE_STATES, MatterState
from yizhan.orgs.models import Organization


@dataclass
class Step:
    label: str
    at: datetime.datetime | None
    detail: str = ""
    done: bool = True
    code: str = ""  # the event code the step comes from ("" for the step still to come)


@dataclass
class PublicContact:
    """A unit's public directory entry (the light-box data): where to go and how to reach it."""

    name: str
    address: str = ""
    phone: str = ""
    hours: str = ""
    guidance: str = ""

    @classmethod
    def of(cls, org: Organization) -> PublicContact:
        return cls(
            name=org.name,
            address=org.address,
            phone=org.hotline_number or org.phone,
            hours=org.opening_hours,
            guidance=org.referral_guidance,
        )

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "address": self.address,
            "phone": self.phone,
            "hours": self.hours,
            "guidance": self.guidance,
        }


@dataclass
class PublicOutcome:
    """办理结果: what was done, by which unit and when, and what the citizen can do next."""

    code: str
    label: str
    summary: str
    by: str
    at: datetime.datetime | None
    next_steps: list[str] = field(default_factory=list)
    contact: PublicContact | None = None
    contact_role: str = ""

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "label": self.label,
            "summary": self.summary,
            "by": self.by,
            "at": self.at.isoformat() if self.at else None,
            "next_steps": self.next_steps,
            "contact": self.contact.as_dict() if self.contact else None,
            "contact_role": self.contact_role,
        }


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
    outcome: PublicOutcome | None = None

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
            "outcome": self.outcome.as_dict() if self.outcome else None,
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


# What was done (summary) and what the citizen can do next, per outcome: the system's own words, so that
# nothing a member of staff typed about the people involved reaches the public page.
_OUTCOME_TEXT: dict[str, tuple[str, list[str]]] = {
    Outcome.ADVICE_GIVEN: (
        gettext_noop("工作人员已为您解答，并提供了法律意见。"),
        [gettext_noop("如问题仍未解决，可携带相关材料到下方地点当面咨询，或拨打12348公共法律服务热线。")],
    ),
    Outcome.RESOLVED: (
        gettext_noop("您反映的问题已办理解决。"),
        [gettext_noop("如有新的问题，可随时到下方地点咨询，或拨打12348公共法律服务热线。")],
    ),
    Outcome.MEDIATED: (
        gettext_noop("经人民调解，双方已达成调解协议。"),
        [
            gettext_noop("调解协议具有法律约束力，双方应当按照约定履行（人民调解法第三十一条）。"),
            gettext_noop(
                "双方认为有必要的，可以自调解协议生效之日起三十日内共同向人民法院申请司法确认；"
                "确认后一方不履行的，对方可以申请强制执行（人民调解法第三十三条）。"
            ),
            gettext_noop(
                "对方不履行或对协议内容发生争议的，可以向人民法院提起诉讼（人民调解法第三十二条）。"
            ),
        ],
    ),
    Outcome.MEDIATION_FAILED: (
        gettext_noop("调解未能达成协议，调解已终止。"),
        [
            gettext_noop("您可以依法通过仲裁、行政、司法等途径维护自己的权利（人民调解法第二十六条）。"),
            gettext_noop("需要帮助的，可到下方地点咨询或拨打12348；经济困难的，可以申请法律援助。"),
        ],
    ),
    Outcome.AID_GRANTED: (
        gettext_noop("法律援助机构已决定为您提供法律援助。"),
        [gettext_noop("法律援助机构将指派律师或法律援助工作者为您提供服务，请保持电话畅通。")],
    ),
    Outcome.AID_REFUSED: (
        gettext_noop("法律援助机构决定不予法律援助。"),
        [
            gettext_noop(
                "对决定有异议的，可以向设立该法律援助机构的司法行政部门提出，"
                "司法行政部门自收到异议之日起五日内审查（法律援助法第四十九条）。"
            ),
        ],
    ),
    Outcome.AID_TERMINATED: (
        gettext_noop("法律援助已终止。"),
        [
            gettext_noop(
                "对终止决定有异议的，可以向设立该法律援助机构的司法行政部门提出，"
                "司法行政部门自收到异议之日起五日内审查（法律援助法第四十九条）。"
            ),
        ],
    ),
    Outcome.NOTARIZED: (
        gettext_noop("公证机构已出具公证书。"),
        [
            gettext_noop("请携带身份证件到下方地点领取公证书。"),
            gettext_noop("认为公证书有错误的，可以向出具公证书的公证机构提出复查（公证法第三十九条）。"),
        ],
    ),
    Outcome.APPRAISED: (
        gettext_noop("司法鉴定机构已出具鉴定意见。"),
        [gettext_noop("请携带身份证件到下方地点领取鉴定文书。")],
    ),
    Outcome.REFERRED: (
        gettext_noop("您的事项需由其他部门依职责办理，工作人员已告知办理途径。"),
        [gettext_noop("请到下方单位办理，办理时请携带身份证件和相关材料。")],
    ),
    Outcome.OTHER: (
        gettext_noop("您的事项已办理完毕。"),
        [gettext_noop("如有疑问，请联系下方单位。")],
    ),
}

#: the states in which the matter has an outcome to tell
_DONE_STATES = frozenset(
    {
        MatterState.ANSWERED,
        MatterState.REFERRED_OUT,
        MatterState.CONCLUDED,
        MatterState.FED_BACK,
        MatterState.FOLLOWED_UP,
        MatterState.ARCHIVED,
    }
)


def _outcome(matter: Matter) -> PublicOutcome | None:
    if matter.state not in _DONE_STATES or not matter.outcome:
        return None
    summary, next_steps = _OUTCOME_TEXT.get(matter.outcome, _OUTCOME_TEXT[Outcome.OTHER])
    concluded = (
        matter.transfers.filter(status=TransferStatus.CONCLUDED)
        .select_related("to_org")
        .order_by("-concluded_at", "-id")
        .first()
    )
    by = concluded.to_org if concluded is not None else matter.receiving_org
    # where to go next: the unit referred to; the unit that holds the document; else the service point
    # that received the matter and answers for it (首问负责)
    if matter.outcome == Outcome.REFERRED and matter.referral_org is not None:
        contact, role = matter.referral_org, _("请到这里办理")
    elif matter.outcome in (Outcome.NOTARIZED, Outcome.APPRAISED):
        contact, role = by, _("领取地点")
    else:
        contact, role = matter.receiving_org, _("有疑问请联系")
    return PublicOutcome(
        code=matter.outcome,
        label=matter.get_outcome_display(),
        summary=_(summary),
        by=by.name,
        at=matter.concluded_at,
        next_steps=[_(step) for step in next_steps],
        contact=PublicContact.of(contact),
        contact_role=str(role),
    )


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
        outcome=_outcome(matter),
    )
    public_status_ready.send(sender=Matter, matter=matter, status=status)
    return status
