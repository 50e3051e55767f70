"""Evaluate the Legal Aid Law's eligibility rules for a set of facts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from gettext import gettext as _
from typing import Any

from . import vocabulary as v
from .facts import Facts, FactsError
from .rules import RULES, Assessment
from .standards import Extension, Standard, extensions_for

ENGINE_VERSION = "2026.12"
CHINA = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
PUBLIC_KEYS = ("eligible", "outcome", "route", "economic_condition", "grounds", "missing", "explanation")
#: ``outcome`` tells apart what ``eligible`` alone cannot: ``needs_verification`` is eligible on the
#: facts given, but the economic condition applies and is not yet known (or, 第二十四条, the centre must
#: weigh other reasons) — the centre verifies it before deciding
ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not_eligible"
NEEDS_VERIFICATION = "needs_verification"
OUTCOMES = (ELIGIBLE, NOT_ELIGIBLE, NEEDS_VERIFICATION)


@dataclass(frozen=True)
class Decision:
    eligible: bool
    outcome: str
    route: str
    economic_condition: str
    grounds: list[str]
    missing: list[str]
    explanation: str
    notes: list[str] = field(default_factory=list)
    assignment_requirements: list[str] = field(default_factory=list)
    where_to_apply: str = ""
    provisional_aid: list[str] = field(default_factory=list)
    standard: dict[str, str] | None = None
    on_date: dt.date | None = None

    def to_public(self) -> dict[str, Any]:
        """Exactly the public contract of SPEC §5."""
        return {
            "eligible": self.eligible,
            "outcome": self.outcome,
            "route": self.route,
            "economic_condition": self.economic_condition,
            "grounds": list(self.grounds),
            "missing": list(self.missing),
            "explanation": self.explanation,
        }

    def to_snapshot(self) -> dict[str, Any]:
        """Everything, JSON-able: what a case stores so the decision can be explained later."""
        return {
            **self.to_public(),
            "economic_condition_label": v.ECONOMIC_CONDITIONS[self.economic_condition],
            "notes": list(self.notes),
            "assignment_requirements": list(self.assignment_requirements),
            "where_to_apply": self.where_to_apply,
            "provisional_aid": list(self.provisional_aid),
            "standard": self.standard,
            "on_date": self.on_date.isoformat() if self.on_date else None,
            "engine_version": ENGINE_VERSION,
        }


def evaluate(
    data: Mapping[str, Any] | Facts,
    *,
    standards: Iterable[Standard] = (),
    extensions: Iterable[Extension] = (),
    on_date: dt.date | None = None,
) -> Decision:
    """Decide eligibility for ``data`` (the contract's JSON object, or validated ``Facts``) with the
    hardship standards and scope extensions in force in its region on ``on_date`` (default today).

    Raises ``FactsError`` naming each bad field."""
    on = on_date or dt.datetime.now(CHINA).date()
    if isinstance(data, Facts):
        facts = data
        active = extensions_for(extensions, facts.region, on)
    else:
        if not isinstance(data, Mapping):
            raise FactsError({"facts": _("应为一个对象（JSON object）。")})
        region = data.get("region") if isinstance(data.get("region"), str) else ""
        active = extensions_for(extensions, region or "", on)
        facts = Facts.from_dict(data, extensions=active)
    a = Assessment(facts=facts, on_date=on, standards=list(standards), extensions=active)
    for r in RULES:
        r.apply(a)
    # not being in hardship bars only where no other way is open (第二十四条, an unresolved exemption)
    open_question = a.other_reasons or a.exemption_unresolved
    eligible = bool(a.in_scope) and not a.refusal and (a.hardship is not False or open_question)
    lines = list(a.reasons) + list(a.refusal) + list(a.notes)
    if not eligible:
        outcome = NOT_ELIGIBLE
    elif a.economic_condition == "required" and a.hardship is not True:
        outcome = NEEDS_VERIFICATION
    else:
        outcome = ELIGIBLE
    if outcome == ELIGIBLE and a.notified:
        lines.insert(0, _("结论：属于应当通知法律援助机构指派律师的情形。"))
    elif outcome == ELIGIBLE:
        lines.insert(0, _("结论：符合法律援助条件，可以申请法律援助。"))
    elif outcome == NEEDS_VERIFICATION and a.other_reasons:
        lines.insert(
            0,
            _(
                "结论：可以申请法律援助；因经济困难或者其他原因没有委托辩护人的，由法律援助机构审查后决定（第二十四条）。"
            ),
        )
    elif outcome == NEEDS_VERIFICATION and a.exemption_unresolved:
        lines.insert(0, _("结论：申请事项属于法律援助范围；请选择具体事项，以确定是否免予核查经济困难状况。"))
    elif outcome == NEEDS_VERIFICATION:
        lines.insert(0, _("结论：申请事项属于法律援助范围，经核查经济困难的，可以获得法律援助。"))
    else:
        lines.insert(0, _("结论：不符合法律援助条件。"))
    if eligible and a.where_to_apply:
        lines.append(a.where_to_apply)
    return Decision(
        eligible=eligible,
        outcome=outcome,
        route=a.route,
        economic_condition=a.economic_condition,
        grounds=list(a.grounds),
        missing=list(a.materials) if eligible else [],
        explanation="\n".join(lines),
        notes=list(a.notes),
        assignment_requirements=list(a.assignment_requirements),
        where_to_apply=a.where_to_apply if eligible else "",
        provisional_aid=list(a.provisional_aid) if eligible else [],
        standard=a.standard.as_dict() if a.standard else None,
        on_date=on,
    )
