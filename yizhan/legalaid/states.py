"""The legal-aid case lifecycle: each step with the article of 法律援助法 that governs it.

The case stage is the legal-aid view; the service matter it hangs on moves along in step (transfer to
the centre at pre-check, accept at receipt, transfer to the aid worker at assignment, conclude at
decision-to-refuse / closing / termination), so ledgers, statistics and the citizen's query code see
one record. ``yizhan.legalaid.services.do_advance_case`` is the only function that takes a step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


class CaseStage(models.TextChoices):
    APPLIED = "applied", _("已申请，待初审")
    FORWARDED = "forwarded", _("初审通过，待法律援助机构接收")
    REFERRED = "referred", _("已告知向有管辖权的机构申请")
    UNDER_REVIEW = "under_review", _("审查中")
    AWAITING_MATERIALS = "awaiting_materials", _("待补充材料")
    GRANTED = "granted", _("决定给予，待指派")
    REFUSED = "refused", _("决定不予法律援助")
    ASSIGNED = "assigned", _("已指派，承办中")
    CLOSED = "closed", _("已结案")
    TERMINATED = "terminated", _("已终止")
    OBJECTION = "objection", _("异议审查中")
    WITHDRAWN = "withdrawn", _("已撤回")
    ARCHIVED = "archived", _("已归档")


S = CaseStage


@dataclass(frozen=True)
class Step:
    code: str
    label: StrOrPromise
    sources: frozenset[str]
    target: str
    permission: str
    article: str  # the article the step rests on, shown beside the action


def _s(code: str, label: StrOrPromise, sources: set[str], target: str, permission: str, article: str) -> Step:
    return Step(code, label, frozenset(sources), target, permission, article)


REVIEW = "legalaid.review_application"
DECIDE = "legalaid.decide_application"
HANDLE = "legalaid.handle_case"
OBJECTION = "legalaid.decide_objection"

STEPS: dict[str, Step] = {
    s.code: s
    for s in (
        _s("precheck_pass", _("初审通过并转交"), {S.APPLIED}, S.FORWARDED, REVIEW, "法律援助法第三十八条"),
        _s(
            "precheck_refer",
            _("告知向有管辖权的机构申请"),
            {S.APPLIED},
            S.REFERRED,
            REVIEW,
            "法律援助法第三十八条",
        ),
        _s("receive", _("接收申请"), {S.FORWARDED}, S.UNDER_REVIEW, DECIDE, "法律援助法第四十三条第一款"),
        _s(
            "request_materials",
            _("一次性告知补充材料"),
            {S.UNDER_REVIEW},
            S.AWAITING_MATERIALS,
            DECIDE,
            "法律援助法第四十三条第二款",
        ),
        _s(
            "materials_supplied",
            _("材料已补齐"),
            {S.AWAITING_MATERIALS},
            S.UNDER_REVIEW,
            DECIDE,
            "法律援助法第四十三条第二款",
        ),
        _s(
            "deem_withdrawn",
            _("未按期补充材料，视为撤回"),
            {S.AWAITING_MATERIALS},
            S.WITHDRAWN,
            DECIDE,
            "法律援助法第四十三条第二款",
        ),
        _s(
            "provide_provisionally",
            _("先行提供法律援助"),
            {S.UNDER_REVIEW, S.AWAITING_MATERIALS},
            S.GRANTED,
            DECIDE,
            "法律援助法第四十四条",
        ),
        _s("grant", _("决定给予法律援助"), {S.UNDER_REVIEW}, S.GRANTED, DECIDE, "法律援助法第四十三条第一款"),
        _s(
            "refuse", _("决定不予法律援助"), {S.UNDER_REVIEW}, S.REFUSED, DECIDE, "法律援助法第四十三条第一款"
        ),
        _s(
            "assign",
            _("指派承办人员"),
            {S.GRANTED},
            S.ASSIGNED,
            DECIDE,
            "法律援助法第四十三条第一款、第二十六条",
        ),
        _s("close", _("结案"), {S.ASSIGNED}, S.CLOSED, HANDLE, "法律援助法第五十条"),
        _s(
            "terminate",
            _("终止法律援助"),
            {S.GRANTED, S.ASSIGNED},
            S.TERMINATED,
            DECIDE,
            "法律援助法第四十八条",
        ),
        _s("object", _("提出异议"), {S.REFUSED, S.TERMINATED}, S.OBJECTION, DECIDE, "法律援助法第四十九条"),
        _s("uphold", _("维持原决定"), {S.OBJECTION}, S.REFUSED, OBJECTION, "法律援助法第四十九条第二款"),
        _s("correct", _("责令改正"), {S.OBJECTION}, S.UNDER_REVIEW, OBJECTION, "法律援助法第四十九条第二款"),
        _s(
            "withdraw",
            _("申请人撤回申请"),
            {S.APPLIED, S.FORWARDED, S.UNDER_REVIEW, S.AWAITING_MATERIALS},
            S.WITHDRAWN,
            REVIEW,
            "法律援助法第四十三条",
        ),
        _s(
            "archive",
            _("归档"),
            {S.CLOSED, S.REFUSED, S.TERMINATED, S.WITHDRAWN, S.REFERRED},
            S.ARCHIVED,
            DECIDE,
            "法律援助法第五十条",
        ),
    )
}

# after an objection about a termination is upheld the case returns to "terminated", not "refused"
OBJECTION_RETURNS = {"refusal": S.REFUSED, "termination": S.TERMINATED}
# an order to correct a refusal sends the application back to review; one that sets a termination aside
# restores the aid, to be assigned again
OBJECTION_CORRECTS = {"refusal": S.UNDER_REVIEW, "termination": S.GRANTED}

TERMINATION_REASONS = [
    ("1", _("受援人以欺骗或者其他不正当手段获得法律援助")),
    ("2", _("受援人故意隐瞒与案件有关的重要事实或者提供虚假证据")),
    ("3", _("受援人利用法律援助从事违法活动")),
    ("4", _("受援人的经济状况发生变化，不再符合法律援助条件")),
    ("5", _("案件终止审理或者已经被撤销")),
    ("6", _("受援人自行委托律师或者其他代理人")),
    ("7", _("受援人有正当理由要求终止法律援助")),
    ("8", _("法律法规规定的其他情形")),
]

PROVISIONAL_REASONS = [
    ("1", _("距法定时效或者期限届满不足七日，需要及时提起诉讼或者申请仲裁、行政复议")),
    ("2", _("需要立即申请财产保全、证据保全或者先予执行")),
    ("3", _("法律、法规、规章规定的其他情形")),
]

CLOSING_MATERIALS = [
    ("documents", _("有关法律文书的副本或者复印件")),
    ("report", _("办理情况报告")),
    ("recipient_opinion", _("受援人意见")),
    ("evidence", _("证据材料目录")),
]


def _validate() -> None:
    stages = set(S)
    for step in STEPS.values():
        unknown = (set(step.sources) | {step.target}) - stages
        if unknown:
            raise ValueError(f"step {step.code} names unknown stages {unknown}")
        if not step.article.startswith("法律援助法第"):
            raise ValueError(f"step {step.code} has no article")


_validate()


def available_steps(stage: str) -> list[Step]:
    return [step for step in STEPS.values() if stage in step.sources]
