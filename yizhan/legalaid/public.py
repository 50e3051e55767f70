"""What a citizen reads about a legal-aid case when tracking its matter by query code.

The matter's own account (its states, its transfers, the service type's time limit) would tell the
applicant a second story beside the case's: the matter is transferred when the station forwards the
application and again when the centre assigns the lawyer, and its "预计办结" is the service type's
time limit, not a statutory date. So for a matter with a legal-aid case, ``refine_public_status``
(connected to ``matters.signals.public_status_ready``) puts in its place one stage — the case's —,
the case's steps once each with the article under the law's full name, what the applicant waits for
next, and what to bring. The lawyer, the progress addressed to the applicant and the statutory
deadlines are in ``selectors.public_summary`` (the legal-aid section of the page)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yizhan.legalaid import selectors
from yizhan.legalaid.models import LegalAidCase
from yizhan.legalaid.states import CaseStage
from yizhan.matters.models import EventCode, Matter
from yizhan.matters.public import PublicContact, PublicOutcome, PublicStatus, Step
from yizhan.rules import legal_aid as rules

S = CaseStage
#: the matter's own steps the case does not tell: the citizen's feedback, rating and the follow-up
MATTER_STEPS_KEPT = frozenset({EventCode.FEED_BACK, EventCode.FOLLOW_UP, EventCode.RATE})
#: legal-aid lines that are not steps of the case (progress has a section of its own)
NOT_STEPS = frozenset({"progress"})
BEFORE_DECISION = (S.APPLIED, S.FORWARDED, S.UNDER_REVIEW)


def refine_public_status(sender: Any, *, matter: Matter, status: PublicStatus, **kwargs: Any) -> None:
    """Receiver of ``public_status_ready``: one account of a legal-aid matter."""
    case = selectors.case_of_matter(matter)
    if case is None:
        return
    steps = [s for s in status.steps if s.code in MATTER_STEPS_KEPT]
    for event in selectors.event_log(case):
        if event.data.get("step") in NOT_STEPS or not event.data.get("label"):
            continue
        article = rules.with_law_names(str(event.data.get("article", "")))
        steps.append(Step(str(event.data["label"]), event.at, article, code=EventCode.LEGAL_AID))
    steps.sort(key=lambda s: s.at or matter.registered_at)
    coming = _step_to_come(case)
    if coming is not None:
        steps.append(coming)
    status.steps = steps
    status.state_label = case.get_stage_display()
    status.due_date = None  # the statutory dates are the case's (public_summary), not a time limit
    status.guidance = _guidance(case)
    if status.outcome is not None:
        _tell_the_case_outcome(case, status.outcome)


def _tell_the_case_outcome(case: LegalAidCase, outcome: PublicOutcome) -> None:
    """The matter's outcome in the case's words: a closed case is done (its matter's outcome
    "aid granted" would tell the applicant a lawyer is still to be assigned), and the unit to ask is
    the legal-aid centre, not the station that took the application in."""
    outcome.contact = PublicContact.of(case.centre)
    # the centre's generic list of what to bring (with the hardship statement) is not this case's
    outcome.contact.guidance = ""
    outcome.contact_role = _("有疑问请联系")
    if case.closed_at is not None:
        outcome.label = _("法律援助已办结")
        outcome.summary = _(
            "承办律师已办结您的法律援助事项，并向法律援助机构提交了结案材料（法律援助法第五十条）。"
        )
        outcome.next_steps = [
            _(
                "对法律援助服务有意见的，可以向法律援助机构反映；法律援助机构、法律援助人员未依法履行职责的，"
                "可以向司法行政部门投诉（法律援助法第五十五条）。"
            )
        ]


def _date(day: datetime.date) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


#: what the applicant waits for in each open stage (the dates are in the legal-aid section)
WAITING_FOR = {
    S.APPLIED: gettext_lazy("等待服务站初审后转交法律援助机构"),
    S.FORWARDED: gettext_lazy("等待法律援助机构接收申请"),
    S.UNDER_REVIEW: gettext_lazy("等待法律援助机构作出是否给予法律援助的决定"),
    S.AWAITING_MATERIALS: gettext_lazy("等待您补充材料（补充期间审查期限暂停计算）"),
    S.GRANTED: gettext_lazy("等待法律援助机构指派律师"),
    S.ASSIGNED: gettext_lazy("律师承办中，办结后将通知您"),
    S.OBJECTION: gettext_lazy("异议审查中，司法行政部门作出决定后将通知您"),
}


def _step_to_come(case: LegalAidCase) -> Step | None:
    waiting = WAITING_FOR.get(CaseStage(case.stage))
    return Step(str(waiting), None, done=False) if waiting else None


def _guidance(case: LegalAidCase) -> str:
    """What to bring or supply now: the one-time list of the application (第四十三条第二款) — for a
    migrant worker's wage claim without the hardship statement (第四十二条) — or what was asked for."""
    if case.stage == S.AWAITING_MATERIALS and case.materials_requested:
        return _("请在%(due)s前补充：%(items)s（第四十三条第二款）。") % {
            "due": _date(case.materials_due) if case.materials_due else "",
            "items": "、".join(case.materials_requested),
        }
    missing = list(case.eligibility.get("missing") or [])
    if case.stage in BEFORE_DECISION and missing:
        return _("法律援助机构审查时需要的材料：%(items)s。") % {"items": "、".join(missing)}
    return ""
