"""Legal-aid cases for the workflow tests, made through the real services (no factories).

``flow.to(stage)`` drives an application received at the first township station to any stage along
the usual path: the station's clerk pre-checks it, the centre receives, decides and assigns the demo
lawyer (a firm with its own account), the lawyer closes it; the bureau decides objections. ``clock``
sets "now" for everything that reads ``django.utils.timezone.now`` (services, auto_now, local dates).
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from yizhan.legalaid import services
from yizhan.legalaid.models import LegalAidCase, Source
from yizhan.legalaid.states import CaseStage
from yizhan.matters.testing import registration

S = CaseStage
PASSWORD = "Test-pass-2026"
FACTS = {"proceeding": "non_litigation", "claim": "wages", "groups": ["migrant_worker"]}
NOTICE_FACTS = {"proceeding": "criminal", "role": "suspect_or_defendant", "person": ["minor"]}

#: how each stage is reached: (the stage before it, the step taken)
PATH: dict[str, tuple[str, str]] = {
    S.FORWARDED: (S.APPLIED, "precheck_pass"),
    S.REFERRED: (S.APPLIED, "precheck_refer"),
    S.UNDER_REVIEW: (S.FORWARDED, "receive"),
    S.AWAITING_MATERIALS: (S.UNDER_REVIEW, "request_materials"),
    S.GRANTED: (S.UNDER_REVIEW, "grant"),
    S.REFUSED: (S.UNDER_REVIEW, "refuse"),
    S.ASSIGNED: (S.GRANTED, "assign"),
    S.CLOSED: (S.ASSIGNED, "close"),
    S.TERMINATED: (S.GRANTED, "terminate"),
    S.OBJECTION: (S.REFUSED, "object"),
    S.WITHDRAWN: (S.APPLIED, "withdraw"),
    S.ARCHIVED: (S.CLOSED, "archive"),
}


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


class Clock:
    """Sets what ``timezone.now()`` answers; ``None`` lets real time run again."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._now: datetime.datetime | None = None
        real = timezone.now
        monkeypatch.setattr(timezone, "now", lambda: self._now or real())

    def set(self, moment: datetime.datetime) -> datetime.datetime:
        self._now = moment
        return moment

    def day(self, year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
        return self.set(at(year, month, day, hour))


class Flow:
    def __init__(self, district: Any) -> None:
        self.district = district
        self.users = district.users
        self.lawyer = district.lawyers[0]  # firm 0, linked to the "lawyer" account, ≥ 5 years' defence

    def actor(self, case: LegalAidCase, code: str) -> Any:
        """Who takes ``code`` on ``case`` on the usual path."""
        never_received = case.received_at is None  # referred or withdrawn at the station
        if (
            code.startswith("precheck")
            or (code == "withdraw" and case.stage == S.APPLIED)
            or (code == "archive" and never_received)
        ):
            return self.users["clerk2"]
        if code in ("uphold", "correct"):
            return self.users["manager"]
        if code == "close":
            return self.users["lawyer"]
        return self.users["legalaid"]

    def arguments(self, code: str) -> tuple[str, dict[str, Any]]:
        """A valid (note, payload) for each step."""
        return {
            "precheck_pass": ("", {}),
            "precheck_refer": ("事由发生在外省，请向争议处理机关所在地的法律援助机构申请。", {}),
            "receive": ("", {}),
            "request_materials": ("", {"items": ["劳动合同或者工资欠条"]}),
            "materials_supplied": ("", {}),
            "deem_withdrawn": ("", {}),
            "provide_provisionally": ("仲裁时效将届满", {"reason": "1"}),
            "grant": ("符合第三十一条第五项，免予核查经济困难状况。", {}),
            "refuse": ("所述事项不属于法律援助范围。", {}),
            "assign": ("", {"person": self.lawyer}),
            "close": ("调解结案，追回工资两万元。", {"materials": ["documents", "report"]}),
            "terminate": ("受援人自行委托律师。", {"reason": "6"}),
            "object": ("申请人认为属于追索劳动报酬事项。", {}),
            "uphold": ("原决定正确。", {}),
            "correct": ("属于第三十一条第五项，责令重新审查。", {}),
            "withdraw": ("申请人撤回。", {}),
            "archive": ("材料齐全。", {"quality_score": 90}),
        }[code]

    def apply(self, *, actor: str = "clerk2", facts: dict | None = None, **kw: Any) -> LegalAidCase:
        user = self.users[actor]
        reg = kw.pop("registration", None) or registration(
            receiving_org=user.unit, groups=["migrant_worker"], service_type="legal_aid"
        )
        return services.do_register_application(
            services.Application(
                registration=reg, facts=facts or FACTS, source=kw.pop("source", Source.WINDOW), **kw
            ),
            actor=user,
        )

    def notify(
        self, *, facts: dict | None = None, notified_at: datetime.datetime | None = None
    ) -> LegalAidCase:
        return services.do_register_notification(
            services.Notification(
                registration=registration(
                    receiving_org=self.district.legal_aid_center,
                    service_type="legal_aid",
                    domain="criminal_defense",
                    name="李某某",
                    id_number="",
                    phone="",
                    address="",
                    title="通知辩护",
                ),
                facts=facts or NOTICE_FACTS,
                authority="court",
                authority_name="兰州市西固区人民法院",
                notice_number="(2026)甘0104刑初88号",
                notified_at=notified_at or timezone.now(),
            ),
            actor=self.users["legalaid"],
        )

    def step(
        self, case: LegalAidCase, code: str, *, who: str | None = None, **overrides: Any
    ) -> LegalAidCase:
        note, payload = self.arguments(code)
        note = overrides.pop("note", note)
        payload.update(overrides)
        actor = self.users[who] if who else self.actor(case, code)
        return services.do_advance_case(case, code, actor=actor, note=note, **payload)

    def to(self, stage: str, case: LegalAidCase | None = None) -> LegalAidCase:
        if stage == S.APPLIED:
            return case or self.apply()
        before, code = PATH[stage]
        case = self.to(before, case)
        if code == "deem_withdrawn":
            raise AssertionError("deemed withdrawal needs the clock")
        return self.step(case, code)


@pytest.fixture
def flow(district: Any) -> Flow:
    return Flow(district)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)
