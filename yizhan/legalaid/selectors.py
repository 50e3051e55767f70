"""Scoped reads of legal-aid cases: a case is visible exactly when its matter is."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.accounts.models import User
from yizhan.core.errors import NotFound
from yizhan.legalaid.models import LegalAidCase
from yizhan.legalaid.states import CaseStage
from yizhan.matters.models import Matter
from yizhan.matters.selectors import visible_matters

S = CaseStage
OPEN_STAGES = (
    S.APPLIED,
    S.FORWARDED,
    S.UNDER_REVIEW,
    S.AWAITING_MATERIALS,
    S.GRANTED,
    S.ASSIGNED,
    S.OBJECTION,
)


def visible_cases(user: User) -> QuerySet[LegalAidCase]:
    return LegalAidCase.objects.filter(matter__in=visible_matters(user)).select_related(
        "matter", "matter__receiving_org", "matter__current_org", "centre", "assignee", "assignee__org"
    )


def access_case(user: User, number: str) -> LegalAidCase:
    case = visible_cases(user).filter(Q(number=number) | Q(matter__number=number)).first()
    if case is None:
        raise NotFound(_("案件不存在。"))
    return case


def clock_lists(
    user: User, today: datetime.date | None = None, horizon: int = 2
) -> dict[str, list[LegalAidCase]]:
    """Cases whose decision, assignment or materials clock is near or past its due date."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=horizon)
    cases = visible_cases(user)
    due = (
        Q(stage=S.UNDER_REVIEW, decision_due__lte=soon)
        | Q(stage=S.GRANTED, assign_due__lte=soon)
        | Q(stage=S.AWAITING_MATERIALS, materials_due__lte=soon)
        | Q(stage=S.OBJECTION, objections__decided_at__isnull=True, objections__due__lte=soon)
        | Q(
            stage__in=(S.GRANTED, S.ASSIGNED),
            provisional=True,
            materials_supplied_at__isnull=True,
            formalities_due__lte=soon,
        )
    )
    late: list[tuple[datetime.date, int, LegalAidCase]] = []
    near: list[tuple[datetime.date, int, LegalAidCase]] = []
    for case in cases.filter(due).distinct():
        running = running_clock(case)
        if running is None or running[0] > soon:
            continue
        # the list shows the clock that runs out first, with its article
        case.running_due, case.running_label, case.running_article = running  # type: ignore[attr-defined]
        (late if running[0] < today else near).append((running[0], case.pk, case))
    return {"late": [c for *_, c in sorted(late)], "near": [c for *_, c in sorted(near)]}


def running_clocks(case: LegalAidCase) -> list[tuple[datetime.date, str, str]]:
    """(due, label, article) of every statutory clock running on the case in its current stage."""
    running = []
    if case.stage == S.UNDER_REVIEW and case.decision_due:
        running.append((case.decision_due, _("审查决定"), "法律援助法第四十三条第一款"))
    if case.stage == S.GRANTED and case.assign_due:
        article = "法律援助法第三十六条" if case.route == "notification" else "法律援助法第四十三条第一款"
        running.append((case.assign_due, _("指派"), article))
    if case.stage == S.AWAITING_MATERIALS and case.materials_due:
        running.append((case.materials_due, _("补充材料"), "法律援助法第四十三条第二款"))
    if case.stage == S.OBJECTION:
        pending = case.objections.filter(decided_at__isnull=True).order_by("due").first()
        if pending is not None:
            running.append((pending.due, _("异议审查"), "法律援助法第四十九条第二款"))
    if (
        case.provisional
        and case.stage in (S.GRANTED, S.ASSIGNED)
        and case.materials_supplied_at is None
        and case.formalities_due
    ):
        running.append((case.formalities_due, _("补办手续"), "法律援助法第四十四条第二款"))
    return sorted(running)


def running_clock(case: LegalAidCase) -> tuple[datetime.date, str, str] | None:
    """The running clock that runs out first."""
    running = running_clocks(case)
    return running[0] if running else None


def current_due(case: LegalAidCase) -> datetime.date | None:
    """The due date of the clock that runs out first in the case's current stage."""
    running = running_clock(case)
    return running[0] if running else None


def public_summary(matter: Matter) -> dict[str, Any] | None:
    """What the applicant sees by query code about the legal-aid case (SPEC §5): the stage, the dates
    and the statutory deadlines now running, with their articles — never names, numbers or reasons."""
    case = LegalAidCase.objects.filter(matter=matter).first()
    if case is None:
        return None
    dates: list[dict[str, Any]] = []

    def on(label: str, moment: datetime.datetime | None, article: str = "") -> None:
        if moment is not None:
            dates.append({"label": label, "date": timezone.localtime(moment).date(), "article": article})

    on(_("法律援助机构收到申请"), case.received_at, "法律援助法第四十三条第一款")
    on(_("一次性告知补充材料"), case.materials_requested_at, "法律援助法第四十三条第二款")
    if case.provisional:
        on(_("先行提供法律援助"), case.decided_at, "法律援助法第四十四条")
    if case.decision:
        on(str(case.get_decision_display()), case.decided_at, "法律援助法第四十三条第一款")
    on(_("已指派法律援助人员"), case.assigned_at, "")
    on(_("已结案"), case.closed_at, "法律援助法第五十条")
    on(_("已终止法律援助"), case.terminated_at, "法律援助法第四十八条")
    running = [
        {"label": label, "due": due, "article": article} for due, label, article in running_clocks(case)
    ]
    return {
        "stage": case.get_stage_display(),
        "route": case.get_route_display(),
        "dates": sorted(dates, key=lambda d: d["date"]),
        "running": running,
    }


def eligibility_answer(facts: dict[str, Any], *, on_date: datetime.date | None = None) -> dict[str, Any]:
    """The eligibility engine's answer in the public contract of SPEC §5 (as the public endpoint gives
    it), for other modules that want to tell a citizen whether legal aid may apply."""
    from yizhan.legalaid.eligibility import public

    return public(facts, on_date=on_date)
