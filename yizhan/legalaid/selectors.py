"""Scoped reads of legal-aid cases: a case is visible exactly when its matter is."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.accounts.models import User
from yizhan.core.errors import NotFound
from yizhan.legalaid.models import LegalAidCase
from yizhan.legalaid.states import CaseStage
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
    )
    late, near = [], []
    for case in cases.filter(due).distinct().order_by("decision_due", "assign_due"):
        running = current_due(case)
        (late if running is not None and running < today else near).append(case)
    return {"late": late, "near": near}


def current_due(case: LegalAidCase) -> datetime.date | None:
    """The due date of the clock that runs in the case's current stage."""
    if case.stage == S.UNDER_REVIEW:
        return case.decision_due
    if case.stage == S.GRANTED:
        return case.assign_due
    if case.stage == S.AWAITING_MATERIALS:
        return case.materials_due
    if case.stage == S.OBJECTION:
        pending = case.objections.filter(decided_at__isnull=True).order_by("due").first()
        return pending.due if pending else None
    return None
