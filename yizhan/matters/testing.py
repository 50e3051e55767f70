"""Helpers for tests and benchmarks: build registrations through the real services."""

from __future__ import annotations

from typing import Any

from yizhan.accounts.models import User
from yizhan.matters.models import Channel, LegalDomain, Matter, ServiceType
from yizhan.matters.services import RegistrationData, RequesterData, do_register_matter

VALID_ID = "110101199003074258"  # the well-known sample number from GB 11643 (valid check digit)


def registration(**overrides: Any) -> RegistrationData:
    requesters = overrides.pop("requesters", None)
    if requesters is None:
        requesters = [
            RequesterData(
                name=overrides.pop("name", "张三"),
                id_number=overrides.pop("id_number", VALID_ID),
                phone=overrides.pop("phone", "13812341234"),
                address=overrides.pop("address", "甘肃省兰州市西固区福利西路100号3单元501室"),
                groups=overrides.pop("groups", []),
            )
        ]
    data = {
        "channel": Channel.WINDOW,
        "domain": LegalDomain.objects.get(code=overrides.pop("domain", "labor")),
        "service_type": ServiceType.objects.get(code=overrides.pop("service_type", "mediation")),
        "title": "拖欠工资纠纷",
        "facts": "在某建筑工地务工三个月，老板拖欠工资一万二千元。",
        "requesters": requesters,
    }
    data.update(overrides)
    return RegistrationData(**data)


def register(actor: User, **overrides: Any) -> Matter:
    return do_register_matter(registration(**overrides), actor=actor)


# --- driving a matter to a given state through the real services ------------------------------------

PATHS: dict[str, list[str]] = {
    "registered": [],
    "answered": ["answer"],
    "referred_out": ["refer_out"],
    "withdrawn": ["withdraw"],
    "transferred": ["transfer"],
    "returned": ["transfer", "return"],
    "accepted": ["transfer", "accept"],
    "in_progress": ["transfer", "accept", "start"],
    "concluded": ["transfer", "accept", "start", "conclude"],
    "fed_back": ["transfer", "accept", "start", "conclude", "feed_back"],
    "followed_up": ["transfer", "accept", "start", "conclude", "feed_back", "follow_up"],
    "archived": ["transfer", "accept", "start", "conclude", "feed_back", "follow_up", "archive"],
}

HANDLER_STEPS = {"accept", "return", "start", "conclude"}


def step_arguments(code: str, district: Any) -> tuple[str, dict[str, Any]]:
    """A valid (note, payload) for each transition code."""
    from yizhan.matters.services import TransferData

    return {
        "answer": ("已当场解答劳动报酬相关规定。", {"outcome": "advice_given"}),
        "refer_out": ("请携带身份证到12333咨询。", {"referral_org": district.externals[2]}),
        "withdraw": ("当事人申请撤回。", {}),
        "transfer": ("请调解。", {"transfer": TransferData(to_org=district.committees[0])}),
        "return": ("不属于本委员会管辖。", {}),
        "accept": ("", {}),
        "start": ("", {}),
        "conclude": ("双方达成调解协议。", {"outcome": "mediated"}),
        "feed_back": ("已电话告知当事人。", {"method": "phone"}),
        "follow_up": ("", {"satisfaction": "satisfied", "advice_adopted": True}),
        "archive": ("", {}),
        "reopen": ("当事人对调解结果提出异议，经审查重新办理。", {}),
    }[code]


def drive(district: Any, state: str, **overrides: Any) -> Matter:
    """A matter registered by the centre's clerk and moved, step by step, into ``state``."""
    from yizhan.matters.services import transition

    clerk, mediator = district.users["clerk"], district.users["mediator"]
    matter = register(clerk, **overrides)
    for code in PATHS[state]:
        note, payload = step_arguments(code, district)
        transition(
            matter, code, actor=mediator if code in HANDLER_STEPS else clerk, note=note, payload=payload
        )
    matter.refresh_from_db()
    if matter.state != state:
        raise RuntimeError(f"drive({state!r}) left the matter in state {matter.state!r}")
    return matter


# --- the triage, as ``settings.MATTERS_TRIAGE`` names it, without the statute index ------------------


def triage_stub(text: str) -> dict[str, Any]:
    """What the knowledge module's triage answers for wage arrears of a migrant worker."""
    return {
        "domain": "劳动纠纷",
        "domain_scores": {"劳动纠纷": 0.91, "合同纠纷": 0.05},
        "service_type": "法律援助",
        "institution_type": "legal_aid_center",
        "institution_label": "法律援助中心",
        "external_department": "12333 人力资源和社会保障部门（劳动保障监察）",
        "reasons": ["拖欠劳动报酬：可向劳动保障监察投诉（12333），或申请劳动仲裁、法律援助"],
        "statutes": [],
        "legal_aid_hint": None,
    }


def triage_unavailable(text: str) -> dict[str, Any]:
    """A triage whose model or index is missing."""
    raise RuntimeError("the triage model is not installed")
